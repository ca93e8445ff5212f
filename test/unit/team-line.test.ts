import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MAX_TEAM_LINE_CHARS, TEAM_LINE_PREFIX, decodeTeamLine, encodeTeamLine } from '../../src/core/team-line'
import { TeamStore } from '../../src/core/teams'
import { Storage } from '../../src/core/storage'

const ids: string[] = []
before(async () => {
  for (let i = 0; i < 3; i++) ids.push(peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString())
})

const lineOf = (body: unknown): string => TEAM_LINE_PREFIX + Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8').toString('base64url')

function refused (line: unknown, reason: RegExp): void {
  const r = decodeTeamLine(line)
  assert.equal(r.ok, false, String(line).slice(0, 80))
  assert.match((r as { reason: string }).reason, reason)
}

describe('team line', () => {
  it('round-trips a team: name and members with their names', () => {
    const team = { name: 'Backend team', members: [{ peerId: ids[0], name: 'Ann' }, { peerId: ids[1], name: 'Ben' }] }
    const line = encodeTeamLine(team)
    assert.match(line, /^devmeet-team:[A-Za-z0-9_-]+$/)
    assert.deepEqual(decodeTeamLine(line), { ok: true, ...team })
    assert.deepEqual(decodeTeamLine(`  ${line}\n`), { ok: true, ...team }, 'surrounding blanks from a chat message are fine')
  })

  it('refuses what is not a team line, saying why', () => {
    refused(undefined, /Paste/)
    refused('', /starts with "devmeet-team:"/)
    refused('https://example.com/devmeet-team:abc', /starts with/)
    refused(`${TEAM_LINE_PREFIX}abc def`, /one line/)
    refused(`${TEAM_LINE_PREFIX}abc\ndevmeet-team:def`, /one line/)
    refused(`${TEAM_LINE_PREFIX}${'A'.repeat(MAX_TEAM_LINE_CHARS)}`, /too long/)
    refused(lineOf('not json'), /does not decode/)
    refused(TEAM_LINE_PREFIX + Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url'), /does not decode/)
    refused(lineOf({ v: 2, name: 'Future', members: [] }), /newer DevMeet/)
    refused(lineOf({ v: 1, name: 'x', members: [], extra: 1 }), /not a DevMeet team/)
    refused(lineOf({ v: 1, name: 'x', members: [{ id: ids[0], name: 'a', admin: true }] }), /not a DevMeet team/)
    refused(lineOf({ v: 1, name: '', members: [] }), /not a DevMeet team/)
    refused(lineOf({ v: 1, name: '\u200B\u202E', members: [] }), /no name/)
    refused(lineOf([1, 2, 3]), /not a DevMeet team/)
    refused(lineOf({ v: 1, name: 'x', members: 'all' }), /not a DevMeet team/)
  })

  it('refuses prototype keys, deep nesting, huge arrays and members that are not peer IDs', () => {
    refused(lineOf('{"__proto__":{"polluted":1},"v":1,"name":"x","members":[]}'), /not a DevMeet team/)
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    refused(lineOf('['.repeat(20_000) + ']'.repeat(20_000)), /not a DevMeet team|too long/)
    refused(lineOf({ v: 1, name: 'x', members: Array.from({ length: 201 }, () => ({ id: ids[0] })) }), /not a DevMeet team/)
    refused(lineOf({ v: 1, name: 'x', members: [{ id: ids[0] }, { id: 'QmNotReallyAPeerIdButLongEnoughToPassLength1234' }] }), /Member 2 .* not a peer ID/)
    refused(lineOf({ v: 1, name: 'x', members: [{ id: '1'.repeat(52) }] }), /not a peer ID/)
    refused(lineOf({ v: 1, name: 'x', members: [{ id: '../../etc/passwd' }] }), /not a peer ID/)
  })

  it('cleans hostile names and keeps each member once', () => {
    const r = decodeTeamLine(lineOf({
      v: 1,
      name: 'Back\u202Eend [x](command:workbench.action.terminal.new)\n',
      members: [{ id: ids[0], name: 'A\u0000nn\u200B' }, { id: ids[0], name: 'dup' }, { id: ids[1] }, { id: ids[2], name: 'x'.repeat(256) }]
    }))
    assert.ok(r.ok)
    assert.equal(r.name, 'Backend [x](command:workbench.action.terminal.new)', 'kept as text; the UI shows it through untrusted()')
    assert.deepEqual(r.members.map(m => m.name), ['Ann', 'Unnamed peer', 'x'.repeat(63) + '…'])
  })

  it('pasting into the store adds a new team and replaces nothing; a bad line changes nothing', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-teamline-'))
    try {
      const store = new TeamStore(new Storage(d))
      await store.load()
      const mine = store.create('Backend team', [{ peerId: ids[2], name: 'Cat' }])
      const pasted = store.importLine(encodeTeamLine({ name: 'Backend team', members: [{ peerId: ids[0], name: 'Ann' }] }))
      assert.equal(pasted.name, 'Backend team (2)')
      assert.deepEqual(store.get(mine.id)?.members, [{ peerId: ids[2], name: 'Cat' }])
      assert.throws(() => store.importLine(lineOf({ v: 1, name: 'x', members: [{ id: 'nope' }] })), /not a peer ID/)
      assert.equal(store.list().length, 2)
      assert.deepEqual(decodeTeamLine(store.line(mine.id)), { ok: true, name: 'Backend team', members: [{ peerId: ids[2], name: 'Cat' }] })
    } finally {
      rmSync(d, { recursive: true, force: true })
    }
  })
})
