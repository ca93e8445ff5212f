// What a command asks before it acts on details that came in its argument rather than from the
// user: a `command:` link in any markdown, or another extension, can pass any argument. The
// details are shown as inert text (peer IDs, titles and names through untrusted()). No 'vscode'
// import, so tests run them with hostile input.
import type { ConferenceView, CreateConferenceInput, RsvpAnswer } from '../../core/api'
import { formatDuration, formatLocal, formatRelative } from '../../shared/time'
import { joinShown, untrusted, type ShownText } from '../../shared/shown-text'
import { personLabel, titleOf } from '../notification-texts'
import { localized, plural } from '../localized'
import { seriesSummary } from './series-summary'

/** A question for confirmModal: the message, the detail, and the button that goes ahead. */
export interface Question {
  message: ShownText
  detail: ShownText
  go: ShownText
}

/** The name to show for a peer ID (my petname, the name it gives itself…). */
export type NameOf = (peerId: string) => string

const WHY_ASKED = localized`These details came with the command (a link or another extension), not from you.`
const MAX_LISTED = 10

function peopleList (peerIds: readonly string[], nameOf: NameOf): ShownText {
  const listed = peerIds.slice(0, MAX_LISTED).map(id => personLabel(nameOf(id), id))
  const more = peerIds.length > MAX_LISTED ? [localized`and ${peerIds.length - MAX_LISTED} more`] : []
  return joinShown([...listed, ...more], localized`, `)
}

function peers (n: number): ShownText {
  return plural(n, localized`${n} peer`, localized`${n} peers`)
}

function when (start: number, durationMinutes: number, now: number): ShownText {
  return localized`${untrusted(formatLocal(start))} (${untrusted(formatRelative(start, now))}), ${untrusted(formatDuration(durationMinutes))}`
}

export function createQuestion (input: CreateConferenceInput, nameOf: NameOf, now: number): Question {
  const invitees = input.invitees.length === 0 ? localized`Nobody is invited yet.` : localized`Invitations go to ${peopleList(input.invitees, nameOf)}.`
  return {
    message: input.recurrence != null
      ? localized`Create the series "${untrusted(input.title, 120)}" (${seriesSummary(input.recurrence)}), first on ${when(input.start, input.durationMinutes, now)}, and send invitations to ${peers(input.invitees.length)}?`
      : localized`Create "${untrusted(input.title, 120)}" on ${when(input.start, input.durationMinutes, now)} and send invitations to ${peers(input.invitees.length)}?`,
    detail: localized`${invitees} ${WHY_ASKED}`,
    go: localized`Create and Invite`
  }
}

export function inviteQuestion (view: ConferenceView, peerIds: readonly string[], nameOf: NameOf): Question {
  return {
    message: localized`Invite ${peers(peerIds.length)} more to "${titleOf(view)}"?`,
    detail: localized`Invitations go to ${peopleList(peerIds, nameOf)}. ${WHY_ASKED}`,
    go: localized`Invite`
  }
}

export function rescheduleQuestion (view: ConferenceView, start: number, durationMinutes: number, now: number): Question {
  const c = view.context
  return {
    message: localized`Move "${titleOf(view)}" to ${when(start, durationMinutes, now)}?`,
    detail: localized`It is now ${when(c.start, c.durationMinutes, now)}. Every invitee is told. ${WHY_ASKED}`,
    go: localized`Reschedule`
  }
}

const ANSWERS: Record<RsvpAnswer, ShownText> = { accepted: localized`Accept`, declined: localized`Decline`, tentative: localized`Tentatively accept` }

export function answerQuestion (view: ConferenceView, answer: RsvpAnswer, now: number): Question {
  const c = view.context
  return {
    message: localized`${ANSWERS[answer]} the invitation to "${titleOf(view)}" from ${personLabel(c.organizer.displayName, c.organizer.peerId)}?`,
    detail: localized`It is on ${when(c.start, c.durationMinutes, now)}. Your answer is sent to the organizer. ${WHY_ASKED}`,
    go: ANSWERS[answer]
  }
}
