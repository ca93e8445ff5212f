// How a conference appears in the UI: its group, its row text, its people and their states.
// No 'vscode' import, so the rules can be unit tested without a workbench.
import type { ConferenceView, Invitee, Rsvp } from '../../core/api'
import { formatLocal, formatInZone, formatRelative, formatDuration, formatShort, relativeNamesTheDay } from '../../shared/time'
import { shown, untrusted, visibleLine, withoutHidden, type ShownText } from '../../shared/shown-text'
import { personLabel } from '../notification-texts'
import { localized } from '../localized'
import { seriesSummary } from './series-summary'

export { personLabel }

export type ConferenceGroup = 'invitations' | 'upcoming' | 'past'

/** The heading of a group in the Conferences view. */
export function groupLabel (group: ConferenceGroup): ShownText {
  switch (group) {
    case 'invitations': return localized`Invitations`
    case 'upcoming': return localized`Upcoming`
    case 'past': return localized`Past`
  }
}

const MINUTE = 60_000

/** When the conference ends; a series, when its next occurrence ends (long ago once the series is over). */
export function endOf (view: ConferenceView): number {
  if (view.context.recurrence != null) {
    const next = view.nextOccurrence
    return next == null ? view.context.start : next.start + next.durationMinutes * MINUTE
  }
  return view.context.start + view.context.durationMinutes * MINUTE
}

/** The start a row shows: a series' next occurrence, else the conference's start. */
export function shownStartOf (view: ConferenceView): { start: number, durationMinutes: number } {
  return view.nextOccurrence ?? view.context
}

/**
 * The organizer removed me: the conference no longer lists me (I am neither its organizer nor an
 * invitee, and so have no answer). Nothing is left to answer or join.
 */
export function isUninvited (view: ConferenceView, myPeerId?: string): boolean {
  if (view.mine || view.myRsvp != null) return false
  const { context } = view
  return myPeerId == null || (context.organizer.peerId !== myPeerId && !context.invitees.some(i => i.peerId === myPeerId))
}

/**
 * Cancelled and ended conferences are past, and so are those that no longer list me; an
 * unanswered invitation waits in "Invitations".
 */
export function groupOf (view: ConferenceView, now: number, myPeerId?: string): ConferenceGroup {
  if (view.context.status === 'cancelled' || now >= endOf(view) || isUninvited(view, myPeerId)) return 'past'
  if (!view.mine && (view.myRsvp ?? 'pending') === 'pending') return 'invitations'
  return 'upcoming'
}

/** Conferences of a group: the coming ones soonest first, the past ones latest first. */
export function conferencesIn (group: ConferenceGroup, views: ConferenceView[], now: number, myPeerId?: string): ConferenceView[] {
  const inGroup = views.filter(v => groupOf(v, now, myPeerId) === group)
  const startOf = (v: ConferenceView): number => shownStartOf(v).start
  return inGroup.sort((a, b) => group === 'past'
    ? b.context.start - a.context.start
    : startOf(a) - startOf(b) || a.context.id.localeCompare(b.context.id))
}

/**
 * The tree item's contextValue, which package.json's menus key on:
 * `conference.invitation` (unanswered), `conference.own`, `conference.invited.<rsvp>`, `conference.cancelled…`,
 * `conference.uninvited` (no longer listed: no answer buttons).
 */
export function contextValueOf (view: ConferenceView, myPeerId?: string): string {
  if (view.context.status === 'cancelled') return view.mine ? 'conference.cancelled.own' : 'conference.cancelled'
  // A series I organize also offers Cancel/Move This Meeting (menus match /^conference\.own/ for the rest).
  if (view.mine) return view.context.recurrence != null ? 'conference.own.series' : 'conference.own'
  if (isUninvited(view, myPeerId)) return 'conference.uninvited'
  const rsvp = view.myRsvp ?? 'pending'
  if (rsvp === 'pending') return 'conference.invitation'
  return `conference.invited.${rsvp}`
}

