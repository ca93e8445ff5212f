import type { DevMeet } from '../core/devmeet'

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
    return devmeet.status
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
