// Instants, IANA time zones and durations for people: formatting (in the user's locale, "in 2 h"),
// wall-clock conversion, and the duration a person types. Pure, Intl only (no Node API, no
// chrono-node): the extension, the core and the chat page use it alike.
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from './limits'
import { untrusted, type ShownText, type Untrusted } from './shown-text'
import { localized, plural } from './localized'

export { MAX_START_AHEAD_MS } from './limits'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

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

/** Two digits. */
export function pad (n: number): string {
  return String(n).padStart(2, '0')
}

let displayLocale: string | undefined

/**
 * The locale dates are shown in: VS Code's display language in the extension host (whose own
 * default is the process's), the page's own in the chat. Undefined: the runtime's default.
 */
export function setDisplayLocale (locale: string | undefined): void {
  try {
    displayLocale = locale == null || locale === '' ? undefined : Intl.DateTimeFormat.supportedLocalesOf([locale])[0]
  } catch {
    displayLocale = undefined
  }
}

const peopleFormatters = new Map<string, Intl.DateTimeFormat>()

function peopleFormatter (timeZone: string, locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone}|${JSON.stringify(options)}`
  let f = peopleFormatters.get(key)
  if (f == null) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone })
    if (peopleFormatters.size > 64) peopleFormatters.clear()
    peopleFormatters.set(key, f)
  }
  return f
}

const DATE_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
const CLOCK: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' }

/**
 * An instant for people, the one format of DevMeet's tree, notifications, chat and transcript, in
 * the user's locale: "Wed, Dec 2, 2026, 9:00 AM" (en-US), "Mi., 2. Dez. 2026, 09:00" (de).
 */
export function formatLocal (start: number, timeZone: string = localTimeZone(), locale: string | undefined = displayLocale): string {
  if (!Number.isFinite(start)) return localized`unknown time`
  return peopleFormatter(timeZone, locale, DATE_TIME).format(start)
}

/** The clock time of an instant in the user's locale: "9:00 AM", "09:00". */
export function formatClock (instant: number, timeZone: string = localTimeZone(), locale: string | undefined = displayLocale): string {
  if (!Number.isFinite(instant)) return ''
  return peopleFormatter(timeZone, locale, CLOCK).format(instant)
}

/**
 * The same instant shorter, for a tree row: "Wed 9:00 AM" within the coming or past week, else
 * "Dec 2, 9:00 AM", with the year only when it is not this year's.
 */
export function formatShort (start: number, now: number, timeZone: string = localTimeZone(), locale: string | undefined = displayLocale): string {
  if (!Number.isFinite(start)) return localized`unknown time`
  const options: Intl.DateTimeFormatOptions = Math.abs(start - now) < 6 * DAY
    ? { weekday: 'short', hour: 'numeric', minute: '2-digit' }
    : wallClockFields(start, timeZone).year === wallClockFields(now, timeZone).year
      ? { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
      : { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
  return peopleFormatter(timeZone, locale, options).format(start)
}

/** "2026-12-02 09:00": a start as the start-time box reads it back (not for display). */
export function formatInputTime (start: number, timeZone: string = localTimeZone()): string {
  const f = wallClockFields(start, timeZone)
  return `${f.year}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}`
}

/** "UTC+01:00", "UTC-04:00", "UTC+05:30" at that instant. */
export function formatUtcOffset (instant: number, timeZone: string = localTimeZone()): string {
  const minutes = Math.round(zoneOffsetMs(instant, timeZone) / MINUTE)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** "Wed, Dec 2, 2026, 9:00 AM Europe/Berlin (UTC+01:00)": a time in a named zone, e.g. the organizer's. */
export function formatInZone (start: number, timeZone: string): string {
  if (!isValidTimeZone(timeZone)) return `${formatLocal(start, 'UTC')} UTC`
  return `${formatLocal(start, timeZone)} ${timeZone} (${formatUtcOffset(start, timeZone)})`
}

export interface RelativeOptions {
  timeZone?: string
  /** default: the display locale (setDisplayLocale) */
  locale?: string
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
    if (ahead < MINUTE) return localized`in less than a minute`
    if (ahead < HOUR) return localized`in ${Math.round(ahead / MINUTE)} min`
    const days = calendarDaysBetween(nowMs, start, timeZone)
    if (ahead < 6 * HOUR) return localized`in ${hoursAndMinutes(ahead)}`
    const clock = part(formatClock(start, timeZone, options.locale))
    if (days === 0) return localized`today ${clock}`
    if (days === 1) return localized`tomorrow ${clock}`
    if (days < 7) return plural(days, localized`in ${days} day`, localized`in ${days} days`)
    return localized`on ${part(peopleFormatter(timeZone, options.locale ?? displayLocale, { year: 'numeric', month: 'short', day: 'numeric' }).format(start))}`
  }
  if (options.durationMinutes != null) {
    const end = start + options.durationMinutes * MINUTE
    if (nowMs >= end) return ago(nowMs - end, 'ended')
  }
  return ago(nowMs - start, 'started')
}

/**
 * Whether formatRelative's text names the day itself ("today 6:00 PM", "tomorrow 9:00 AM", "on
 * Dec 2, 2026"), so that a row need not repeat the date beside it.
 */
export function relativeNamesTheDay (start: number, now: number, timeZone: string = localTimeZone()): boolean {
  const ahead = start - now
  if (!(ahead >= 6 * HOUR)) return false
  const days = calendarDaysBetween(now, start, timeZone)
  return days <= 1 || days >= 7
}

/** "started 5 min ago", "ended 2 h ago": whole sentences, so that a translation can order them. */
function ago (ms: number, what: 'started' | 'ended'): ShownText {
  const started = what === 'started'
  if (ms < MINUTE) return started ? localized`started just now` : localized`ended just now`
  if (ms < HOUR) {
    const n = Math.floor(ms / MINUTE)
    return started ? localized`started ${n} min ago` : localized`ended ${n} min ago`
  }
  if (ms < DAY) {
    const n = Math.floor(ms / HOUR)
    return started ? localized`started ${n} h ago` : localized`ended ${n} h ago`
  }
  const days = Math.floor(ms / DAY)
  return started
    ? plural(days, localized`started ${days} day ago`, localized`started ${days} days ago`)
    : plural(days, localized`ended ${days} day ago`, localized`ended ${days} days ago`)
}

function hoursAndMinutes (ms: number): ShownText {
  const totalMinutes = Math.round(ms / MINUTE)
  const h = Math.floor(totalMinutes / 60)
  const m = totalMinutes % 60
  return m === 0 ? localized`${h} h` : localized`${h} h ${m} min`
}

/** Text this module made (a clock time, a date from Intl): put into a message as a part. */
function part (text: string): Untrusted {
  return untrusted(text, 100)
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
  const hint = localized`Give minutes ("45") or hours ("1h", "1h30m"), from 1 minute to 24 hours.`
  if (s === '') return { ok: false, reason: localized`Enter a duration. ${hint}` }
  if (s.length > 16) return { ok: false, reason: localized`That is too long. ${hint}` }
  const m = /^(?:(\d+(?:\.\d+)?)(?:h|hr|hrs|hours?))?(?:(\d+)(?:m|min|mins|minutes?)?)?$/.exec(s)
  if (m == null || (m[1] == null && m[2] == null)) return { ok: false, reason: localized`"${untrusted(text.trim(), 40)}" is not a duration. ${hint}` }
  const minutes = Math.round(Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0))
  if (!(minutes >= MIN_DURATION_MINUTES && minutes <= MAX_DURATION_MINUTES)) return { ok: false, reason: localized`${minutes} minutes is out of range. ${hint}` }
  return { ok: true, minutes }
}

/** "30 min", "1 h", "1 h 30 min". */
export function formatDuration (minutes: number): string {
  return minutes < 60 ? localized`${minutes} min` : hoursAndMinutes(minutes * MINUTE)
}
