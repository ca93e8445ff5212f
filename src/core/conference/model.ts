import * as z from 'zod'
import type { ConferenceContext, Invitee, RsvpAnswer } from '../api'
import { sanitizeDisplayName } from '../identity'
import { ConferenceRuleError } from '../errors'
import { isValidTimeZone } from '../../shared/time'
import { MAX_EXCEPTIONS, MAX_OCCURRENCE_MOVE_MS, MAX_RECURRENCE_COUNT, MAX_RECURRENCE_INTERVAL, MAX_SERIES_SPAN_MS } from './recurrence'

import { MAX_TITLE_CHARS, MAX_AGENDA_BYTES, MAX_INVITEES, MAX_COMMENT_CHARS } from '../../shared/limits'
export { MAX_TITLE_CHARS, MAX_AGENDA_BYTES, MAX_INVITEES, MAX_COMMENT_CHARS }
/**
 * An invitee's signed answer as the organizer carries it (base64url of the RSVP envelope): 2048
 * characters hold an envelope of 1536 bytes, which a 500-character comment in most scripts fits;
 * the invitee's node shortens a comment that would not. With 100 invitees that is at most 200 KiB
 * of answers; what else a context holds is checked against MAX_INVITE_BYTES when it is signed.
 */
export const MAX_ANSWER_CHARS = 2048
/**
 * Answers to single occurrences an invitee may have carried at once (ended occurrences' answers
 * are dropped by the organizer first); each has no comment, so it stays under 512 characters.
 * The context's size limit (MAX_INVITE_BYTES) is checked on top when the organizer signs it.
 */
export const MAX_OCCURRENCE_ANSWERS = 8
export const MAX_OCCURRENCE_ANSWER_CHARS = 512

const YEAR_2000 = Date.UTC(2000, 0, 1)
const YEAR_2100 = Date.UTC(2100, 0, 1)

const peerIdText = z.string().min(40).max(64).regex(/^[1-9A-HJ-NP-Za-km-z]+$/, 'not a base58 peer ID')
const name = z.string().max(256).transform(n => sanitizeDisplayName(n))
const addrs = z.array(z.string().max(512)).max(16)
const instant = z.number().int().min(YEAR_2000).max(YEAR_2100)
const idText = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'not a conference id')

const weekday = z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])
const distinct = (values: unknown[]): boolean => new Set(values).size === values.length
const nonZero = (n: number): boolean => n !== 0

/** A series' rule: a small, bounded subset of RRULE (see recurrence.ts); combinations RFC 5545 leaves undefined are refused. */
export const recurrenceSchema = z.strictObject({
  freq: z.enum(['daily', 'weekly', 'monthly']),
  interval: z.number().int().min(1).max(MAX_RECURRENCE_INTERVAL),
  byDay: z.array(weekday).min(1).max(7).refine(distinct, 'a day is listed twice').optional(),
  byMonthDay: z.array(z.number().int().min(-31).max(31).refine(nonZero)).min(1).max(31).refine(distinct, 'a day is listed twice').optional(),
  bySetPos: z.array(z.number().int().min(-5).max(5).refine(nonZero)).min(1).max(5).refine(distinct, 'a position is listed twice').optional(),
  until: instant.optional(),
  count: z.number().int().min(1).max(MAX_RECURRENCE_COUNT).optional()
}).superRefine((rule, issues) => {
  if (rule.until != null && rule.count != null) issues.addIssue({ code: 'custom', message: 'a rule has until or count, not both' })
  if (rule.byMonthDay != null && rule.freq !== 'monthly') issues.addIssue({ code: 'custom', message: 'byMonthDay is for monthly rules' })
  if (rule.bySetPos != null && (rule.freq !== 'monthly' || rule.byDay == null)) issues.addIssue({ code: 'custom', message: 'bySetPos is for monthly rules with byDay' })
  if (rule.byMonthDay != null && rule.byDay != null) issues.addIssue({ code: 'custom', message: 'byMonthDay and byDay together are not supported' })
})

