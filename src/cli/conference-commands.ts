import type { PeerCommand } from './commands'
import { stringArg } from './commands'

function startArg (line: Record<string, unknown>): number {
  const v = line.start
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN
  if (!Number.isFinite(t)) throw new Error('"start" must be an ISO 8601 time or epoch milliseconds')
  return t
}

function peerList (line: Record<string, unknown>, name: string): string[] {
  const v = line[name]
  if (!Array.isArray(v) || v.some(x => typeof x !== 'string')) throw new Error(`"${name}" must be a list of peer IDs`)
  return v as string[]
}

/** Conference commands of the headless peer. */
export const conferenceCommands: Record<string, PeerCommand> = {
  async create (devmeet, line) {
    return await devmeet.conferences.create({
      title: stringArg(line, 'title'),
      start: startArg(line),
      durationMinutes: typeof line.durationMinutes === 'number' ? line.durationMinutes : 30,
      agenda: typeof line.agenda === 'string' ? line.agenda : '',
      invitees: line.invitees == null ? [] : peerList(line, 'invitees')
    })
  },
  async invite (devmeet, line) {
    return await devmeet.conferences.invite(stringArg(line, 'conferenceId'), peerList(line, 'invitees'))
  },
  async respond (devmeet, line) {
    const answer = stringArg(line, 'answer')
    if (answer !== 'accepted' && answer !== 'declined' && answer !== 'tentative') throw new Error('"answer" is accepted, declined or tentative')
    return await devmeet.conferences.respond(stringArg(line, 'conferenceId'), answer, typeof line.comment === 'string' ? line.comment : undefined)
  },
  async cancel (devmeet, line) {
    return await devmeet.conferences.cancel(stringArg(line, 'conferenceId'))
  },
  async reschedule (devmeet, line) {
    return await devmeet.conferences.reschedule(stringArg(line, 'conferenceId'), startArg(line), typeof line.durationMinutes === 'number' ? line.durationMinutes : undefined)
  },
  async conferences (devmeet) {
    return devmeet.conferences.list()
  }
}

/** Chat commands of the headless peer. */
export const chatCommands: Record<string, PeerCommand> = {
  async send (devmeet, line) {
    const kind = line.kind === 'code' ? 'code' : 'text'
    return await devmeet.chat.send(stringArg(line, 'conferenceId'), {
      kind,
      body: stringArg(line, 'body'),
      ...(kind === 'code' ? { code: line.code as any } : {})
    })
  },
  async history (devmeet, line) {
    return await devmeet.chat.history(stringArg(line, 'conferenceId'))
  },
  async join (devmeet, line) {
    await devmeet.chat.join(stringArg(line, 'conferenceId'))
    return devmeet.chat.presence(stringArg(line, 'conferenceId'))
  }
}
