// Conference peers built from stubbed ports, as js-libp2p's service tests do: a node that only
// routes record streams (stream pairs from @libp2p/utils, no network), ports that record what the
// service asked, a real Storage in a temporary folder, and the system clock.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import type { ConferenceContext, PeerRef } from '../../src/core/api'
import { systemClock } from '../../src/core/clock'
import { Emitter } from '../../src/core/events'
import type { DevMeetEvents } from '../../src/core/devmeet-events'
import { silentLogger } from '../../src/core/log'
import { Storage } from '../../src/core/storage'
import { ConferenceService } from '../../src/core/conference/service'
import type { ConferenceComponents, ConferenceNode, PeerSeenEvent } from '../../src/core/conference/ports'
import { newConferenceId } from '../../src/core/conference/conference-id'
import type { BackoffOptions } from '../../src/core/invite/outbox'

type Handler = (stream: Stream, connection: Connection) => void | Promise<void>

/** Routes record streams between stub nodes by peer ID and protocol. */
export class Switchboard {
  readonly nodes = new Map<string, StubNode>()
}

/** The part of a libp2p node the conference service uses, with streams from streamPair(). */
export class StubNode implements ConferenceNode {
  readonly handlers = new Map<string, Handler>()
  private readonly listeners = new Map<PeerSeenEvent, Set<(evt: CustomEvent<any>) => void>>()

  constructor (readonly peerId: PeerId, private readonly board: Switchboard) {
    board.nodes.set(peerId.toString(), this)
  }

  async handle (protocol: string, handler: Handler): Promise<void> {
    this.handlers.set(protocol, handler)
  }

  async unhandle (protocol: string): Promise<void> {
    this.handlers.delete(protocol)
  }

  addEventListener (type: PeerSeenEvent, listener: (evt: CustomEvent<any>) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(listener)
  }

  removeEventListener (type: PeerSeenEvent, listener: (evt: CustomEvent<any>) => void): void {
    this.listeners.get(type)?.delete(listener)
  }

  /** Plays a connection from `peer` (what libp2p's peer:connect reports). */
  connected (peer: PeerId): void {
    for (const l of this.listeners.get('peer:connect') ?? []) l(new CustomEvent('peer:connect', { detail: peer }))
  }

  async dialProtocol (peer: PeerId, protocol: string): Promise<Stream> {
    const handler = this.board.nodes.get(peer.toString())?.handlers.get(protocol)
    if (handler == null) throw new Error('no route to the peer')
    const [outbound, inbound] = await streamPair()
    void handler(inbound, { remotePeer: this.peerId, close: async () => {} } as unknown as Connection)
    return outbound
  }
}

export interface StubConferencePeer {
  id: string
  key: PrivateKey
  node: StubNode
  events: Emitter<DevMeetEvents>
  service: ConferenceService
  /** peers the service asked to dial, in order */
  dials: string[]
  /** organizers whose addresses the service promoted (the user answered them) */
  promoted: string[]
  /** peers this one has met (the stranger caps count the others) */
  met: Set<string>
  dataDir: string
}

/** A conference peer made of stubs on `board`, not started. */
export async function stubConferencePeer (board: Switchboard, name: string, backoff: BackoffOptions = { initialMs: 50, maxMs: 200 }): Promise<StubConferencePeer> {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key)
  const node = new StubNode(peerId, board)
  const events = new Emitter<DevMeetEvents>()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-conference-unit-'))
  const dials: string[] = []
  const promoted: string[] = []
  const met = new Set<string>()
  const components: ConferenceComponents = {
    node,
    key,
    storage: new Storage(dataDir),
    clock: systemClock,
    log: silentLogger,
    events,
    dialer: { dialKnown: async peer => { dials.push(peer); return true } },
    peers: { peerInfo: () => ({ addrs: [] }), keep: () => {} },
    contacts: { promote: peer => { promoted.push(peer) }, noteInvitation: () => {}, hasMet: peer => met.has(peer) },
    self: { displayName: () => name, listenAddrs: () => [] }
  }
  const service = new ConferenceService(components, { backoff })
  return { id: peerId.toString(), key, node, events, service, dials, promoted, met, dataDir }
}

/** Stops the peers' services and removes their data folders. */
export async function stopConferencePeers (...peers: StubConferencePeer[]): Promise<void> {
  for (const p of peers) {
    await p.service.stop()
    rmSync(p.dataDir, { recursive: true, force: true })
  }
}

/** A valid context of `organizer` inviting `invitees`, starting in an hour, as a peer could sign it. */
export function contextOf (organizer: string, invitees: string[], title = 'Stub meeting'): ConferenceContext {
  const now = Date.now()
  const { id, nonce } = newConferenceId(organizer)
  const ref = (peerId: string): PeerRef => ({ peerId, displayName: peerId.slice(-4), addrs: [] })
  return {
    id,
    nonce,
    title,
    agenda: '',
    start: now + 3_600_000,
    timeZone: 'UTC',
    durationMinutes: 30,
    organizer: ref(organizer),
    invitees: invitees.map(p => ({ ...ref(p), rsvp: 'pending' as const })),
    sequence: 1,
    status: 'scheduled',
    createdAt: now,
    updatedAt: now
  }
}

export { until } from './chat-stubs'
