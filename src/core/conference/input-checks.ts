import { peerIdFromString } from '@libp2p/peer-id'
import { ConferenceInputError } from '../errors'
import type { RecurrenceRule } from '../api'
import { isValidTimeZone } from '../../shared/time'
import { MAX_AGENDA_BYTES, MAX_INVITEES, MAX_TITLE_CHARS, recurrenceSchema } from './model'
import { MAX_OCCURRENCE_MOVE_MS, MAX_SERIES_SPAN_MS, ruleStarts } from './recurrence'
import { untrusted } from '../../shared/shown-text'
import { localized } from '../../shared/localized'

const DAY_MS = 24 * 60 * 60_000

/** The title, trimmed; throws ConferenceInputError when empty or too long. */
export function checkTitle (title: string | undefined): string {
  const trimmed = (title ?? '').trim()
  if (trimmed === '' || trimmed.length > MAX_TITLE_CHARS) throw new ConferenceInputError(localized`A title of 1 to ${MAX_TITLE_CHARS} characters is needed.`)
  return trimmed
}

/** The agenda; throws ConferenceInputError when too long. */
export function checkAgenda (agenda: string | undefined): string {
  const text = agenda ?? ''
  if (Buffer.byteLength(text) > MAX_AGENDA_BYTES) throw new ConferenceInputError(localized`The agenda is longer than 16 KiB.`)
  return text
}

/** A start time within five minutes ago and a year ahead. */
export function checkStart (start: number, now: number): void {
  if (typeof start !== 'number' || !Number.isFinite(start)) throw new ConferenceInputError(localized`The start time is not a valid time.`)
  if (start < now - 5 * 60_000) throw new ConferenceInputError(localized`The start time is in the past.`)
  if (start > now + 366 * DAY_MS) throw new ConferenceInputError(localized`The start time is more than a year ahead.`)
}

/** A duration of 1 minute to a day. */
export function checkDuration (minutes: number): void {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new ConferenceInputError(localized`The duration is 1 to 1440 minutes.`)
  }
}

/** Invitees as distinct, canonical peer IDs, not me, at most MAX_INVITEES. */
export function checkInvitees (peerIds: string[], me: string): string[] {
  if (!Array.isArray(peerIds)) throw new ConferenceInputError(localized`Invitees are a list of peer IDs.`)
  const out: string[] = []
  for (const raw of peerIds) {
    let id: string
    try {
      id = peerIdFromString(String(raw).trim()).toString()
    } catch {
      throw new ConferenceInputError(localized`"${untrusted(String(raw), 60)}" is not a peer ID.`)
    }
    if (id === me) throw new ConferenceInputError(localized`You organize this conference; you need not invite yourself.`)
    if (!out.includes(id)) out.push(id)
  }
  if (out.length > MAX_INVITEES) throw new ConferenceInputError(localized`At most ${MAX_INVITEES} invitees.`)
  return out
}

/** A series' rule as the schema takes it; its first occurrence must be `start` itself (RFC 5545 leaves other starts undefined). */
export function checkRecurrence (rule: unknown, start: number, timeZone: string): RecurrenceRule {
  const parsed = recurrenceSchema.safeParse(rule)
  if (!parsed.success) throw new ConferenceInputError(localized`The repeat rule cannot be used: ${untrusted(parsed.error.issues[0]?.message ?? 'invalid')}.`)
  const checked = parsed.data as RecurrenceRule
  if (!isValidTimeZone(timeZone)) throw new ConferenceInputError(localized`"${untrusted(timeZone, 64)}" is not a time zone this machine knows.`)
  if (checked.until != null && (checked.until < start || checked.until > start + MAX_SERIES_SPAN_MS)) {
    throw new ConferenceInputError(localized`A series ends after its start and within two years of it.`)
  }
  const first = ruleStarts(start, timeZone, checked, start + MAX_SERIES_SPAN_MS).next()
  if (first.done === true || first.value !== start) throw new ConferenceInputError(localized`The start is not on a day the series repeats on.`)
  return checked
}

/** A moved occurrence's new start: not in the past, within MAX_OCCURRENCE_MOVE_MS of where the rule puts it. */
export function checkOccurrenceMove (occurrence: number, start: number, now: number): void {
  checkStart(start, now)
  if (Math.abs(start - occurrence) > MAX_OCCURRENCE_MOVE_MS) throw new ConferenceInputError(localized`An occurrence can be moved by at most 31 days; change the series instead.`)
}
