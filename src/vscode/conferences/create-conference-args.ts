// The checks behind "Create Conference": the argument form and what the input boxes say. No 'vscode'
// import, so they are unit tested directly.
import type { CreateConferenceInput } from '../../core/api'
import { formatLocal, formatRelative, localTimeZone } from '../../shared/time'
import { parseStartTime } from '../../shared/start-time'
import { MAX_AGENDA_BYTES, MAX_DURATION_MINUTES, MAX_START_AHEAD_MS, MAX_TITLE_CHARS, MIN_DURATION_MINUTES, isValidDuration, utf8Bytes } from '../../shared/limits'
import { oneLine } from './conference-rows'
import { recurrenceFromArg } from './recurrence-arg'
import { untrusted } from '../../shared/shown-text'
import { localized } from '../localized'

// The core's limits (src/shared/limits.ts), checked here to explain them before sending.
export { MAX_TITLE_CHARS }

/** Why an agenda is refused, or undefined. */
export function checkAgenda (agenda: string): string | undefined {
  return utf8Bytes(agenda) > MAX_AGENDA_BYTES ? localized`An agenda is at most ${MAX_AGENDA_BYTES / 1024} KiB.` : undefined
}
export const START_EXAMPLES = 'in 15m, 14:30, tomorrow 9:00, 2026-12-01 10:00'
/** An argument's start may lie this far in the past: it was computed a moment before the call. */
const ARGUMENT_START_GRACE_MS = 60_000

/** The command's argument form: asks nothing. */
export interface CreateConferenceArgs {
  title: string
  /** ISO 8601 (or epoch ms) */
  start: string | number
  durationMinutes?: number
  agenda?: string
  /** peer IDs */
  invitees?: string[]
  /** makes it a series: the core's rule, `until` as ISO 8601 (recurrence-arg.ts) */
  recurrence?: Record<string, unknown>
}

export function checkTitle (value: string): string | undefined {
  const title = oneLine(value, Number.MAX_SAFE_INTEGER)
  if (title === '') return localized`Give the conference a title.`
  if (title.length > MAX_TITLE_CHARS) return localized`A title has at most ${MAX_TITLE_CHARS} characters.`
  return undefined
}

/** What the start box says about a value: the parsed time in local time, or why it is refused. */
export function describeStartInput (value: string, now: Date, timeZone = localTimeZone()): { error?: string, note?: string, start?: number } {
  if (value.trim() === '') return { note: localized`When does it start? Type e.g. ${untrusted(START_EXAMPLES)}` }
  const parsed = parseStartTime(value, now, timeZone)
  if (!parsed.ok) return { error: parsed.reason }
  const when = localized`Starts ${untrusted(formatLocal(parsed.start, timeZone))} (${untrusted(formatRelative(parsed.start, now, { timeZone }))}), your time ${untrusted(timeZone)}`
  return { note: parsed.note == null ? when : `${when}. ${parsed.note}`, start: parsed.start }
}

/** Checks the argument object; throws an Error that says what is wrong. */
export function createInputFromArgs (arg: Record<string, unknown>, now: number): CreateConferenceInput {
  const fail = (message: string): never => { throw new Error(`devmeet.createConference: ${message}`) }
  if (typeof arg.title !== 'string') fail('title must be a string')
  const titleError = checkTitle(arg.title as string)
  if (titleError != null) fail(titleError)
  const start = typeof arg.start === 'number' ? arg.start : typeof arg.start === 'string' ? Date.parse(arg.start) : NaN
  if (!Number.isFinite(start)) fail('start must be an ISO 8601 date-time string, e.g. 2026-12-01T10:00:00Z')
  if (start < now - ARGUMENT_START_GRACE_MS) fail('start is in the past')
  if (start - now > MAX_START_AHEAD_MS) fail('start is more than a year ahead')
  const durationMinutes = arg.durationMinutes ?? 30
  if (!isValidDuration(durationMinutes)) {
    fail(`durationMinutes must be a whole number from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}`)
  }
  const agenda = arg.agenda ?? ''
  if (typeof agenda !== 'string') fail('agenda must be a string')
  const agendaError = checkAgenda(agenda as string)
  if (agendaError != null) fail(agendaError)
  const invitees = arg.invitees ?? []
  if (!Array.isArray(invitees) || !invitees.every(i => typeof i === 'string' && i.length > 0 && i.length < 200)) {
    fail('invitees must be an array of peer ID strings')
  }
  let recurrence
  if (arg.recurrence != null) {
    try {
      recurrence = recurrenceFromArg(arg.recurrence)
    } catch (err) {
      fail((err as Error).message)
    }
  }
  return {
    ...(recurrence != null ? { recurrence } : {}),
    title: oneLine(arg.title as string, MAX_TITLE_CHARS),
    start,
    durationMinutes: durationMinutes as number,
    agenda: agenda as string,
    invitees: [...new Set(invitees as string[])],
    timeZone: localTimeZone()
  }
}
