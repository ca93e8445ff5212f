import type { PeerId } from '@libp2p/interface'
import type { PeerRef } from '../api'
import type { Components } from '../components'
import type { PeerInfo } from '../devmeet-events'
import type { RecordNode } from '../invite/protocols'

/** Peer events that make the outbox try a peer's deliveries at once. */
export type PeerSeenEvent = 'peer:connect' | 'peer:discovery' | 'peer:identify'

/** The part of the libp2p node the conference service uses. */
export interface ConferenceNode extends RecordNode {
  readonly peerId: PeerId
  unhandle(protocol: string): Promise<void>
  addEventListener(type: PeerSeenEvent, listener: (evt: CustomEvent<any>) => void): void
  removeEventListener(type: PeerSeenEvent, listener: (evt: CustomEvent<any>) => void): void
}

/** Connections to peers by ID, with the addresses a conference record gives besides. */
export interface DialerPort {
  /** true once a connection is up; never throws */
  dialKnown(peerId: string, addrs: string[]): Promise<boolean>
}

/** What the peer directory knows of a peer I invite: its names and addresses. */
export interface PeerLookupPort {
  peerInfo(peerId: string): Pick<PeerInfo, 'displayName' | 'petname' | 'addrs'>
  /** the user invites this peer: a stranger from the Nearby group becomes a contact */
  keep(peerId: string): void
}

/** The contacts' part in invitations (see ContactStore). */
export interface InvitationContactsPort {
  /** the user answered this organizer's invitation: its addresses may be dialled now */
  promote(peerId: string): void
  /** an organizer's invitation arrived */
  noteInvitation(organizer: PeerRef, seenAt: number): void
  /** whether I ever connected to or answered this peer */
  hasMet(peerId: string): boolean
}

/** Who I am in the records I sign: my display name and the addresses I listen on. */
export interface SelfPort {
  displayName(): string
  listenAddrs(): string[]
}

export interface ConferencePorts {
  dialer: DialerPort
  peers: PeerLookupPort
  contacts: InvitationContactsPort
  self: SelfPort
}

/** What the conference service and its parts take: the shared components (with the node narrowed) plus its ports. */
export type ConferenceComponents = Omit<Components, 'node'> & { readonly node: ConferenceNode } & ConferencePorts
