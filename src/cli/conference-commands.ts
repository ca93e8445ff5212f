import type { DevMeet } from '../core/devmeet'
import type { RecurrenceRule, RsvpAnswer } from '../core/api'
import { stringArg, type PeerCommand } from './commands'

/** A start time as an ISO 8601 string or epoch milliseconds. */
function startArg (line: Record<string, unknown>, name = 'start'): number {
  const v = line[name]
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN
  if (!Number.isFinite(ms)) throw new Error(`"${name}" must be an ISO 8601 time or epoch milliseconds`)
  return ms
}

function numberArg (line: Record<string, unknown>, name: string): number | undefined {
  const v = line[name]
  if (v == null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`"${name}" must be a number`)
  return v
}

function peerIdsArg (line: Record<string, unknown>, name = 'invitees'): string[] {
  const v = line[name] ?? []
  if (!Array.isArray(v) || v.some(p => typeof p !== 'string')) throw new Error(`"${name}" must be a list of peer IDs`)
  return v
}

function optionalString (line: Record<string, unknown>, name: string): string | undefined {
  const v = line[name]
  if (v == null) return undefined
  if (typeof v !== 'string') throw new Error(`"${name}" must be a string`)
  return v
}

const ANSWERS: RsvpAnswer[] = ['accepted', 'declined', 'tentative']

export const conferenceCommands: Record<string, PeerCommand> = {
  async create (devmeet, line) {
    return await devmeet.conferences.create({
      title: stringArg(line, 'title'),
      start: startArg(line),
      durationMinutes: numberArg(line, 'durationMinutes') ?? 30,
      agenda: optionalString(line, 'agenda'),
      invitees: peerIdsArg(line),
      timeZone: optionalString(line, 'timeZone'),
      // Checked by the core against the same strict schema a received context meets.
      ...(line.recurrence == null ? {} : { recurrence: line.recurrence as RecurrenceRule })
    })
  },
  async invite (devmeet, line) {
    return await devmeet.conferences.invite(stringArg(line, 'conferenceId'), peerIdsArg(line))
  },
  async respond (devmeet, line) {
    const answer = stringArg(line, 'answer') as RsvpAnswer
    if (!ANSWERS.includes(answer)) throw new Error(`"answer" must be one of ${ANSWERS.join(', ')}`)
    // {…, occurrence}: an answer to that one occurrence of a series (series-commands.ts)
    if (line.occurrence != null) return await devmeet.conferences.respondToOccurrence(stringArg(line, 'conferenceId'), startArg(line, 'occurrence'), answer)
    return await devmeet.conferences.respond(stringArg(line, 'conferenceId'), answer, optionalString(line, 'comment'))
  },
  async cancel (devmeet, line) {
    return await devmeet.conferences.cancel(stringArg(line, 'conferenceId'))
  },
  async reschedule (devmeet, line) {
    return await devmeet.conferences.reschedule(stringArg(line, 'conferenceId'), startArg(line), numberArg(line, 'durationMinutes'))
  },
  async conferences (devmeet) {
    return devmeet.conferences.list()
  }
}

/** Prints conference events as JSON lines. */
export function printConferenceEvents (devmeet: DevMeet, out: (value: unknown) => void): void {
  devmeet.events.on('invitation', view => out({ event: 'invitation', conference: view }))
  devmeet.events.on('conference:update', view => out({ event: 'conference:update', conference: view }))
  devmeet.events.on('rsvp', rsvp => out({ event: 'rsvp', ...rsvp }))
}
