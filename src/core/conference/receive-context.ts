import { open, DOMAINS } from '../wire/envelope'
import { ConferenceRuleError, RefusedError, isError } from '../errors'
import { checkContextSigner, conferenceContextSchema, isNewerContext } from './model'
import { verifyContext, type VerifiedAnswers } from './verify'
import type { StoredConference } from './store'
import type { ConferenceState } from './state'

/**
 * New invitations from one organizer are refused while this many of theirs wait for an answer: a
 * peer that knows my address cannot fill my Invitations list (and data folder) with thousands.
 */
export const MAX_UNANSWERED_PER_ORGANIZER = 20
/**
 * Anyone can make a new identity and sign an invitation with it, and any connected peer can relay
 * it. Unanswered invitations from organizers I have never met (see ContactStore.hasMet) are
 * capped overall, so fresh identities cannot fill my Invitations list, contacts and data folder,
 * and per relaying peer (the peer that sent the invite stream), so one peer cannot take all of
 * that room and keep strangers' genuine invitations out.
 */
export const MAX_UNANSWERED_FROM_STRANGERS = 50
export const MAX_UNANSWERED_FROM_STRANGERS_PER_RELAY = 10

/**
 * Invitee side of the invite protocol: a context from the organizer (or relayed by anyone) is
 * verified and kept if newer. Throws RefusedError to answer with a reason; other errors reset the stream.
 */
export async function receiveContext (state: ConferenceState, bytes: Uint8Array, from: string): Promise<void> {
  const opened = await open(bytes, DOMAINS.conference, conferenceContextSchema)
  const ctx = opened.payload
  const me = state.me()
  // A context not signed by its organizer is a forgery: dropped with a strike, not answered.
  checkContextSigner(ctx, opened.signer)
  const listed = ctx.invitees.some(i => i.peerId === me)
  if (!listed && state.store.get(ctx.id) == null) throw new RefusedError('you are not an invitee of this conference')
  let answers: VerifiedAnswers
  try {
    answers = await verifyContext(ctx, opened.signer, state.checkedAnswers)
  } catch (err) {
    // The organizer's own record with a claim that does not hold: answered, so it shows as refused there.
    if (isError(err, ConferenceRuleError)) throw new RefusedError(err.message)
    throw err
  }
  const { components } = state
  await state.locked(ctx.id, async () => {
    const current = state.store.get(ctx.id)
    if (current != null && current.context.organizer.peerId !== ctx.organizer.peerId) throw new RefusedError('conference id already used by another organizer')
    // An update that no longer lists me is kept too: I was uninvited, and take part no more.
    if (current == null && !listed) throw new RefusedError('you are not an invitee of this conference')
    if (current == null) checkRoomForInvitation(state, ctx.organizer.peerId, from)
    if (!isNewerContext(current?.context, ctx)) return
    const conf: StoredConference = {
      context: ctx,
      envelope: opened.bytes,
      answers,
      delivery: {},
      lastRsvpSeq: {},
      myRsvp: current?.myRsvp,
      ...(current?.myOccurrenceRsvps != null ? { myOccurrenceRsvps: current.myOccurrenceRsvps } : {}),
      receivedFrom: current?.receivedFrom ?? from
    }
    await state.store.put(conf)
    components.contacts.noteInvitation(ctx.organizer, components.clock.now())
    const view = state.view(conf)
    // A conference first seen already cancelled is no invitation; it still shows as an update.
    if (current == null && ctx.status === 'scheduled') components.events.emit('invitation', view)
    components.events.emit('conference:update', view)
    components.log.debug(`conference ${ctx.id} sequence ${ctx.sequence} from ${from}`)
  })
}

/** Refuses a new invitation (RefusedError with the reason) while too many like it wait for my answer. */
function checkRoomForInvitation (state: ConferenceState, organizer: string, relay: string): void {
  const { contacts } = state.components
  const unanswered = unansweredInvitations(state)
  if (unanswered.filter(c => c.context.organizer.peerId === organizer).length >= MAX_UNANSWERED_PER_ORGANIZER) {
    throw new RefusedError(`${MAX_UNANSWERED_PER_ORGANIZER} invitations from this organizer are still unanswered`)
  }
  if (contacts.hasMet(organizer)) return
  const fromStrangers = unanswered.filter(c => !contacts.hasMet(c.context.organizer.peerId))
  if (fromStrangers.filter(c => c.receivedFrom === relay).length >= MAX_UNANSWERED_FROM_STRANGERS_PER_RELAY) {
    throw new RefusedError(`${MAX_UNANSWERED_FROM_STRANGERS_PER_RELAY} invitations relayed by this peer from organizers the invitee has never met are still unanswered`)
  }
  if (fromStrangers.length >= MAX_UNANSWERED_FROM_STRANGERS) {
    throw new RefusedError(`${MAX_UNANSWERED_FROM_STRANGERS} invitations from organizers the invitee has never met are still unanswered`)
  }
}

/** Upcoming invitations to me that I have not answered. */
function unansweredInvitations (state: ConferenceState): StoredConference[] {
  const now = state.components.clock.now()
  const me = state.me()
  return state.store.all().filter(c => c.context.invitees.some(i => i.peerId === me) && c.myRsvp == null &&
    c.context.status === 'scheduled' && c.context.start + c.context.durationMinutes * 60_000 > now)
}
