import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ConferenceView, RsvpEvent } from '../../src/core/api'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { sendRecord, INVITE_PROTOCOL, RSVP_PROTOCOL, MAX_INVITE_BYTES, MAX_RSVP_BYTES } from '../../src/core/invite/protocols'
import type { RsvpPayload } from '../../src/core/conference/model'
import { MAX_UNANSWERED_PER_ORGANIZER } from '../../src/core/conference/receive-context'
import { Switchboard, contextOf, stopConferencePeers, stubConferencePeer, until, type StubConferencePeer } from '../helpers/conference-stubs'

const HOUR = 3_600_000
let running: StubConferencePeer[] = []

async function peers (...names: string[]): Promise<StubConferencePeer[]> {
  return await peersRetryingEvery(50, ...names)
}

/** Peers whose outbox waits `retryMs` after a failed delivery. */
async function peersRetryingEvery (retryMs: number, ...names: string[]): Promise<StubConferencePeer[]> {
  const board = new Switchboard()
  const made = await Promise.all(names.map(n => stubConferencePeer(board, n, { initialMs: retryMs, maxMs: retryMs * 4 })))
  for (const p of made) await p.service.start()
  running = made
  return made
}

function collect<T> (p: StubConferencePeer, event: 'invitation' | 'conference:update' | 'rsvp'): T[] {
  const seen: T[] = []
  p.events.on(event, v => seen.push(v as T))
  return seen
}

afterEach(async () => { await stopConferencePeers(...running.splice(0)) })

describe('conference protocols over stubbed ports', () => {
  it('delivers an invitation through the invite protocol and marks it delivered', async () => {
    const [org, ann] = await peers('Org', 'Ann')
    const invitations = collect<ConferenceView>(ann, 'invitation')
    const view = await org.service.create({ title: 'Design review', start: Date.now() + HOUR, durationMinutes: 30, invitees: [ann.id] })
    await until('Ann has the invitation', () => invitations.length === 1)
    assert.equal(invitations[0].context.id, view.context.id)
    assert.equal(invitations[0].myRsvp, 'pending')
    await until('Org sees it delivered', () => org.service.get(view.context.id)?.delivery[ann.id] === 'delivered')
    assert.deepEqual(org.dials, [ann.id], 'the dialer port is asked before the stream is opened')
    assert.deepEqual(org.service.pendingDeliveries(), [])
  })

  it('carries an answer to the organizer, who sends the new context to every invitee', async () => {
    const [org, ann, ben] = await peers('Org', 'Ann', 'Ben')
    const rsvps = collect<RsvpEvent>(org, 'rsvp')
    const { context } = await org.service.create({ title: 'Planning', start: Date.now() + HOUR, durationMinutes: 30, invitees: [ann.id, ben.id] })
    await until('Ann has the invitation', () => ann.service.get(context.id) != null)
    await ann.service.respond(context.id, 'accepted', 'see you there')
    assert.deepEqual(ann.promoted, [org.id], 'answering promotes the organizer among the contacts')
    await until('Org has the answer', () => rsvps.length === 1)
    assert.deepEqual(rsvps[0], { conferenceId: context.id, peerId: ann.id, rsvp: 'accepted', comment: 'see you there' })
    await until('Ben has the new context', () => ben.service.get(context.id)?.context.invitees.find(i => i.peerId === ann.id)?.rsvp === 'accepted')
    assert.deepEqual(ben.service.participants(context.id).sort(), [org.id, ann.id].sort())
    await until('Ann\'s answer is acknowledged', () => ann.service.get(context.id)?.rsvpPending === false)
  })

  it('tries an undelivered invitation again as soon as the invitee connects', async () => {
    // A minute between attempts: only the connection can explain a delivery within the test.
    const [org, ann] = await peersRetryingEvery(60_000, 'Org', 'Ann')
    await ann.service.stop()
    const { context } = await org.service.create({ title: 'Later', start: Date.now() + HOUR, durationMinutes: 30, invitees: [ann.id] })
    await until('the first attempt failed', () => org.service.pendingDeliveries()[0]?.attempts === 1)
    await ann.service.start()
    org.node.connected(peerIdFromString(ann.id))
    await until('Org sees it delivered', () => org.service.get(context.id)?.delivery[ann.id] === 'delivered', 2000)
  })

  it('refuses, with the reason, an invitation to a peer it does not list', async () => {
    const [org, ann, eve] = await peers('Org', 'Ann', 'Eve')
    const envelope = await seal(org.key, DOMAINS.conference, contextOf(org.id, [ann.id]))
    const ack = await sendRecord(org.node, eve.id, INVITE_PROTOCOL, MAX_INVITE_BYTES, envelope)
    assert.deepEqual(ack, { ok: false, error: 'you are not an invitee of this conference' })
    assert.deepEqual(eve.service.list(), [])
  })

  it('drops a context not signed by its organizer: the stream is reset and nothing is kept', async () => {
    const [org, ann, eve] = await peers('Org', 'Ann', 'Eve')
    const forged = await seal(eve.key, DOMAINS.conference, contextOf(org.id, [ann.id]))
    await assert.rejects(sendRecord(eve.node, ann.id, INVITE_PROTOCOL, MAX_INVITE_BYTES, forged))
    assert.deepEqual(ann.service.list(), [])
  })

  it('refuses an RSVP sent by anyone but its author', async () => {
    const [org, ann, eve] = await peers('Org', 'Ann', 'Eve')
    const { context } = await org.service.create({ title: 'Vote', start: Date.now() + HOUR, durationMinutes: 30, invitees: [ann.id] })
    const payload: RsvpPayload = { conferenceId: context.id, sequence: context.sequence, answer: 'accepted', rsvpSeq: 1 }
    const annsAnswer = await seal(ann.key, DOMAINS.rsvp, payload)
    const ack = await sendRecord(eve.node, org.id, RSVP_PROTOCOL, MAX_RSVP_BYTES, annsAnswer)
    assert.deepEqual(ack, { ok: false, error: 'an RSVP is sent by its author' })
    assert.equal(org.service.get(context.id)?.context.invitees[0].rsvp, 'pending')
  })

  it('refuses new invitations from an organizer with too many unanswered', async () => {
    const [org, ann] = await peers('Org', 'Ann')
    ann.met.add(org.id)
    for (let i = 0; i < MAX_UNANSWERED_PER_ORGANIZER; i++) {
      const ack = await sendRecord(org.node, ann.id, INVITE_PROTOCOL, MAX_INVITE_BYTES, await seal(org.key, DOMAINS.conference, contextOf(org.id, [ann.id], `Meeting ${i}`)))
      assert.equal(ack.ok, true)
    }
    const ack = await sendRecord(org.node, ann.id, INVITE_PROTOCOL, MAX_INVITE_BYTES, await seal(org.key, DOMAINS.conference, contextOf(org.id, [ann.id], 'One more')))
    assert.deepEqual(ack, { ok: false, error: `${MAX_UNANSWERED_PER_ORGANIZER} invitations from this organizer are still unanswered` })
    assert.equal(ann.service.list().length, MAX_UNANSWERED_PER_ORGANIZER)
  })

  it('unregisters the invite and RSVP protocols when stopped', async () => {
    const [org] = await peers('Org')
    assert.deepEqual([...org.node.handlers.keys()].sort(), [INVITE_PROTOCOL, RSVP_PROTOCOL].sort())
    await org.service.stop()
    assert.deepEqual([...org.node.handlers.keys()], [])
  })
})
