// A participant attacking the chat core with valid, signed messages and well-formed frames
// (security issue 9; HOSTILE-INPUTS 40-45): real DevMeet peers on loopback, plus hostile ones
// whose own chat is switched off. A hostile peer's key seals hand-made envelopes, which it
// pushes over a chat stream it opens itself, frame by frame, as a modified client would.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Stream, PrivateKey } from '@libp2p/interface'
import { makePeer, startAll, connectAll, eventually, cleanup, tempDir, stopPeer, reincarnate, type TestPeer } from '../helpers/peers'
import { CoreWorker } from '../soak/workers'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { frameStream, type FrameStream } from '../../src/core/wire/framing'
import { CHAT_PROTOCOL, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import * as chat from '../../src/core/chat/service'
import type { ChatMessage } from '../../src/core/api'

const decoder = new TextDecoder()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** A chat stream driven by hand: hello, then any frame; msgs frames received are counted and acknowledged. */
class RawLink {
  readonly envelopes: string[] = []
  /** bytes of msgs frames received */
  msgBytes = 0
  framesIn = 0
  theirAcked = 0
  sentFrames = 0
  closed = false
  private writes: Promise<void> = Promise.resolve()

  private constructor (readonly stream: Stream, readonly frames: FrameStream, readonly hello: any) {}

  static async open (from: TestPeer, to: string, conferenceId: string, summary: Record<string, number> = {}): Promise<RawLink> {
    const stream = await from.libp2p.dialProtocol(peerIdFromString(to), CHAT_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const frames = frameStream(stream, MAX_CHAT_FRAME_BYTES)
    try {
      await frames.write({ t: 'hello', conferenceId, summary })
      const hello = JSON.parse(decoder.decode(await frames.readBytes(5000)))
      const link = new RawLink(stream, frames, hello)
      void link.readLoop()
      return link
    } catch (err) {
      stream.abort(new Error('refused'))
      throw err
    }
  }

  private async readLoop (): Promise<void> {
    try {
      for (;;) {
        const bytes = await this.frames.readBytes(0)
        const frame = JSON.parse(decoder.decode(bytes))
        if (frame.t === 'msgs') {
          this.envelopes.push(...frame.e)
          this.msgBytes += bytes.length
          this.framesIn++
          void this.send({ t: 'ack', summary: {}, frames: this.framesIn }).catch(() => {})
        } else if (frame.t === 'ack' && typeof frame.frames === 'number') {
          this.theirAcked = frame.frames
        }
      }
    } catch {
      this.closed = true
    }
  }

  async send (frame: unknown): Promise<void> {
    const next = this.writes.then(async () => await this.frames.write(frame, 5000))
    this.writes = next.catch(() => {})
    await next
  }

  /** Sends envelopes in frames under the size limit, keeping at most 4 unacknowledged (as the real sender's window does). */
  async push (envelopes: string[]): Promise<void> {
    let batch: string[] = []
    let bytes = 0
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      await this.send({ t: 'msgs', e: batch })
      this.sentFrames++
      batch = []
      bytes = 0
      const until = Date.now() + 15_000
      while (this.theirAcked < this.sentFrames - 4 && !this.closed && Date.now() < until) await sleep(5)
    }
    for (const e of envelopes) {
      if (bytes + e.length > 40 * 1024 || batch.length >= 1000) await flush()
      batch.push(e)
      bytes += e.length
    }
    await flush()
    const until = Date.now() + 15_000
    while (this.theirAcked < this.sentFrames && !this.closed && Date.now() < until) await sleep(5)
  }

  bodies (): string[] {
    return this.envelopes.map(e => JSON.parse(JSON.parse(e).p).body)
  }

  close (): void {
    this.stream.abort(new Error('done'))
  }
}

async function sealed (key: PrivateKey, author: string, conferenceId: string, seq: number, lamport: number, body: string): Promise<string> {
  return decoder.decode(await seal(key, DOMAINS.chat, { conferenceId, author, seq, lamport, sentAt: Date.now(), kind: 'text', body }))
}

let org: TestPeer
let ann: TestPeer
let evil: TestPeer
let puppet: TestPeer
let victim: CoreWorker | undefined
const warnings = new Map<TestPeer, string[]>()
const unhandled: unknown[] = []
const onUnhandled = (err: unknown): void => { unhandled.push(err) }

function warned (p: TestPeer, pattern: RegExp): number {
  return (warnings.get(p) ?? []).filter(w => pattern.test(w)).length
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

async function joinAndLink (id: string, peers: TestPeer[]): Promise<void> {
  for (const p of peers) await p.chat.join(id)
  await eventually('the honest peers have chat streams', () => peers.every(p => peers.every(q => q === p || p.chat.presence(id).linked.includes(q.peerId!))))
}

async function historyOf (p: TestPeer, id: string, author: TestPeer): Promise<ChatMessage[]> {
  return (await p.chat.history(id)).filter(m => m.author === author.peerId)
}

before(async () => {
  process.on('unhandledRejection', onUnhandled)
  ;[org, ann, evil, puppet] = ['Olga', 'Ann', 'Mallory', 'Puppet'].map(n => makePeer(n))
  await startAll(org, ann, evil, puppet)
  await connectAll(org, ann, evil, puppet)
  await makeHostile(evil)
  await makeHostile(puppet)
  for (const p of [org, ann]) {
    const list: string[] = []
    warnings.set(p, list)
    p.events.on('warning', w => list.push(String(w)))
  }
})

after(async () => {
  process.off('unhandledRejection', onUnhandled)
  victim?.child.kill('SIGKILL')
  await cleanup()
})

describe('a participant attacking the chat', () => {
  it('cannot freeze a peer with a summary claiming it holds 2^53-1 of the peer\'s messages (hello and ack)', { timeout: 60_000 }, async () => {
    // The victim runs in a process of its own: on a frozen event loop no timeout in this one could fire.
    victim = CoreWorker.spawn(1, 'Victim', tempDir('devmeet-victim-'))
    const [{ cores: [v] }] = await Promise.all([victim.ready])
    await evil.connect(v.address)
    await eventually('the victim is known as a DevMeet peer', () => evil.peerInfo(v.peerId).isDevMeet)
    const id: string = await victim.command('create', { i: 0, title: 'Freeze', invitees: [evil.peerId] })
    await eventually('the invitation arrives', () => evil.conferences.get(id) != null)
    await evil.conferences.respond(id, 'accepted')
    await eventually('the victim counts the hostile peer in', async () => (await victim!.command('agreement', { conferenceId: id }))[0].participants === 2)
    const responsive = async (what: string): Promise<void> => {
      const answer = victim!.command('online', { conferenceId: id })
      const late = sleep(3000).then(() => 'frozen')
      assert.notEqual(await Promise.race([answer, late]), 'frozen', `the victim answers within 3 s after ${what}`)
    }
    const sent = await victim.command('send', { i: 0, conferenceId: id, body: 'before' })
    assert.equal(sent.seq, 1)
    const link = await RawLink.open(evil, v.peerId, id, { [v.peerId]: Number.MAX_SAFE_INTEGER })
    await responsive('a hello claiming 2^53-1 of its messages')
    await link.send({ t: 'ack', summary: { [v.peerId]: Number.MAX_SAFE_INTEGER - 1 }, frames: Number.MAX_SAFE_INTEGER })
    await responsive('an ack claiming as much')
    // It still chats: a new message reaches the hostile peer's stream.
    await victim.command('send', { i: 0, conferenceId: id, body: 'after' })
    await eventually('the victim\'s new message arrives', () => link.bodies().includes('after'), 5000)
    link.close()
    assert.equal(victim.events.filter(e => e.event === 'unhandledRejection').length, 0)
    await victim.stop()
  })

  it('cannot poison the Lamport clock: a message stamped near 2^53 is refused, reported once and not forwarded', { timeout: 30_000 }, async () => {
    const id = await conference([ann, evil], 'Lamport')
    await joinAndLink(id, [org, ann])
    const link = await RawLink.open(evil, org.peerId!, id)
    const e = evil.peerId!
    await link.push([await sealed(evil.key, e, id, 1, Number.MAX_SAFE_INTEGER, 'poison')])
    await link.push([await sealed(evil.key, e, id, 2, Number.MAX_SAFE_INTEGER - 1, 'poison again')])
    assert.deepEqual(await historyOf(org, id, evil), [], 'the poisoned messages are refused')
    const mine = await org.chat.send(id, { kind: 'text', body: 'still talking' })
    assert.ok(mine.lamport < 100, `the organizer's own clock is unharmed (${mine.lamport})`)
    assert.equal(warned(org, /Lamport/), 1, 'one warning for the author')
    // An honest message of the same author, in step with the conference's clock, is taken and forwarded.
    await link.push([await sealed(evil.key, e, id, 1, mine.lamport + 1, 'honest now')])
    await eventually('Ann gets the honest message', async () => (await historyOf(ann, id, evil)).length === 1, 5000)
    assert.deepEqual((await historyOf(ann, id, evil)).map(m => m.body), ['honest now'], 'Ann never got the poison')
    assert.ok((await ann.chat.send(id, { kind: 'text', body: 'me too' })).lamport < 100)
    assert.ok(typeof chat.MAX_LAMPORT_JUMP === 'number' && chat.MAX_LAMPORT_JUMP >= 1000 && chat.MAX_LAMPORT_JUMP <= 1_000_000)
    link.close()
  })

  it('charges an author for its messages forwarded by another participant: the excess is dropped, the forwarder is not cut off', { timeout: 60_000 }, async () => {
    const id = await conference([evil, puppet], 'Sock puppets')
    await org.chat.join(id)
    const link = await RawLink.open(evil, org.peerId!, id)
    const dropped = org.chat.floodStats.dropped
    const cutOffs = org.chat.floodStats.cutOffs
    const n = chat.AUTHOR_BURST + 2000
    const p = puppet.peerId!
    const envelopes = await Promise.all(Array.from({ length: n }, async (_, i) => await sealed(puppet.key, p, id, i + 1, i + 1, `puppet ${i + 1}`)))
    const t0 = Date.now()
    await link.push(envelopes)
    const seconds = (Date.now() - t0) / 1000
    const taken = (await historyOf(org, id, puppet)).length
    process.stderr.write(`attacks: ${n} messages of a sock puppet forwarded in ${seconds.toFixed(1)} s: ${taken} taken, ${org.chat.floodStats.dropped - dropped} dropped\n`)
    assert.ok(taken <= chat.AUTHOR_BURST + chat.AUTHOR_RATE_PER_SECOND * (seconds + 1), `at most the author's burst and rate were taken (${taken})`)
    assert.ok(org.chat.floodStats.dropped - dropped >= n - taken, 'the excess is counted as dropped')
    assert.equal(org.chat.floodStats.cutOffs, cutOffs, 'the forwarder is not cut off for another author\'s excess')
    assert.ok(org.chat.presence(id).linked.includes(evil.peerId!), 'its stream stays open')
    link.close()
  })

  it('keeps a conference\'s chat within its quota: incoming messages are refused once full, with one warning, and send says why', { timeout: 30_000 }, async () => {
    assert.equal(chat.MAX_CONFERENCE_MESSAGES, 200_000)
    assert.equal(chat.MAX_CONFERENCE_BYTES, 256 * 2 ** 20)
    const id = await conference([ann], 'Quota')
    await joinAndLink(id, [org, ann])
    for (let i = 1; i <= 3; i++) await ann.chat.send(id, { kind: 'text', body: `ann ${i}` })
    await eventually('the organizer holds three', async () => (await org.chat.history(id)).length === 3)
    org.chat.quota.messages = 5
    try {
      for (let i = 4; i <= 8; i++) await ann.chat.send(id, { kind: 'text', body: `ann ${i}` })
      await eventually('the organizer refused the rest', () => org.chat.refusedStats.quota >= 3, 5000)
      assert.deepEqual((await org.chat.history(id)).map(m => m.body), ['ann 1', 'ann 2', 'ann 3', 'ann 4', 'ann 5'])
      assert.equal(warned(org, /is full/), 1, 'one warning for the conference')
      await assert.rejects(org.chat.send(id, { kind: 'text', body: 'one more' }), (err: any) => err instanceof chat.ChatInputError && /This conference's chat is full: /.test(err.message))
      org.chat.quota.messages = chat.MAX_CONFERENCE_MESSAGES
      org.chat.quota.bytes = 1024
      await assert.rejects(org.chat.send(id, { kind: 'text', body: 'one more' }), /This conference's chat is full: .*MiB/)
    } finally {
      org.chat.quota.messages = chat.MAX_CONFERENCE_MESSAGES
      org.chat.quota.bytes = chat.MAX_CONFERENCE_BYTES
    }
    assert.equal((await org.chat.send(id, { kind: 'text', body: 'room again' })).body, 'room again')
  })

  it('does not resend history for repeated want and linked frames (rate-limited; nothing twice on one stream)', { timeout: 30_000 }, async () => {
    const id = await conference([ann, evil], 'Amplification')
    await joinAndLink(id, [org, ann])
    for (let i = 1; i <= 60; i++) await ann.chat.send(id, { kind: 'text', body: `history ${i} ${'x'.repeat(400)}` })
    await eventually('the organizer holds the history', async () => (await historyOf(org, id, ann)).length === 60)
    const link = await RawLink.open(evil, org.peerId!, id)
    await eventually('the hostile peer got the history once, by its hello', () => link.envelopes.length === 60, 5000)
    const history = link.msgBytes
    let asked = 0
    for (let i = 0; i < 40; i++) {
      const want = { t: 'want', author: ann.peerId!, from: 1, to: 60 }
      const linked = { t: 'linked', peers: i % 2 === 0 ? [ann.peerId!] : [] }
      await link.send(want)
      await link.send(linked)
      asked += JSON.stringify(want).length + JSON.stringify(linked).length
    }
    await sleep(1500)
    const extra = link.msgBytes - history
    process.stderr.write(`attacks: ${asked} bytes of want and linked frames drew ${extra} bytes of messages (the history is ${history} bytes)\n`)
    assert.ok(extra <= 1024, `repeated requests drew ${extra} bytes`)
    assert.ok(org.chat.refusedStats.requestsThrottled > 0, 'requests over the rate were refused')
    // The stream still works: a new message arrives once.
    const fresh = await ann.chat.send(id, { kind: 'text', body: 'new after the requests' })
    await eventually('the new message arrives', () => link.bodies().includes(fresh.body), 5000)
    await sleep(300)
    assert.equal(link.bodies().filter(b => b === fresh.body).length, 1)
    link.close()
  })

  it('closes a participant\'s streams when it declines after accepting, and mine when I decline; nothing flows to it after', { timeout: 30_000 }, async () => {
    const id = await conference([ann, evil], 'Leaving')
    await joinAndLink(id, [org, ann])
    const link = await RawLink.open(evil, org.peerId!, id)
    await eventually('the organizer has a stream with the hostile peer', () => org.chat.presence(id).linked.includes(evil.peerId!))
    await evil.conferences.respond(id, 'declined')
    await eventually('the organizer sees the decline', () => !org.conferences.participants(id).includes(evil.peerId!))
    await eventually('its stream is closed at once', () => link.closed, 2000)
    assert.equal(org.chat.presence(id).linked.includes(evil.peerId!), false)
    await ann.chat.send(id, { kind: 'text', body: 'not for you' })
    await sleep(300)
    assert.equal(link.bodies().includes('not for you'), false)
    await assert.rejects(RawLink.open(evil, org.peerId!, id), 'a new stream is refused')
    // Ann declines too: her own streams for this conference close.
    await ann.conferences.respond(id, 'declined')
    await eventually('Ann\'s chat streams for the conference are closed', () => ann.chat.presence(id).linked.length === 0 && !org.chat.presence(id).linked.includes(ann.peerId!), 3000)
  })

  it('after a cancellation nobody opens a stream, fetches history or posts; the history stays readable', { timeout: 30_000 }, async () => {
    const id = await conference([ann, evil], 'Cancelled')
    await joinAndLink(id, [org, ann])
    await ann.chat.send(id, { kind: 'text', body: 'before the cancellation' })
    await eventually('the organizer has it', async () => (await org.chat.history(id)).length === 1)
    await org.conferences.cancel(id)
    await eventually('Ann sees the cancellation', () => ann.conferences.get(id)?.context.status === 'cancelled')
    await assert.rejects(RawLink.open(evil, ann.peerId!, id), 'a stream to Ann is refused')
    await assert.rejects(RawLink.open(evil, org.peerId!, id), 'a stream to the organizer is refused')
    await assert.rejects(ann.chat.send(id, { kind: 'text', body: 'after' }), /cancelled/)
    assert.deepEqual((await ann.chat.history(id)).map(m => m.body), ['before the cancellation'])
    assert.equal(ann.chat.presence(id).linked.length, 0)
  })

  it('equivocation: two versions of one message sent to two peers end as the same one on both, marked, also after a restart', { timeout: 60_000 }, async () => {
    const id = await conference([ann, evil], 'Two truths')
    const e = evil.peerId!
    const a = await sealed(evil.key, e, id, 1, 1, 'version A: ship it')
    const b = await sealed(evil.key, e, id, 1, 1, 'version B: do not ship')
    const winner = createHash('sha256').update(a).digest().compare(createHash('sha256').update(b).digest()) < 0 ? 'version A: ship it' : 'version B: do not ship'
    const toOrg = await RawLink.open(evil, org.peerId!, id)
    const toAnn = await RawLink.open(evil, ann.peerId!, id)
    await toOrg.push([a])
    await toAnn.push([b])
    assert.deepEqual((await historyOf(org, id, evil)).map(m => m.body), ['version A: ship it'])
    assert.deepEqual((await historyOf(ann, id, evil)).map(m => m.body), ['version B: do not ship'])
    toOrg.close()
    toAnn.close()
    // The two honest peers meet.
    await org.chat.join(id)
    await ann.chat.join(id)
    await eventually('both hold the same version, marked', async () => {
      const [o, n] = [await historyOf(org, id, evil), await historyOf(ann, id, evil)]
      return o.length === 1 && n.length === 1 && o[0].body === n[0].body && o[0].equivocated === true && n[0].equivocated === true
    }, 8000)
    assert.equal((await historyOf(org, id, evil))[0].body, winner, 'the version with the smaller SHA-256 wins')
    for (const p of [org, ann]) assert.equal(warned(p, /two different versions/), 1, `${p.displayName} is warned once`)
    // What is on disk resolves the same way.
    await stopPeer(ann)
    const again = reincarnate(ann, 'Ann')
    await startAll(again)
    const reloaded = await historyOf(again, id, evil)
    assert.deepEqual(reloaded.map(m => [m.body, m.equivocated]), [[winner, true]])
  })

  it('had no unhandled rejection', () => {
    assert.deepEqual(unhandled, [])
  })
})
