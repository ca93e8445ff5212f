// Chat peers built from stubbed ports, as js-libp2p's service tests do: a node that only routes
// chat streams (stream pairs from @libp2p/utils, no network), a membership port over a plain
// conference record, a real Storage in a temporary folder, and a clock the test moves.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import type { ConferenceView } from '../../src/core/api'
import type { Clock } from '../../src/core/clock'
import { Emitter } from '../../src/core/events'
import { silentLogger } from '../../src/core/log'
import { Storage } from '../../src/core/storage'
import type { ChatComponents, ChatEvents, ChatNode } from '../../src/core/chat/ports'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import type { ChatPayload } from '../../src/core/chat/message'

export const CONFERENCE_ID = 'conference-under-test-0001'

/** A clock the test moves by hand (timers are not used by the parts under test). */
export function manualClock (start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start
  return {
    now: () => now,
    advance: ms => { now += ms },
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout)
  }
}

/** One conference whose participants the test chooses (organizer first). */
export class StubConference {
  participants: string[]
  cancelled = false

  constructor (participants: string[]) {
    this.participants = participants
  }

  view (): ConferenceView {
    const [organizer, ...invitees] = this.participants
    return {
      context: {
        id: CONFERENCE_ID,
        nonce: 'n',
        title: 'Stub meeting',
        agenda: '',
        start: 0,
        timeZone: 'UTC',
        durationMinutes: 60,
        organizer: { peerId: organizer, displayName: 'organizer', addrs: ['/ip4/127.0.0.1/tcp/1'] },
        invitees: invitees.map(p => ({ peerId: p, displayName: p.slice(-4), addrs: [], rsvp: 'accepted' as const })),
        sequence: 1,
        status: this.cancelled ? 'cancelled' : 'scheduled',
        createdAt: 0,
        updatedAt: 0
      },
      mine: false,
      delivery: {}
    }
  }
}

/** Routes chat streams between stub nodes by peer ID. */
export class Switchboard {
  readonly nodes = new Map<string, StubNode>()
  /** dials the test refuses (peer IDs) */
  readonly unreachable = new Set<string>()
  readonly dials: string[] = []
}

type Handler = (stream: Stream, connection: Connection) => void

/** The part of a libp2p node the chat uses, with streams from streamPair(). */
export class StubNode implements ChatNode {
  handler: Handler | undefined
  readonly hungUp: string[] = []
  private readonly listeners = new Set<(evt: CustomEvent<PeerId>) => void>()

  constructor (readonly peerId: PeerId, private readonly board: Switchboard) {
    board.nodes.set(peerId.toString(), this)
  }

  async handle (_protocol: string, handler: Handler): Promise<void> {
    this.handler = handler
  }

  async unhandle (): Promise<void> {
    this.handler = undefined
  }

  addEventListener (_type: 'peer:connect', listener: (evt: CustomEvent<PeerId>) => void): void {
    this.listeners.add(listener)
  }

  removeEventListener (_type: 'peer:connect', listener: (evt: CustomEvent<PeerId>) => void): void {
    this.listeners.delete(listener)
  }

  /** Plays a connection from `peer` (what libp2p's peer:connect reports). */
  connected (peer: PeerId): void {
    for (const l of this.listeners) l(new CustomEvent('peer:connect', { detail: peer }))
  }

  async dialProtocol (peer: PeerId, _protocol: string): Promise<Stream> {
    const id = peer.toString()
    this.board.dials.push(id)
    const remote = this.board.nodes.get(id)
    if (remote?.handler == null || this.board.unreachable.has(id)) throw new Error('no route to the peer')
    const [outbound, inbound] = await streamPair()
    remote.handler(inbound, stubConnection(this.peerId))
    // libp2p opens the stream on a connection it holds: the first the test listed, if any
    ;(this.connections.get(id)?.[0]?.streams as Stream[] | undefined)?.push(outbound)
    return outbound
  }

  async hangUp (peer: PeerId): Promise<void> {
    this.hungUp.push(peer.toString())
  }

  /** connections the test says are open, by peer ID, with their remote addresses (none by default) */
  readonly connections = new Map<string, Array<Connection & { closedByUs: boolean }>>()

  getConnections (peer?: PeerId): Connection[] {
    return peer == null ? [...this.connections.values()].flat() : this.connections.get(peer.toString()) ?? []
  }
}

/** A connection from `remotePeer` whose close() is recorded. */
export function stubConnection (remotePeer: PeerId, remoteAddr = '/ip4/127.0.0.1/tcp/1'): Connection & { closedByUs: boolean } {
  const c = { remotePeer, remoteAddr: { toString: () => remoteAddr }, streams: [], status: 'open', timeline: { open: Date.now() }, closedByUs: false, close: async () => { c.closedByUs = true } }
  return c as unknown as Connection & { closedByUs: boolean }
}

export interface StubPeer {
  key: PrivateKey
  id: string
  node: StubNode
  events: Emitter<ChatEvents>
  components: ChatComponents
  warnings: string[]
}

/** A chat peer made of stubs: its own key and data folder, the shared conference and switchboard. */
export async function stubPeer (board: Switchboard, conference: StubConference, clock: Clock = manualClock()): Promise<StubPeer> {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key)
  const node = new StubNode(peerId, board)
  const events = new Emitter<ChatEvents>()
  const warnings: string[] = []
  events.on('warning', w => warnings.push(String(w)))
  const membership = {
    get: (id: string) => id === CONFERENCE_ID ? conference.view() : undefined,
    participants: (id: string) => id === CONFERENCE_ID ? conference.participants : [],
    isParticipant: (id: string, p: string) => id === CONFERENCE_ID && !conference.cancelled && conference.participants.includes(p),
    addressesOf: () => []
  }
  const components: ChatComponents = {
    node,
    key,
    storage: new Storage(mkdtempSync(path.join(os.tmpdir(), 'devmeet-chat-unit-'))),
    clock,
    log: silentLogger,
    events,
    membership,
    names: { nameOf: (_c, p) => `name-${p.slice(-4)}` },
    dialer: { dialKnown: async () => true, dialDirect: async () => false }
  }
  return { key, id: peerId.toString(), node, events, components, warnings }
}

/** A signed chat message of `key`'s author, as a peer would send it (envelope text). */
export async function signedMessage (key: PrivateKey, fields: Partial<ChatPayload> & { seq: number }): Promise<string> {
  const payload: ChatPayload = {
    conferenceId: CONFERENCE_ID,
    author: peerIdFromPrivateKey(key).toString(),
    lamport: fields.seq,
    sentAt: 1_700_000_000_000,
    kind: 'text',
    body: `message ${fields.seq}`,
    ...fields
  }
  return new TextDecoder().decode(await seal(key, DOMAINS.chat, payload))
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until (what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
