// A VTIMEZONE for an IANA zone, made from the platform's Intl data: one STANDARD or DAYLIGHT
// component per offset change within a span. Calendar apps that know the zone by its TZID use
// their own data; this is for those that do not, and for tests that expand the file with ical.js
// (which has no zone database of its own). Pure, Intl only.
import { zoneOffsetMs } from './time'
import { localDateTimeText } from './recurrence-rule'

const HOUR_MS = 3_600_000
/** Offsets are sampled this often; no zone changes twice within it (the closest pairs are weeks apart). */
const SAMPLE_MS = 24 * HOUR_MS
/** The most changes written: two a year for well over the longest span a series covers. */
const MAX_CHANGES = 64

/** A TZID DevMeet writes unquoted: an IANA name's characters only. */
export function isWritableTzid (timeZone: string): boolean {
  return /^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone)
}

/** The instants in (from, to] at which the zone's offset changes, found by sampling then bisecting to the second. */
export function offsetChanges (timeZone: string, from: number, to: number): Array<{ at: number, before: number, after: number }> {
  const out: Array<{ at: number, before: number, after: number }> = []
  let previous = from
  let previousOffset = zoneOffsetMs(from, timeZone)
  for (let t = from + SAMPLE_MS; t < to + SAMPLE_MS && out.length < MAX_CHANGES; t += SAMPLE_MS) {
    const offset = zoneOffsetMs(t, timeZone)
    if (offset !== previousOffset) {
      let low = previous
      let high = t
      while (high - low > 1000) {
        const mid = low + Math.floor((high - low) / 2000) * 1000
        if (zoneOffsetMs(mid, timeZone) === previousOffset) low = mid
        else high = mid
      }
      out.push({ at: high, before: previousOffset, after: offset })
    }
    previous = t
    previousOffset = offset
  }
  return out
}

/** The VTIMEZONE lines for `timeZone` covering [from, to]. */
export function vtimezoneLines (timeZone: string, from: number, to: number): string[] {
  const initial = zoneOffsetMs(from, timeZone)
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`]
  // The offset in force before the first change, as of the span's start.
  lines.push(...observance('STANDARD', localDateTimeText(from, timeZone), initial, initial))
  for (const change of offsetChanges(timeZone, from, to)) {
    // DTSTART of an observance is the local time of the change on the clock before it (RFC 5545 3.6.5).
    const onset = utcFieldsText(change.at + change.before)
    lines.push(...observance(change.after > change.before ? 'DAYLIGHT' : 'STANDARD', onset, change.before, change.after))
  }
  lines.push('END:VTIMEZONE')
  return lines
}

function observance (kind: 'STANDARD' | 'DAYLIGHT', dtstart: string, from: number, to: number): string[] {
  return [`BEGIN:${kind}`, `DTSTART:${dtstart}`, `TZOFFSETFROM:${offsetText(from)}`, `TZOFFSETTO:${offsetText(to)}`, `END:${kind}`]
}

/** +0100, -0430 (seconds dropped: no zone in use today has them). */
function offsetText (offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+'
  const minutes = Math.round(Math.abs(offsetMs) / 60_000)
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`
}

function utcFieldsText (shifted: number): string {
  return new Date(shifted).toISOString().slice(0, 19).replace(/[-:]/g, '')
}
