// A series' occurrences: the rule is expanded by ical.js's RecurIterator (RFC 5545 RRULE), never by
// date arithmetic of ours. ical.js has no time-zone database, so the rule runs on the organizer's
// wall clock (a floating DTSTART: 09:00 every day) and each wall time becomes an instant through
// the platform's Intl data (src/shared/time.ts): that is how a 09:00 Europe/Berlin stand-up stays
// at 09:00 in Berlin across daylight-saving changes. A wall time skipped by a forward change is
// read with the offset before it (02:30 becomes 03:30), a repeated one takes its first instance,
// as RFC 5545 3.3.10 asks.
import ICAL from 'ical.js'
import type { ConferenceContext, Occurrence, OccurrenceException, RecurrenceRule } from '../api'
import { wallTimeToInstant, zoneOffsetMs } from '../../shared/time'
import { rruleParts, wallTimeOf } from '../../shared/recurrence-rule'

const DAY_MS = 24 * 60 * 60_000
/** A series ends at most this long after its first start (`until`); enforced by the schema. */
export const MAX_SERIES_SPAN_MS = 2 * 366 * DAY_MS
export const MAX_RECURRENCE_COUNT = 1000
export const MAX_RECURRENCE_INTERVAL = 52
export const MAX_EXCEPTIONS = 100
/** How far one occurrence may be moved from where the rule puts it: bounds the expansion window. */
export const MAX_OCCURRENCE_MOVE_MS = 31 * DAY_MS
/** The most occurrences one query returns, whatever the caller asks. */
export const MAX_OCCURRENCES_LISTED = 1000
/**
 * The most rule steps one query takes, and the furthest past its first start a series is expanded:
 * a series is expanded from its first start (COUNT depends on it), so these bound the work a peer's
 * rule can cause. 1500 steps are four years of a daily series; a monthly one reaches ten years.
 */
export const MAX_EXPANSION_STEPS = 1500
export const MAX_EXPANSION_SPAN_MS = 10 * 366 * DAY_MS
/** Wall times within this of the window are turned into instants; the rest are compared as wall times (no Intl call). */
const WALL_MARGIN_MS = 2 * DAY_MS

/** A wall time as one comparable number: YYYYMMDDhhmmss. */
function wallKey (w: { year: number, month: number, day: number, hour: number, minute: number, second: number }): number {
  return ((((w.year * 100 + w.month) * 100 + w.day) * 100 + w.hour) * 100 + w.minute) * 100 + w.second
}

/**
 * The starts the rule gives (before exceptions) from `from` on, in order; stops after `to`, after
 * `until`, after `count` (ical.js), or at the expansion bounds. Rule steps before `from` are
 * compared as wall times and never converted, so a window late in a long series costs only the
 * iterator's steps.
 */
export function * ruleStarts (start: number, timeZone: string, rule: RecurrenceRule, to: number, from = start): Generator<number> {
  const recur = ICAL.Recur.fromString(rruleParts(rule).join(';'))
  const dtstart = ICAL.Time.fromData({ ...wallTimeOf(start, timeZone), isDate: false })
  const iterator = recur.iterator(dtstart)
  // UNTIL is an instant (RFC 5545: in UTC when DTSTART has a zone), so it is compared as one here
  // rather than handed to a floating iterator that would read it on the wrong clock.
  const last = Math.min(to, rule.until ?? Number.POSITIVE_INFINITY, start + MAX_EXPANSION_SPAN_MS)
  // A window outside the series (or not a number) asks for nothing: no Intl call on an invalid date.
  const begin = Number.isFinite(from) ? Math.max(start, from) : start
  if (!(begin <= last)) return
  const firstWall = wallKey(wallTimeOf(begin - WALL_MARGIN_MS, timeZone))
  const lastWall = wallKey(wallTimeOf(last + WALL_MARGIN_MS, timeZone))
  for (let step = 0; step < MAX_EXPANSION_STEPS; step++) {
    const next = iterator.next()
    if (next == null) return
    const wall = { year: next.year, month: next.month, day: next.day, hour: next.hour, minute: next.minute, second: next.second }
    const key = wallKey(wall)
    if (key > lastWall) return
    if (key < firstWall) continue
    const instant = wallTimeToInstant(wall, timeZone).start
    if (instant > last) return
    yield instant
  }
}

/**
 * The occurrences of a conference that overlap [from, to), in start order, at most `max` (clamped
 * to MAX_OCCURRENCES_LISTED): cancelled ones are listed with status 'cancelled', moved ones at
 * their new time. A conference without a rule has one occurrence.
 */
