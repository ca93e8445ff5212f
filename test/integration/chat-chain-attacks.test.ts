// Hash-chained messages under attack (issue 14; docs/HASH-CHAIN.md): real DevMeet peers on
// loopback and hostile participants whose own chat is off, pushing hand-made frames over chat
// streams they open themselves. A batch is authenticated by one signature per author and chain;
// these tests check that nothing unauthenticated is held or shown that way, and that a fork is
// recorded, marked and resolved the same on every peer.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, stopPeer, reincarnate, type TestPeer } from '../helpers/peers'
import { RawLink, chainedMessages } from '../helpers/raw-chat-link'
import { CHAT_PROTOCOL } from '../../src/core/chat/link'
import { chainHash } from '../../src/core/chat/chain'
import { preferredVersion } from '../../src/core/chat/equivocation'
import type { ChatMessage } from '../../src/core/api'
import { readStoredHistory } from '../../src/core/chat/stored-history'

let org: TestPeer
let ann: TestPeer
let evil: TestPeer
let mallory: TestPeer
const warnings = new Map<TestPeer, string[]>()
const shownEvents = new Map<TestPeer, ChatMessage[]>()
const unhandled: unknown[] = []
const onUnhandled = (err: unknown): void => { unhandled.push(err) }

function warned (p: TestPeer, pattern: RegExp): number {
  return (warnings.get(p) ?? []).filter(w => pattern.test(w)).length
}

function follow (p: TestPeer): void {
  const list: string[] = []
  const shown: ChatMessage[] = []
  warnings.set(p, list)
  shownEvents.set(p, shown)
  p.events.on('warning', w => list.push(String(w)))
  p.events.on('message', m => shown.push(m))
}

/** A participant whose own chat is off: what it does in chat, the test does by hand. */
async function makeHostile (p: TestPeer): Promise<void> {
  await p.chat.stop()
  await p.libp2p.unhandle(CHAT_PROTOCOL)
}

/** A conference starting in an hour (so nobody joins its chat by itself), every invitee accepted. */
async function conference (invitees: TestPeer[], title: string): Promise<string> {
  const { context } = await org.conferences.create({ title, start: Date.now() + 3_600_000, durationMinutes: 60, invitees: invitees.map(p => p.peerId!) })
  for (const p of invitees) await eventually('the invitation arrives', () => p.conferences.get(context.id) != null)
  for (const p of invitees) await p.conferences.respond(context.id, 'accepted')
  const all = [org, ...invitees]
  await eventually('everyone sees everyone accepted', () => all.every(p => p.conferences.participants(context.id).length === all.length))
  return context.id
}

async function historyOf (p: TestPeer, id: string, author: TestPeer): Promise<ChatMessage[]> {
  return (await p.chat.history(id)).filter(m => m.author === author.peerId)
}

const bodyOf = (envelope: string): string => JSON.parse(JSON.parse(envelope).p).body

/** The same envelope with another body and its old signature (which no longer holds). */
function altered (envelope: string, body: string): string {
  const env = JSON.parse(envelope)
  env.p = JSON.stringify({ ...JSON.parse(env.p), body })
  return JSON.stringify(env)
}

before(async () => {
  process.on('unhandledRejection', onUnhandled)
  ;[org, ann, evil, mallory] = ['Olga', 'Ann', 'Eve', 'Mallory'].map(n => makePeer(n))
  await startAll(org, ann, evil, mallory)
  await connectAll(org, ann, evil, mallory)
  await makeHostile(evil)
  await makeHostile(mallory)
  follow(org)
  follow(ann)
})

after(async () => {
  process.off('unhandledRejection', onUnhandled)
  await cleanup()
})

