// Security issue 9: membership asserted by someone else, invitation spam from fresh identities,
// conference-id squatting. Real DevMeet peers against raw libp2p nodes that speak DevMeet frames
// and seal records with their own keys.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PrivateKey, PeerId } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { frameStream } from '../../src/core/wire/framing'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import type { ConferenceContext, Invitee } from '../../src/core/api'
import { makePeer, startAll, connectAll, eventually, cleanup, reincarnate, stopPeer, type TestPeer } from '../helpers/peers'

const INVITE = '/devmeet/invite/1.0.0'

const unhandled: unknown[] = []
const onUnhandled = (err: unknown): void => { unhandled.push(err) }
const rawNodes: DevMeetLibp2p[] = []
const servers: net.Server[] = []

interface Hostile { key: PrivateKey, node: DevMeetLibp2p, id: string }

/** A raw libp2p node with a fresh key, connected to `targets`. */
async function hostilePeer (...targets: TestPeer[]): Promise<Hostile> {
  const key = await generateKeyPair('Ed25519')
  const node = await createNode({
    privateKey: key,
    config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false }
  })
  await node.start()
  rawNodes.push(node)
  for (const t of targets) {
    const addr = t.listenAddrs()[0]
    await node.dial(multiaddr(addr.includes('/p2p/') ? addr : `${addr}/p2p/${t.peerId!}`))
  }
  return { key, node, id: node.peerId.toString() }
}

type Outcome = { answer: { ok: boolean, error?: string } } | 'dropped'

/** Sends one frame on the invite protocol and returns the receiver's answer (or that it dropped the stream). */
async function sendInvite (from: DevMeetLibp2p, to: TestPeer, frame: Uint8Array): Promise<Outcome> {
  const stream = await from.dialProtocol(peerIdFromString(to.peerId!), INVITE, { signal: AbortSignal.timeout(5000) })
  try {
    const frames = frameStream(stream, 1024 * 1024)
    await frames.writeBytes(frame, 5000)
    const answer = JSON.parse(new TextDecoder().decode(await frames.readBytes(5000)))
    await stream.close({ signal: AbortSignal.timeout(5000) }).catch(() => stream.abort(new Error('done')))
    return { answer }
  } catch {
    stream.abort(new Error('done'))
    return 'dropped'
  }
}

function refusalOf (outcome: Outcome): string {
  assert.ok(outcome !== 'dropped', 'answered, not dropped: an honest sender must learn why')
  assert.equal(outcome.answer.ok, false, JSON.stringify(outcome.answer))
  return outcome.answer.error ?? ''
}

/** The conference id bound to its organizer's key, computed here independently of the code under test. */
function boundId (organizer: string, nonce: string): string {
  return createHash('sha256').update(`devmeet-conference-id\0${organizer}\0${nonce}`).digest('base64url')
}

/** A well-formed context organized by `key`'s owner, with a correctly bound id. */
function contextBy (key: PrivateKey, over: Partial<ConferenceContext> = {}): ConferenceContext {
  const organizer = peerIdFromPrivateKey(key).toString()
  const nonce = randomBytes(16).toString('base64url')
  const now = Date.now()
  return {
    id: boundId(organizer, nonce),
    nonce,
    title: 'Mallory\'s meeting',
    agenda: '',
    start: now + 3_600_000,
    timeZone: 'UTC',
    durationMinutes: 60,
    organizer: { peerId: organizer, displayName: 'Mallory', addrs: [] },
    invitees: [],
    sequence: 1,
    status: 'scheduled',
    createdAt: now,
    updatedAt: now,
    ...over
  } as ConferenceContext
}

function invitee (peer: TestPeer | string, rsvp: Invitee['rsvp'] = 'pending', extra: Partial<Invitee> = {}): Invitee {
  const peerId = typeof peer === 'string' ? peer : peer.peerId!
  return { peerId, displayName: 'Someone', addrs: [], rsvp, ...(rsvp !== 'pending' ? { answeredAt: Date.now() } : {}), ...extra }
}