const exceptionSchema = z.strictObject({
  occurrence: instant,
  cancelled: z.literal(true).optional(),
  start: instant.optional(),
  durationMinutes: z.number().int().min(1).max(24 * 60).optional(),
  range: z.literal('thisAndFuture').optional()
}).superRefine((e, issues) => {
  const moved = e.start != null || e.durationMinutes != null
  if ((e.cancelled === true) === moved) issues.addIssue({ code: 'custom', message: 'an exception either cancels or moves its occurrence' })
  if (e.range != null && e.cancelled === true) issues.addIssue({ code: 'custom', message: 'this and following is ended by until, not cancelled' })
  if (e.start != null && Math.abs(e.start - e.occurrence) > MAX_OCCURRENCE_MOVE_MS) issues.addIssue({ code: 'custom', message: 'an occurrence is moved too far' })
})

const peerRefSchema = z.strictObject({ peerId: peerIdText, displayName: name, addrs })

const inviteeSchema = z.strictObject({
  peerId: peerIdText,
  displayName: name,
  addrs,
  rsvp: z.enum(['pending', 'accepted', 'declined', 'tentative']),
  answeredAt: instant.optional(),
  comment: z.string().max(MAX_COMMENT_CHARS).optional(),
  answer: z.string().max(MAX_ANSWER_CHARS).regex(/^[A-Za-z0-9_-]+$/, 'not base64url').optional(),
  occurrenceAnswers: z.array(z.strictObject({
    occurrence: instant,
    rsvp: z.enum(['accepted', 'declined', 'tentative']),
    answer: z.string().max(MAX_OCCURRENCE_ANSWER_CHARS).regex(/^[A-Za-z0-9_-]+$/, 'not base64url')
  })).min(1).max(MAX_OCCURRENCE_ANSWERS)
    .refine(list => distinct(list.map(a => a.occurrence)), 'an occurrence is answered twice').optional()
})

/** A ConferenceContext as received: strict, bounded, names sanitized. Dates are sane but never rejected for skew. */
export const conferenceContextSchema: z.ZodType<ConferenceContext> = z.strictObject({
  id: idText,
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'not a nonce'),
  title: z.string().min(1).max(MAX_TITLE_CHARS),
  agenda: z.string().max(MAX_AGENDA_BYTES),
  start: instant,
  timeZone: z.string().min(1).max(64),
  durationMinutes: z.number().int().min(1).max(24 * 60),
  organizer: peerRefSchema,
  invitees: z.array(inviteeSchema).max(MAX_INVITEES),
  sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  status: z.enum(['scheduled', 'cancelled']),
  createdAt: instant,
  updatedAt: instant,
  recurrence: recurrenceSchema.optional(),
  exceptions: z.array(exceptionSchema).max(MAX_EXCEPTIONS).optional()
}).superRefine((ctx, issues) => {
  const until = ctx.recurrence?.until
  if (until != null && (until < ctx.start || until > ctx.start + MAX_SERIES_SPAN_MS)) issues.addIssue({ code: 'custom', message: 'a series ends within two years of its start' })
  // A series is expanded in its zone: one the platform does not know could not be expanded anywhere.
  if (ctx.recurrence != null && !isValidTimeZone(ctx.timeZone)) issues.addIssue({ code: 'custom', message: 'a series needs a known IANA time zone' })
  if (ctx.exceptions != null && ctx.recurrence == null) issues.addIssue({ code: 'custom', message: 'only a series has exceptions' })
  if (ctx.exceptions != null && !distinct(ctx.exceptions.map(e => e.occurrence))) issues.addIssue({ code: 'custom', message: 'an occurrence has two exceptions' })
  if (ctx.recurrence == null && ctx.invitees.some(i => i.occurrenceAnswers != null)) issues.addIssue({ code: 'custom', message: 'only a series has answers to single occurrences' })
  const ids = new Set(ctx.invitees.map(i => i.peerId))
  if (ids.size !== ctx.invitees.length) issues.addIssue({ code: 'custom', message: 'an invitee is listed twice' })
  if (ids.has(ctx.organizer.peerId)) issues.addIssue({ code: 'custom', message: 'the organizer cannot be an invitee' })
}) as unknown as z.ZodType<ConferenceContext>

