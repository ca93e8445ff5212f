import type { DevMeet } from '../core/devmeet'
import { describeRoute } from '../core/relay/routes'

/** A JSON-line command: takes the parsed line, returns the result (or throws with a message). */
export type PeerCommand = (devmeet: DevMeet, line: Record<string, unknown>) => Promise<unknown>

/** Reads a required string field of a command line. */
export function stringArg (line: Record<string, unknown>, name: string): string {
  const v = line[name]
  if (typeof v !== 'string' || v === '') throw new Error(`"${name}" must be a non-empty string`)
  return v
}

export const networkCommands: Record<string, PeerCommand> = {
  async connect (devmeet, line) {
    return await devmeet.connect(stringArg(line, 'addr'))
  },
  async peers (devmeet) {
    return devmeet.peers()
  },
  async address (devmeet) {
    return devmeet.address()
  },
  async status (devmeet) {
    if (devmeet.status.state !== 'running') return devmeet.status
    // How each connected DevMeet peer is reached, and our part as a relay (the Peers view says the same).
    const nameOf = (peerId: string): string => devmeet.peerInfo(peerId).label
    const peers = devmeet.onlineDevMeetPeers().map(p => {
      const route = devmeet.superPeer.routeTo(p.peerId)
      return { peerId: p.peerId, label: p.label, route, connection: describeRoute(route, nameOf) }
    })
    return { ...devmeet.status, relay: devmeet.superPeer.status(), peers }
  },
  async rename (devmeet, line) {
    devmeet.rename(stringArg(line, 'peerId'), typeof line.petname === 'string' ? line.petname : undefined)
    return devmeet.peerInfo(stringArg(line, 'peerId'))
  },
  async forget (devmeet, line) {
    await devmeet.forget(stringArg(line, 'peerId'))
    return true
  }
}
