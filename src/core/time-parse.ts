// Reads the start time a person types ("in 15m", "14:30", "tomorrow 9:00", "2026-12-01 10:00",
// ISO 8601) and formats instants for display. Pure: the caller passes "now" and the time zone.
//
// chrono-node reads the words; it only knows fixed UTC offsets, so for a wall-clock time we take
// the fields it read (year … minute) and convert them in the IANA zone ourselves, with the offset
// in force on that date. Otherwise "tomorrow 9:00" on the day clocks change would be an hour off.
import * as chrono from 'chrono-node/en'

export type StartTimeResult =
  | { ok: true, start: number, note?: string }
  | { ok: false, reason: string }

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** The furthest ahead a start may be. */
export const MAX_START_AHEAD_MS = 365 * DAY
const MAX_INPUT_CHARS = 64
const EXAMPLES = '"in 15m", "in 2h", "14:30", "tomorrow 9:00" or "2026-12-01 10:00"'

/** The machine's IANA time zone. */
export function localTimeZone (): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC'
}

/** True when the runtime knows this IANA zone name. */
export function isValidTimeZone (timeZone: string): boolean {
  try {
    wallClockFormatter(timeZone)
    return true
  } catch {
    return false
  }
}

/**
 * Parses a start time typed by a person. Wall-clock forms are read in `timeZone` (default: the
 * machine's); the result must lie between now and a year ahead. The reason on failure says what to type.
 */
export function parseStartTime (text: string, now: Date, timeZone: string = localTimeZone()): StartTimeResult {
  const input = normalize(text)
  if (input === '') return fail(`Enter a start time, for example ${EXAMPLES}.`)
  if (input.length > MAX_INPUT_CHARS) return fail(`That is too long for a time. Try ${EXAMPLES}.`)
  if (!isValidTimeZone(timeZone)) return fail(`Unknown time zone "${timeZone}".`)
  if (Number.isNaN(now.getTime())) return fail('The current time is not known.')

  const read = readInstant(input, now, timeZone)
  if (!read.ok) return read
  const { start, note } = read
  if (start < now.getTime()) {
    return fail(`That is in the past (${formatLocal(start, timeZone)}). Give a time from now on, for example "in 15m".`)
  }
  if (start - now.getTime() > MAX_START_AHEAD_MS) {
    return fail(`That is more than a year ahead (${formatLocal(start, timeZone)}). Pick a time within the next 12 months.`)
  }
  return note == null ? { ok: true, start } : { ok: true, start, note }
}

function readInstant (input: string, now: Date, timeZone: string): StartTimeResult {
  const offsetNowMinutes = Math.round(zoneOffsetMs(now.getTime(), timeZone) / MINUTE)
  // The reference offset makes chrono pick "today" and "tomorrow" as dates in the given zone.
  const results = chrono.parse(input, { instant: now, timezone: offsetNowMinutes }, { forwardDate: true })
  const unreadable = fail(`"${input}" is not a time DevMeet understands. Try ${EXAMPLES}.`)
  if (results.length === 0) return unreadable
  const result = results[0]
  if (results.length > 1 || result.index !== 0 || result.text.length !== input.length) {
    const leftover = (input.slice(0, result.index) + ' ' + input.slice(result.index + result.text.length)).trim()
    return fail(`Could not read "${leftover}" in "${input}". Try ${EXAMPLES}.`)
  }
  if (result.end != null) return fail('Give only the start time; the duration is asked next.')

  const s = result.start
  // Relative ("in 2h") and explicit-offset ("…+01:00", "…Z") results are already instants.
  if (result.tags().has('result/relativeDate') || s.isCertain('timezoneOffset')) {
    const start = result.date().getTime()
    return Number.isFinite(start) ? { ok: true, start } : unreadable
  }
  if (!s.isCertain('hour')) return fail(`Add a time of day, for example "${input} 9:00".`)
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
    return { ok: true, start: converted.start, note: `${wallText} does not exist on that day in ${timeZone} (the clocks go forward); using ${formatLocal(converted.start, timeZone)}.` }
  }
  if (converted.kind === 'repeated') {
    return { ok: true, start: converted.start, note: `That time occurs twice in ${timeZone} (the clocks go back); using the first, ${formatUtcOffset(converted.start, timeZone)}.` }
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

export interface WallTime {
  year: number
  /** 1-12 */
  month: number
  day: number
  hour: number
  minute: number
  second?: number
}

/**
 * Converts a wall-clock time in an IANA zone to an instant. A time skipped by a forward change is
 * read with the offset before it (02:30 becomes 03:30); a repeated time takes its first occurrence.
 */
export function wallTimeToInstant (wall: WallTime, timeZone: string): { start: number, kind: 'exact' | 'skipped' | 'repeated' } {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0)
  const before = asUtc - zoneOffsetMs(asUtc - DAY, timeZone)
  const after = asUtc - zoneOffsetMs(asUtc + DAY, timeZone)
  const matching = [...new Set([before, after])]
    .filter(candidate => candidate + zoneOffsetMs(candidate, timeZone) === asUtc)
    .sort((a, b) => a - b)
  if (matching.length === 0) return { start: before, kind: 'skipped' }
  return { start: matching[0], kind: matching.length > 1 ? 'repeated' : 'exact' }
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs (instant: number, timeZone: string): number {
  const f = wallClockFields(instant, timeZone)
  const wholeSeconds = instant - (((instant % 1000) + 1000) % 1000)
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - wholeSeconds
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function wallClockFormatter (timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (f == null) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short'
    })
    if (formatters.size > 64) formatters.clear()
    formatters.set(timeZone, f)
  }
  return f
}