/** What an invitee signs to answer: names the conference and the context sequence it saw. */
export interface RsvpPayload {
  conferenceId: string
  /** the context sequence the invitee answered */
  sequence: number
  answer: RsvpAnswer
  /** per (conference, invitee), raised by the invitee on every answer: a replayed older answer is ignored */
  rsvpSeq: number
  comment?: string
  /** an answer to one occurrence of a series (the start the rule gives it), not to the series */
  occurrence?: number
}

export const rsvpPayloadSchema: z.ZodType<RsvpPayload> = z.strictObject({
  conferenceId: idText,
  sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  answer: z.enum(['accepted', 'declined', 'tentative']),
  rsvpSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  comment: z.string().max(MAX_COMMENT_CHARS).optional(),
  occurrence: instant.optional()
}).refine(r => r.occurrence == null || r.comment == null, 'an answer to one occurrence has no comment')

/** Only the organizer's own signature makes a context authentic. */
export function checkContextSigner (ctx: ConferenceContext, signer: string): void {
  if (signer !== ctx.organizer.peerId) throw new ConferenceRuleError('the context is not signed by its organizer')
}

/** A peer keeps the highest sequence it has seen: true only for a strictly newer one. */
export function isNewerContext (current: ConferenceContext | undefined, incoming: ConferenceContext): boolean {
  return current == null || incoming.sequence > current.sequence
}

/**
 * Applies a verified RSVP to the organizer's context. `answer` is the RSVP envelope exactly as
 * the invitee signed it (base64url); the new context carries it so that every receiver can check
 * the answer itself. Returns the new context (sequence raised), or undefined when the RSVP is a
 * replay (its rsvpSeq not above the last applied one).
 * Throws ConferenceRuleError for an RSVP that must be refused.
 */
export function applyRsvp (
  ctx: ConferenceContext,
  rsvp: RsvpPayload,
  signer: string,
  answer: string,
  lastRsvpSeq: number,
  now: number
): ConferenceContext | undefined {
  if (rsvp.conferenceId !== ctx.id) throw new ConferenceRuleError('the RSVP is for another conference')
  if (rsvp.occurrence != null) throw new ConferenceRuleError('an answer to one occurrence is not an answer to the series')
  const invitee = ctx.invitees.find(i => i.peerId === signer)
  if (invitee == null) throw new ConferenceRuleError('the RSVP comes from a peer that is not invited')
  if (ctx.status === 'cancelled') throw new ConferenceRuleError('the conference is cancelled')
  // Receivers refuse a context carrying such an answer, so it must not get into one.
  if (rsvp.sequence > ctx.sequence) throw new ConferenceRuleError('the RSVP answers a version of the conference that was never sent')
  if (answer.length > MAX_ANSWER_CHARS) throw new ConferenceRuleError(`the signed answer is over ${MAX_ANSWER_CHARS} characters; shorten the comment`)
  if (rsvp.rsvpSeq <= lastRsvpSeq) return undefined
  const invitees: Invitee[] = ctx.invitees.map(i => i.peerId !== signer
    ? i
    : stripUndefined({ ...i, rsvp: rsvp.answer, answeredAt: now, comment: rsvp.comment, answer }))
  return { ...ctx, invitees, sequence: ctx.sequence + 1, updatedAt: Math.max(now, ctx.updatedAt) }
}

function stripUndefined<T extends object> (o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k]
  return o
}
