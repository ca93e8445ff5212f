// Every answer to a single occurrence a context carries, checked as verifyContext checks the
// series answers (occurrence-answers.ts has the rest of the rules).
import type { ConferenceContext } from '../api'
import { ConferenceRuleError } from '../errors'
import { ruleStartsAmong } from './recurrence'
import { CheckedAnswers } from './checked-answers'

/**
 * Checks every occurrence answer a context carries: the invitee's own signature, this conference,
 * the occurrence and answer the context lists, a version already made, and an occurrence the rule
 * gives. Throws ConferenceRuleError for the first that does not hold.
 */
export async function verifyOccurrenceAnswers (ctx: ConferenceContext, checked = new CheckedAnswers()): Promise<void> {
  const named: number[] = []
  for (const invitee of ctx.invitees) {
    const who = `${invitee.displayName} (${invitee.peerId.slice(-8)})`
    for (const listed of invitee.occurrenceAnswers ?? []) {
      let opened
      try {
        opened = await checked.open(listed.answer)
      } catch (err: any) {
        throw new ConferenceRuleError(`an occurrence answer listed for ${who} does not verify: ${err?.message ?? err}`)
      }
      const rsvp = opened.payload
      if (opened.signer !== invitee.peerId) throw new ConferenceRuleError(`an occurrence answer listed for ${who} is signed by someone else`)
      if (rsvp.conferenceId !== ctx.id) throw new ConferenceRuleError(`an occurrence answer listed for ${who} is for another conference`)
      if (rsvp.occurrence !== listed.occurrence) throw new ConferenceRuleError(`an occurrence answer listed for ${who} names another occurrence than it answers`)
      if (rsvp.answer !== listed.rsvp) throw new ConferenceRuleError(`the context lists ${who} as ${listed.rsvp} for an occurrence, but their signed answer is ${rsvp.answer}`)
      if (rsvp.sequence > ctx.sequence) throw new ConferenceRuleError(`an occurrence answer listed for ${who} names a later version of the conference`)
      named.push(listed.occurrence)
    }
  }
  if (named.length === 0) return
  const given = ruleStartsAmong(ctx, named)
  if (named.some(o => !given.has(o))) throw new ConferenceRuleError('an occurrence answer names an occurrence the series does not have')
}
