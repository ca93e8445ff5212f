import { createHash, randomBytes } from 'node:crypto'
import { ConferenceRuleError } from '../errors'

const ID_DOMAIN = 'devmeet-conference-id\0'

/**
 * A conference id is the hash of its organizer's peer ID and a random nonce carried in the
 * context. Anyone can read a context and copy its id, but a context with that id signed by
 * another key fails this check everywhere, so an invitee cannot squat an id and get the real
 * invitation refused. 43 base64url characters: storage and chat use ids as file names and keys
 * (/^[A-Za-z0-9_-]{22,64}$/).
 */
export function conferenceIdFor (organizer: string, nonce: string): string {
  return createHash('sha256').update(ID_DOMAIN + organizer + '\0' + nonce).digest('base64url')
}

/** A new id for a conference `organizer` creates, with the nonce that goes into its context. */
export function newConferenceId (organizer: string): { id: string, nonce: string } {
  const nonce = randomBytes(16).toString('base64url')
  return { id: conferenceIdFor(organizer, nonce), nonce }
}

/** Throws ConferenceRuleError unless the context's id is bound to its organizer. */
export function checkConferenceId (ctx: { id: string, nonce: string, organizer: { peerId: string } }): void {
  if (ctx.id !== conferenceIdFor(ctx.organizer.peerId, ctx.nonce)) {
    throw new ConferenceRuleError('the conference id is not bound to its organizer\'s key')
  }
}
