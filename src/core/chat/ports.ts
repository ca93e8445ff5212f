import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { ChatMessage, ConferenceView, MessageStatusEvent, PresenceEvent } from '../api'
import type { Components } from '../components'
import type { ShownText } from '../../shared/shown-text'

/*
 * What the chat needs from the rest of the core, as narrow ports (the js-libp2p way: a service
 * takes only the components it uses), so that its protocol logic runs from stubs in unit tests.
 */

/** The part of the libp2p node the chat uses. */
export interface ChatNode {
  readonly peerId: PeerId
  handle(protocol: string, handler: (stream: Stream, connection: Connection) => void, options: { maxInboundStreams: number, maxOutboundStreams: number }): Promise<void>
  unhandle(protocol: string): Promise<void>
  addEventListener(type: 'peer:connect', listener: (evt: CustomEvent<PeerId>) => void): void
  removeEventListener(type: 'peer:connect', listener: (evt: CustomEvent<PeerId>) => void): void
  dialProtocol(peer: PeerId, protocol: string, options: { signal: AbortSignal }): Promise<Stream>
  hangUp(peer: PeerId): Promise<void>
  /** the open connections to a peer (the mesh closes idle ones to participants it does not link with) */
  getConnections?(peer?: PeerId): Connection[]
  /** the peer's tags (a peer tagged keep-alive is one libp2p redials: the mesh leaves its connections be) */
  readonly peerStore?: { get(peer: PeerId): Promise<{ tags: Map<string, unknown> }> }
}

/** The events the chat emits and listens to (a part of DevMeet's events). */
export interface ChatEvents {
  message: ChatMessage
  'message:status': MessageStatusEvent
  presence: PresenceEvent
  warning: ShownText
  'conference:start': ConferenceView
  'conference:update': ConferenceView
}

/** A typed event bus: `on` returns the function that removes the listener. */
export interface EventBus<Events> {
  on<K extends keyof Events>(event: K, listener: (value: Events[K]) => void): () => void
  emit<K extends keyof Events>(event: K, value: Events[K]): void
}

/** Who takes part in which conference: the conference service's one answer. */
export interface MembershipPort {
  get(conferenceId: string): ConferenceView | undefined
  /** every participant now, me included */
  participants(conferenceId: string): string[]
  /** false for an unknown or cancelled conference (participation.ts); cheap: asked per message and link */
  isParticipant(conferenceId: string, peerId: string): boolean
  /** the addresses the conference's signed records give for a peer */
  addressesOf(conferenceId: string, peerId: string): string[]
  /** a series: the occurrence a moment belongs to (in progress, else the next); undefined for a one-off conference */
  occurrenceAt?(conferenceId: string, at: number): number | undefined
}

/** The name shown for a peer in a conference (my petname, its own name, the organizer's word). */
export interface NamesPort {
  nameOf(conferenceId: string, peerId: string): string
}

/** Connections to peers by ID, with the addresses we know besides. */
export interface DialerPort {
  /** true once a connection is up */
  dialKnown(peerId: string, addrs: string[]): Promise<boolean>
  /** a connection not through a relay, at the peer's known addresses that are not relay circuits; true once one is up */
  dialDirect(peerId: string, addrs: string[]): Promise<boolean>
}

/** The shared components, narrowed to what the chat uses of the node and the events, plus the chat's ports. */
export interface ChatComponents extends Omit<Components, 'node' | 'events'> {
  readonly node: ChatNode
  readonly events: EventBus<ChatEvents>
  readonly membership: MembershipPort
  readonly names: NamesPort
  readonly dialer: DialerPort
}

/**
 * Whether `peerId` may chat in the conference now: the membership port's one answer to "does it
 * take part?", and not in a cancelled conference (whose history stays readable). Every path that
 * accepts, opens, sends, forwards, syncs or answers asks this (HOSTILE-INPUTS 42).
 */
export function mayChat (membership: MembershipPort, conferenceId: string, peerId: string): boolean {
  // isParticipant answers false for an unknown or cancelled conference; it is asked for every
  // message on every link, so it must not build the conference's whole view (get()) each time.
  return membership.isParticipant(conferenceId, peerId)
}
