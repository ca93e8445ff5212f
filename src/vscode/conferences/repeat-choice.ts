// What the "Repeats" step of Create Conference offers, and how a choice becomes the core's signed
// rule (RecurrenceRule, src/core/conference/model.ts) in the organizer's IANA zone. No 'vscode'
// import: the mapping is unit tested directly. The rule must give the first start itself (the core
// refuses a series whose start the rule skips), so every choice is made relative to that start:
// "monthly on the second Tuesday" is read off a start that is a second Tuesday.
import type { RecurrenceRule, Weekday } from '../../core/api'
import { wallTimeOf } from '../../shared/recurrence-rule'
import { wallTimeToInstant } from '../../shared/time'
import { localized } from '../localized'

// The core's bounds (src/core/conference/recurrence.ts), repeated here because that module brings
// ical.js, which the small extension bundle must not load; a unit test checks that they agree.
export const MAX_RECURRENCE_INTERVAL = 52
export const MAX_RECURRENCE_COUNT = 1000
export const MAX_SERIES_SPAN_MS = 2 * 366 * 24 * 60 * 60_000

/** Sunday first, as Date.getUTCDay() counts. */
export const WEEKDAYS: readonly Weekday[] = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']
/** Monday first, the order a person lists days in. */
export const WEEKDAYS_FROM_MONDAY: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const WORKDAYS: Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR']

export type RepeatKind = 'never' | 'daily' | 'weekdays' | 'weekly' | 'monthlyOnDay' | 'monthlyOnWeekday'

export type RepeatEnd =
  | { kind: 'never' }
  /** the last day an occurrence may be on, YYYY-MM-DD in the organizer's zone */
  | { kind: 'onDate', date: string }
  | { kind: 'after', count: number }

/** What the person chose. `interval` is in weeks for 'weekly' and 1 for the others. */
export interface RepeatChoice {
  kind: RepeatKind
  interval?: number
  /** 'weekly': the chosen days (the start's own day must be among them) */
  days?: Weekday[]
  end?: RepeatEnd
}

/** Where a start falls in its zone: its weekday and its position in the month ("the second Tuesday", "the last"). */
export interface StartPlace {
  weekday: Weekday
  dayOfMonth: number
  /** 1..5: the n-th such weekday of the month */
  nth: number
  /** the last such weekday of the month */
  isLast: boolean
}

export function startPlace (start: number, timeZone: string): StartPlace {
  const w = wallTimeOf(start, timeZone)
  const weekday = WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()]
  const daysInMonth = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate()
  return { weekday, dayOfMonth: w.day, nth: Math.ceil(w.day / 7), isLast: w.day + 7 > daysInMonth }
}

export type RuleResult = { ok: true, rule?: RecurrenceRule } | { ok: false, reason: string }

/**
 * The rule for a choice, or why there is none. 'never' gives no rule (a one-off conference).
 * "Monthly on the n-th weekday" takes the last (-1) for a fifth weekday, which not every month has.
 */
export function ruleOf (choice: RepeatChoice, start: number, timeZone: string): RuleResult {
  if (choice.kind === 'never') return { ok: true }
  const place = startPlace(start, timeZone)
  let rule: RecurrenceRule
  switch (choice.kind) {
    case 'daily':
      rule = { freq: 'daily', interval: 1 }
      break
    case 'weekdays':
      if (!WORKDAYS.includes(place.weekday)) return { ok: false, reason: localized`The first meeting is on a weekend; start on a weekday, or choose weekly days.` }
      rule = { freq: 'weekly', interval: 1, byDay: [...WORKDAYS] }
      break
    case 'weekly': {
      const interval = choice.interval ?? 1
      if (!Number.isInteger(interval) || interval < 1 || interval > MAX_RECURRENCE_INTERVAL) {
        return { ok: false, reason: localized`Repeat every 1 to ${MAX_RECURRENCE_INTERVAL} weeks.` }
      }
      const days = WEEKDAYS_FROM_MONDAY.filter(d => (choice.days ?? [place.weekday]).includes(d))
      if (!days.includes(place.weekday)) return { ok: false, reason: localized`The first meeting's own day must be one of the days.` }
      rule = { freq: 'weekly', interval, byDay: days }
      break
    }
    case 'monthlyOnDay':
      rule = { freq: 'monthly', interval: 1, byMonthDay: [place.dayOfMonth] }
      break
    case 'monthlyOnWeekday':
      rule = { freq: 'monthly', interval: 1, byDay: [place.weekday], bySetPos: [place.nth >= 5 ? -1 : place.nth] }
      break
    default:
      return { ok: false, reason: localized`Unknown repeat choice.` }
  }
  const end = choice.end ?? { kind: 'never' }
  if (end.kind === 'after') {
    if (!Number.isInteger(end.count) || end.count < 1 || end.count > MAX_RECURRENCE_COUNT) {
      return { ok: false, reason: localized`A series has 1 to ${MAX_RECURRENCE_COUNT} occurrences.` }
    }
    rule.count = end.count
  } else if (end.kind === 'onDate') {
    const until = endOfDay(end.date, timeZone)
    if (until == null) return { ok: false, reason: localized`Type the last day as YYYY-MM-DD, e.g. 2027-03-01.` }
    if (until < start) return { ok: false, reason: localized`The last day is before the first meeting.` }
    if (until > start + MAX_SERIES_SPAN_MS) return { ok: false, reason: localized`A series ends within two years of its first meeting.` }
    rule.until = until
  }
  return { ok: true, rule }
}

/** The last second of a YYYY-MM-DD day in the zone, or undefined for text that is not such a date. */
export function endOfDay (date: string, timeZone: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(date)
  if (m == null) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const probe = new Date(Date.UTC(year, month - 1, day))
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined
  return wallTimeToInstant({ year, month, day, hour: 23, minute: 59, second: 59 }, timeZone).start
}

/** Reads "after N occurrences" as typed, or why it cannot. */
export function parseCount (text: string): { count?: number, reason?: string } {
  const t = text.trim()
  if (!/^\d{1,4}$/.test(t)) return { reason: localized`Type a number from 2 to ${MAX_RECURRENCE_COUNT}.` }
  const count = Number(t)
  if (count < 2 || count > MAX_RECURRENCE_COUNT) return { reason: localized`Type a number from 2 to ${MAX_RECURRENCE_COUNT}.` }
  return { count }
}

/** Reads "every N weeks" as typed, or why it cannot. */
export function parseWeeks (text: string): { weeks?: number, reason?: string } {
  const t = text.trim()
  if (!/^\d{1,2}$/.test(t)) return { reason: localized`Type a number of weeks from 2 to ${MAX_RECURRENCE_INTERVAL}.` }
  const weeks = Number(t)
  if (weeks < 2 || weeks > MAX_RECURRENCE_INTERVAL) return { reason: localized`Type a number of weeks from 2 to ${MAX_RECURRENCE_INTERVAL}.` }
  return { weeks }
}
