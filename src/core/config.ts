/** Network settings, the same for the extension (from `devmeet.*` settings) and the headless peer (flags). */
export interface NetworkConfig {
  /** Multiaddrs to listen on; TCP port 0 means any free port. */
  listenAddresses: string[]
  mdns: boolean
  /** Multiaddrs (with /p2p/ peer IDs) of peers that seed the DHT and are dialled at start. */
  bootstrapPeers: string[]
  /** Join the public Amino DHT as well as DevMeet's private one. */
  publicDht: boolean
  /** WebRTC loads a native module; a setting lets a user turn it off. */
  webrtc: boolean
  /** Serve as a circuit relay for other peers (headless `--relay`). */
  relayServer: boolean
  /**
   * Limits our relay puts on each relayed connection; none by default. libp2p's own defaults
   * (2 minutes, 128 KiB) make a relayed connection "limited", and DevMeet's invite, RSVP and chat
   * protocols do not run on limited connections: a relay with limits serves only to set up a direct
   * (WebRTC) connection, one without carries the chat when no direct connection can be made.
   */
  relayLimit?: { durationMs?: number, dataBytes?: number }
  /** STUN/TURN server URLs for WebRTC; unset: @libp2p/webrtc's public STUN servers. */
  iceServers?: string[]
}

/**
 * TCP on all interfaces, any port, plus WebRTC. `/p2p-circuit` (a reservation on a relay: a
 * bootstrap peer that serves as one, or one found through the DHT) is added by the user together
 * with bootstrap peers; createNode drops it when there are none, as there is nowhere to search.
 */
export const DEFAULT_LISTEN_ADDRESSES = ['/ip4/0.0.0.0/tcp/0', '/webrtc']

export function defaultNetworkConfig (): NetworkConfig {
  return {
    listenAddresses: [...DEFAULT_LISTEN_ADDRESSES],
    mdns: true,
    bootstrapPeers: [],
    publicDht: false,
    webrtc: true,
    relayServer: false
  }
}

/** True when two configs need a node restart to go from one to the other. */
export function networkConfigChanged (a: NetworkConfig, b: NetworkConfig): boolean {
  return JSON.stringify(a) !== JSON.stringify(b)
}

export const DEVMEET_VERSION = '0.1.0'
export const AGENT_NAME = 'DevMeet'
