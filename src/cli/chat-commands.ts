import type { DevMeet } from '../core/devmeet'
import { stringArg, type PeerCommand } from './commands'
import { RELAY_SLOT_HOLDER_TAG } from '../core/chat/mesh'
import { routeOf } from '../core/relay/routes'

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
    const connections = devmeet.libp2p.getConnections()
    // what holds each connection open: its streams' protocols, and the peer's keep-alive tags
    const streams: Record<string, number> = {}
    const tags: Record<string, number> = {}
    // how each connection runs (direct, relayed, webrtc), and what the relayed ones carry
    const routes: Record<string, number> = {}
    const relayedStreams: Record<string, number> = {}
    for (const c of connections) {
      const kind = routeOf(c.remoteAddr.toString()).kind
      routes[kind] = (routes[kind] ?? 0) + 1
      for (const st of c.streams) {
        streams[st.protocol ?? '?'] = (streams[st.protocol ?? '?'] ?? 0) + 1
        if (kind === 'relayed') relayedStreams[st.protocol ?? '?'] = (relayedStreams[st.protocol ?? '?'] ?? 0) + 1
      }
      const peer = await devmeet.libp2p.peerStore.get(c.remotePeer).catch(() => undefined)
      for (const t of peer?.tags.keys() ?? []) tags[t] = (tags[t] ?? 0) + 1
    }
    // connections to peers holding a relay slot with us: this peer serves as their super peer
    const relayService = tags[RELAY_SLOT_HOLDER_TAG] ?? 0
    return { participants: devmeet.conferences.participants(id), online: devmeet.chat.presence(id).online, linked: devmeet.chat.presence(id).linked, connections: connections.length, relayService, streams, tags, routes, relayedStreams }
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
