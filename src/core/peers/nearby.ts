import { MAX_REMEMBERED_ADDRS } from './address-book'

/** A DevMeet peer met by discovery (mDNS, the DHT) or that dialled us, which the user never dealt with. */
export interface NearbyPeer {
  peerId: string
  /** the name the peer gives itself (sanitized) */
  displayName: string
  /** where it said it listens; used if the user connects to it or invites it */
  addrs: string[]
  lastSeen: number
}

/**
 * At most this many strangers are remembered: a LAN full of peers (or one peer making many IDs)
 * must not grow our memory without bound. The least recently seen go first.
 */
export const MAX_NEARBY = 200

/**
 * Strangers seen on the network, in memory only: a neighbour's test peer must not land in the
 * contact list forever (two "Alice"s). A stranger becomes a contact when the user deals with it:
 * connects to it by address, invites it, answers its invitation, renames it, or shares a
 * conference with it (PeerDirectory decides; this class only remembers).
 */
export class NearbyPeers {
  private readonly peers = new Map<string, NearbyPeer>()

  /** Records a sighting of a stranger (a newer sighting replaces the older one). */
  note (peer: NearbyPeer): void {
    this.peers.delete(peer.peerId)
    this.peers.set(peer.peerId, { ...peer, addrs: peer.addrs.slice(0, MAX_REMEMBERED_ADDRS) })
    // A Map iterates in insertion order: the first key is the least recently seen.
    while (this.peers.size > MAX_NEARBY) this.peers.delete(this.peers.keys().next().value as string)
  }

  get (peerId: string): NearbyPeer | undefined {
    return this.peers.get(peerId)
  }

  /** Removes a stranger (it became a contact, or the user forgot it); returns what was known. */
  take (peerId: string): NearbyPeer | undefined {
    const peer = this.peers.get(peerId)
    this.peers.delete(peerId)
    return peer
  }

  ids (): string[] {
    return [...this.peers.keys()]
  }

  clear (): void {
    this.peers.clear()
  }
}
