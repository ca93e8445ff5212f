// Answers to single occurrences of a series ("not on Friday"). Each is the invitee's own signed
// RSVP whose payload names the occurrence (the start the rule gives it); the organizer carries it
// in the context beside the series answer (Invitee.occurrenceAnswers), and every receiver checks
// it in verifyContext. The series answer alone decides who takes part in the conference (who may
// chat); an occurrence answer decides that occurrence's reminder and start for its author and
// what the others see for it.
import type { ConferenceContext, Invitee, OccurrenceAnswer, Rsvp, RsvpAnswer } from '../api'
import { readUnverified } from '../wire/envelope'
import { ConferenceRuleError } from '../errors'
import { MAX_OCCURRENCE_ANSWERS, MAX_OCCURRENCE_ANSWER_CHARS, rsvpPayloadSchema, type RsvpPayload } from './model'
import { ruleStartsAmong, SeriesChanges } from './recurrence'
export { verifyOccurrenceAnswers } from './verify-occurrence-answers'
import type { SignedAnswer, VerifiedAnswers } from './verify'
import { answerOf, isParticipant } from './participation'

/** Invitee side: my answer to one occurrence, signed, and whether the organizer acknowledged it. */
export interface MyOccurrenceRsvp {
  occurrence: number
  answer: RsvpAnswer
  rsvpSeq: number
  envelope: Uint8Array
  acked: boolean
  refused?: string
}

/** The invitee's counter in an answer the context carries (verified when the context was kept); 0 when unreadable. */
export function carriedRsvpSeq (answer: string | undefined): number {
  if (answer == null) return 0
  try {
    return readUnverified(Buffer.from(answer, 'base64url').toString(), rsvpPayloadSchema).payload.rsvpSeq
  } catch {
    return 0
  }
}

/** The highest counter of any answer of `peerId`'s the context carries: my next answer goes above it. */
export function highestCarriedRsvpSeq (ctx: ConferenceContext, peerId: string): number {
  const invitee = ctx.invitees.find(i => i.peerId === peerId)
  if (invitee == null) return 0
  return Math.max(carriedRsvpSeq(invitee.answer), ...(invitee.occurrenceAnswers ?? []).map(a => carriedRsvpSeq(a.answer)))
}

/** Whether an occurrence is over at `now` (its moved end, if moved). */
export function occurrenceEnded (ctx: ConferenceContext, occurrence: number, now: number, changes = new SeriesChanges(ctx)): boolean {
  const o = changes.apply(occurrence)
  return o.start + o.durationMinutes * 60_000 <= now
}

/**
 * Organizer side: applies an invitee's verified answer to one occurrence. Returns the new context
 * (sequence raised), or undefined for a replay (its counter not above the answer carried for that
 * occurrence). Answers to occurrences that have ended are dropped to make room. Throws
 * ConferenceRuleError for an answer that must be refused.
 */
