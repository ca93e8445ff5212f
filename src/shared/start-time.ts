// Reads the start time a person types ("in 15m", "14:30", "tomorrow 9:00", "2026-12-01 10:00",
// ISO 8601). Pure: the caller passes "now" and the time zone.
//
// chrono-node reads the words; it only knows fixed UTC offsets, so for a wall-clock time we take
// the fields it read (year … minute) and convert them in the IANA zone ourselves, with the offset
// in force on that date. Otherwise "tomorrow 9:00" on the day clocks change would be an hour off.
import * as chrono from 'chrono-node/en'
import { MAX_START_AHEAD_MS } from './limits'
import { untrusted, type Untrusted } from './shown-text'
import { localized } from './localized'
import { formatLocal, formatUtcOffset, isValidTimeZone, localTimeZone, pad, wallTimeToInstant, zoneOffsetMs } from './time'

export type StartTimeResult =
  | { ok: true, start: number, note?: string }
  | { ok: false, reason: string }

const MINUTE = 60_000
const MAX_INPUT_CHARS = 64
const EXAMPLES = '"in 15m", "in 2h", "14:30", "tomorrow 9:00" or "2026-12-01 10:00"'
/** The examples stay English in every language: the parser reads English words only. */
const examples = (): Untrusted => untrusted(EXAMPLES)

/**
 * Parses a start time typed by a person. Wall-clock forms are read in `timeZone` (default: the
 * machine's); the result must lie between now and a year ahead. The reason on failure says what to type.
 */
export function parseStartTime (text: string, now: Date, timeZone: string = localTimeZone()): StartTimeResult {
  const input = normalize(text)
  if (input === '') return fail(localized`Enter a start time, for example ${examples()}.`)
  if (input.length > MAX_INPUT_CHARS) return fail(localized`That is too long for a time. Try ${examples()}.`)
  if (!isValidTimeZone(timeZone)) return fail(localized`Unknown time zone "${untrusted(timeZone, 64)}".`)
  if (Number.isNaN(now.getTime())) return fail(localized`The current time is not known.`)

  const read = readInstant(input, now, timeZone)
  if (!read.ok) return read
  const { start, note } = read
  if (start < now.getTime()) {
    return fail(localized`That is in the past (${untrusted(formatLocal(start, timeZone))}). Give a time from now on, for example "in 15m".`)
  }
  if (start - now.getTime() > MAX_START_AHEAD_MS) {
    return fail(localized`That is more than a year ahead (${untrusted(formatLocal(start, timeZone))}). Pick a time within the next 12 months.`)
  }
  return note == null ? { ok: true, start } : { ok: true, start, note }
}

function readInstant (input: string, now: Date, timeZone: string): StartTimeResult {
  const offsetNowMinutes = Math.round(zoneOffsetMs(now.getTime(), timeZone) / MINUTE)
  // The reference offset makes chrono pick "today" and "tomorrow" as dates in the given zone.
  const results = chrono.parse(input, { instant: now, timezone: offsetNowMinutes }, { forwardDate: true })
  const unreadable = fail(localized`"${untrusted(input, MAX_INPUT_CHARS)}" is not a time DevMeet understands. Try ${examples()}.`)
  if (results.length === 0) return unreadable
  const result = results[0]
  if (results.length > 1 || result.index !== 0 || result.text.length !== input.length) {
    const leftover = (input.slice(0, result.index) + ' ' + input.slice(result.index + result.text.length)).trim()
    return fail(localized`Could not read "${untrusted(leftover, MAX_INPUT_CHARS)}" in "${untrusted(input, MAX_INPUT_CHARS)}". Try ${examples()}.`)
  }
  if (result.end != null) return fail(localized`Give only the start time; the duration is asked next.`)

  const s = result.start
  // Relative ("in 2h") and explicit-offset ("…+01:00", "…Z") results are already instants.
  if (result.tags().has('result/relativeDate') || s.isCertain('timezoneOffset')) {
    const start = result.date().getTime()
    return Number.isFinite(start) ? { ok: true, start } : unreadable
  }
  if (!s.isCertain('hour')) return fail(localized`Add a time of day, for example "${untrusted(input, MAX_INPUT_CHARS)} 9:00".`)
  const wall = {
    year: s.get('year')!,
    month: s.get('month')!,
    day: s.get('day')!,
    hour: s.get('hour')!,
    minute: s.get('minute') ?? 0,
    second: s.get('second') ?? 0
  }
  const converted = wallTimeToInstant(wall, timeZone)
  if (!Number.isFinite(converted.start)) return unreadable
  if (converted.kind === 'skipped') {
    const wallText = `${pad(wall.hour)}:${pad(wall.minute)}`
    return { ok: true, start: converted.start, note: localized`${untrusted(wallText)} does not exist on that day in ${untrusted(timeZone, 64)} (the clocks go forward); using ${untrusted(formatLocal(converted.start, timeZone))}.` }
  }
  if (converted.kind === 'repeated') {
    return { ok: true, start: converted.start, note: localized`That time occurs twice in ${untrusted(timeZone, 64)} (the clocks go back); using the first, ${untrusted(formatUtcOffset(converted.start, timeZone))}.` }
  }
  return { ok: true, start: converted.start }
}

function normalize (text: string): string {
  let s = String(text ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim()
  // "+15m" and "15m" mean "in 15m".
  s = s.replace(/^\+\s*(?=\d)/, 'in ')
  if (/^(\d+\s*(h|hrs?|hours?|m|mins?|minutes?)\s*)+$/i.test(s)) s = `in ${s}`
  return s
}

function fail (reason: string): { ok: false, reason: string } {
  return { ok: false, reason }
}
