// How a series' meetings appear under its row in the Conferences view: the next few (which the
// organizer can cancel or move) and the last few past ones, cancelled and moved ones marked. The
// occurrences come from the core (ConferenceApi.occurrences); the windows asked for are bounded
// so that a daily series over years costs a few dozen rule steps per refresh. No 'vscode' import.
import type { ConferenceView, Occurrence, RecurrenceRule } from '../../core/api'
import { formatLocal, formatRelative, formatShort } from '../../shared/time'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { localized, plural } from '../localized'

/** How many past meetings a series lists (the latest first). */
export const MAX_PAST_SHOWN = 10
/** How many coming meetings a series lists (the soonest first). */
export const MAX_NEXT_SHOWN = 5

const DAY = 24 * 60 * 60_000

export type ListOccurrences = (from: number, to: number, max: number) => Occurrence[]

/** A span that holds at least `n` steps of the rule (longer for cancelled ones), never more than the core expands. */
function spanFor (rule: RecurrenceRule, n: number): number {
  const step = rule.freq === 'daily' ? DAY : rule.freq === 'weekly' ? 7 * DAY : 31 * DAY
  return Math.min(10 * 366 * DAY, step * Math.max(1, rule.interval) * (n * 2 + 2))
}

/** The series' next meetings from `now` on (one running now included), soonest first. */
export function nextOccurrences (view: ConferenceView, list: ListOccurrences, now: number): Occurrence[] {
  const rule = view.context.recurrence
  if (rule == null) return []
  return list(now, now + spanFor(rule, MAX_NEXT_SHOWN), MAX_NEXT_SHOWN).slice(0, MAX_NEXT_SHOWN)
}

/** The series' last meetings that ended before `now`, the latest first. */
export function pastOccurrences (view: ConferenceView, list: ListOccurrences, now: number): Occurrence[] {
  const rule = view.context.recurrence
  if (rule == null || now <= view.context.start) return []
  const from = Math.max(view.context.start, now - spanFor(rule, MAX_PAST_SHOWN))
  const ended = list(from, now, 1000).filter(o => o.start + o.durationMinutes * 60_000 <= now)
  return ended.slice(-MAX_PAST_SHOWN).reverse()
}

/**
 * Both lists at once, from one call to the core: an expansion late in a long series costs the
 * core tens of milliseconds whatever the window (it steps the rule from the first start), so the
 * tree asks once per series and refresh.
 */
export function meetingsOf (view: ConferenceView, list: ListOccurrences, now: number): { next: Occurrence[], past: Occurrence[] } {
  const rule = view.context.recurrence
  if (rule == null) return { next: [], past: [] }
  const from = Math.max(view.context.start, now - spanFor(rule, MAX_PAST_SHOWN))
  const all = list(from, now + spanFor(rule, MAX_NEXT_SHOWN), 1000)
  const ended = (o: Occurrence): boolean => o.start + o.durationMinutes * 60_000 <= now
  return {
    next: all.filter(o => !ended(o)).slice(0, MAX_NEXT_SHOWN),
    past: all.filter(ended).slice(-MAX_PAST_SHOWN).reverse()
  }
}

/** One meeting's row: label, description, icon and the contextValue the menus key on. */
export interface OccurrenceRow {
  label: ShownText
  description: ShownText
  tooltip: ShownText
  icon: string
  /**
   * `occurrence.own` (organizer, coming, not cancelled: Cancel/Move), `occurrence.invited` (an
   * invitee who takes part, coming: Attending/Not Attending), `occurrence.cancelled`, `occurrence`
   */
  contextValue: string
}

/**
 * What the answers to one meeting add to its row: for an invitee, their own answer when it differs
 * from their series answer; for the organizer, how many do not attend.
 */
function answersNote (view: ConferenceView, o: Occurrence, myPeerId: string | undefined): ShownText | undefined {
  const answers = o.answers
  if (answers == null) return undefined
  if (view.mine) {
    const declined = Object.values(answers).filter(a => a === 'declined').length
    return declined === 0 ? undefined : plural(declined, localized`${declined} not attending`, localized`${declined} not attending`)
  }
  const mine = myPeerId == null ? undefined : answers[myPeerId]
  if (mine == null || mine === view.myRsvp) return undefined
  return mine === 'declined' ? localized`you: not attending` : mine === 'accepted' ? localized`you: attending` : mine === 'tentative' ? localized`you: maybe` : undefined
}

export function occurrenceRow (view: ConferenceView, o: Occurrence, now: number, timeZone?: string, myPeerId?: string): OccurrenceRow {
  const when = localized`${untrusted(formatShort(o.start, now, timeZone))}`
  const full = untrusted(formatLocal(o.start, timeZone))
  const cancelled = o.status === 'cancelled'
  const coming = o.start + o.durationMinutes * 60_000 > now
  const moved = o.moved ? localized`moved from ${untrusted(formatShort(o.occurrence, now, timeZone))}` : undefined
  // "on Dec 8, 2026" would repeat the label; "tomorrow 9:00 AM" and "in 4 days" say more.
  const relativeText = formatRelative(o.start, now, { timeZone, durationMinutes: o.durationMinutes })
  const relative = relativeText.startsWith('on ') ? undefined : localized`${untrusted(relativeText)}`
  const description = cancelled
    ? localized`cancelled`
    : moved != null
      ? coming && relative != null ? localized`${relative} · ${moved}` : moved
      : coming ? relative ?? shown`` : localized`open its chat`
  const note = cancelled ? undefined : answersNote(view, o, myPeerId)
  const takesPart = !view.mine && (view.myRsvp === 'accepted' || view.myRsvp === 'tentative')
  return {
    label: when,
    description: note == null ? description : String(description) === '' ? note : localized`${description} · ${note}`,
    tooltip: cancelled
      ? localized`${full}: cancelled by the organizer`
      : moved != null ? localized`${full} (${moved})` : localized`${full}`,
    icon: cancelled ? 'circle-slash' : o.moved ? 'history' : coming ? 'calendar' : 'comment-discussion',
    contextValue: cancelled || view.context.status === 'cancelled'
      ? 'occurrence.cancelled'
      : !coming ? 'occurrence' : view.mine ? 'occurrence.own' : takesPart ? 'occurrence.invited' : 'occurrence'
  }
}