export function applyOccurrenceRsvp (ctx: ConferenceContext, rsvp: RsvpPayload, signer: string, answer: string, now: number): ConferenceContext | undefined {
  const occurrence = rsvp.occurrence
  if (occurrence == null) throw new ConferenceRuleError('the answer names no occurrence')
  if (rsvp.conferenceId !== ctx.id) throw new ConferenceRuleError('the RSVP is for another conference')
  const invitee = ctx.invitees.find(i => i.peerId === signer)
  if (invitee == null) throw new ConferenceRuleError('the RSVP comes from a peer that is not invited')
  if (ctx.status === 'cancelled') throw new ConferenceRuleError('the conference is cancelled')
  if (ctx.recurrence == null) throw new ConferenceRuleError('the conference does not repeat: answer it, not an occurrence')
  if (rsvp.sequence > ctx.sequence) throw new ConferenceRuleError('the RSVP answers a version of the conference that was never sent')
  if (answer.length > MAX_OCCURRENCE_ANSWER_CHARS) throw new ConferenceRuleError(`an occurrence answer is over ${MAX_OCCURRENCE_ANSWER_CHARS} characters`)
  if (!ruleStartsAmong(ctx, [occurrence]).has(occurrence)) throw new ConferenceRuleError('the series has no occurrence at that time')
  const changes = new SeriesChanges(ctx)
  const state = changes.apply(occurrence)
  if (state.status === 'cancelled') throw new ConferenceRuleError('that occurrence is cancelled')
  if (occurrenceEnded(ctx, occurrence, now, changes)) throw new ConferenceRuleError('that occurrence is over')
  const earlier = invitee.occurrenceAnswers?.find(a => a.occurrence === occurrence)
  if (earlier != null && rsvp.rsvpSeq <= carriedRsvpSeq(earlier.answer)) return undefined
  const kept = (invitee.occurrenceAnswers ?? []).filter(a => a.occurrence !== occurrence && !occurrenceEnded(ctx, a.occurrence, now, changes))
  if (kept.length >= MAX_OCCURRENCE_ANSWERS) throw new ConferenceRuleError(`an invitee answers at most ${MAX_OCCURRENCE_ANSWERS} single occurrences ahead; answer the series instead`)
  const occurrenceAnswers: OccurrenceAnswer[] = [...kept, { occurrence, rsvp: rsvp.answer, answer }].sort((a, b) => a.occurrence - b.occurrence)
  const invitees: Invitee[] = ctx.invitees.map(i => i.peerId !== signer ? i : { ...i, occurrenceAnswers })
  return { ...ctx, invitees, sequence: ctx.sequence + 1, updatedAt: Math.max(now, ctx.updatedAt) }
}

/** A context without any occurrence answers (the whole series moved: they named the old starts). */
export function withoutOccurrenceAnswers (ctx: ConferenceContext): ConferenceContext {
  if (!ctx.invitees.some(i => i.occurrenceAnswers != null)) return ctx
  return { ...ctx, invitees: ctx.invitees.map(({ occurrenceAnswers: _, ...i }) => i) }
}

/**
 * `peerId`'s answer for one occurrence: their answer to it (the later by their own counter of the
 * one the context carries and, for me, the one I signed), else their series answer.
 */
export function answerForOccurrence (
  ctx: ConferenceContext,
  answers: VerifiedAnswers,
  peerId: string,
  occurrence: number,
  mine?: { peerId: string, answer?: SignedAnswer, occurrences?: MyOccurrenceRsvp[] }
): RsvpAnswer | undefined {
  const invitee = ctx.invitees.find(i => i.peerId === peerId)
  if (invitee == null) return undefined
  const carried = invitee.occurrenceAnswers?.find(a => a.occurrence === occurrence)
  const own = mine?.peerId === peerId ? mine.occurrences?.find(a => a.occurrence === occurrence) : undefined
  if (own != null && (carried == null || own.rsvpSeq >= carriedRsvpSeq(carried.answer))) return own.answer
  if (carried != null) return carried.rsvp
  return answerOf(ctx, answers, peerId, mine)
}

/**
 * Whether `peerId` takes part in one occurrence: a participant of the series (participation.ts:
 * the organizer, or an invitee whose series answer is yes or maybe) whose answer for this
 * occurrence is not a no. An occurrence answer narrows the series answer and never widens it, so
 * whoever is reminded of an occurrence may also chat in it.
 */
export function takesPartInOccurrence (
  ctx: ConferenceContext,
  answers: VerifiedAnswers,
  peerId: string,
  occurrence: number,
  mine?: { peerId: string, answer?: SignedAnswer, occurrences?: MyOccurrenceRsvp[] }
): boolean {
  if (!isParticipant(ctx, answers, peerId, mine)) return false
  if (peerId === ctx.organizer.peerId) return true
  const answer = answerForOccurrence(ctx, answers, peerId, occurrence, mine)
  return answer === 'accepted' || answer === 'tentative'
}

/** Per invitee, the answer that holds for one occurrence (pending when none). */
export function answersForOccurrence (
  ctx: ConferenceContext,
  answers: VerifiedAnswers,
  occurrence: number,
  mine?: { peerId: string, answer?: SignedAnswer, occurrences?: MyOccurrenceRsvp[] }
): Record<string, Rsvp> {
  const out: Record<string, Rsvp> = {}
  for (const i of ctx.invitees) out[i.peerId] = answerForOccurrence(ctx, answers, i.peerId, occurrence, mine) ?? 'pending'
  return out
}