/** My latest signed RSVP envelope for a conference, as my node keeps it on disk. */
function myAnswerOnDisk (peer: TestPeer, conferenceId: string): Buffer {
  const file = JSON.parse(readFileSync(path.join(peer.dataDir, 'conferences', `${conferenceId}.json`), 'utf8'))
  return Buffer.from(file.myRsvp.envelope, 'base64')
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

/** A TCP listener that counts the connections made to it: the attacker's host. */
async function countingListener (): Promise<{ port: number, connections: () => number }> {
  let count = 0
  const server = net.createServer(socket => { count++; socket.destroy() })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as net.AddressInfo).port, connections: () => count }
}

before(() => { process.on('unhandledRejection', onUnhandled) })
after(async () => {
  process.off('unhandledRejection', onUnhandled)
  await Promise.all(rawNodes.map(async n => await Promise.resolve(n.stop()).catch(() => {})))
  for (const s of servers) s.close()
  await cleanup()
})

describe('6: participation rests on each peer\'s own signed answer', () => {
  let org: TestPeer
  let ann: TestPeer
  let ben: TestPeer
  let mallory: Hostile
  before(async () => {
    org = makePeer('Olga')
    ann = makePeer('Ann')
    ben = makePeer('Ben')
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    mallory = await hostilePeer(ann, ben)
  })

  it('an organizer listing me as accepted, with no answer of mine, does not make me a participant: the context is refused', async () => {
    const annId = ann.peerId!
    const events: string[] = []
    const offs = (['conference:start', 'conference:reminder', 'invitation'] as const).map(e => ann.events.on(e, v => events.push(`${e}:${v.context.id}`)))
    // Running now: a participant's node would announce the start and open the chat at once.
    const ctx = contextBy(mallory.key, { start: Date.now() - 60_000, invitees: [invitee(ann, 'accepted')] })
    const reason = refusalOf(await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, ctx)))
    assert.match(reason, /answer/)
    await sleep(300)
    for (const off of offs) off()
    assert.equal(ann.conferences.get(ctx.id), undefined, 'nothing of it is stored')
    assert.ok(!ann.conferences.participants(ctx.id).includes(annId))
    assert.equal(ann.conferences.isParticipant(ctx.id, annId), false)
    await ann.chat.join(ctx.id)
    assert.deepEqual(events, [], 'no invitation, reminder or start')
  })

  it('an organizer updating my "declined" to "accepted", or pasting answers signed by others or for other conferences, is refused as a whole', async () => {
    const annId = ann.peerId!
    const first = contextBy(mallory.key, { start: Date.now() - 60_000, invitees: [invitee(ann), invitee(ben)] })
    const ok = await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, first))
    assert.deepEqual(ok, { answer: { ok: true } }, 'an honest-looking invitation is taken')
    await ann.conferences.respond(first.id, 'declined')
    const declined = myAnswerOnDisk(ann, first.id).toString('base64url')
    const forged = (await seal(mallory.key, DOMAINS.rsvp, { conferenceId: first.id, sequence: 1, answer: 'accepted', rsvpSeq: 9 })).toString()
    const forgedAnswer = Buffer.from(forged).toString('base64url')
    // Ann's genuine answer to a real conference, pasted into Mallory's
    const real = await org.conferences.create({ title: 'Real', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [annId] })
    await eventually('Ann has the real invitation', () => ann.conferences.get(real.context.id) != null)
    await ann.conferences.respond(real.context.id, 'accepted')
    const acceptedElsewhere = myAnswerOnDisk(ann, real.context.id).toString('base64url')

    const attempts: Array<[string, Invitee]> = [
      ['my decline listed as an acceptance', invitee(ann, 'accepted', { answer: declined })],
      ['an acceptance signed by the organizer', invitee(ann, 'accepted', { answer: forgedAnswer })],
      ['my acceptance of another conference', invitee(ann, 'accepted', { answer: acceptedElsewhere })],
      ['an acceptance with no answer at all', invitee(ann, 'accepted')],
      ['a "pending" that carries an answer', invitee(ann, 'pending', { answer: declined })]
    ]
    let sequence = 1
    for (const [what, listed] of attempts) {
      const update = { ...first, sequence: ++sequence, invitees: [listed, invitee(ben)] }
      const reason = refusalOf(await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, update)))
      assert.match(reason, /answer/, what)
      assert.equal(ann.conferences.get(first.id)!.context.sequence, 1, `${what}: nothing applied`)
    }
    assert.equal(ann.conferences.isParticipant(first.id, annId), false)
    assert.equal(ann.conferences.get(first.id)!.myRsvp, 'declined')
    // Ben was never asked: Mallory's say-so about Ann does not make her a participant at Ben either.
    const atBen = { ...first, sequence: 20, invitees: [invitee(ann, 'accepted', { answer: acceptedElsewhere }), invitee(ben)] }
    assert.match(refusalOf(await sendInvite(mallory.node, ben, await seal(mallory.key, DOMAINS.conference, atBen))), /answer/)
    assert.equal(ben.conferences.isParticipant(first.id, annId), false)
  })

  it('an invitee the organizer no longer lists takes part no more, whatever it answered', async () => {
    const annId = ann.peerId!
    const first = contextBy(mallory.key, { start: Date.now() - 60_000, invitees: [invitee(ann), invitee(ben)] })
    assert.deepEqual(await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, first)), { answer: { ok: true } })
    await ann.conferences.respond(first.id, 'accepted')
    assert.equal(ann.conferences.isParticipant(first.id, annId), true, 'my own answer counts at once')
    const uninvited = { ...first, sequence: 2, invitees: [invitee(ben)] }
    assert.deepEqual(await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, uninvited)), { answer: { ok: true } })
    assert.equal(ann.conferences.get(first.id)!.context.sequence, 2)
    assert.equal(ann.conferences.isParticipant(first.id, annId), false)
    assert.ok(!ann.conferences.participants(first.id).includes(annId))
    // and a stranger's context that never listed me is still no business of mine
    const notMine = contextBy(mallory.key, { invitees: [invitee(ben)] })
    assert.match(refusalOf(await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, notMine))), /not an invitee/)
  })

  it('an answer the organizer refuses shows as refused with the reason, not as delivered', async () => {
    await mallory.node.handle('/devmeet/rsvp/1.0.0', async (stream: any) => {
      const frames = frameStream(stream, 64 * 1024)
      await frames.readBytes(5000)
      await frames.write({ ok: false, error: 'the conference is cancelled' }, 5000)
      await stream.close().catch(() => {})
    })
    const ctx = contextBy(mallory.key, { invitees: [invitee(ann)] })
    assert.deepEqual(await sendInvite(mallory.node, ann, await seal(mallory.key, DOMAINS.conference, ctx)), { answer: { ok: true } })
    await ann.conferences.respond(ctx.id, 'tentative')
    await eventually('the refusal arrives', () => ann.conferences.get(ctx.id)?.rsvpPending === false, 10_000)
    assert.equal(ann.conferences.get(ctx.id)!.rsvpRefused, 'the conference is cancelled')
    assert.deepEqual(ann.conferences.pendingDeliveries(ctx.id), [], 'not retried')
    await mallory.node.unhandle('/devmeet/rsvp/1.0.0')
  })

  it('a verified answer makes an invitee a participant on every peer, also after a restart', async () => {
    const { context } = await org.conferences.create({ title: 'Review', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [ann.peerId!, ben.peerId!] })
    const id = context.id
    await eventually('both invited', () => ann.conferences.get(id) != null && ben.conferences.get(id) != null)
    await ann.conferences.respond(id, 'accepted')
    await ben.conferences.respond(id, 'declined')
    const expected = [org.peerId!, ann.peerId!].sort()
    await eventually('everyone agrees', () => [org, ann, ben].every(p => JSON.stringify([...p.conferences.participants(id)].sort()) === JSON.stringify(expected) &&
      p.conferences.get(id)!.context.invitees.every(i => i.rsvp !== 'pending')))
    const listed = org.conferences.get(id)!.context.invitees.find(i => i.peerId === ann.peerId)!
    assert.equal(typeof listed.answer, 'string', 'the organizer carries Ann\'s own signed answer')
    assert.equal(ben.conferences.isParticipant(id, ann.peerId!), true)
    assert.equal(ann.conferences.isParticipant(id, ben.peerId!), false)
    assert.equal(ben.conferences.isParticipant(id, ben.peerId!), false)
    assert.equal(ann.conferences.isParticipant(id, org.peerId!), true)
    await stopPeer(ben)
    ben = reincarnate(ben, 'Ben')
    await startAll(ben)
    assert.deepEqual([...ben.conferences.participants(id)].sort(), expected, 'the store verifies the answers on load')
  })

  it('a cancelled conference has no participants: nobody may post, the history stays readable', async () => {
    const { context } = await org.conferences.create({ title: 'Soon cancelled', start: Date.now(), durationMinutes: 60, invitees: [ann.peerId!] })
    const id = context.id
    await eventually('invited', () => ann.conferences.get(id) != null)
    await ann.conferences.respond(id, 'accepted')
    await eventually('Ann is a participant at the organizer', () => org.conferences.isParticipant(id, ann.peerId!))
    await org.chat.join(id)
    await org.chat.send(id, { kind: 'text', body: 'before the cancellation' })
    await org.conferences.cancel(id)
    await eventually('Ann sees the cancellation', () => ann.conferences.get(id)?.context.status === 'cancelled')
    for (const p of [org, ann]) {
      assert.deepEqual(p.conferences.participants(id), [])
      assert.equal(p.conferences.isParticipant(id, org.peerId!), false)
      assert.equal(p.conferences.isParticipant(id, ann.peerId!), false)
    }
    await assert.rejects(org.chat.send(id, { kind: 'text', body: 'after' }), /cancelled/)
    assert.deepEqual((await org.chat.history(id)).map(m => m.body), ['before the cancellation'])
  })
})

