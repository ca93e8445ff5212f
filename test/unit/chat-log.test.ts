import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { Storage } from '../../src/core/storage'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { ChatLog, type HeldMessage } from '../../src/core/chat/log'
import type { ChatPayload } from '../../src/core/chat/message'
import { preferredVersion } from '../../src/core/chat/equivocation'

const CONF = 'conf_AAAAAAAAAAAAAAAAAAAAAA'

async function signed (key: PrivateKey, seq: number, lamport = seq, body = `message ${seq}`): Promise<HeldMessage> {
  const payload: ChatPayload = { conferenceId: CONF, author: peerIdFromPrivateKey(key).toString(), seq, lamport, sentAt: 1_700_000_000_000, kind: 'text', body }
  return { payload, envelope: new TextDecoder().decode(await seal(key, DOMAINS.chat, payload)) }
}

describe('chat log', () => {
  let dir: string
  let storage: Storage
  let key: PrivateKey
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devmeet-chatlog-'))
    storage = new Storage(dir)
    key = await generateKeyPair('Ed25519')
  })
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }) })

  it('reloads what was appended, in display order', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    await Promise.all([await signed(key, 1), await signed(key, 2), await signed(key, 3)].map(m => log.append(m)))
    const again = new ChatLog(storage, CONF)
    assert.equal(await again.load(), 0)
    assert.deepEqual(again.messages().map(m => m.payload.seq), [1, 2, 3])
    assert.deepEqual(again.summary(), { [peerIdFromPrivateKey(key).toString()]: 3 })
  })

  it('writes many concurrent appends in few disk writes (group commit)', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    let writes = 0
    const real = storage.appendLines.bind(storage)
    storage.appendLines = async (name, lines, opts) => { writes++; await real(name, lines, opts) }
    let syncs = 0
    const realSync = storage.syncFile.bind(storage)
    storage.syncFile = async (name) => { syncs++; await realSync(name) }
    const msgs = await Promise.all(Array.from({ length: 200 }, (_, i) => signed(key, i + 1)))
    await Promise.all(msgs.map(m => log.append(m)))
    await log.synced()
    assert.equal(log.size, 200)
    assert.ok(writes <= 3, `${writes} writes for 200 messages`)
    assert.ok(syncs >= 1 && syncs <= 3, `${syncs} disk syncs for 200 messages`)
  })

  it('holds a message once written; synced() waits for the disk, and a failed sync rejects it without losing the line', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    let release: () => void = () => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    const realSync = storage.syncFile.bind(storage)
    storage.syncFile = async (name) => { await gate; await realSync(name) }
    assert.equal(await log.append(await signed(key, 1)), true)
    assert.equal(log.size, 1, 'held (and shown) before the disk sync')
    let synced = false
    const pending = log.synced().then(() => { synced = true })
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(synced, false, 'synced() waits for the sync')
    release()
    await pending
    assert.equal(synced, true)

    storage.writeFault = step => step === 'sync' ? Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }) : undefined
    assert.equal(await log.append(await signed(key, 2)), true)
    await assert.rejects(log.synced(), /EIO/)
    storage.writeFault = undefined
    const again = new ChatLog(new Storage(dir), CONF)
    await again.load()
    assert.deepEqual(again.messages().map(m => m.payload.seq), [1, 2], 'the written line is in the file')
  })

  it('skips garbage in the middle and a torn last line, loads the rest, and keeps appending safely', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    for (const seq of [1, 2]) await log.append(await signed(key, seq))
    const third = await signed(key, 3)
    const file = path.join(dir, 'chat', `${CONF}.log`)
    await fs.appendFile(file, 'not json at all\n{"k":"devmeet/chat/1","s":"x"}\n')
    await log.append(third)
    const fourth = await signed(key, 4)
    await fs.appendFile(file, fourth.envelope.slice(0, 50)) // a crash mid-write: no newline
    const reloaded = new ChatLog(storage, CONF)
    assert.equal(await reloaded.load(), 3)
    assert.deepEqual(reloaded.messages().map(m => m.payload.seq), [1, 2, 3])
    // The next process appends after the torn line without losing its own message.
    await reloaded.append(await signed(key, 5))
    const third2 = new ChatLog(storage, CONF)
    await third2.load()
    assert.deepEqual(third2.messages().map(m => m.payload.seq), [1, 2, 3, 5])
  })

  it('refuses a line of another conference or whose author is not the signer', async () => {
    const other = await generateKeyPair('Ed25519')
    const forgedPayload = { ...(await signed(key, 1)).payload }
    const forged = new TextDecoder().decode(await seal(other, DOMAINS.chat, forgedPayload))
    const foreign = new TextDecoder().decode(await seal(key, DOMAINS.chat, { ...forgedPayload, conferenceId: 'conf_BBBBBBBBBBBBBBBBBBBBBB' }))
    await fs.mkdir(path.join(dir, 'chat'))
    await fs.writeFile(path.join(dir, 'chat', `${CONF}.log`), `${forged}\n${foreign}\n${(await signed(key, 2)).envelope}\n`)
    const log = new ChatLog(storage, CONF)
    assert.equal(await log.load(), 2)
    assert.deepEqual(log.messages().map(m => m.payload.seq), [2])
  })

  it('holds a message once however often it is appended', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    const m = await signed(key, 1)
    assert.deepEqual(await Promise.all([log.append(m), log.append(m)]), [true, false])
    assert.equal(await log.append(m), false)
    assert.equal(log.size, 1)
  })
  it('keeps the preferred of two versions of one message (smaller SHA-256), marked, in memory and after a reload', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    const a = await signed(key, 1, 1, 'version A')
    const b = await signed(key, 1, 5, 'version B')
    const winner = preferredVersion(a.envelope, b.envelope) === a.envelope ? a : b
    assert.equal(await log.append(a), true)
    const digestBefore = log.digestOf(a.payload.author)
    const { held, replaced } = await log.addVersion(b)
    assert.equal(held.envelope, winner.envelope)
    assert.equal(replaced, winner === b)
    assert.equal(held.equivocated, true)
    assert.equal(log.size, 1)
    assert.equal(log.messages()[0].envelope, winner.envelope)
    if (winner === b) assert.notEqual(log.digestOf(a.payload.author), digestBefore, 'the digest follows the version held')
    const again = new ChatLog(storage, CONF)
    await again.load()
    assert.deepEqual(again.messages().map(m => [m.envelope, m.equivocated]), [[winner.envelope, true]])
    assert.equal(again.digestOf(a.payload.author), log.digestOf(a.payload.author))
  })

  it('answers ranges of sequences only within what it holds, whatever numbers are asked', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    for (const seq of [1, 2, 3]) await log.append(await signed(key, seq))
    const author = peerIdFromPrivateKey(key).toString()
    const t0 = Date.now()
    assert.deepEqual(log.range(author, 1, Number.MAX_SAFE_INTEGER).map(m => m.payload.seq), [1, 2, 3])
    assert.deepEqual(log.range(author, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER), [])
    assert.deepEqual(log.range('someone else', 1, Number.MAX_SAFE_INTEGER), [])
    assert.ok(Date.now() - t0 < 100)
    assert.equal(log.highestSeqOf(author), 3)
  })

  it('counts the messages being written until they are held, and after a failed write', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    const batch = [await signed(key, 1), await signed(key, 2)]
    const writing = log.appendMany(batch)
    const one = log.append(await signed(key, 3))
    assert.equal(log.messagesWriting, 3, 'three lines on their way')
    await Promise.all([writing, one])
    assert.equal(log.messagesWriting, 0)
    assert.equal(log.size, 3)
    await log.appendMany(batch)
    assert.equal(log.messagesWriting, 0, 'a copy already held is not written')
    storage.writeFault = step => step === 'append' ? Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }) : undefined
    await assert.rejects(log.appendMany([await signed(key, 4)]))
    storage.writeFault = undefined
    assert.equal(log.messagesWriting, 0, 'a failed write is no longer counted')
    assert.equal(log.size, 3)
  })

  it('answers a whole sync in display order with exactly what the other side lacks, as the per-author plan does', async () => {
    const log = new ChatLog(storage, CONF)
    await log.load()
    const other = await generateKeyPair('Ed25519')
    const third = await generateKeyPair('Ed25519')
    // interleaved Lamport times, a hole (B has no 4), and a version pair at A#2
    const msgs = [await signed(key, 1, 1), await signed(other, 1, 2), await signed(key, 2, 3), await signed(other, 2, 3), await signed(key, 3, 5),
      await signed(other, 3, 6), await signed(other, 5, 9), await signed(third, 1, 4), await signed(key, 4, 10)]
    for (const m of msgs) await log.append(m)
    await log.addVersion(await signed(key, 2, 3, 'another version'))
    const [a, b, c] = [key, other, third].map(k => peerIdFromPrivateKey(k).toString())
    const byPlan = (theirs: Record<string, number>): HeldMessage[] => log.missingFor(theirs, new Set([a, b, c, 'nobody']))
    for (const theirs of [{}, { [a]: 2 }, { [a]: 4, [b]: 3, [c]: 1 }, { [b]: 9, nobody: 3 }, { [a]: Number.MAX_SAFE_INTEGER, [b]: 0 }]) {
      const whole = log.missingFor(theirs)
      assert.deepEqual(whole, byPlan(theirs), JSON.stringify(theirs))
      assert.ok(whole.every(m => m.payload.seq > ((theirs as Record<string, number>)[m.payload.author] ?? 0)))
    }
    assert.equal(log.missingFor({}).length, 9)
    assert.deepEqual(log.missingFor({}).map(m => m.payload.lamport), [1, 2, 3, 3, 4, 5, 6, 9, 10])
    assert.equal(log.missingFor({}).find(m => m.payload.author === a && m.payload.seq === 2), log.get(a, 2), 'the version held is sent')
  })
})
