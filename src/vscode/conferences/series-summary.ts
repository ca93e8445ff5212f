// One line that says how a series repeats ("Weekly on Mon, Thu until 2027-03-01"): the one
// formatter for the Create Conference steps, the confirm question and the Conferences view. The
// rule may come from a peer (it is signed by the organizer, checked by the core's schema); only
// numbers and our own words go into the text. No 'vscode' import.
import type { RecurrenceRule, Weekday } from '../../core/api'
import { formatInputTime, localTimeZone } from '../../shared/time'
import { joinShown, untrusted, type ShownText } from '../../shared/shown-text'
import { localized } from '../localized'
import { WEEKDAYS_FROM_MONDAY } from './repeat-choice'

const DAY_NAMES: Record<Weekday, () => ShownText> = {
  MO: () => localized`Mon`,
  TU: () => localized`Tue`,
  WE: () => localized`Wed`,
  TH: () => localized`Thu`,
  FR: () => localized`Fri`,
  SA: () => localized`Sat`,
  SU: () => localized`Sun`
}

const POSITIONS: Record<string, () => ShownText> = {
  1: () => localized`first`,
  2: () => localized`second`,
  3: () => localized`third`,
  4: () => localized`fourth`,
  5: () => localized`fifth`,
  '-1': () => localized`last`
}

/** The short name of a weekday ("Mon"), in the user's language. */
export function dayName (day: Weekday): ShownText {
  return DAY_NAMES[day]()
}

function dayList (days: readonly Weekday[]): ShownText {
  const ordered = WEEKDAYS_FROM_MONDAY.filter(d => days.includes(d))
  return joinShown(ordered.map(dayName), localized`, `)
}

function position (n: number): ShownText {
  return POSITIONS[String(n)]?.() ?? localized`${n}.`
}

function isWorkdays (days: readonly Weekday[] | undefined): boolean {
  return days != null && days.length === 5 && ['MO', 'TU', 'WE', 'TH', 'FR'].every(d => days.includes(d as Weekday))
}

function howOften (rule: RecurrenceRule): ShownText {
  const n = rule.interval
  switch (rule.freq) {
    case 'daily':
      return n === 1 ? localized`Daily` : localized`Every ${n} days`
    case 'weekly':
      if (n === 1 && isWorkdays(rule.byDay)) return localized`Every weekday`
      if (rule.byDay == null) return n === 1 ? localized`Weekly` : localized`Every ${n} weeks`
      return n === 1 ? localized`Weekly on ${dayList(rule.byDay)}` : localized`Every ${n} weeks on ${dayList(rule.byDay)}`
    case 'monthly': {
      const every = n === 1 ? localized`Monthly` : localized`Every ${n} months`
      if (rule.byMonthDay != null) {
        const days = joinShown(rule.byMonthDay.slice(0, 31).map(d => d === -1 ? localized`the last day` : d < 0 ? localized`${-d}. day from the end` : localized`day ${d}`), localized`, `)
        return localized`${every} on ${days}`
      }
      if (rule.byDay != null && rule.bySetPos != null) {
        const positions = joinShown(rule.bySetPos.slice(0, 5).map(position), localized` and `)
        return localized`${every} on the ${positions} ${dayList(rule.byDay)}`
      }
      if (rule.byDay != null) return localized`${every} on every ${dayList(rule.byDay)}`
      return every
    }
    default:
      return localized`Repeats`
  }
}

/**
 * "Weekly on Mon, Thu until 2027-03-01", "Every weekday, 10 times", "Monthly on the second Tue".
 * `until` is shown as a date in `timeZone` (the viewer's, by default).
 */
export function seriesSummary (rule: RecurrenceRule, timeZone: string = localTimeZone()): ShownText {
  const often = howOften(rule)
  if (rule.count != null) return rule.count === 1 ? localized`${often}, once` : localized`${often}, ${rule.count} times`
  if (rule.until != null) return localized`${often} until ${untrusted(formatInputTime(rule.until, timeZone).slice(0, 10))}`
  return often
}
