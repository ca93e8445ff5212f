import { describe, it, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Storage } from '../../src/core/storage'
import { MAX_TEAMS, MAX_TEAM_MEMBERS, TeamStore, type TeamMember } from '../../src/core/teams'

const dirs: string[] = []
function dir (): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-teams-'))
  dirs.push(d)
  return d
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

const ids: string[] = []
before(async () => {
  for (let i = 0; i < 4; i++) ids.push(peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString())
})
const member = (i: number, name = `Peer ${i}`): TeamMember => ({ peerId: ids[i], name })

async function reopened (d: string): Promise<TeamStore> {
  const store = new TeamStore(new Storage(d))
  await store.load()
  return store
}

describe('team store (real files)', () => {
  it('creates, renames, adds, removes and deletes, and every change survives a restart in one 0600 file', async () => {
    const d = dir()
    const store = await reopened(d)
    let changes = 0
    store.onChange(() => { changes++ })
    const backend = store.create('Backend team', [member(0, 'Ann')])
    store.addMembers(backend.id, [member(1, 'Ben'), member(0, 'Annie')])
    const qa = store.create('QA')
    store.rename(qa.id, 'Quality')
    store.addMembers(qa.id, [member(2)])
    store.removeMember(backend.id, ids[1])
    const gone = store.create('Temporary')
    assert.equal(store.delete(gone.id), true)
    await store.flush()
    assert.ok(changes >= 7)
    assert.deepEqual(readdirSync(d), ['teams.json'])
    assert.equal(statSync(path.join(d, 'teams.json')).mode & 0o777, 0o600)
    const again = await reopened(d)
    assert.deepEqual(again.list().map(t => t.name), ['Backend team', 'Quality'])
    assert.deepEqual(again.get(backend.id)?.members, [{ peerId: ids[0], name: 'Annie' }])
    assert.deepEqual(again.get(qa.id)?.members, [{ peerId: ids[2], name: 'Peer 2' }])
  })

  it('gives a taken name a number instead of replacing a team, and cleans names like display names', async () => {
    const store = await reopened(dir())
    store.create('Backend')
    assert.equal(store.create('Backend').name, 'Backend (2)')
    assert.equal(store.create('\u202Eevil\u200B\n team ').name, 'evil team')
    assert.throws(() => store.create('  \u200B '), /name/)
    assert.equal(store.create('x'.repeat(500)).name.length, 64)
  })

  it('holds at most 100 teams and 200 members, refuses a member that is not a peer ID, and changes nothing then', async () => {
    const store = await reopened(dir())
    for (let i = 0; i < MAX_TEAMS; i++) store.create(`Team ${i}`)
    assert.throws(() => store.create('One more'), /100 teams/)
    const t = store.list()[0]
    assert.throws(() => store.addMembers(t.id, [{ peerId: 'not-a-peer-id', name: 'x' }]), /not a peer ID/)
    // a base58 string of the right length that is no multihash
    assert.throws(() => store.addMembers(t.id, [{ peerId: '1'.repeat(52), name: 'x' }]), /not a peer ID/)
    const many = Array.from({ length: MAX_TEAM_MEMBERS + 1 }, (_, i) => ({ peerId: ids[i % 4], name: 'x' }))
    assert.throws(() => store.addMembers(t.id, many), /at most 200/)
    assert.deepEqual(store.get(t.id)?.members, [])
    assert.throws(() => store.rename('no-such-team', 'x'), /no longer exists/)
  })

  it('keeps the good teams of a damaged file, leaves out the rest, and moves aside a file that is no teams list', async () => {
    const d = dir()
    const good = { id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'Good', members: [member(0)], createdAt: 1, updatedAt: 1 }
    const hostile = [
      { ...good, id: 'BBBBBBBBBBBBBBBBBBBBBB', members: [{ peerId: '<script>', name: 'x' }] },
      { ...good, id: 'CCCCCCCCCCCCCCCCCCCCCC', extra: true },
      JSON.parse('{"__proto__":{"polluted":true},"id":"DDDDDDDDDDDDDDDDDDDDDD","name":"P","members":[],"createdAt":1,"updatedAt":1}'),
      { ...good }
    ]
    writeFileSync(path.join(d, 'teams.json'), JSON.stringify({ version: 1, teams: [good, ...hostile] }))
    const store = new TeamStore(new Storage(d))
    assert.deepEqual(await store.load(), { skipped: 4 })
    assert.deepEqual(store.list().map(t => t.name), ['Good'])
    assert.equal(({} as Record<string, unknown>).polluted, undefined)

    const d2 = dir()
    writeFileSync(path.join(d2, 'teams.json'), '{"version": 1, "teams": [')
    const s2 = new TeamStore(new Storage(d2))
    const loaded = await s2.load()
    assert.ok(loaded.damaged != null)
    assert.deepEqual(s2.list(), [])
    assert.ok(readdirSync(d2).some(f => f.startsWith('teams.json.damaged') || f.includes('damaged')), readdirSync(d2).join(', '))
  })

  it('a failed write (disk full) keeps the old file whole and the teams in memory; the next write lands', async () => {
    const d = dir()
    const storage = new Storage(d)
    const store = new TeamStore(storage)
    await store.load()
    store.create('Before')
    await store.flush()
    const before = readFileSync(path.join(d, 'teams.json'), 'utf8')
    storage.writeFault = step => step === 'write' ? Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) : undefined
    store.create('During')
    await assert.rejects(store.flush())
    assert.equal(readFileSync(path.join(d, 'teams.json'), 'utf8'), before)
    assert.deepEqual(store.list().map(x => x.name), ['Before', 'During'])
    storage.writeFault = undefined
    await store.flush()
    assert.deepEqual((await reopened(d)).list().map(x => x.name), ['Before', 'During'])
  })
})
