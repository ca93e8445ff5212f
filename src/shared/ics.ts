// A conference as an RFC 5545 calendar file, for import into calendar apps. Pure: no I/O, no Node
// API (the extension exports it; the core and the headless peer use it too).
import type { ConferenceContext, Rsvp } from '../core/api'
import { safeFileName } from './file-name'

const CRLF = '\r\n'
const MAX_LINE_OCTETS = 75

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

/** RFC 5545 text for one conference: a VCALENDAR with one VEVENT, CRLF line ends, lines folded at 75 octets. */
export function conferenceToIcs (ctx: ConferenceContext): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//DevMeet//DevMeet//EN',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:${escapeText(ctx.id)}@devmeet`,
    `DTSTAMP:${utcDateTime(ctx.updatedAt)}`,
    `CREATED:${utcDateTime(ctx.createdAt)}`,
    `LAST-MODIFIED:${utcDateTime(ctx.updatedAt)}`,
    `DTSTART:${utcDateTime(ctx.start)}`,
    `DURATION:PT${Math.max(0, Math.round(ctx.durationMinutes))}M`,
    `SUMMARY:${escapeText(ctx.title)}`,
    ...(ctx.agenda.trim() === '' ? [] : [`DESCRIPTION:${escapeText(ctx.agenda)}`]),
    `ORGANIZER;CN=${paramValue(ctx.organizer.displayName)}:${peerCalendarAddress(ctx.organizer.peerId)}`,
    ...ctx.invitees.map(i =>
      `ATTENDEE;CN=${paramValue(i.displayName)};ROLE=REQ-PARTICIPANT;PARTSTAT=${PARTSTAT[i.rsvp] ?? 'NEEDS-ACTION'}:${peerCalendarAddress(i.peerId)}`),
    `SEQUENCE:${Math.max(0, Math.floor(ctx.sequence))}`,
    `STATUS:${ctx.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
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
