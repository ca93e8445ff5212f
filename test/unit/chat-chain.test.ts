// The hash chain's batch authentication (docs/HASH-CHAIN.md) with real Ed25519 keys and real
// envelopes: how many signatures are checked, and what a hostile batch gets through (nothing).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { sealText, parseEnvelope, verifySigned, DOMAINS } from '../../src/core/wire/envelope'
import { authenticateChains, chainHash, type ChainItem } from '../../src/core/chat/chain'
import { chatPayloadSchema, type ChatPayload } from '../../src/core/chat/message'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Storage } from '../../src/core/storage'
import { ChatLog } from '../../src/core/chat/log'

const conferenceId = 'c'.repeat(22)

async function author (): Promise<{ key: PrivateKey, id: string }> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() }
}

/**
 * n chained messages of one author from sequence `from` (prev linked to `prev` for the first).
 * With `forger`, signed by that key but naming the author as their signer (forgeries).
 */
function chain (a: { key: PrivateKey, id: string }, from: number, n: number, prev?: string, body = 'hello', forger?: PrivateKey): string[] {
  const out: string[] = []
  for (let seq = from; seq < from + n; seq++) {
    const payload: ChatPayload = { conferenceId, author: a.id, seq, lamport: seq, sentAt: 1, kind: 'text', body: `${body} ${seq}`, ...(prev != null ? { prev } : {}) }
    const env = forger == null ? sealText(a.key, DOMAINS.chat, payload) : JSON.stringify({ ...JSON.parse(sealText(forger, DOMAINS.chat, payload)), s: a.id })
    out.push(env)
    prev = chainHash(env)
  }
  return out
}

/** Replaces a message's body, keeping its signature (which then no longer holds). */
function altered (envelope: string, body: string): string {
  const env = JSON.parse(envelope)
  env.p = JSON.stringify({ ...JSON.parse(env.p), body })
  return JSON.stringify(env)
}

async function run (envelopes: string[], held: Map<string, string> = new Map()): Promise<{ ok: boolean[], checked: number[] }> {
  const parsed = envelopes.map(e => parseEnvelope(e, DOMAINS.chat, chatPayloadSchema))
  const items: ChainItem[] = parsed.map((p, i) => ({ author: p.payload.author, seq: p.payload.seq, prev: p.payload.prev, hash: chainHash(envelopes[i]) }))
  const checked: number[] = []
  const ok = await authenticateChains(items, (a, seq) => held.get(`${a}/${seq + 1}`), async idx => {
    checked.push(...idx)
    return await Promise.all(idx.map(async i => await verifySigned(parsed[i].signed)))
  })
  return { ok, checked }
}

