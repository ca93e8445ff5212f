import type { DevMeet } from '../core/devmeet'
import { stringArg, type PeerCommand } from './commands'

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
  /** keep streams to the conference's participants now (the start time does this by itself) */
  async join (devmeet, line) {
    const id = stringArg(line, 'conferenceId')
    await devmeet.chat.join(id)
    return devmeet.chat.presence(id)
  },
  /** the participants as this peer knows them, those it has a chat link with, and its connections (the mesh's bounds) */
  async links (devmeet, line) {
    const id = stringArg(line, 'conferenceId')
    return { participants: devmeet.conferences.participants(id), online: devmeet.chat.presence(id).online, linked: devmeet.chat.presence(id).linked, connections: devmeet.libp2p.getConnections().length }
  }
}

/** Prints chat and schedule events as JSON lines. */
export function printChatEvents (devmeet: DevMeet, out: (value: unknown) => void): void {
  devmeet.events.on('message', message => out({ event: 'message', message }))
  devmeet.events.on('conference:reminder', view => out({ event: 'conference:reminder', conference: view }))
  devmeet.events.on('conference:start', view => out({ event: 'conference:start', conference: view }))
  devmeet.events.on('conference:end', view => out({ event: 'conference:end', conference: view }))
  // Who has a chat link with us (or types) changed: the benchmark times the mesh's forming by it.
  devmeet.events.on('presence', presence => out({ event: 'presence', presence }))
}
