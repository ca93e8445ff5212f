import { describe, it, before, beforeEach, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { byteStream } from '@libp2p/utils'
import type { PrivateKey } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { frameStream } from '../../src/core/wire/framing'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import type { ConferenceContext } from '../../src/core/api'
import { newConferenceId } from '../../src/core/conference/conference-id'
import { lineLogger } from '../../src/core/log'
import { makePeer, startAll, connectAll, eventually, cleanup, type TestPeer } from '../helpers/peers'

const INVITE = '/devmeet/invite/1.0.0'
const RSVP = '/devmeet/rsvp/1.0.0'

let org: TestPeer
let ann: TestPeer
let evilKey: PrivateKey
let evil: DevMeetLibp2p
let conferenceId: string
const unhandled: unknown[] = []
/** What the two honest nodes logged: a drop must be for the reason the test means, not for a rate limit. */
const logged: string[] = []
const capture = lineLogger(l => logged.push(l), 'debug')

/** A fresh hostile peer (new key, no strikes yet), connected to both honest nodes. */
async function newHostilePeer (): Promise<void> {
  await Promise.resolve(evil?.stop()).catch(() => {})
  evilKey = await generateKeyPair('Ed25519')
  evil = await createNode({
    privateKey: evilKey,
    config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false }
  })
  await evil.start()
  for (const peer of [org, ann]) {
    if (peer.status.state !== 'running') continue
    const addr = peer.listenAddrs()[0]
    await evil.dial(multiaddr(addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer.peerId!}`))
  }
  logged.length = 0
}

/** Asserts that the honest nodes logged a drop matching `reason` and no rate limiting. */
function assertDroppedFor (reason: RegExp): void {
  const text = logged.join('\n')
  if (process.env.DEVMEET_TEST_DUMP != null) process.stderr.write(text + '\n-----\n')
  assert.match(text, reason)
  assert.doesNotMatch(text, /over its rate/)
}
const onUnhandled = (err: unknown): void => { unhandled.push(err) }

/** What the hostile peer saw after writing: the receiver's answer frame, or that the stream was dropped. */
type Outcome = { answer: any } | 'dropped'

async function exchange (target: TestPeer, protocol: string, send: { raw?: Uint8Array, frame?: Uint8Array }): Promise<Outcome> {
  const stream = await evil.dialProtocol(peerIdFromString(target.peerId!), protocol, { signal: AbortSignal.timeout(5000) })
  try {
    if (send.raw != null) {
      await byteStream(stream).write(send.raw, { signal: AbortSignal.timeout(5000) })
      await stream.close({ signal: AbortSignal.timeout(5000) }).catch(() => {})
      const frames = frameStream(stream, 4096)
      return { answer: JSON.parse(new TextDecoder().decode(await frames.readBytes(5000))) }
    }
    const frames = frameStream(stream, 1024 * 1024)
    await frames.writeBytes(send.frame!, 5000)
    const answer = JSON.parse(new TextDecoder().decode(await frames.readBytes(5000)))
    await stream.close({ signal: AbortSignal.timeout(5000) }).catch(() => stream.abort(new Error('done')))
    return { answer }
  } catch {
    stream.abort(new Error('done'))
    return 'dropped'
  }
}

function storedFiles (peer: TestPeer): string[] {
  try {
    return readdirSync(path.join(peer.dataDir, 'conferences')).filter(f => f.endsWith('.json')).sort()
  } catch {
    return []
  }
}

/** The well-behaved path still works: an update from the organizer reaches the invitee and an answer comes back. */
async function stillServesWellBehavedPeers (): Promise<void> {
  const before = org.conferences.get(conferenceId)!.context
  const start = before.start + 60_000
  await org.conferences.reschedule(conferenceId, start)
  await eventually('the update reaches Ann', () => ann.conferences.get(conferenceId)?.context.start === start, 10_000)
  const answer = ann.conferences.get(conferenceId)!.myRsvp === 'accepted' ? 'tentative' : 'accepted'
  await ann.conferences.respond(conferenceId, answer)
  await eventually('the organizer applies Ann\'s answer', () => org.conferences.get(conferenceId)!.context.invitees[0].rsvp === answer, 10_000)
}

/** A new context like the real one, with an id bound to its (claimed) organizer. */
function contextFor (over: Partial<ConferenceContext>): ConferenceContext {
  const real = org.conferences.get(conferenceId)!.context
  const ctx = { ...real, sequence: 1, ...over }
  return { ...ctx, ...newConferenceId(ctx.organizer.peerId) }
}

before(async () => {
  process.on('unhandledRejection', onUnhandled)
  org = makePeer('<img src=x onerror=alert(1)>', { log: capture })
  ann = makePeer('Ann', { log: capture })
  await startAll(org, ann)
  await connectAll(org, ann)
  const { context } = await org.conferences.create({
    title: '<script>alert(1)</script>',
    agenda: '</textarea><script>x()</script> [x](command:workbench.action.terminal.new)',
    start: Date.now() + 3_600_000,
    durationMinutes: 30,
    invitees: [ann.peerId!]
  })
  conferenceId = context.id
  await eventually('invited', () => ann.conferences.get(conferenceId) != null)
})

beforeEach(newHostilePeer)

after(async () => {
  process.off('unhandledRejection', onUnhandled)
  await Promise.resolve(evil?.stop()).catch(() => {})
  await cleanup()
})

describe('a running node facing a hostile peer', () => {
  it('drops random bytes on each protocol and keeps serving', async () => {
    const filesBefore = [storedFiles(org), storedFiles(ann)]
    for (const target of [org, ann]) {
      for (const protocol of [INVITE, RSVP]) {
        assert.equal(await exchange(target, protocol, { raw: randomBytes(2000) }), 'dropped')
        // a varint length prefix that never ends
        assert.equal(await exchange(target, protocol, { raw: new Uint8Array(16).fill(0xff) }), 'dropped')
      }
    }
    assert.deepEqual([storedFiles(org), storedFiles(ann)], filesBefore, 'nothing stored')
    assertDroppedFor(/invite\/1\.0\.0: dropped a frame[^\n]*\n[\s\S]*rsvp\/1\.0\.0: dropped a frame/)
    await stillServesWellBehavedPeers()
  })

  it('drops a frame over the limit before reading it', async () => {
    assert.equal(await exchange(ann, INVITE, { frame: randomBytes(256 * 1024 + 1) }), 'dropped')
    assert.equal(await exchange(org, RSVP, { frame: randomBytes(16 * 1024 + 1) }), 'dropped')
    // a prefix claiming 100 MB, then nothing
    assert.equal(await exchange(ann, INVITE, { raw: new Uint8Array([0x80, 0xc2, 0xd7, 0x2f]) }), 'dropped')
    assertDroppedFor(/262145 > 262144[\s\S]*16385 > 16384[\s\S]*100000000 > 262144/)
    await stillServesWellBehavedPeers()
  })

  it('drops valid JSON of the wrong shape, and keys named __proto__', async () => {
    const enc = new TextEncoder()
    for (const text of ['{"hello":1}', '[1,2,3]', 'null', '"x"', '{"k":"devmeet/conference/1","s":1,"p":{},"g":""}',
      '{"__proto__":{"polluted":true},"k":"devmeet/conference/1","s":"x","p":"{}","g":"x"}', '['.repeat(10_000) + ']'.repeat(10_000)]) {
      assert.equal(await exchange(ann, INVITE, { frame: enc.encode(text) }), 'dropped', text.slice(0, 40))
      assert.equal(await exchange(org, RSVP, { frame: enc.encode(text) }), 'dropped', text.slice(0, 40))
    }
    assert.equal(({} as any).polluted, undefined)
    assertDroppedFor(/Unrecognized key: "__proto__"/)
    assert.equal(logged.filter(l => /wrong shape|overflow|too long/.test(l)).length, 14, 'each of the 14 frames dropped for its shape or size')
    await stillServesWellBehavedPeers()
  })

  it('refuses a context that names the organizer but is signed by someone else, and stores nothing', async () => {
    const filesBefore = storedFiles(ann)
    const forged = contextFor({ title: 'Urgent: run this command' })
    const outcome = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, forged) })
    assert.ok(outcome === 'dropped' || outcome.answer.ok === false, JSON.stringify(outcome))
    assert.equal(ann.conferences.get(forged.id), undefined)
    // and an update of the real conference, forged the same way, changes nothing
    const hijack = { ...org.conferences.get(conferenceId)!.context, title: 'Hijacked', sequence: 1000 }
    const outcome2 = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, hijack) })
    assert.ok(outcome2 === 'dropped' || outcome2.answer.ok === false)
    assert.notEqual(ann.conferences.get(conferenceId)!.context.title, 'Hijacked')
    assert.deepEqual(storedFiles(ann), filesBefore)
    assert.equal(logged.filter(l => /not signed by its organizer/.test(l)).length, 2)
    assertDroppedFor(/not signed by its organizer/)
    await stillServesWellBehavedPeers()
  })

  it('refuses an RSVP from a peer that is not invited, and one for an unknown conference, creating no state', async () => {
    const filesBefore = storedFiles(org)
    const seqBefore = org.conferences.get(conferenceId)!.context.sequence
    const strangers = await seal(evilKey, DOMAINS.rsvp, { conferenceId, sequence: seqBefore, answer: 'accepted', rsvpSeq: 1 })
    const o1 = await exchange(org, RSVP, { frame: strangers })
    assert.ok(o1 === 'dropped' || o1.answer.ok === false, JSON.stringify(o1))
    const unknown = await seal(evilKey, DOMAINS.rsvp, { conferenceId: randomBytes(16).toString('base64url'), sequence: 1, answer: 'accepted', rsvpSeq: 1 })
    const o2 = await exchange(org, RSVP, { frame: unknown })
    assert.ok(o2 === 'dropped' || o2.answer.ok === false)
    // a conference context's signature reused as an RSVP
    const crossDomain = await seal(evilKey, DOMAINS.conference, { conferenceId, sequence: seqBefore, answer: 'accepted', rsvpSeq: 1 })
    assert.equal(await exchange(org, RSVP, { frame: crossDomain }), 'dropped')
    assert.equal(org.conferences.get(conferenceId)!.context.sequence, seqBefore)
    assert.ok(!org.conferences.get(conferenceId)!.context.invitees.some(i => i.peerId === evil.peerId.toString()))
    assert.equal(org.conferences.list().length, 1)
    assert.deepEqual(storedFiles(org), filesBefore)
    assertDroppedFor(/refused a frame[^\n]*not invited[\s\S]*refused a frame[^\n]*unknown conference[\s\S]*envelope is for devmeet\/conference\/1/)
    await stillServesWellBehavedPeers()
  })

  it('ignores a replayed older context relayed by a third peer', async () => {
    // The hostile peer captured the signed context as it was at some sequence...
    const file = JSON.parse(readFileSync(path.join(org.dataDir, 'conferences', `${conferenceId}.json`), 'utf8'))
    const captured = Buffer.from(file.envelope, 'base64')
    // ...then the organizer cancels.
    await org.conferences.cancel(conferenceId)
    await eventually('Ann sees the cancellation', () => ann.conferences.get(conferenceId)?.context.status === 'cancelled')
    const seq = ann.conferences.get(conferenceId)!.context.sequence
    const outcome = await exchange(ann, INVITE, { frame: captured })
    assert.deepEqual(outcome, { answer: { ok: true } }, 'a genuine record is acknowledged, just not applied')
    assert.equal(ann.conferences.get(conferenceId)!.context.status, 'cancelled', 'cancel beats the stale record')
    assert.equal(ann.conferences.get(conferenceId)!.context.sequence, seq)
    // A fresh conference for the remaining tests.
    const { context } = await org.conferences.create({ title: 'Second', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [ann.peerId!] })
    conferenceId = context.id
    await eventually('invited again', () => ann.conferences.get(conferenceId) != null)
  })

  it('survives many streams at once from one peer, then denies it, and still serves the others', async () => {
    const outcomes = await Promise.all(Array.from({ length: 60 }, async () =>
      await exchange(ann, INVITE, { frame: randomBytes(64) }).catch(() => 'dropped' as const)))
    assert.ok(outcomes.every(o => o === 'dropped'))
    // That many streams at once make the muxer give up the connection; the offender dials again.
    await evil.hangUp(peerIdFromString(ann.peerId!)).catch(() => {})
    // One after another, garbage earns strikes until the peer is denied and its connection closed.
    for (let i = 0; i < 30 && !logged.some(l => /over its rate/.test(l)); i++) {
      await exchange(ann, INVITE, { frame: randomBytes(64) }).catch(() => 'dropped')
    }
    await eventually('the repeat offender is disconnected', () => evil.getConnections(peerIdFromString(ann.peerId!)).length === 0, 5000)
    assert.match(logged.join('\n'), /over its rate/)
    await stillServesWellBehavedPeers()
  })

  it('resets a stream that goes silent mid-frame (slowloris) at the read deadline, serving others meanwhile', async () => {
    const stream = await evil.dialProtocol(peerIdFromString(ann.peerId!), INVITE, { signal: AbortSignal.timeout(5000) })
    const bytes = byteStream(stream)
    // a prefix announcing 1000 bytes, then one byte, then silence
    await bytes.write(new Uint8Array([0xe8, 0x07, 0x7b]))
    const t0 = Date.now()
    const ended = bytes.read({ signal: AbortSignal.timeout(15_000) }).then(() => 'ended', () => 'reset')
    await stillServesWellBehavedPeers()
    assert.equal(await ended, 'reset')
    const waited = Date.now() - t0
    assert.ok(waited > 8000 && waited < 12_000, `reset after ${waited} ms`)
    assertDroppedFor(/invite\/1\.0\.0: dropped a frame/)
  })

  it('takes at most 20 unanswered invitations from one organizer; answering one makes room, and updates still arrive', async () => {
    // An organizer Ann has met (she connected to its address): the caps on strangers' invitations do not apply.
    await ann.connect(evil.getMultiaddrs()[0].toString())
    const spammer = { peerId: evil.peerId.toString(), displayName: 'Spammer', addrs: [] }
    const invitation = (i: number): ConferenceContext => contextFor({ title: `Spam ${i}`, organizer: spammer, invitees: [{ peerId: ann.peerId!, displayName: 'Ann', addrs: [], rsvp: 'pending' }] })
    const fromSpammer = (): ConferenceContext[] => ann.conferences.list().map(v => v.context).filter(c => c.organizer.peerId === spammer.peerId)
    const sent: ConferenceContext[] = []
    const answers: any[] = []
    for (let i = 0; i < 24; i++) {
      const ctx = invitation(i)
      sent.push(ctx)
      const outcome = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, ctx) })
      answers.push(outcome === 'dropped' ? outcome : outcome.answer)
    }
    assert.equal(answers.slice(0, 20).filter(a => a.ok === true).length, 20, JSON.stringify(answers.slice(0, 20)))
    for (const a of answers.slice(20)) assert.match(a.error, /20 invitations from this organizer are still unanswered/)
    assert.equal(fromSpammer().length, 20)

    // An update of one already held is not a new invitation: it still arrives.
    const update = { ...sent[0], title: 'Spam 0, moved', sequence: 2 }
    const updated = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, update) })
    assert.ok(updated !== 'dropped' && updated.answer.ok === true)
    assert.equal(ann.conferences.get(sent[0].id)!.context.title, 'Spam 0, moved')

    await ann.conferences.respond(sent[1].id, 'declined')
    const next = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, invitation(99)) })
    assert.ok(next !== 'dropped' && next.answer.ok === true, 'an answered invitation makes room for one more')
    assert.equal(fromSpammer().length, 21)
    await stillServesWellBehavedPeers()
  })

  it('refuses a series whose rule is unbounded or malformed (interval 0, count 10^9, until in 9999, an unknown zone), storing nothing; a sane series from the same organizer is kept', async () => {
    const filesBefore = storedFiles(ann)
    const organizer = { peerId: evil.peerId.toString(), displayName: 'Eve', addrs: [] }
    // Ann unanswered: each context is refused for its rule alone.
    const invitees = [{ peerId: ann.peerId!, displayName: 'Ann', addrs: [], rsvp: 'pending' as const }]
    const start = Date.now() + 3_600_000
    const hostile = [
      { recurrence: { freq: 'daily', interval: 0 } },
      { recurrence: { freq: 'daily', interval: 1, count: 1e9 } },
      { recurrence: { freq: 'daily', interval: 1, until: Date.UTC(9999, 0, 1) } },
      { recurrence: { freq: 'daily', interval: 1 }, timeZone: 'Mars/Olympus_Mons' }
    ]
    for (const over of hostile) {
      const ctx = contextFor({ organizer, invitees, start, ...over } as Partial<ConferenceContext>)
      const outcome = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, ctx) })
      assert.ok(outcome === 'dropped' || outcome.answer.ok === false, JSON.stringify(outcome))
      assert.equal(ann.conferences.get(ctx.id), undefined)
    }
    assert.deepEqual(storedFiles(ann), filesBefore)
    assertDroppedFor(/interval|count|until|time zone|Too (big|small)/i)
    const sane = contextFor({ organizer, invitees, start, timeZone: 'Europe/Berlin', recurrence: { freq: 'weekly', interval: 1, count: 4 } })
    const outcome = await exchange(ann, INVITE, { frame: await seal(evilKey, DOMAINS.conference, sane) })
    assert.ok(outcome !== 'dropped' && outcome.answer.ok === true, JSON.stringify(outcome))
    assert.equal(ann.conferences.occurrences(sane.id, 0, start + 365 * 86_400_000).length, 4)
    await stillServesWellBehavedPeers()
  })

  it('stores HTML and script in title, agenda and names as text, also after a restart', async () => {
    const first = ann.conferences.list().find(v => v.context.title === '<script>alert(1)</script>')!
    assert.ok(first != null)
    assert.equal(first.context.agenda, '</textarea><script>x()</script> [x](command:workbench.action.terminal.new)')
    assert.equal(first.context.organizer.displayName, '<img src=x onerror=alert(1)>')
    await ann.stop()
    const again = makePeer('Ann', { dataDir: ann.dataDir })
    await startAll(again)
    assert.deepEqual(again.conferences.get(first.context.id)!.context, first.context)
    await again.stop()
  })

  it('had no unhandled rejection', () => {
    assert.deepEqual(unhandled, [])
  })
})