export function occurrences (context: ConferenceContext, from: number, to: number, max = MAX_OCCURRENCES_LISTED): Occurrence[] {
  const limit = Math.max(0, Math.min(MAX_OCCURRENCES_LISTED, Math.floor(Number.isFinite(max) ? max : 0)))
  if (limit === 0 || !(to > from)) return []
  const overlaps = (o: Occurrence): boolean => o.start < to && o.start + o.durationMinutes * 60_000 > from
  const seriesStatus = context.status
  if (context.recurrence == null) {
    const only: Occurrence = { occurrence: context.start, start: context.start, durationMinutes: context.durationMinutes, status: seriesStatus, moved: false }
    return overlaps(only) ? [only] : []
  }
  const changes = new SeriesChanges(context)
  const out: Occurrence[] = []
  // A moved occurrence may land in the window from up to MAX_OCCURRENCE_MOVE_MS (and a zone's offset change) outside it.
  for (const original of ruleStarts(context.start, context.timeZone, context.recurrence, to + MAX_OCCURRENCE_MOVE_MS + DAY_MS, from - MAX_OCCURRENCE_MOVE_MS - DAY_MS)) {
    const occurrence = changes.apply(original)
    if (overlaps(occurrence)) out.push(occurrence)
  }
  out.sort((a, b) => a.start - b.start || a.occurrence - b.occurrence)
  return out.slice(0, limit)
}

/** Whether `instant` is a start the rule gives (an exception may only name one of those). */
export function isRuleStart (context: ConferenceContext, instant: number): boolean {
  if (context.recurrence == null) return instant === context.start
  for (const start of ruleStarts(context.start, context.timeZone, context.recurrence, instant, instant)) {
    if (start === instant) return true
  }
  return false
}

/** The occurrence that overlaps `at` or starts next (not cancelled), if any: what the scheduler arms. */
export function nextOccurrence (context: ConferenceContext, at: number): Occurrence | undefined {
  if (context.status === 'cancelled') return undefined
  if (context.recurrence == null) return occurrences(context, at, Number.MAX_SAFE_INTEGER, 1).find(o => o.status === 'scheduled')
  const changes = new SeriesChanges(context)
  const anyMoved = (context.exceptions ?? []).some(e => e.cancelled !== true)
  let best: Occurrence | undefined
  for (const original of ruleStarts(context.start, context.timeZone, context.recurrence, Number.MAX_SAFE_INTEGER, at - MAX_OCCURRENCE_MOVE_MS - DAY_MS)) {
    // No later original can be moved before the best found so far: stop there (at once when nothing is moved).
    if (best != null && (!anyMoved || original > best.start + MAX_OCCURRENCE_MOVE_MS + DAY_MS)) break
    const o = changes.apply(original)
    if (o.status !== 'scheduled' || o.start + o.durationMinutes * 60_000 <= at) continue
    if (best == null || o.start < best.start) best = o
  }
  return best
}

/**
 * A series' exceptions, applied to the starts the rule gives: a single one (cancel or move) names
 * its own occurrence; a 'thisAndFuture' one moves its occurrence and every later one by the same
 * wall-clock shift in the series' zone (as ical.js and RFC 5545 read RANGE=THISANDFUTURE), so a
 * 09:00 stand-up moved to 10:00 from some day on stays at 10:00 across daylight-saving changes.
 * The latest such change at or before an occurrence holds; a single exception wins over it.
 */
export class SeriesChanges {
  private readonly single = new Map<number, OccurrenceException>()
  /** thisAndFuture changes, latest first */
  private readonly ranges: OccurrenceException[]

  constructor (private readonly context: ConferenceContext) {
    const ranges: OccurrenceException[] = []
    for (const e of context.exceptions ?? []) {
      if (e.range === 'thisAndFuture') ranges.push(e)
      else this.single.set(e.occurrence, e)
    }
    this.ranges = ranges.sort((a, b) => b.occurrence - a.occurrence)
  }

  apply (original: number): Occurrence {
    const { durationMinutes, status, timeZone } = this.context
    const base: Occurrence = { occurrence: original, start: original, durationMinutes, status, moved: false }
    const exception = this.single.get(original)
    if (exception?.cancelled === true) return { ...base, status: 'cancelled' }
    if (exception != null) {
      return { ...base, start: exception.start ?? original, durationMinutes: exception.durationMinutes ?? durationMinutes, moved: true }
    }
    const range = this.ranges.find(r => r.occurrence <= original)
    if (range == null) return base
    const start = range.start == null || range.occurrence === original ? (range.start ?? original) : shiftedWallTime(original, range.occurrence, range.start, timeZone)
    return { ...base, start, durationMinutes: range.durationMinutes ?? durationMinutes, moved: true }
  }
}

