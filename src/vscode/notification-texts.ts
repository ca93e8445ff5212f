// What the notifications about conferences and chat say, as ShownText built from the core's
// views and events. No 'vscode' import, so tests run them under Node with a hostile peer's data.
import type { ConferenceView, Rsvp } from '../core/api'
import { formatLocal, formatRelative } from '../shared/time'
import { shortPeerId } from '../shared/peer-id'
import { shown, untrusted, type ShownText, type Untrusted } from '../shared/shown-text'
import { localized } from './localized'

/** A conference title for a sentence (capped shorter where space is tight). */
export function titleOf (view: ConferenceView, maxChars = 120): Untrusted {
  return untrusted(view.context.title, maxChars)
}

/** "Ada (…GrR1x2y3)": a peer's name with the short peer ID beside it. */
export function personLabel (name: string, peerId: string): ShownText {
  return localized`${untrusted(name, 64)} (${untrusted(shortPeerId(peerId))})`
}

/** The message of an error (a core error may quote a peer's refusal), inert. */
export function errorShown (err: unknown, maxChars = 300): Untrusted {
  const message = (err as { message?: unknown } | undefined)?.message
  return untrusted(typeof message === 'string' && message !== '' ? message : String(err), maxChars)
}

export function invitationText (view: ConferenceView, now: number): ShownText {
  const c = view.context
  return localized`${personLabel(c.organizer.displayName, c.organizer.peerId)} invited you to "${titleOf(view)}" at ${untrusted(formatLocal(c.start))} (${untrusted(formatRelative(c.start, now))}).`
}

export function cancelledText (view: ConferenceView): ShownText {
  return localized`"${titleOf(view)}" was cancelled by ${untrusted(view.context.organizer.displayName, 64)}.`
}

export function movedText (view: ConferenceView, now: number): ShownText {
  const c = view.context
  return localized`"${titleOf(view)}" was moved to ${untrusted(formatLocal(c.start))} (${untrusted(formatRelative(c.start, now))}), ${c.durationMinutes} min.`
}

export function renamedText (beforeTitle: string, view: ConferenceView): ShownText {
  return localized`"${untrusted(beforeTitle, 120)}" is now called "${titleOf(view)}".`
}

const RSVP_VERBS: Record<Rsvp, ShownText> = {
  accepted: localized`accepted`,
  declined: localized`declined`,
  tentative: localized`tentatively accepted`,
  pending: localized`has not answered`
}

export function rsvpText (view: ConferenceView, peerId: string, rsvp: Rsvp, comment: string | undefined): ShownText {
  const invitee = view.context.invitees.find(i => i.peerId === peerId)
  const said = comment != null && comment.trim() !== '' ? localized`: "${untrusted(comment, 200)}"` : shown``
  return localized`${personLabel(invitee?.displayName ?? 'A peer', peerId)} ${RSVP_VERBS[rsvp] ?? localized`answered`} "${titleOf(view)}"${said}.`
}

export function reminderText (view: ConferenceView, now: number): ShownText {
  const minutes = Math.max(1, Math.round((view.context.start - now) / 60_000))
  return localized`"${titleOf(view)}" starts in ${minutes} min.`
}

export function startingText (view: ConferenceView): ShownText {
  return localized`"${titleOf(view)}" is starting.`
}

/** A shared code path that does not lead to a file of this workspace. */
export function notInWorkspaceText (codePath: string): ShownText {
  return localized`${untrusted(codePath, 300)} is not in your workspace (or leads outside it).`
}

export function linkRefusedText (href: string): ShownText {
  return localized`DevMeet opens only web links; this one was not opened: ${untrusted(href, 200)}`
}

export function openLinkQuestion (href: string): ShownText {
  return localized`Open ${untrusted(href, 500)} in your browser?`
}