/** The codicon for my relation to the conference. */
export function iconOf (view: ConferenceView, myPeerId?: string): string {
  if (view.context.status === 'cancelled') return 'circle-slash'
  if (view.mine) return 'organization'
  if (isUninvited(view, myPeerId)) return 'debug-disconnect'
  if (view.rsvpRefused != null) return REFUSED_ICON
  return RSVP_ICONS[view.myRsvp ?? 'pending']
}

/** The icon of a refusal: the organizer refused my answer, or an invitee refused the organizer's record. */
export const REFUSED_ICON = 'warning'

export const RSVP_ICONS: Record<Rsvp, string> = {
  accepted: 'check',
  declined: 'close',
  tentative: 'question',
  pending: 'mail'
}

/**
 * A single line of outside text for plain-text places (the clipboard, the user's own input): no
 * line breaks, no control, bidi or zero-width characters, bounded length. Surfaces that interpret
 * text take untrusted() inside shown`` instead.
 */
export function oneLine (text: string, max = 120): string {
  const clean = visibleLine(String(text))
  const chars = Array.from(clean)
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : clean
}

/**
 * The row's description, shortest first so that a narrow view clips the least useful part: how far
 * away the start is (or why it is over), then the start in short form ("in 2 h · Wed 10:00 AM");
 * the full date is in the tooltip.
 */
export function descriptionOf (view: ConferenceView, now: number, timeZone?: string, myPeerId?: string): ShownText {
  const { context } = view
  const { start, durationMinutes } = shownStartOf(view)
  const local = untrusted(formatShort(start, now, timeZone))
  if (context.status === 'cancelled') return localized`cancelled · ${local}`
  if (isUninvited(view, myPeerId)) return localized`no longer invited · ${local}`
  const relative = untrusted(formatRelative(start, now, { timeZone, durationMinutes }))
  const answer = view.rsvpRefused != null
    ? localized` · your answer was refused`
    : view.rsvpPending === true ? localized` · sending your answer…` : shown``
  // "today 6:00 PM", "tomorrow 9:00 AM" and "on Dec 2, 2026" already say when
  const when = relativeNamesTheDay(start, now, timeZone) ? localized`${relative}` : localized`${relative} · ${local}`
  // A series says how it repeats last: the least needed when the view is narrow.
  const series = context.recurrence != null ? localized` · ${seriesSummary(context.recurrence, timeZone)}` : shown``
  return localized`${when}${answer}${series}`
}

/** Why my answer or the organizer's record was refused, as inert text; undefined when it was not. */
export function refusalOf (view: ConferenceView, peerId: string, myPeerId: string | undefined): ShownText | undefined {
  if (view.mine && view.delivery[peerId] === 'refused') {
    const reason = view.refusals?.[peerId]
    return reason == null ? localized`refused the invitation: no reason given` : localized`refused the invitation: ${untrusted(reason, 300)}`
  }
  if (!view.mine && peerId === myPeerId && view.rsvpRefused != null) {
    return localized`the organizer refused your answer: ${untrusted(view.rsvpRefused, 300)}`
  }
  return undefined
}

/** An answer to an invitation, in words. */
export function rsvpWords (rsvp: Rsvp): ShownText {
  switch (rsvp) {
    case 'accepted': return localized`accepted`
    case 'declined': return localized`declined`
    case 'tentative': return localized`tentative`
    case 'pending': return localized`no answer yet`
  }
}

/** One person row under a conference. */
export interface PersonRow {
  peerId: string
  name: string
  role: 'organizer' | 'invitee'
  rsvp?: Rsvp
  /** what the row says after the short ID: "organizer", "not yet delivered", "delivered", "refused", "accepted"… */
  state: ShownText
  icon: string
  isMe: boolean
  /** why this person's invitation (organizer side) or my answer (my own row) was refused */
  refusal?: ShownText
}

