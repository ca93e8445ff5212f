// The `recurrence` of Create Conference's argument form (another extension, or a `command:` link
// that anyone can write): read strictly into the core's rule shape before the confirm question
// shows its summary. The same bounds as the core's schema (src/core/conference/model.ts), which
// checks it again; no 'vscode' import, so hostile arguments are unit tested.
import type { RecurrenceRule, Weekday } from '../../core/api'
import { MAX_RECURRENCE_COUNT, MAX_RECURRENCE_INTERVAL, WEEKDAYS } from './repeat-choice'

const KEYS = new Set(['freq', 'interval', 'byDay', 'byMonthDay', 'bySetPos', 'until', 'count'])

function intList (value: unknown, name: string, max: number, ok: (n: number) => boolean): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) throw new Error(`recurrence.${name} must be a list of 1 to ${max} numbers`)
  if (!value.every(n => typeof n === 'number' && Number.isInteger(n) && ok(n))) throw new Error(`recurrence.${name} holds a number out of range`)
  if (new Set(value).size !== value.length) throw new Error(`recurrence.${name} lists a number twice`)
  return [...value] as number[]
}

/** The rule an argument asks for; throws an Error that says what is wrong. */
export function recurrenceFromArg (raw: unknown): RecurrenceRule {
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('recurrence must be an object')
  const arg = raw as Record<string, unknown>
  const unknown = Object.keys(arg).filter(k => !KEYS.has(k))
  // The argument's own words never go into the message: whoever wrote the link chose them.
  if (unknown.length > 0) throw new Error(`recurrence has ${unknown.length} unknown field(s); known: ${[...KEYS].join(', ')}`)
  if (arg.freq !== 'daily' && arg.freq !== 'weekly' && arg.freq !== 'monthly') throw new Error('recurrence.freq must be "daily", "weekly" or "monthly"')
  const interval = arg.interval ?? 1
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1 || interval > MAX_RECURRENCE_INTERVAL) {
    throw new Error(`recurrence.interval must be a whole number from 1 to ${MAX_RECURRENCE_INTERVAL}`)
  }
  const rule: RecurrenceRule = { freq: arg.freq, interval }
  if (arg.byDay != null) {
    if (!Array.isArray(arg.byDay) || arg.byDay.length === 0 || arg.byDay.length > 7 || !arg.byDay.every(d => typeof d === 'string' && (WEEKDAYS as readonly string[]).includes(d))) {
      throw new Error('recurrence.byDay must list weekdays as MO, TU, WE, TH, FR, SA, SU')
    }
    if (new Set(arg.byDay).size !== arg.byDay.length) throw new Error('recurrence.byDay lists a day twice')
    rule.byDay = [...arg.byDay] as Weekday[]
  }
  if (arg.byMonthDay != null) rule.byMonthDay = intList(arg.byMonthDay, 'byMonthDay', 31, n => n !== 0 && n >= -31 && n <= 31)
  if (arg.bySetPos != null) rule.bySetPos = intList(arg.bySetPos, 'bySetPos', 5, n => n !== 0 && n >= -5 && n <= 5)
  if (rule.byMonthDay != null && rule.freq !== 'monthly') throw new Error('recurrence.byMonthDay is for monthly rules')
  if (rule.byMonthDay != null && rule.byDay != null) throw new Error('recurrence.byMonthDay and byDay together are not supported')
  if (rule.bySetPos != null && (rule.freq !== 'monthly' || rule.byDay == null)) throw new Error('recurrence.bySetPos is for monthly rules with byDay')
  if (arg.until != null && arg.count != null) throw new Error('recurrence has until or count, not both')
  if (arg.count != null) {
    if (typeof arg.count !== 'number' || !Number.isInteger(arg.count) || arg.count < 1 || arg.count > MAX_RECURRENCE_COUNT) {
      throw new Error(`recurrence.count must be a whole number from 1 to ${MAX_RECURRENCE_COUNT}`)
    }
    rule.count = arg.count
  }
  if (arg.until != null) {
    const until = typeof arg.until === 'number' ? arg.until : typeof arg.until === 'string' && arg.until.length <= 40 ? Date.parse(arg.until) : NaN
    if (!Number.isFinite(until)) throw new Error('recurrence.until must be an ISO 8601 date-time string')
    rule.until = until
  }
  return rule
}
