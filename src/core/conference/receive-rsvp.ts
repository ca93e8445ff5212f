import type { ConferenceContext, ConferenceView } from '../api'
import { open, DOMAINS } from '../wire/envelope'
import { ConferenceRuleError, ConferenceTooLargeError, RefusedError, isError } from '../errors'
import { applyRsvp, rsvpPayloadSchema } from './model'
import { applyOccurrenceRsvp } from './occurrence-answers'
import type { ConferenceState } from './state'

/** Signs, stores and queues a new version of a context (ConferenceChanges.publish). */
export type Publish = (context: ConferenceContext, lastRsvpSeq: Record<string, number>) => Promise<ConferenceView>

/**
 * Organizer side of the RSVP protocol: an invitee's own signed answer is applied to the context,
 * which is published again to every invitee. Throws RefusedError to answer with a reason.
 */
export async function receiveRsvp (state: ConferenceState, publish: Publish, bytes: Uint8Array, from: string): Promise<void> {
  const opened = await open(bytes, DOMAINS.rsvp, rsvpPayloadSchema)
  const rsvp = opened.payload
  if (opened.signer !== from) throw new RefusedError('an RSVP is sent by its author')
  const { clock, events } = state.components
  await state.locked(rsvp.conferenceId, async () => {
    const conf = state.store.get(rsvp.conferenceId)
    if (conf == null || conf.context.organizer.peerId !== state.me()) throw new RefusedError('unknown conference')
    let next: ConferenceContext | undefined
    try {
      const signed = Buffer.from(opened.bytes).toString('base64url')
      // An answer to one occurrence has its own slot, and its replay is judged against the answer carried there.
      next = rsvp.occurrence != null
        ? applyOccurrenceRsvp(conf.context, rsvp, opened.signer, signed, clock.now())
        : applyRsvp(conf.context, rsvp, opened.signer, signed, conf.lastRsvpSeq[opened.signer] ?? 0, clock.now())
      if (next == null) return
      next = withFreshAddrs(next, opened.signer, state.components.peers.peerInfo(opened.signer).addrs)
      await publish(next, rsvp.occurrence != null ? conf.lastRsvpSeq : { ...conf.lastRsvpSeq, [opened.signer]: rsvp.rsvpSeq })
    } catch (err) {
      if (isError(err, ConferenceRuleError) || isError(err, ConferenceTooLargeError)) throw new RefusedError(err.message)
      throw err
    }
    const invitee = next.invitees.find(i => i.peerId === opened.signer)!
    if (rsvp.occurrence != null) {
      events.emit('rsvp', { conferenceId: rsvp.conferenceId, peerId: opened.signer, rsvp: rsvp.answer, occurrence: rsvp.occurrence })
      return
    }
    events.emit('rsvp', { conferenceId: rsvp.conferenceId, peerId: opened.signer, rsvp: invitee.rsvp, ...(invitee.comment != null ? { comment: invitee.comment } : {}) })
  })
}

/**
 * The invitee's addresses as we know them now, relayed ones first: an invitee behind NAT has
 * reserved a relay slot since it was invited (src/core/relay), and the others reach it only there.
 */
function withFreshAddrs (ctx: ConferenceContext, peerId: string, known: string[]): ConferenceContext {
  const usable = known.filter(a => a.length <= 512)
  if (usable.length === 0) return ctx
  const addrs = [...usable.filter(a => a.includes('/p2p-circuit')), ...usable.filter(a => !a.includes('/p2p-circuit'))].slice(0, 16)
  return { ...ctx, invitees: ctx.invitees.map(i => i.peerId === peerId ? { ...i, addrs } : i) }
}
