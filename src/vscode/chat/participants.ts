// The side column's participant list, the same for a live panel and the stored-history preview.
import type { ConferenceContext } from '../../core/api'
import type { ParticipantView } from '../../shared/chat-messages'

export interface PresenceNow {
  online: readonly string[]
  typing: readonly string[]
}

/** Organizer first, then the invitees who did not decline; `nameOf` gives each one's shown name. */
export function participantsOf (ctx: ConferenceContext, nameOf: (peerId: string, listed: string) => string, me: string, presence: PresenceNow): ParticipantView[] {
  const people: ParticipantView[] = [
    { peerId: ctx.organizer.peerId, name: nameOf(ctx.organizer.peerId, ctx.organizer.displayName), role: 'organizer', rsvp: 'organizer', online: false, typing: false },
    ...ctx.invitees.filter(i => i.rsvp !== 'declined').map((i): ParticipantView => ({ peerId: i.peerId, name: nameOf(i.peerId, i.displayName), role: 'invitee', rsvp: i.rsvp, online: false, typing: false }))
  ]
  return people.map(p => ({ ...p, online: p.peerId === me || presence.online.includes(p.peerId), typing: presence.typing.includes(p.peerId) }))
}
