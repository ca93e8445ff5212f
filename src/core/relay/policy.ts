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
 * reach a participant through our relay either).
 */
export function withRelayAdmission (gater: ConnectionGater, admission: RelayAdmission, serving: () => boolean): ConnectionGater {
  const admitted = (peer: PeerId): boolean => serving() && admission.allows(peer.toString())
  return {
    ...gater,
    denyInboundRelayReservation: async (source) => {
      if (!admitted(source)) return true
      return await (gater.denyInboundRelayReservation?.(source) ?? false)
    },
    denyOutboundRelayedConnection: async (source, destination) => {
      if (!admitted(source) || !admitted(destination)) return true
      return await (gater.denyOutboundRelayedConnection?.(source, destination) ?? false)
    }
  }
}
