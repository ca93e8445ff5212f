// The headless peer's commands for recurring conferences: list occurrences, cancel or move one,
// and the .ics text of a conference or series. `create` takes `recurrence` (conference-commands.ts).
import type { PeerCommand } from './commands'
import { stringArg } from './commands'
import { conferenceToIcs } from '../core/ics'
import { MAX_OCCURRENCES_LISTED } from '../core/conference/recurrence'

/** An instant as an ISO 8601 string or epoch milliseconds. */
export function instantArg (line: Record<string, unknown>, name: string): number {
  const v = line[name]
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN
  if (!Number.isFinite(ms)) throw new Error(`"${name}" must be an ISO 8601 time or epoch milliseconds`)
  return ms
}

function optionalNumber (line: Record<string, unknown>, name: string): number | undefined {
  const v = line[name]
  if (v == null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`"${name}" must be a number`)
  return v
}

export const seriesCommands: Record<string, PeerCommand> = {
  /** {conferenceId, from, to, max?}: the occurrences overlapping [from, to), with their status. */
  async occurrences (devmeet, line) {
    const max = optionalNumber(line, 'max') ?? MAX_OCCURRENCES_LISTED
    return devmeet.conferences.occurrences(stringArg(line, 'conferenceId'), instantArg(line, 'from'), instantArg(line, 'to'), max)
  },
  /** {conferenceId, occurrence}: `occurrence` is the start the rule gives it. */
  async cancelOccurrence (devmeet, line) {
    return await devmeet.conferences.cancelOccurrence(stringArg(line, 'conferenceId'), instantArg(line, 'occurrence'))
  },
  /** {conferenceId, occurrence, start, durationMinutes?} */
  async rescheduleOccurrence (devmeet, line) {
    return await devmeet.conferences.rescheduleOccurrence(stringArg(line, 'conferenceId'), instantArg(line, 'occurrence'),
      instantArg(line, 'start'), optionalNumber(line, 'durationMinutes'))
  },
  /** {conferenceId, occurrence, start, durationMinutes?}: "this and following": that occurrence and every later one move by the same wall-clock shift. */
  async rescheduleFollowing (devmeet, line) {
    return await devmeet.conferences.rescheduleFollowing(stringArg(line, 'conferenceId'), instantArg(line, 'occurrence'),
      instantArg(line, 'start'), optionalNumber(line, 'durationMinutes'))
  },
  /** {conferenceId, occurrence}: one occurrence's chat transcript (each message by the time its author signed it). */
  async occurrenceHistory (devmeet, line) {
    return await devmeet.chat.history(stringArg(line, 'conferenceId'), instantArg(line, 'occurrence'))
  },
  /** {conferenceId}: the RFC 5545 text. */
  async ics (devmeet, line) {
    const view = devmeet.conferences.get(stringArg(line, 'conferenceId'))
    if (view == null) throw new Error('no such conference')
    return conferenceToIcs(view.context)
  }
}
