import type { ConferenceContext, RsvpAnswer } from '../api'
import { checkConferenceId } from './conference-id'
import { checkContextSigner } from './model'
import { ConferenceRuleError } from '../errors'
import { verifyOccurrenceAnswers } from './verify-occurrence-answers'
import { CheckedAnswers } from './checked-answers'

/** An invitee's answer as its own signature says it. */
export interface SignedAnswer {
  answer: RsvpAnswer
  /** the invitee's own counter: the higher one is the later answer */
  rsvpSeq: number
}

/** Per invitee peer ID, the answer the context carries, each checked against the invitee's key. */
export type VerifiedAnswers = Record<string, SignedAnswer>

/**
 * Checks what a context asserts that only others could say: it is signed by its organizer, its
 * id is bound to that organizer's key, and every answer it lists is the invitee's own signed RSVP
 * for this conference saying exactly that (answer and comment), and so is every answer to a single
 * occurrence (occurrence-answers.ts). One claim that does not verify
 * refuses the whole context (ConferenceRuleError): a context is the organizer's word on all of it.
 * `checked` holds the answers whose signatures this peer already checked (in an earlier version).
 */
export async function verifyContext (ctx: ConferenceContext, signer: string, checked = new CheckedAnswers()): Promise<VerifiedAnswers> {
  checkContextSigner(ctx, signer)
  checkConferenceId(ctx)
  const answers: VerifiedAnswers = Object.create(null)
  for (const invitee of ctx.invitees) {
    const who = `${invitee.displayName} (${invitee.peerId.slice(-8)})`
    if (invitee.rsvp === 'pending') {
      if (invitee.answer != null) throw new ConferenceRuleError(`the context lists ${who} as pending but carries an answer`)
      continue
    }
    if (invitee.answer == null) throw new ConferenceRuleError(`the context lists ${who} as ${invitee.rsvp} without their signed answer`)
    let opened
    try {
      opened = await checked.open(invitee.answer)
    } catch (err: any) {
      throw new ConferenceRuleError(`the answer listed for ${who} does not verify: ${err?.message ?? err}`)
    }
    const rsvp = opened.payload
    if (opened.signer !== invitee.peerId) throw new ConferenceRuleError(`the answer listed for ${who} is signed by someone else`)
    if (rsvp.conferenceId !== ctx.id) throw new ConferenceRuleError(`the answer listed for ${who} is for another conference`)
    if (rsvp.occurrence != null) throw new ConferenceRuleError(`the answer listed as ${who}'s answer to the series answers one occurrence`)
    if (rsvp.answer !== invitee.rsvp) throw new ConferenceRuleError(`the context lists ${who} as ${invitee.rsvp}, but their signed answer is ${rsvp.answer}`)
    if ((rsvp.comment ?? '') !== (invitee.comment ?? '')) throw new ConferenceRuleError(`the comment listed for ${who} is not the one in their signed answer`)
    if (rsvp.sequence > ctx.sequence) throw new ConferenceRuleError(`the answer listed for ${who} names a later version of the conference`)
    answers[invitee.peerId] = { answer: rsvp.answer, rsvpSeq: rsvp.rsvpSeq }
  }
  await verifyOccurrenceAnswers(ctx, checked)
  return answers
}
