import type { ConferenceView, RsvpAnswer } from '../api'
import { seal, DOMAINS } from '../wire/envelope'
import { ConferenceInputError } from '../errors'
import type { Outbox } from '../invite/outbox'
import { MAX_ANSWER_CHARS, MAX_OCCURRENCE_ANSWERS, type RsvpPayload } from './model'
import { highestCarriedRsvpSeq, occurrenceEnded, type MyOccurrenceRsvp } from './occurrence-answers'
import { ruleStartsAmong, SeriesChanges } from './recurrence'
import type { StoredConference } from './store'
import type { ConferenceState } from './state'
import { localized } from '../../shared/localized'

const ANSWERS: readonly RsvpAnswer[] = ['accepted', 'declined', 'tentative']

/**
 * The invitee's side: signs my answer to an invitation, keeps it, and queues it for the organizer.
 * It counts for me at once; the organizer's updated context follows.
 */
export async function answerInvitation (state: ConferenceState, outbox: Outbox, id: string, answer: RsvpAnswer, comment?: string): Promise<ConferenceView> {
  return await state.locked(id, async () => {
    const conf = state.store.get(id)
    if (conf == null) throw new ConferenceInputError(localized`No such conference.`)
    const me = state.me()
    if (!conf.context.invitees.some(i => i.peerId === me)) throw new ConferenceInputError(localized`You are not invited to this conference.`)
    if (conf.context.status === 'cancelled') throw new ConferenceInputError(localized`The conference is cancelled.`)
    if (!ANSWERS.includes(answer)) throw new ConferenceInputError(localized`Answer accepted, declined or tentative.`)
    // Above my own counter and above the answer the context carries for me (a data folder restored from a backup).
    const rsvpSeq = nextRsvpSeq(conf, me)
    const { payload, envelope, cleanComment } = await signAnswer(state, { conferenceId: id, sequence: conf.context.sequence, answer, rsvpSeq }, comment)
    const next: StoredConference = { ...conf, myRsvp: { answer, rsvpSeq: payload.rsvpSeq, envelope, acked: false, comment: cleanComment } }
    await state.store.put(next)
    // Answering is the user's act on this invitation: its organizer's addresses may be dialled now.
    if (answer !== 'declined') state.components.contacts.promote(conf.context.organizer.peerId)
    await outbox.enqueue('rsvp', id, conf.context.organizer.peerId)
    return state.updated(next)
  })
}

/**
 * The invitee's side of "not on Friday": signs my answer to one occurrence of a series, keeps it
 * beside my series answer, and queues it for the organizer (the same outbox entry carries both).
 */
export async function answerOccurrence (state: ConferenceState, outbox: Outbox, id: string, occurrence: number, answer: RsvpAnswer): Promise<ConferenceView> {
  return await state.locked(id, async () => {
    const conf = state.store.get(id)
    if (conf == null) throw new ConferenceInputError(localized`No such conference.`)
    const me = state.me()
    const ctx = conf.context
    if (!ctx.invitees.some(i => i.peerId === me)) throw new ConferenceInputError(localized`You are not invited to this conference.`)
    if (ctx.status === 'cancelled') throw new ConferenceInputError(localized`The conference is cancelled.`)
    if (ctx.recurrence == null) throw new ConferenceInputError(localized`The conference does not repeat; answer the conference instead.`)
    if (!ANSWERS.includes(answer)) throw new ConferenceInputError(localized`Answer accepted, declined or tentative.`)
    if (!Number.isInteger(occurrence) || !ruleStartsAmong(ctx, [occurrence]).has(occurrence)) throw new ConferenceInputError(localized`The series has no occurrence at that time.`)
    const now = state.components.clock.now()
    const changes = new SeriesChanges(ctx)
    if (changes.apply(occurrence).status === 'cancelled') throw new ConferenceInputError(localized`That occurrence is cancelled.`)
    if (occurrenceEnded(ctx, occurrence, now, changes)) throw new ConferenceInputError(localized`That occurrence is over.`)
    const kept = (conf.myOccurrenceRsvps ?? []).filter(a => a.occurrence !== occurrence && !occurrenceEnded(ctx, a.occurrence, now, changes))
    if (kept.length >= MAX_OCCURRENCE_ANSWERS) throw new ConferenceInputError(localized`At most ${MAX_OCCURRENCE_ANSWERS} single occurrences can be answered ahead; answer the series instead.`)
    const rsvpSeq = nextRsvpSeq(conf, me)
    const envelope = await seal(state.components.key, DOMAINS.rsvp, { conferenceId: id, sequence: ctx.sequence, answer, rsvpSeq, occurrence } satisfies RsvpPayload)
    const mine: MyOccurrenceRsvp = { occurrence, answer, rsvpSeq, envelope, acked: false }
    const next: StoredConference = { ...conf, myOccurrenceRsvps: [...kept, mine].sort((a, b) => a.occurrence - b.occurrence) }
    await state.store.put(next)
    await outbox.enqueue('rsvp', id, ctx.organizer.peerId)
    return state.updated(next)
  })
}

/** Above every answer of mine I signed or the context carries (a data folder restored from a backup): one counter over the series and its occurrences. */
function nextRsvpSeq (conf: StoredConference, me: string): number {
  return Math.max(
    conf.myRsvp?.rsvpSeq ?? 0,
    conf.answers[me]?.rsvpSeq ?? 0,
    ...(conf.myOccurrenceRsvps ?? []).map(a => a.rsvpSeq),
    highestCarriedRsvpSeq(conf.context, me)
  ) + 1
}

/** Signs the answer, shortening the comment until the envelope fits where the organizer carries it (the context, with its size limit). */
async function signAnswer (state: ConferenceState, base: Omit<RsvpPayload, 'comment'>, comment: string | undefined): Promise<{ payload: RsvpPayload, envelope: Uint8Array, cleanComment: string | undefined }> {
  let cleanComment = comment == null || comment.trim() === '' ? undefined : comment.trim().slice(0, 500)
  for (;;) {
    const payload: RsvpPayload = { ...base, ...(cleanComment != null ? { comment: cleanComment } : {}) }
    const envelope = await seal(state.components.key, DOMAINS.rsvp, payload)
    if (Buffer.from(envelope).toString('base64url').length <= MAX_ANSWER_CHARS || cleanComment == null) return { payload, envelope, cleanComment }
    const shorter = Array.from(cleanComment).slice(0, Math.floor(Array.from(cleanComment).length * 0.8)).join('').trim()
    cleanComment = shorter === '' ? undefined : shorter
  }
}
