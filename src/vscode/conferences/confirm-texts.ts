// What a command asks before it acts on details that came in its argument rather than from the
// user: a `command:` link in any markdown, or another extension, can pass any argument. The
// details are shown as inert text (peer IDs, titles and names through untrusted()). No 'vscode'
// import, so tests run them with hostile input.
import type { ConferenceView, CreateConferenceInput, RsvpAnswer } from '../../core/api'
import { formatDuration, formatLocal, formatRelative } from '../../shared/time'
import { joinShown, shown, untrusted, type ShownText } from '../../shared/shown-text'
import { personLabel, titleOf } from '../notification-texts'

/** A question for confirmModal: the message, the detail, and the button that goes ahead. */
export interface Question {
  message: ShownText
  detail: ShownText
  go: ShownText
}

/** The name to show for a peer ID (my petname, the name it gives itself…). */
export type NameOf = (peerId: string) => string

const WHY_ASKED = shown`These details came with the command (a link or another extension), not from you.`
const MAX_LISTED = 10

function peopleList (peerIds: readonly string[], nameOf: NameOf): ShownText {
  const listed = peerIds.slice(0, MAX_LISTED).map(id => personLabel(nameOf(id), id))
  const more = peerIds.length > MAX_LISTED ? [shown`and ${peerIds.length - MAX_LISTED} more`] : []
  return joinShown([...listed, ...more], shown`, `)
}

function peers (n: number): ShownText {
  return n === 1 ? shown`1 peer` : shown`${n} peers`
}

function when (start: number, durationMinutes: number, now: number): ShownText {
  return shown`${untrusted(formatLocal(start))} (${untrusted(formatRelative(start, now))}), ${untrusted(formatDuration(durationMinutes))}`
}

export function createQuestion (input: CreateConferenceInput, nameOf: NameOf, now: number): Question {
  const invitees = input.invitees.length === 0 ? shown`Nobody is invited yet.` : shown`Invitations go to ${peopleList(input.invitees, nameOf)}.`
  return {
    message: shown`Create "${untrusted(input.title, 120)}" on ${when(input.start, input.durationMinutes, now)} and send invitations to ${peers(input.invitees.length)}?`,
    detail: shown`${invitees} ${WHY_ASKED}`,
    go: shown`Create and Invite`
  }
}

export function inviteQuestion (view: ConferenceView, peerIds: readonly string[], nameOf: NameOf): Question {
  return {
    message: shown`Invite ${peers(peerIds.length)} more to "${titleOf(view)}"?`,
    detail: shown`Invitations go to ${peopleList(peerIds, nameOf)}. ${WHY_ASKED}`,
    go: shown`Invite`
  }
}

export function rescheduleQuestion (view: ConferenceView, start: number, durationMinutes: number, now: number): Question {
  const c = view.context
  return {
    message: shown`Move "${titleOf(view)}" to ${when(start, durationMinutes, now)}?`,
    detail: shown`It is now ${when(c.start, c.durationMinutes, now)}. Every invitee is told. ${WHY_ASKED}`,
    go: shown`Reschedule`
  }
}

const ANSWERS: Record<RsvpAnswer, ShownText> = { accepted: shown`Accept`, declined: shown`Decline`, tentative: shown`Tentatively accept` }

export function answerQuestion (view: ConferenceView, answer: RsvpAnswer, now: number): Question {
  const c = view.context
  return {
    message: shown`${ANSWERS[answer]} the invitation to "${titleOf(view)}" from ${personLabel(c.organizer.displayName, c.organizer.peerId)}?`,
    detail: shown`It is on ${when(c.start, c.durationMinutes, now)}. Your answer is sent to the organizer. ${WHY_ASKED}`,
    go: ANSWERS[answer]
  }
}
