import type { ConferenceEvents } from './api'
import type { WebRTCStatus } from './webrtc-support'
import type { ShownText } from '../shared/shown-text'

export type NodeStatus =
  | { state: 'stopped' }
  | { state: 'starting' }
  | { state: 'running', peerId: string, addrs: string[], webrtc: WebRTCStatus }
  | { state: 'failed', error: string }
  | { state: 'locked', ownerPid: number }

/** A peer as the UI shows it. */
export interface PeerInfo {
  peerId: string
  /** petname, else the peer's own name, else a short peer ID */
  label: string
  displayName?: string
  petname?: string
  online: boolean
  /** true once the peer answered DevMeet's profile protocol */
  isDevMeet: boolean
  /** false for a stranger seen on the network (the Peers view's "Nearby" group): kept in memory only, not in the contacts */
  contact: boolean
  addrs: string[]
  lastSeen: number
}

/**
 * Every event of the core, by name. No index signature: a misspelt name (`'mesage'`) does not
 * compile, in `on` as in `emit`.
 */
export interface DevMeetEvents extends ConferenceEvents {
  status: NodeStatus
  /** the peers list changed (connect, disconnect, name, rename, forget) */
  peers: PeerInfo[]
  /** a connection to this peer opened or closed: how we reach it may have changed (direct, WebRTC, relayed) */
  'peer:route': { peerId: string }
  'peer:connect': PeerInfo
  'peer:disconnect': PeerInfo
  /** something the user should see: a damaged file moved aside, a failed write; peer text inside went through untrusted() */
  warning: ShownText
  /** the data folder stopped taking writes (with why), or takes them again */
  storage: { writable: boolean, error?: string }
}