describe('hash-chained messages', () => {
  it('a chain of 200 messages is authenticated by one signature check, in any order', async () => {
    const a = await author()
    const msgs = chain(a, 1, 200)
    const shuffled = [...msgs].reverse()
    const { ok, checked } = await run(shuffled)
    assert.ok(ok.every(Boolean))
    assert.deepEqual(checked, [0], 'only the newest (first in the reversed batch) is checked')
  })

  it('two authors, two chains: two checks', async () => {
    const [a, b] = [await author(), await author()]
    const { ok, checked } = await run([...chain(a, 1, 50), ...chain(b, 1, 50)])
    assert.ok(ok.every(Boolean))
    assert.equal(checked.length, 2)
  })

  it('a batch whose newest message is validly signed but an older one altered: the altered one is refused, the rest taken', async () => {
    const a = await author()
    const msgs = chain(a, 1, 10)
    msgs[4] = altered(msgs[4], 'forged 5')
    const { ok, checked } = await run(msgs)
    assert.deepEqual(ok.map((v, i) => v ? i : -1).filter(i => i < 0).length, 1)
    assert.equal(ok[4], false, 'the altered message is refused')
    // 10 vouches 9..6; 5's successor names another hash, so 5 (altered) and 4 (its chain broken above) stand alone.
    assert.deepEqual([...checked].sort((x, y) => x - y), [3, 4, 9])
  })

  it('a forged chain spliced onto a real one: nothing forged gets through, the real chain is still taken', async () => {
    const a = await author()
    const mallory = await author()
    const real = chain(a, 1, 10)
    // Forged messages "by" a, linked to the real chain's last, signed with another key.
    const forged = chain(a, 11, 5, chainHash(real[9]), 'forged', mallory.key)
    const { ok, checked } = await run([...real, ...forged])
    assert.deepEqual(ok, [...real.map(() => true), ...forged.map(() => false)])
    assert.ok(checked.length <= 15 && checked.includes(14) && checked.includes(9), `the forged top and then the real top are checked (${checked.join(',')})`)
  })

  it('a held successor vouches for a late predecessor; a predecessor it does not name needs its own signature', async () => {
    const a = await author()
    const msgs = chain(a, 1, 3)
    const held = new Map([[`${a.id}/3`, JSON.parse(JSON.parse(msgs[2]).p).prev as string]])
    const vouched = await run([msgs[1]], held)
    assert.deepEqual(vouched, { ok: [true], checked: [] })
    const other = chain(a, 2, 1, chainHash(msgs[0]), 'another version')
    const alone = await run([other[0]], held)
    assert.deepEqual(alone, { ok: [true], checked: [0] }, 'validly signed: taken, checked')
    const forged = await run([altered(msgs[1], 'forged')], held)
    assert.deepEqual(forged, { ok: [false], checked: [0] })
  })

  it('a huge forged chain costs at most one check per message, in a bounded number of rounds', async () => {
    const a = await author()
    const mallory = await author()
    const forged = chain(a, 1, 1000, undefined, 'forged', mallory.key)
    const parsed = forged.map(e => parseEnvelope(e, DOMAINS.chat, chatPayloadSchema))
    const items = parsed.map((p, i) => ({ author: p.payload.author, seq: p.payload.seq, prev: p.payload.prev, hash: chainHash(forged[i]) }))
    let rounds = 0
    const seen = new Set<number>()
    const ok = await authenticateChains(items, () => undefined, async idx => {
      rounds++
      for (const i of idx) { assert.ok(!seen.has(i), 'no message is checked twice'); seen.add(i) }
      return await Promise.all(idx.map(async i => await verifySigned(parsed[i].signed)))
    })
    assert.ok(ok.every(v => !v))
    assert.equal(seen.size, 1000)
    assert.ok(rounds <= 5, `${rounds} rounds`)
  })

  it('a stored log from before the chain loads as a legacy chain; a chained message after it is no fork, an unchained one after a chained one is', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devmeet-chain-'))
    try {
      const a = await author()
      // legacy: no prev at all (as signed before the chain existed)
      const legacyLines = [1, 2, 3].map((_, i) => sealText(a.key, DOMAINS.chat, { conferenceId, author: a.id, seq: i + 1, lamport: i + 1, sentAt: 1, kind: 'text', body: `legacy ${i + 1}` }))
      const chained = chain(a, 4, 2, chainHash(legacyLines[2]))
      const [unchained] = chain(a, 6, 1)
      const file = path.join(dir, 'chat', `${conferenceId}.log`)
      await fs.mkdir(path.dirname(file), { recursive: true })
      await fs.writeFile(file, [...legacyLines, ...chained, unchained].join('\n') + '\n')
      const log = new ChatLog(new Storage(dir), conferenceId)
      assert.equal(await log.load(), 0)
      assert.deepEqual(log.messages().map(m => [m.payload.seq, m.forked === true]), [[1, false], [2, false], [3, false], [4, false], [5, false], [6, true]])
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })

  it('a fork mark follows the version held: a late predecessor that the next message does not name marks it, and is reported', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devmeet-chain-'))
    try {
      const a = await author()
      const [one] = chain(a, 1, 1)
      const [twoA] = chain(a, 2, 1, chainHash(one), 'A')
      const [twoB] = chain(a, 2, 1, chainHash(one), 'B')
      const [three] = chain(a, 3, 1, chainHash(twoA), 'after A')
      const held = (e: string): { payload: ChatPayload, envelope: string } => ({ payload: chatPayloadSchema.parse(JSON.parse(JSON.parse(e).p)), envelope: e })
      const log = new ChatLog(new Storage(dir), conferenceId)
      await log.load()
      await log.append(held(one))
      await log.append(held(three))
      assert.equal(log.get(a.id, 3)?.forked, undefined, 'no predecessor held: no fork')
      await log.append(held(twoB))
      assert.equal(log.get(a.id, 3)?.forked, true, 'B is held and 3 names A')
      assert.deepEqual(log.takeRemarked().map(m => m.payload.seq), [3], 'the third is to be shown again')
      const { held: kept } = await log.addVersion(held(twoA))
      const winsA = kept.envelope === twoA
      assert.equal(log.get(a.id, 3)?.forked === true, !winsA, 'the mark follows the version every peer keeps')
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })

  it('the schema refuses a first message naming a previous one and a malformed hash', async () => {
    const a = await author()
    const base = { conferenceId, author: a.id, lamport: 1, sentAt: 1, kind: 'text' as const, body: 'x' }
    assert.equal(chatPayloadSchema.safeParse({ ...base, seq: 1, prev: 'A'.repeat(43) }).success, false)
    assert.equal(chatPayloadSchema.safeParse({ ...base, seq: 2, prev: 'A'.repeat(44) }).success, false)
    assert.equal(chatPayloadSchema.safeParse({ ...base, seq: 2, prev: 'A'.repeat(43) }).success, true)
  })
})