describe('7: invitations from organizers I have never met', () => {
  it('takes at most 10 per relaying peer and 50 overall, and never dials their addresses until I accept', async () => {
    let cam = makePeer('Cam')
    await startAll(cam)
    const attackerHost = await countingListener()
    const relays = await Promise.all(Array.from({ length: 6 }, async () => await hostilePeer(cam)))
    const organizers: string[] = []
    const spam = async (relay: Hostile): Promise<{ ctx: ConferenceContext, outcome: Outcome }> => {
      const key = await generateKeyPair('Ed25519')
      const organizer = peerIdFromPrivateKey(key).toString()
      const ctx = contextBy(key, { invitees: [invitee(cam)] })
      ctx.organizer.addrs = [`/ip4/127.0.0.1/tcp/${attackerHost.port}`]
      const outcome = await sendInvite(relay.node, cam, await seal(key, DOMAINS.conference, ctx))
      if (outcome !== 'dropped' && outcome.answer.ok) organizers.push(organizer)
      return { ctx, outcome }
    }
    const taken: ConferenceContext[] = []
    for (let i = 0; i < 10; i++) {
      const { ctx, outcome } = await spam(relays[0])
      assert.deepEqual(outcome, { answer: { ok: true } }, `invitation ${i} through the first relay`)
      taken.push(ctx)
    }
    assert.match(refusalOf((await spam(relays[0])).outcome), /relayed by this peer/)
    for (const relay of relays.slice(1, 5)) {
      for (let i = 0; i < 10; i++) assert.deepEqual((await spam(relay)).outcome, { answer: { ok: true } })
    }
    assert.match(refusalOf((await spam(relays[5])).outcome), /50 invitations from organizers the invitee has never met/)
    assert.equal(organizers.length, 50)
    const held = cam.conferences.list().filter(v => organizers.includes(v.context.organizer.peerId))
    assert.equal(held.length, 50, 'exactly the 50 taken are held')

    // Their addresses are kept aside, not dialled: not now, not at the next start.
    for (const o of organizers) assert.deepEqual(cam.peerInfo(o).addrs, [], 'no dialable address from an invitation')
    await stopPeer(cam)
    cam = reincarnate(cam, 'Cam')
    await startAll(cam)
    await sleep(2000)
    assert.equal(attackerHost.connections(), 0, 'no connection to the addresses from the invitations')

    // Accepting one is the user's act: that organizer's addresses are used from then on.
    const chosen = taken[0]
    await cam.conferences.respond(chosen.id, 'accepted')
    assert.deepEqual(cam.peerInfo(chosen.organizer.peerId).addrs, chosen.organizer.addrs)
    await eventually('the answer is sent to the organizer\'s address', () => attackerHost.connections() > 0, 10_000)
  })
})