/**
 * The organizer and the invitees. On the organizer's side an invitee who has not answered shows
 * whether the invitation reached them ("not yet delivered", "delivered").
 */
export function peopleOf (view: ConferenceView, myPeerId: string | undefined): PersonRow[] {
  const { context } = view
  const rows: PersonRow[] = [{
    peerId: context.organizer.peerId,
    name: context.organizer.displayName,
    role: 'organizer',
    state: localized`organizer`,
    icon: 'organization',
    isMe: context.organizer.peerId === myPeerId
  }]
  for (const listed of context.invitees) {
    // My own answer shows at once, before the organizer's updated context comes back.
    const isMe = listed.peerId === myPeerId
    const invitee = isMe && view.myRsvp != null ? { ...listed, rsvp: view.myRsvp } : listed
    const refusal = refusalOf(view, invitee.peerId, myPeerId)
    const state = isMe && view.rsvpRefused != null
      ? localized`${rsvpWords(invitee.rsvp)} · refused by the organizer`
      : isMe && view.rsvpPending === true ? localized`${inviteeState(view, invitee)} · sending…` : inviteeState(view, invitee)
    rows.push({
      peerId: invitee.peerId,
      name: invitee.displayName,
      role: 'invitee',
      rsvp: invitee.rsvp,
      state,
      icon: refusal != null ? REFUSED_ICON : inviteeIcon(view, invitee),
      isMe,
      ...(refusal != null ? { refusal } : {})
    })
  }
  return rows
}

function inviteeState (view: ConferenceView, invitee: Invitee): ShownText {
  const delivery = view.delivery[invitee.peerId]
  if (invitee.rsvp === 'pending') {
    if (!view.mine) return rsvpWords('pending')
    return delivery === 'refused' ? localized`refused` : delivery === 'delivered' ? localized`delivered` : localized`not yet delivered`
  }
  const word = rsvpWords(invitee.rsvp)
  if (!view.mine || delivery === 'delivered') return word
  // The organizer's latest update (e.g. a new time) may not have reached, or been refused by, someone who answered earlier.
  return delivery === 'refused' ? localized`${word} · update refused` : localized`${word} · update not yet delivered`
}

function inviteeIcon (view: ConferenceView, invitee: Invitee): string {
  if (invitee.rsvp !== 'pending') return RSVP_ICONS[invitee.rsvp]
  if (!view.mine) return 'mail'
  return view.delivery[invitee.peerId] === 'delivered' ? 'mail-read' : 'clock'
}

/** The people counted as participants: the organizer plus accepted and tentative invitees. */
export function participantCount (view: ConferenceView): number {
  return 1 + view.context.invitees.filter(i => i.rsvp === 'accepted' || i.rsvp === 'tentative').length
}

/** The conference as plain text, for the clipboard. */
export function detailsText (view: ConferenceView, now: number, timeZone?: string): string {
  const { context } = view
  const lines = [
    oneLine(context.title, 500),
    '',
    localized`When: ${untrusted(formatLocal(context.start, timeZone))} (your time, ${untrusted(formatRelative(context.start, now, { timeZone, durationMinutes: context.durationMinutes }))})`,
    localized`Organizer's time: ${untrusted(formatInZone(context.start, context.timeZone))}`,
    localized`Duration: ${untrusted(formatDuration(context.durationMinutes))}`,
    localized`Status: ${context.status === 'cancelled' ? localized`cancelled` : localized`scheduled`}`,
    localized`Organizer: ${personLabel(context.organizer.displayName, context.organizer.peerId)}`,
    localized`Participants:`,
    ...context.invitees.map(i => `- ${personLabel(i.displayName, i.peerId)}: ${rsvpWords(i.rsvp)}`)
  ]
  if (context.agenda.trim() !== '') lines.push('', localized`Agenda:`, withoutHidden(context.agenda))
  lines.push('', localized`Conference ID: ${untrusted(context.id)}`)
  return lines.join('\n') + '\n'
}
