import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Contact } from '../contacts'

/**
 * Bounds of the relay a reachable DevMeet node serves. Relayed connections carry no per-connection
 * limit: a limit makes libp2p mark the connection "limited", and DevMeet's invite, RSVP and chat
 * protocols do not run on those, so participants behind symmetric NATs could not chat at all.
 * What bounds the relay instead: only admitted peers (below), few slots, a slot that expires unless
 * renewed, few concurrent circuits, and DevMeet's own per-sender rate limits on what flows.
 */
export const SUPER_PEER_RELAY = {
  maxReservations: 32,
  /** a client renews its slot before this (libp2p's client does so by itself) */
  reservationTtl: 30 * 60_000,
  applyDefaultLimit: false
} as const
/** concurrent relayed circuits the super peer opens towards its slot holders */
export const SUPER_PEER_MAX_CIRCUITS = 64
/**
 * Circuits one peer may have through us at once, as source or destination. The chat forwards every
 * message through the participants a peer does reach, so a full mesh through one relay (n·(n−1)/2
 * circuits, 190 for 20 participants behind NAT) buys nothing but load on the relay.
 */
export const MAX_CIRCUITS_PER_PEER = 8

const HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'
const STOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/stop'

/** Circuits through us that a peer is part of now: its hop streams (as source) and stop streams (as destination). */
export function circuitsOf (connections: Array<{ streams: Array<{ protocol?: string }> }>): { asSource: number, asDestination: number } {
  let asSource = 0
  let asDestination = 0
  for (const c of connections) {
    for (const s of c.streams) {
      if (s.protocol === HOP_PROTOCOL) asSource++
      else if (s.protocol === STOP_PROTOCOL) asDestination++
    }
  }
  return { asSource, asDestination }
}

/** What the admission asks about a peer. */
export interface RelayAdmissionPorts {
  /** every peer named in a conference I keep (organizer or invitee) */
  inConferences(): Set<string>
  contact(peerId: string): Contact | undefined
}

/**
 * Who may use my relay: a peer I share a conference with, or a contact I chose (I typed its
 * address, or gave it a name). A peer that merely connected to me is a contact too ('connection'),
 * so that alone does not count: anyone can connect, and an open relay is what we must not be.
 */
export class RelayAdmission {
  constructor (private readonly ports: RelayAdmissionPorts) {}

  allows (peerId: string): boolean {
    if (this.ports.inConferences().has(peerId)) return true
    const contact = this.ports.contact(peerId)
    return contact != null && (contact.via === 'address' || contact.petname != null)
  }
}

/**
 * Adds the relay's admission to a connection gater, so that libp2p's relay server asks it on the
 * reservation and on every circuit: while we do not serve nobody gets a slot; while we serve only
 * admitted peers do, and a circuit is opened only between two admitted peers (a stranger cannot
 * reach a participant through our relay either), each in at most MAX_CIRCUITS_PER_PEER circuits.
 */
export interface RelayGaterHooks {
  /** circuits through us the peer is part of now */
  circuits?(peer: PeerId): number
  /** a slot was granted to this peer */
  granted?(peer: PeerId): void
}

export function withRelayAdmission (gater: ConnectionGater, admission: RelayAdmission, serving: () => boolean, hooks: RelayGaterHooks = {}): ConnectionGater {
  const circuits = hooks.circuits ?? (() => 0)
  const admitted = (peer: PeerId): boolean => serving() && admission.allows(peer.toString())
  return {
    ...gater,
    denyInboundRelayReservation: async (source) => {
      if (!admitted(source)) return true
      if (await (gater.denyInboundRelayReservation?.(source) ?? false)) return true
      hooks.granted?.(source)
      return false
    },
    denyOutboundRelayedConnection: async (source, destination) => {
      if (!admitted(source) || !admitted(destination)) return true
      // The source's own hop stream for this circuit is already open, hence the +1.
      if (circuits(source) > MAX_CIRCUITS_PER_PEER || circuits(destination) >= MAX_CIRCUITS_PER_PEER) return true
      return await (gater.denyOutboundRelayedConnection?.(source, destination) ?? false)
    }
  }
}
