// A conference as an RFC 5545 calendar file, for import into calendar apps. Pure: no I/O, no Node
// API (the extension exports it; the core and the headless peer use it too).
import type { ConferenceContext, Rsvp } from '../core/api'
import { safeFileName } from './file-name'
import { isValidTimeZone } from './time'
import { localDateTimeText, rruleParts } from './recurrence-rule'
import { isWritableTzid, vtimezoneLines } from './vtimezone'

const CRLF = '\r\n'
const MAX_LINE_OCTETS = 75
const DAY_MS = 24 * 3_600_000
/** A VTIMEZONE covers a series without `until` this far: apps that know the TZID use their own data beyond. */
const OPEN_SERIES_ZONE_SPAN_MS = 5 * 366 * DAY_MS

const PARTSTAT: Record<Rsvp, string> = {
  pending: 'NEEDS-ACTION',
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE'
}

/** The calendar address of a peer: peers have no e-mail, so a URN names the peer ID. */
export function peerCalendarAddress (peerId: string): string {
  return `urn:devmeet:peer:${peerId.replace(/[^A-Za-z0-9]/g, '')}`
}

/**
 * RFC 5545 text for one conference: a VCALENDAR with one VEVENT, CRLF line ends, lines folded at
 * 75 octets. A series is written in its organizer's zone (DTSTART;TZID with a VTIMEZONE) with its
 * RRULE, its cancelled occurrences as EXDATE and each moved one as a VEVENT with RECURRENCE-ID
 * (with RANGE=THISANDFUTURE for a "this and following" change).
 */
export function conferenceToIcs (ctx: ConferenceContext): string {
  const zone = ctx.timeZone
  const series = ctx.recurrence != null && isWritableTzid(zone) && isValidTimeZone(zone)
  const local = (instant: number): string => `;TZID=${zone}:${localDateTimeText(instant, zone)}`
  const common = [
    `UID:${escapeText(ctx.id)}@devmeet`,
    `DTSTAMP:${utcDateTime(ctx.updatedAt)}`
  ]
  const people = [
    `ORGANIZER;CN=${paramValue(ctx.organizer.displayName)}:${peerCalendarAddress(ctx.organizer.peerId)}`,
    ...ctx.invitees.map(i =>
      `ATTENDEE;CN=${paramValue(i.displayName)};ROLE=REQ-PARTICIPANT;PARTSTAT=${PARTSTAT[i.rsvp] ?? 'NEEDS-ACTION'}:${peerCalendarAddress(i.peerId)}`)
  ]
  const summary = `SUMMARY:${escapeText(ctx.title)}`
  const sequence = `SEQUENCE:${Math.max(0, Math.floor(ctx.sequence))}`
  const status = `STATUS:${ctx.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`
  const when: string[] = []
  const overrides: string[] = []
  const zoneLines: string[] = []
  if (series && ctx.recurrence != null) {
    const rule = ctx.recurrence
    const until = rule.until == null ? [] : [`UNTIL=${utcDateTime(rule.until)}`]
    when.push(`DTSTART${local(ctx.start)}`, `RRULE:${[...rruleParts(rule), ...until].join(';')}`)
    const cancelled = (ctx.exceptions ?? []).filter(e => e.cancelled === true)
    if (cancelled.length > 0) when.push(`EXDATE;TZID=${zone}:${cancelled.map(e => localDateTimeText(e.occurrence, zone)).join(',')}`)
    for (const moved of (ctx.exceptions ?? []).filter(e => e.cancelled !== true)) {
      overrides.push('BEGIN:VEVENT', ...common,
        // "This and following": RFC 5545 3.8.4.4, the change applies to every later occurrence too.
        `RECURRENCE-ID${moved.range === 'thisAndFuture' ? ';RANGE=THISANDFUTURE' : ''}${local(moved.occurrence)}`,
        `DTSTART${local(moved.start ?? moved.occurrence)}`,
        `DURATION:PT${Math.max(0, Math.round(moved.durationMinutes ?? ctx.durationMinutes))}M`,
        summary, ...people, sequence, status, 'END:VEVENT')
    }
    // A moved occurrence lies within 31 days of the rule's: the zone's span covers it.
    const last = (rule.until ?? ctx.start + OPEN_SERIES_ZONE_SPAN_MS) + 32 * DAY_MS
    zoneLines.push(...vtimezoneLines(zone, ctx.start - 32 * DAY_MS, last))
  } else {
    when.push(`DTSTART:${utcDateTime(ctx.start)}`)
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//DevMeet//DevMeet//EN',
    'CALSCALE:GREGORIAN',
    ...zoneLines,
    'BEGIN:VEVENT',
    ...common,
    `CREATED:${utcDateTime(ctx.createdAt)}`,
    `LAST-MODIFIED:${utcDateTime(ctx.updatedAt)}`,
    ...when,
    `DURATION:PT${Math.max(0, Math.round(ctx.durationMinutes))}M`,
    summary,
    ...(ctx.agenda.trim() === '' ? [] : [`DESCRIPTION:${escapeText(ctx.agenda)}`]),
    ...people,
    sequence,
    status,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    ...overrides,
    'END:VCALENDAR'
  ]
  return lines.map(foldLine).join(CRLF) + CRLF
}

/** 20261201T090000Z */
function utcDateTime (ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
}

/** TEXT value escaping (RFC 5545 3.3.11); control characters other than newline are dropped. */
export function escapeText (value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n')
}

/**
 * A parameter value, always quoted (a quoted value may hold ; : ,), with RFC 6868's caret encoding
 * for what a quoted value cannot hold: ^ as ^^, a line break as ^n, a double quote as ^'. Other
 * control characters are dropped.
 */
export function paramValue (value: string): string {
  const encoded = value
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .replace(/\^/g, '^^')
    .replace(/\n/g, '^n')
    .replace(/"/g, "^'")
  return `"${encoded}"`
}

/** Folds a content line into pieces of at most 75 octets, never splitting a UTF-8 character. */
export function foldLine (line: string): string {
  if (octetsOf(line) <= MAX_LINE_OCTETS) return line
  const pieces: string[] = []
  let current = ''
  let currentOctets = 0
  // The first line holds 75 octets; each continuation starts with a space, leaving 74.
  let limit = MAX_LINE_OCTETS
  for (const char of line) {
    const octets = octetsOf(char)
    if (currentOctets + octets > limit) {
      pieces.push(current)
      current = ''
      currentOctets = 0
      limit = MAX_LINE_OCTETS - 1
    }
    current += char
    currentOctets += octets
  }
  pieces.push(current)
  return pieces.join(`${CRLF} `)
}

/** A file name for the export: the title without characters file systems refuse. */
export function icsFileName (ctx: ConferenceContext): string {
  return safeFileName(ctx.title, 'ics', 'conference')
}

const encoder = new TextEncoder()

function octetsOf (text: string): number {
  return encoder.encode(text).length
}