describe('9: conference ids are bound to their organizer\'s key; delivery means accepted', () => {
  it('a conference id re-signed by another invitee is refused, and the real invitation still arrives', async () => {
    const blocked = new Set<string>()
    const gate = (peerId: PeerId): boolean => blocked.has(peerId.toString())
    const org = makePeer('Olga')
    const ben = makePeer('Ben', { connectionGater: { denyDialMultiaddr: () => false, denyInboundEncryptedConnection: gate, denyDialPeer: gate } })
    await startAll(org, ben)
    blocked.add(org.peerId!)
    // The organizer knows Ben's address but cannot reach him for now.
    org.contacts.upsert({ peerId: ben.peerId!, displayName: 'Ben', addrs: [`${ben.listenAddrs()[0]}`], lastSeen: Date.now(), via: 'address' })
    const squatter = await hostilePeer(ben)
    const { context } = await org.conferences.create({ title: 'Planning', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [ben.peerId!, squatter.id] })
    await sleep(300)
    assert.equal(ben.conferences.get(context.id), undefined)
    // The squatter, an invitee too, re-signs the id under its own key and reaches Ben first.
    const squat: ConferenceContext = { ...context, title: 'Planning (moved!)', organizer: { peerId: squatter.id, displayName: 'Olga', addrs: [] }, invitees: [invitee(ben)] }
    const reason = refusalOf(await sendInvite(squatter.node, ben, await seal(squatter.key, DOMAINS.conference, squat)))
    assert.match(reason, /id/)
    assert.equal(ben.conferences.get(context.id), undefined)
    blocked.clear()
    await eventually('the real invitation arrives', () => ben.conferences.get(context.id)?.context.organizer.peerId === org.peerId, 10_000)
    assert.equal(ben.conferences.get(context.id)!.context.title, 'Planning')
    await eventually('the organizer sees it delivered', () => org.conferences.get(context.id)!.delivery[ben.peerId!] === 'delivered')
  })

  it('a refused invitation shows as refused with the reason, not as delivered, and is not retried', async () => {
    const org = makePeer('Olga')
    const ann = makePeer('Ann')
    await startAll(org, ann)
    await connectAll(org, ann)
    // Ann has met Olga (she connected by Olga's address), so the per-organizer cap applies, not the
    // stranger caps: a peer that only dialled in stays in Nearby and counts as never met.
    await ann.connect(org.address())
    // Ann holds as many unanswered invitations from Olga as she takes; the next is refused.
    const ids: string[] = []
    for (let i = 0; i < 21; i++) {
      ids.push((await org.conferences.create({ title: `Meeting ${i}`, start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [ann.peerId!] })).context.id)
    }
    const last = ids[20]
    await eventually('every invitation is answered', () => ids.every(id => org.conferences.get(id)!.delivery[ann.peerId!] !== 'pending'), 20_000)
    assert.equal(ann.conferences.get(last), undefined)
    const view = org.conferences.get(last)!
    assert.equal(view.delivery[ann.peerId!], 'refused')
    assert.match(view.refusals?.[ann.peerId!] ?? '', /unanswered/)
    assert.deepEqual(org.conferences.pendingDeliveries(last), [], 'not retried')
    assert.ok(ids.slice(0, 20).every(id => org.conferences.get(id)!.delivery[ann.peerId!] === 'delivered'))
  })
})

describe('no unhandled rejection', () => {
  it('had none', () => { assert.deepEqual(unhandled, []) })
})