describe('hash-chained messages under attack', () => {
  it('a batch whose newest message is validly signed but an older one is altered: the altered one is neither held nor shown, the rest are', { timeout: 30_000 }, async () => {
    const id = await conference([evil], 'Altered')
    await org.chat.join(id)
    const e = evil.peerId!
    const real = chainedMessages(evil.key, e, id, 1, 20)
    const batch = [...real]
    batch[9] = altered(real[9], 'altered 10')
    const link = await RawLink.open(evil, org.peerId!, id)
    await link.push(batch)
    await eventually('the other 19 are held', async () => (await historyOf(org, id, evil)).length === 19, 5000)
    const bodies = (await historyOf(org, id, evil)).map(m => m.body)
    assert.ok(!bodies.includes('altered 10'), 'the altered message is not held')
    assert.ok(!shownEvents.get(org)!.some(m => m.body === 'altered 10'), 'nor shown')
    assert.ok((await historyOf(org, id, evil)).every(m => m.equivocated !== true), 'nothing is marked: the chain is whole where it is held')
    // The genuine 10th, sent alone, is vouched for by the 11th held: taken, unmarked.
    await link.push([real[9]])
    await eventually('the genuine 10th is held', async () => (await historyOf(org, id, evil)).length === 20, 5000)
    assert.deepEqual((await historyOf(org, id, evil)).map(m => m.body), real.map(bodyOf))
    assert.ok((await historyOf(org, id, evil)).every(m => m.equivocated !== true))
    link.close()
  })

  it('a forged chain spliced onto a real one: a forwarder brings Ann\'s real messages and forged ones in her name; only the real ones are held', { timeout: 30_000 }, async () => {
    const id = await conference([ann, mallory], 'Spliced')
    await org.chat.join(id)
    const a = ann.peerId!
    const real = chainedMessages(ann.key, a, id, 1, 10)
    const forged = chainedMessages(ann.key, a, id, 11, 5, { prev: chainHash(real[9]), body: 'forged', forger: mallory.key })
    // and a forged branch spliced onto the middle of the real chain
    const branch = chainedMessages(ann.key, a, id, 6, 3, { prev: chainHash(real[4]), body: 'branch', forger: mallory.key })
    const link = await RawLink.open(mallory, org.peerId!, id)
    await link.push([...real, ...forged, ...branch])
    await eventually('Ann\'s real messages are held', async () => (await historyOf(org, id, ann)).length === 10, 5000)
    await new Promise(resolve => setTimeout(resolve, 300))
    const held = await historyOf(org, id, ann)
    assert.deepEqual(held.map(m => m.body), real.map(bodyOf), 'nothing forged is held')
    assert.ok(held.every(m => m.equivocated !== true), 'a forgery is no fork: it was never Ann\'s')
    assert.ok(!shownEvents.get(org)!.some(m => /forged|branch/.test(m.body)))
    assert.equal(warned(org, /forked/), 0)
    link.close()
  })

  it('a prev pointing at a message we do not hold: the message is held on its own signature, a forged predecessor is refused, the genuine one is vouched for', { timeout: 30_000 }, async () => {
    const id = await conference([evil], 'Missing link')
    await org.chat.join(id)
    const e = evil.peerId!
    const real = chainedMessages(evil.key, e, id, 1, 5)
    const link = await RawLink.open(evil, org.peerId!, id)
    await link.push([real[4]])
    await eventually('the 5th is held', async () => (await historyOf(org, id, evil)).length === 1, 5000)
    // A predecessor that the 5th does not name, and whose signature does not hold.
    const forged4 = chainedMessages(evil.key, e, id, 4, 1, { prev: chainHash(real[2]), body: 'forged', forger: mallory.key })[0]
    await link.push([forged4])
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.deepEqual((await historyOf(org, id, evil)).map(m => m.body), ['message 5'])
    await link.push(real.slice(0, 4))
    await eventually('all five are held', async () => (await historyOf(org, id, evil)).length === 5, 5000)
    assert.deepEqual((await historyOf(org, id, evil)).map(m => [m.body, m.equivocated]), real.map(r => [bodyOf(r), undefined]))
    link.close()
  })

  it('a fork: two versions of one message and a chain on one of them end the same on two peers, marked, with one notice each, also after a restart', { timeout: 60_000 }, async () => {
    const id = await conference([ann, evil], 'Fork')
    const e = evil.peerId!
    const base = chainedMessages(evil.key, e, id, 1, 1)
    const [twoA] = chainedMessages(evil.key, e, id, 2, 1, { prev: chainHash(base[0]), body: 'version A' })
    const [twoB] = chainedMessages(evil.key, e, id, 2, 1, { prev: chainHash(base[0]), body: 'version B' })
    // Every peer keeps the version with the smaller SHA-256; the third follows the other one.
    const [winner, loser] = preferredVersion(twoA, twoB) === twoA ? [twoA, twoB] : [twoB, twoA]
    const [three] = chainedMessages(evil.key, e, id, 3, 1, { prev: chainHash(loser), body: 'after the other version' })
    const toOrg = await RawLink.open(evil, org.peerId!, id)
    const toAnn = await RawLink.open(evil, ann.peerId!, id)
    await toOrg.push([base[0], loser, three])
    await toAnn.push([base[0], winner])
    await toAnn.push([three])
    assert.equal((await historyOf(org, id, evil)).length, 3)
    assert.ok((await historyOf(org, id, evil)).every(m => m.equivocated !== true), 'the organizer saw one whole chain')
    assert.equal((await historyOf(ann, id, evil)).length, 3)
    assert.equal((await historyOf(ann, id, evil))[2].equivocated, true, 'Ann holds the other version, so the third is a fork for her')
    assert.equal(warned(ann, /forked/), 1)
    toOrg.close()
    toAnn.close()
    // The two honest peers meet: the organizer takes the preferred version, and its third becomes a fork, shown again.
    const expected = [['message 1', undefined], [bodyOf(winner), true], ['after the other version 3', true]]
    await org.chat.join(id)
    await ann.chat.join(id)
    await eventually('both hold the same messages with the same marks', async () => {
      const [o, n] = [await historyOf(org, id, evil), await historyOf(ann, id, evil)]
      return JSON.stringify(o.map(m => [m.body, m.equivocated])) === JSON.stringify(expected) && JSON.stringify(n.map(m => [m.body, m.equivocated])) === JSON.stringify(expected)
    }, 8000).catch(async err => {
      process.stderr.write(`org ${JSON.stringify((await historyOf(org, id, evil)).map(m => [m.body, m.equivocated]))} ann ${JSON.stringify((await historyOf(ann, id, evil)).map(m => [m.body, m.equivocated]))} expected ${JSON.stringify(expected)}\n`)
      throw err
    })
    assert.equal(warned(org, /forked/), 1, 'the organizer is told once')
    assert.ok(shownEvents.get(org)!.some(m => m.body === 'after the other version 3' && m.equivocated === true), 'the organizer\'s page got the third again, marked')
    // A restart marks the same from what is on disk, and so does the reader a window reload shows first.
    await stopPeer(ann)
    const stored = await readStoredHistory(ann.dataDir, id)
    assert.deepEqual(stored?.messages.filter(m => m.author === e).map(m => [m.body, m.equivocated]), expected)
    const again = reincarnate(ann, 'Ann')
    await startAll(again)
    assert.deepEqual((await historyOf(again, id, evil)).map(m => [m.body, m.equivocated]), expected)
    ann = again
    follow(ann)
    await connectAll(org, ann, evil, mallory)
  })

  it('huge batches: 5,000 chained messages in frames of the largest size are all held, in order', { timeout: 60_000 }, async () => {
    const id = await conference([evil], 'Huge')
    await org.chat.join(id)
    const e = evil.peerId!
    const real = chainedMessages(evil.key, e, id, 1, 5000)
    const link = await RawLink.open(evil, org.peerId!, id)
    const t0 = Date.now()
    await link.push(real)
    await eventually('all 5,000 are held', async () => (await historyOf(org, id, evil)).length === 5000, 20_000)
    process.stderr.write(`chain attacks: 5,000 chained messages taken in ${Date.now() - t0} ms\n`)
    const held = await historyOf(org, id, evil)
    assert.deepEqual(held.map(m => m.seq), real.map((_, i) => i + 1))
    assert.ok(held.every(m => m.equivocated !== true))
    // A frame over the largest count is refused whole and the stream closed.
    const tiny = chainedMessages(evil.key, e, id, 5001, 1001)
    await link.send({ t: 'msgs', e: tiny }).catch(() => {})
    await eventually('the stream is closed', () => link.closed, 5000)
    assert.equal((await historyOf(org, id, evil)).length, 5000)
  })

  it('had no unhandled rejection', () => {
    assert.deepEqual(unhandled, [])
  })
})