/**
 * A series' exceptions with one more, in occurrence order: it replaces an earlier one for the same
 * occurrence, and a "this and following" change replaces the "this and following" changes after
 * it (it speaks for every later occurrence); single exceptions after it stay.
 */
export function withException (exceptions: OccurrenceException[], exception: OccurrenceException): OccurrenceException[] {
  const following = exception.range === 'thisAndFuture'
  const kept = exceptions.filter(e => e.occurrence !== exception.occurrence && !(following && e.range === 'thisAndFuture' && e.occurrence > exception.occurrence))
  return [...kept, exception].sort((a, b) => a.occurrence - b.occurrence)
}

/** `instant` moved by the wall-clock shift that takes `from` to `to` in `timeZone`. */
function shiftedWallTime (instant: number, from: number, to: number, timeZone: string): number {
  const wallMs = (t: number): number => t + zoneOffsetMs(t, timeZone)
  const shifted = new Date(wallMs(instant) + wallMs(to) - wallMs(from))
  return wallTimeToInstant({
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds()
  }, timeZone).start
}

/**
 * Which of `instants` are starts the rule gives: one walk over the rule from the earliest to the
 * latest (verifyContext checks every occurrence answer a context carries this way).
 */
export function ruleStartsAmong (context: ConferenceContext, instants: number[]): Set<number> {
  const found = new Set<number>()
  const wanted = new Set(instants.filter(Number.isFinite))
  if (wanted.size === 0) return found
  if (context.recurrence == null) {
    if (wanted.has(context.start)) found.add(context.start)
    return found
  }
  const sorted = [...wanted].sort((a, b) => a - b)
  for (const start of ruleStarts(context.start, context.timeZone, context.recurrence, sorted[sorted.length - 1], sorted[0])) {
    if (wanted.has(start)) found.add(start)
  }
  return found
}

/**
 * Expanding a series walks its rule from the first start, and the scheduler (every 30 s) and the
 * views (every refresh) ask again and again, so the answer is kept per conference until the context
 * changes or the occurrence it names has ended. Sound because the first occurrence ending after `from` is still the first ending after any later
 * instant before its end.
 */
export class NextOccurrenceCache {
  private readonly byId = new Map<string, { sequence: number, status: string, from: number, result: Occurrence | undefined }>()

  next (context: ConferenceContext, from: number): Occurrence | undefined {
    const kept = this.byId.get(context.id)
    if (kept != null && kept.sequence === context.sequence && kept.status === context.status && kept.from <= from &&
      (kept.result == null || kept.result.start + kept.result.durationMinutes * 60_000 > from)) return kept.result
    const result = nextOccurrence(context, from)
    if (this.byId.size > 1000) this.byId.clear()
    this.byId.set(context.id, { sequence: context.sequence, status: context.status, from, result })
    return result
  }
}

/**
 * The occurrence a moment belongs to, among a series' scheduled occurrences sorted by start: the
 * one in progress, else the next one to start; after the last, the last. What a chat message
 * belongs to, by the time its author signed it (docs/RECURRING.md).
 */
export function occurrenceAtTime (scheduled: Occurrence[], at: number): Occurrence | undefined {
  let lo = 0
  let hi = scheduled.length
  // The first occurrence that ends after `at` (ends are in start order unless an occurrence was moved over another).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const o = scheduled[mid]
    if (o.start + o.durationMinutes * 60_000 > at) hi = mid
    else lo = mid + 1
  }
  return scheduled[lo] ?? scheduled[scheduled.length - 1]
}

/**
 * Per conference, its scheduled occurrences (at most MAX_OCCURRENCES_LISTED from its first start),
 * kept until the context changes: placing every message of a long chat in its occurrence then
 * costs one expansion and a binary search each.
 */
export class ScheduledOccurrencesCache {
  private readonly byId = new Map<string, { sequence: number, list: Occurrence[] }>()

  of (context: ConferenceContext): Occurrence[] {
    const kept = this.byId.get(context.id)
    if (kept != null && kept.sequence === context.sequence) return kept.list
    const list = occurrences(context, context.start - MAX_OCCURRENCE_MOVE_MS - DAY_MS, context.start + MAX_EXPANSION_SPAN_MS)
      .filter(o => o.status === 'scheduled')
    if (this.byId.size > 1000) this.byId.clear()
    this.byId.set(context.id, { sequence: context.sequence, list })
    return list
  }
}
