// A series' rule as RFC 5545 text, and wall-clock fields of an instant: shared by the expansion
// (core, through ical.js) and the .ics export (extension and core), so both read the same rule.
// Pure, Intl only.
import type { RecurrenceRule } from '../core/api'
import { pad, zoneOffsetMs } from './time'

/** The RRULE parts of a rule, without UNTIL (an instant: the expansion compares it as one, the export writes it in UTC). */
export function rruleParts (rule: RecurrenceRule): string[] {
  const parts = [`FREQ=${rule.freq.toUpperCase()}`, `INTERVAL=${Math.floor(rule.interval)}`]
  if (rule.count != null) parts.push(`COUNT=${Math.floor(rule.count)}`)
  if (rule.byDay != null && rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.join(',')}`)
  if (rule.byMonthDay != null && rule.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${rule.byMonthDay.map(Math.floor).join(',')}`)
  if (rule.bySetPos != null && rule.bySetPos.length > 0) parts.push(`BYSETPOS=${rule.bySetPos.map(Math.floor).join(',')}`)
  return parts
}

export interface WallClock { year: number, month: number, day: number, hour: number, minute: number, second: number }

/** The wall-clock fields of an instant in an IANA zone. */
export function wallTimeOf (instant: number, timeZone: string): WallClock {
  const shifted = new Date(instant + zoneOffsetMs(instant, timeZone))
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds()
  }
}

/** RFC 5545 local DATE-TIME (no Z): 20270326T090000. */
export function localDateTimeText (instant: number, timeZone: string): string {
  const w = wallTimeOf(instant, timeZone)
  return `${String(w.year).padStart(4, '0')}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`
}
