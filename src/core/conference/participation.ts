import type { ConferenceContext, RsvpAnswer } from '../api'
import type { SignedAnswer, VerifiedAnswers } from './verify'

/*
 * Who takes part in a conference now. The one place that decides it: the chat (send, forward,
 * sync, accept), the scheduler (reminder, start) and the UI all ask here.
 *
 * - The organizer takes part: the context is their signed word.
 * - An invitee takes part only with an accepted or tentative answer they signed themselves: the
 *   one the organizer's context carries (checked by verifyContext before anything was kept), or,
 *   for me, my own latest answer when it is newer than the one the context carries.
 * - A cancelled conference has no participants: nobody may post or sync there any more, and the
 *   scheduler announces nothing. Its chat history stays readable from the local log.
 */

function takesPart (answer: RsvpAnswer | undefined): boolean {
  return answer === 'accepted' || answer === 'tentative'
}

/**
 * `peerId`'s answer: the later by the invitee's own counter of the one the verified context
 * carries and, for me, the one I signed myself. Undefined while unanswered or not invited.
 */
export function answerOf (ctx: ConferenceContext, answers: VerifiedAnswers, peerId: string, mine?: { peerId: string, answer?: SignedAnswer }): RsvpAnswer | undefined {
  if (!ctx.invitees.some(i => i.peerId === peerId)) return undefined
  const carried = answers[peerId]
  const own = mine?.peerId === peerId ? mine.answer : undefined
  if (own != null && (carried == null || own.rsvpSeq >= carried.rsvpSeq)) return own.answer
  return carried?.answer
}

/** Whether `peerId` takes part in the conference now. */
export function isParticipant (ctx: ConferenceContext, answers: VerifiedAnswers, peerId: string, mine?: { peerId: string, answer?: SignedAnswer }): boolean {
  if (ctx.status === 'cancelled') return false
  if (peerId === ctx.organizer.peerId) return true
  return takesPart(answerOf(ctx, answers, peerId, mine))
}

/** Everyone who takes part now, the organizer first. */
export function participantsOf (ctx: ConferenceContext, answers: VerifiedAnswers, mine?: { peerId: string, answer?: SignedAnswer }): string[] {
  if (ctx.status === 'cancelled') return []
  return [ctx.organizer.peerId, ...ctx.invitees.map(i => i.peerId).filter(p => isParticipant(ctx, answers, p, mine))]
}
