import type { ConferenceView, RsvpAnswer } from '../api'
import { seal, DOMAINS } from '../wire/envelope'
import { ConferenceInputError } from '../errors'
import type { Outbox } from '../invite/outbox'
import { MAX_ANSWER_CHARS, type RsvpPayload } from './model'
import type { StoredConference } from './store'
import type { ConferenceState } from './state'

const ANSWERS: readonly RsvpAnswer[] = ['accepted', 'declined', 'tentative']

/**
 * The invitee's side: signs my answer to an invitation, keeps it, and queues it for the organizer.
 * It counts for me at once; the organizer's updated context follows.
 */
export async function answerInvitation (state: ConferenceState, outbox: Outbox, id: string, answer: RsvpAnswer, comment?: string): Promise<ConferenceView> {
  return await state.locked(id, async () => {
    const conf = state.store.get(id)
    if (conf == null) throw new ConferenceInputError('No such conference.')
    const me = state.me()
    if (!conf.context.invitees.some(i => i.peerId === me)) throw new ConferenceInputError('You are not invited to this conference.')
    if (conf.context.status === 'cancelled') throw new ConferenceInputError('The conference is cancelled.')
    if (!ANSWERS.includes(answer)) throw new ConferenceInputError('Answer accepted, declined or tentative.')
    // Above my own counter and above the answer the context carries for me (a data folder restored from a backup).
    const rsvpSeq = Math.max(conf.myRsvp?.rsvpSeq ?? 0, conf.answers[me]?.rsvpSeq ?? 0) + 1
    const { payload, envelope, cleanComment } = await signAnswer(state, { conferenceId: id, sequence: conf.context.sequence, answer, rsvpSeq }, comment)
    const next: StoredConference = { ...conf, myRsvp: { answer, rsvpSeq: payload.rsvpSeq, envelope, acked: false, comment: cleanComment } }
    await state.store.put(next)
    // Answering is the user's act on this invitation: its organizer's addresses may be dialled now.
    if (answer !== 'declined') state.components.contacts.promote(conf.context.organizer.peerId)
    await outbox.enqueue('rsvp', id, conf.context.organizer.peerId)
    return state.updated(next)
  })
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