interface WallFields extends Required<WallTime> {
  weekday: string
}

function wallClockFields (instant: number, timeZone: string): WallFields {
  const parts = wallClockFormatter(timeZone).formatToParts(new Date(instant))
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find(p => p.type === type)?.value ?? '0'
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: get('weekday')
  }
}

function pad (n: number): string {
  return String(n).padStart(2, '0')
}

/** "Wed 2026-12-02 09:00" in the given zone (default the machine's): unambiguous in every locale. */
export function formatLocal (start: number, timeZone: string = localTimeZone()): string {
  if (!Number.isFinite(start)) return 'unknown time'
  const f = wallClockFields(start, timeZone)
  return `${f.weekday} ${f.year}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}`
}

/** "UTC+01:00", "UTC-04:00", "UTC+05:30" at that instant. */
export function formatUtcOffset (instant: number, timeZone: string = localTimeZone()): string {
  const minutes = Math.round(zoneOffsetMs(instant, timeZone) / MINUTE)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** "Wed 2026-12-02 09:00 Europe/Berlin (UTC+01:00)": a time in a named zone, e.g. the organizer's. */
export function formatInZone (start: number, timeZone: string): string {
  if (!isValidTimeZone(timeZone)) return `${formatLocal(start, 'UTC')} UTC`
  return `${formatLocal(start, timeZone)} ${timeZone} (${formatUtcOffset(start, timeZone)})`
}

export interface RelativeOptions {
  timeZone?: string
  /** when given, a conference past its end reads "ended … ago" */
  durationMinutes?: number
}

/**
 * How far away a start is, for the tree and the input box: "in 15 min", "in 2 h", "today 18:00",
 * "tomorrow 09:00", "in 5 days", "started 5 min ago", "ended 2 h ago".
 */
export function formatRelative (start: number, now: Date | number, options: RelativeOptions = {}): string {
  const nowMs = typeof now === 'number' ? now : now.getTime()
  const timeZone = options.timeZone ?? localTimeZone()
  if (!Number.isFinite(start) || !Number.isFinite(nowMs)) return ''
  const ahead = start - nowMs
  if (ahead > 0) {
    if (ahead < MINUTE) return 'in less than a minute'
    if (ahead < HOUR) return `in ${Math.round(ahead / MINUTE)} min`
    const days = calendarDaysBetween(nowMs, start, timeZone)
    if (ahead < 6 * HOUR) return `in ${hoursAndMinutes(ahead)}`
    const f = wallClockFields(start, timeZone)
    const clock = `${pad(f.hour)}:${pad(f.minute)}`
    if (days === 0) return `today ${clock}`
    if (days === 1) return `tomorrow ${clock}`
    if (days < 7) return `in ${days} days`
    return `on ${f.year}-${pad(f.month)}-${pad(f.day)}`
  }
  if (options.durationMinutes != null) {
    const end = start + options.durationMinutes * MINUTE
    if (nowMs >= end) return `ended ${ago(nowMs - end)}`
  }
  return `started ${ago(nowMs - start)}`
}

function ago (ms: number): string {
  if (ms < MINUTE) return 'just now'
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`
  const days = Math.floor(ms / DAY)
  return days === 1 ? '1 day ago' : `${days} days ago`
}

function hoursAndMinutes (ms: number): string {
  const totalMinutes = Math.round(ms / MINUTE)
  const h = Math.floor(totalMinutes / 60)
  const m = totalMinutes % 60
  return m === 0 ? `${h} h` : `${h} h ${m} min`
}

function calendarDaysBetween (from: number, to: number, timeZone: string): number {
  const a = wallClockFields(from, timeZone)
  const b = wallClockFields(to, timeZone)
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY)
}

/**
 * Reads a duration typed by a person: "45", "45m", "90 min", "1h", "1h30m", "1.5h". Minutes, 1 to 1440.
 */
export function parseDurationMinutes (text: string): { ok: true, minutes: number } | { ok: false, reason: string } {
  const s = String(text ?? '').trim().toLowerCase().replace(/\s+/g, '')
  const hint = 'Give minutes ("45") or hours ("1h", "1h30m"), from 1 minute to 24 hours.'
  if (s === '') return { ok: false, reason: `Enter a duration. ${hint}` }
  if (s.length > 16) return { ok: false, reason: `That is too long. ${hint}` }
  const m = /^(?:(\d+(?:\.\d+)?)(?:h|hr|hrs|hours?))?(?:(\d+)(?:m|min|mins|minutes?)?)?$/.exec(s)
  if (m == null || (m[1] == null && m[2] == null)) return { ok: false, reason: `"${text.trim()}" is not a duration. ${hint}` }
  const minutes = Math.round(Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0))
  if (!(minutes >= 1 && minutes <= 1440)) return { ok: false, reason: `${minutes} minutes is out of range. ${hint}` }
  return { ok: true, minutes }
}

/** "30 min", "1 h", "1 h 30 min". */
export function formatDuration (minutes: number): string {
  return minutes < 60 ? `${minutes} min` : hoursAndMinutes(minutes * MINUTE)
}
