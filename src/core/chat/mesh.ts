import { KEEP_ALIVE, type Connection, type Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ConferenceView } from '../api'
import { InvalidFrameError, RateLimitedError } from '../errors'
import { resetStream } from '../wire/framing'
import { routeOf } from '../relay/routes'
import { DialBackoff } from './dial-backoff'
import type { FloodControl } from './flood-control'
import { ChatLink, CHAT_PROTOCOL, type ChatFrame } from './link'
import type { LinkTable } from './link-table'
import { chosenNeighbours, MAX_CHAT_LINKS, MESH_DEGREE } from './neighbours'
import type { ChatLog } from './log'
import type { ChatLogs } from './logs'
import type { ChatScope } from './scope'
import type { Summary } from './sync'

const RECONNECT_EVERY_MS = 5000
/** a burst of streams opening or closing is announced to the others once */
const ANNOUNCE_LINKS_AFTER_MS = 20
/** a connection to a participant that is not a neighbour is closed once idle this long (the mesh bounds connections too) */
const IDLE_CONNECTION_MS = 10_000
/** the tag libp2p's relay server puts on a peer holding a slot with us (RELAY_SOURCE_TAG in @libp2p/circuit-relay-v2, not exported) */
export const RELAY_SLOT_HOLDER_TAG = 'circuit-relay-source'
/** a chat link to a neighbour that came up through a relay tries a direct connection after this long */
const GO_DIRECT_AFTER_MS = 2000
/** how long after a peer's connection comes up we dial it, if it has not opened a stream to us meanwhile */
const CONNECT_DIAL_AFTER_MS = 1000

/** What the mesh hands on: a stream that is up, each frame on it, and the end of it. */
export interface MeshHooks {
  /** a stream is up: sync with the peer, whose hello held `theirs` (and its digests) */
  linkUp(link: ChatLink, log: ChatLog, theirs: Summary, digests: Record<string, string> | undefined): void
  frame(link: ChatLink, log: ChatLog, frame: ChatFrame): Promise<void>
  linkDown(link: ChatLink): void
  presenceChanged(conferenceId: string): void
}

/**
 * The chat streams between participants of a joined conference: each dials its chosen neighbours
 * (all of them in a small conference, a bounded few in a large one: see chosenNeighbours; with
 * backoff, an unreachable one replaced by the next), accepts streams from participants up to
 * MAX_CHAT_LINKS, and announces its links to the others. Messages travel the mesh by forwarding.
 */
export class ChatMesh {
  /** conferences whose participants we keep streams to */
  private readonly joined = new Set<string>()
  private readonly dialing = new Set<string>()
  private readonly backoff: DialBackoff
  /** per neighbour linked through a relay: how long until it tries a direct connection again */
  private readonly directBackoff: DialBackoff
  private readonly goDirectTimers = new Set<unknown>()
  /** conference|peer pairs with a direct try scheduled */
  private readonly goingDirect = new Set<string>()
  private readonly announceTimers = new Map<string, ReturnType<typeof setTimeout>>()
  /** peers whose connection came up, to dial once CONNECT_DIAL_AFTER_MS has passed */
  private readonly connectTimers = new Map<string, unknown>()
  private timer: ReturnType<typeof setInterval> | undefined
  /** a dial again once the earliest failed dial's wait is over (not at the next periodic round) */
  private retryTimer: { at: number, timer: unknown } | undefined
  private offConnect: (() => void) | undefined
  private running = false

  constructor (
    private readonly scope: ChatScope,
    private readonly links: LinkTable,
    private readonly logs: ChatLogs,
    private readonly flood: Pick<FloodControl, 'isCutOff' | 'admitStream' | 'strike'>,
    private readonly hooks: MeshHooks
  ) {
    this.backoff = new DialBackoff(() => scope.now())
    this.directBackoff = new DialBackoff(() => scope.now())
  }

  /** Takes chat streams, dials on every connection and every few seconds. */
  async start (): Promise<void> {
    this.running = true
    const node = this.scope.components.node
    await node.handle(CHAT_PROTOCOL, (stream, connection) => { void this.acceptStream(stream, connection) }, {
      maxInboundStreams: 64,
      maxOutboundStreams: 64
    })
    const onConnect = (evt: CustomEvent<{ toString(): string }>): void => { this.reconnectSoon(evt.detail.toString()) }
    node.addEventListener('peer:connect', onConnect)
    this.offConnect = () => node.removeEventListener('peer:connect', onConnect)
    this.timer = setInterval(() => this.reconnect(), RECONNECT_EVERY_MS)
    this.timer.unref?.()
  }

  /** Stops taking chat streams, closes every stream and stops dialling. */
  async stop (): Promise<void> {
    this.running = false
    if (this.timer != null) clearInterval(this.timer)
    if (this.retryTimer != null) this.scope.components.clock.clearTimeout(this.retryTimer.timer)
    this.retryTimer = undefined
    for (const t of this.goDirectTimers) this.scope.components.clock.clearTimeout(t)
    this.goDirectTimers.clear()
    for (const t of this.connectTimers.values()) this.scope.components.clock.clearTimeout(t)
    this.connectTimers.clear()
    this.goingDirect.clear()
    if (this.offConnect != null) {
      // The node may be gone already (reading it then throws): there is nothing to unregister.
      try { await this.scope.components.node.unhandle(CHAT_PROTOCOL) } catch {}
    }
    this.offConnect?.()
    this.offConnect = undefined
    this.links.closeAll()
    this.joined.clear()
    for (const t of this.announceTimers.values()) clearTimeout(t)
    this.announceTimers.clear()
  }

  /** Whether we keep streams to the conference's participants. */
  isJoined (conferenceId: string): boolean {
    return this.joined.has(conferenceId)
  }

  /** Keeps streams to the conference's participants. */
  join (conferenceId: string): void {
    this.joined.add(conferenceId)
    this.reconnect()
  }

  /** Closes the conference's streams and dials its participants no more. */
  leave (conferenceId: string): void {
    this.joined.delete(conferenceId)
    for (const l of this.links.of(conferenceId)) l.close(new Error('left the conference'))
  }

  /**
   * Participation changed (an answer, an uninvitation, a cancellation): streams with those who no
   * longer take part close at once, and all of them when I no longer do (HOSTILE-INPUTS 42).
   */
  onConferenceUpdate (conferenceId: string): void {
    if (!this.scope.mayChat(conferenceId, this.scope.me())) {
      this.leave(conferenceId)
      return
    }
    for (const l of this.links.of(conferenceId)) {
      if (!this.scope.mayChat(conferenceId, l.peer)) l.close(new Error('no longer a participant'))
    }
    if (this.joined.has(conferenceId)) this.reconnect()
  }

  /** Resets every chat stream with `peer` and hangs up on it. */
  disconnect (peer: string, reason: string): void {
    for (const l of this.links.all()) if (l.peer === peer) l.close(new Error(reason))
    void this.scope.components.node.hangUp(peerIdFromString(peer)).catch(() => {})
  }

  /**
   * The participants we dial in a conference now: the chosen neighbours among those who may chat
   * and are not cut off, one we failed to reach replaced by the next (unless a stream with it is up).
   */
  neighbours (conferenceId: string): string[] {
    const me = this.scope.me()
    const participants = this.scope.components.membership.participants(conferenceId)
      .filter(p => p === me || (!this.flood.isCutOff(p) && this.scope.mayChat(conferenceId, p)))
    return chosenNeighbours(conferenceId, me, participants, p => !this.links.has(conferenceId, p) && !this.backoff.ready(`${conferenceId}|${p}`))
  }

  /**
   * A peer's connection came up: it is dialled a moment later, unless its own stream came first.
   * A participant that connects is usually opening its stream (it joined, or it restarted and is
   * catching up); dialling it at once as well made two streams, each with a sync of every missed
   * message.
   */
  private reconnectSoon (peer: string): void {
    if (!this.running || this.connectTimers.has(peer)) return
    const timer = this.scope.components.clock.setTimeout(() => {
      this.connectTimers.delete(peer)
      this.reconnect(peer)
    }, CONNECT_DIAL_AFTER_MS)
    this.connectTimers.set(peer, timer)
  }

  /** Opens streams to joined conferences' neighbours that have none (all, or only `peer`). */
  reconnect (peer?: string): void {
    if (!this.running) return
    const { membership } = this.scope.components
    const me = this.scope.me()
    for (const conferenceId of this.joined) {
      const view = membership.get(conferenceId)
      if (view == null || !this.scope.mayChat(conferenceId, me)) continue
      const wanted = this.neighbours(conferenceId)
      for (const p of wanted) {
        if ((peer != null && p !== peer) || this.links.has(conferenceId, p)) continue
        if (peer == null && !this.backoff.ready(`${conferenceId}|${p}`)) continue
        void this.openLink(view, p)
      }
      if (peer == null) {
        this.prune(conferenceId, wanted)
        this.moveOffRelays(conferenceId)
      }
    }
  }

  /**
   * A link we dialled whose stream runs through a relay while a direct connection to the same
   * peer is open beside it (the link came up first, or the peer dialled us directly later): the
   * relayed connection closes and the link comes back over the direct one. Each relayed link holds
   * a circuit at a super peer (at 50 participants one carried 33) and costs its work and a hop.
   * Only the side that dialled acts, so a link is moved once.
   */
  private moveOffRelays (conferenceId: string): void {
    const node = this.scope.components.node
    for (const link of this.links.of(conferenceId)) {
      if (!link.dialled || link.closed) continue
      const connections = node.getConnections?.(peerIdFromString(link.peer)) ?? []
      const carrying = connections.find(c => c.streams?.includes(link.stream))
      if (carrying == null || routeOf(carrying.remoteAddr.toString()).kind !== 'relayed') continue
      if (!connections.some(c => c !== carrying && c.status === 'open' && routeOf(c.remoteAddr.toString()).kind !== 'relayed')) continue
      this.scope.components.log.debug(`chat: moving the link to ${link.peer} off its relayed connection`)
      void carrying.close().catch(() => {})
      this.scope.components.clock.setTimeout(() => this.reconnect(link.peer), 100)
    }
  }

  /**
   * Once every neighbour we dial is linked, streams we dialled to others (replacements for a
   * neighbour that is back) close; and in a large conference, idle connections to participants
   * that are neither neighbours nor linked close (the invitations' and answers' connections), so
   * a participant holds a bounded number of connections.
   */
  private prune (conferenceId: string, wanted: string[]): void {
    if (!wanted.every(p => this.links.has(conferenceId, p))) return
    const keep = new Set(wanted)
    for (const l of this.links.of(conferenceId)) if (l.dialled && !keep.has(l.peer)) l.close()
    const participants = this.scope.components.membership.participants(conferenceId)
    if (participants.length <= MESH_DEGREE + 1) return
    const linked = new Set(this.links.all().map(l => l.peer))
    const idleSince = this.scope.now() - IDLE_CONNECTION_MS
    for (const p of participants) {
      if (keep.has(p) || linked.has(p) || p === this.scope.me()) continue
      void this.closeIfIdle(p, idleSince)
    }
  }

  /**
   * Closes the connections to `peer` that we opened, carry no stream and opened before
   * `idleSince`. One the peer opened is its to close: it may keep it alive for its DHT, and
   * closing it made the peer dial again at once, every round (a handshake each time).
   */
  private async closeIfIdle (peer: string, idleSince: number): Promise<void> {
    const node = this.scope.components.node
    if (node.getConnections == null) return
    const id = peerIdFromString(peer)
    const idle = node.getConnections(id).filter(c => c.direction === 'outbound' && c.streams.length === 0 && c.timeline.open < idleSince)
    if (idle.length === 0) return
    // A peer that libp2p keeps alive for another part (the DHT keeps its closest peers) is left
    // to it: libp2p would dial it again at once, and the handshakes cost more than the connection.
    // So is one holding a relay slot with us (we serve as its super peer): it keeps the connection
    // alive from its side and would dial again at once, and its relayed address would be gone meanwhile.
    const tags = await node.peerStore?.get(id).then(p => p.tags, () => undefined)
    if (tags != null && [...tags.keys()].some(t => t.startsWith(KEEP_ALIVE) || t === RELAY_SLOT_HOLDER_TAG)) return
    for (const c of idle) void c.close().catch(() => {})
  }

  private async openLink (view: ConferenceView, peer: string): Promise<void> {
    const conferenceId = view.context.id
    const key = `${conferenceId}|${peer}`
    if (this.dialing.has(key)) return
    this.dialing.add(key)
    let stream: Stream | undefined
    let failed = false
    try {
      const { dialer, membership, node } = this.scope.components
      await dialer.dialKnown(peer, membership.addressesOf(conferenceId, peer))
      stream = await node.dialProtocol(peerIdFromString(peer), CHAT_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      const log = await this.logs.open(conferenceId)
      const link = new ChatLink(conferenceId, peer, stream, l => this.detach(l))
      link.dialled = true
      await link.writeHello(log.summary(), log.digestsOf())
      const hello = await link.readHello()
      if (hello.conferenceId !== conferenceId) throw new InvalidFrameError('the peer answered for another conference')
      this.backoff.succeeded(key)
      this.attach(link, log, hello.summary, hello.digests)
      if (this.onlyRelayed(peer)) this.goDirectSoon(view, peer)
    } catch (err: any) {
      if (stream != null) resetStream(stream, err)
      this.retryAfter(this.backoff.failed(key))
      this.scope.components.log.debug(`chat: no stream to ${peer} for ${conferenceId}: ${err?.message ?? err}`)
      failed = true
    } finally {
      this.dialing.delete(key)
    }
    // An unreachable neighbour is replaced by the next on the ring at once.
    if (failed) this.reconnect()
  }

  /**
   * Dials again once a failed neighbour's wait is over: on a busy machine at a meeting's start
   * many first dials time out, and waiting for the periodic round added up to 5 s to each.
   */
  private retryAfter (waitMs: number): void {
    if (!this.running) return
    const at = this.scope.now() + waitMs
    if (this.retryTimer != null && this.retryTimer.at <= at) return
    const clock = this.scope.components.clock
    if (this.retryTimer != null) clock.clearTimeout(this.retryTimer.timer)
    const timer = clock.setTimeout(() => {
      this.retryTimer = undefined
      this.reconnect()
      const next = this.backoff.nextEndsIn()
      if (next != null) this.retryAfter(next)
    }, waitMs)
    this.retryTimer = { at, timer }
  }

  /** Whether every connection to `peer` goes through a relay. */
  private onlyRelayed (peer: string): boolean {
    const connections = this.scope.components.node.getConnections?.(peerIdFromString(peer)) ?? []
    return connections.length > 0 && connections.every(c => routeOf(c.remoteAddr.toString()).kind === 'relayed')
  }

  /**
   * A link to a neighbour we dialled came up through a relay (its direct address did not answer in
   * time: a busy machine, a start with many dials at once): a direct connection is tried soon, and
   * when one is up the relayed connections close, so the link comes back over it. Every message
   * through a relay costs the relay's work and a hop; behind a NAT the direct try fails and waits
   * longer each time.
   */
  private goDirectSoon (view: ConferenceView, peer: string, afterMs = GO_DIRECT_AFTER_MS, again = false): void {
    const key = `${view.context.id}|${peer}`
    if (!this.running || (!again && this.goingDirect.has(key))) return
    this.goingDirect.add(key)
    const clock = this.scope.components.clock
    const timer = clock.setTimeout(() => {
      this.goDirectTimers.delete(timer)
      void this.goDirect(view, peer).then(tryAgainIn => {
        if (tryAgainIn != null) this.goDirectSoon(view, peer, tryAgainIn, true)
        else this.goingDirect.delete(key)
      }, () => this.goingDirect.delete(key))
    }, afterMs)
    this.goDirectTimers.add(timer)
  }

  /** One try; returns when to try again (ms), or undefined when done. */
  private async goDirect (view: ConferenceView, peer: string): Promise<number | undefined> {
    if (!this.running || !this.links.has(view.context.id, peer) || !this.onlyRelayed(peer)) return undefined
    const { dialer, membership, node } = this.scope.components
    const key = `${view.context.id}|${peer}`
    // Tried again later, less often each time (up to once a minute): behind a NAT it keeps failing.
    if (!await dialer.dialDirect(peer, membership.addressesOf(view.context.id, peer))) return this.directBackoff.failed(key)
    this.directBackoff.succeeded(key)
    if (!this.running) return undefined
    for (const c of node.getConnections?.(peerIdFromString(peer)) ?? []) {
      if (routeOf(c.remoteAddr.toString()).kind === 'relayed') void c.close().catch(() => {})
    }
    // The link closes with its connection; it comes back over the direct one.
    this.scope.components.clock.setTimeout(() => this.reconnect(peer), 100)
    return undefined
  }

  /** A participant opened a chat stream: check the conference and who they are, then sync. */
  private async acceptStream (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    if (this.flood.isCutOff(peer)) {
      resetStream(stream, new Error('cut off for flooding'))
      return
    }
    const admitted = this.flood.admitStream(peer)
    if (admitted !== 'ok') {
      resetStream(stream, new RateLimitedError('too many chat streams'))
      // A peer that keeps opening streams (HOSTILE-INPUTS 7) loses its connection, as on the invite and RSVP protocols.
      if (admitted === 'denied') void connection.close().catch(() => {})
      return
    }
    try {
      const link = new ChatLink('', peer, stream, () => {})
      const hello = await link.readHello()
      const conferenceId = hello.conferenceId
      if (this.scope.components.membership.get(conferenceId) == null) throw new Error('unknown conference')
      if (!this.scope.mayChat(conferenceId, peer)) throw new Error('not a participant (or the conference is cancelled)')
      if (!this.scope.mayChat(conferenceId, this.scope.me())) throw new Error('this peer is not a participant')
      if (this.isFull(conferenceId, peer)) {
        // Not misbehaviour: the peer's view of the participants differs from ours for a moment.
        resetStream(stream, new RateLimitedError('this participant has as many chat links as it keeps'))
        return
      }
      const log = await this.logs.open(conferenceId)
      const real = new ChatLink(conferenceId, peer, stream, l => this.detach(l), link.frames)
      await real.writeHello(log.summary(), log.digestsOf())
      this.attach(real, log, hello.summary, hello.digests)
    } catch (err: any) {
      this.scope.components.log.debug(`chat: refused a stream from ${peer}: ${err?.message ?? err}`)
      this.flood.strike(peer)
      resetStream(stream, err)
    }
  }

  /** Whether a stream from `peer` would pass the bound on links (a neighbour we chose is always taken). */
  private isFull (conferenceId: string, peer: string): boolean {
    const peers = this.links.peers(conferenceId)
    if (peers.length < MAX_CHAT_LINKS || peers.includes(peer)) return false
    return !this.neighbours(conferenceId).includes(peer)
  }

  private attach (link: ChatLink, log: ChatLog, theirs: Summary, digests?: Record<string, string>): void {
    // A dial or hello that finished after stop(): the node is going, the link is not kept.
    if (!this.running) {
      link.close(new Error('the chat stopped'))
      return
    }
    // Participation may have changed while the hellos crossed.
    if (!this.scope.bothTakePart(link)) {
      link.close(new Error('not a participant'))
      return
    }
    this.links.add(link)
    link.claimed = theirs
    link.known = theirs
    this.hooks.linkUp(link, log, theirs, digests)
    this.hooks.presenceChanged(link.conferenceId)
    this.announceLinks(link.conferenceId)
    void link.readLoop(frame => this.hooks.frame(link, log, frame))
  }

  /**
   * Tells every participant we have a stream with which participants those are (soon, once for a
   * burst of changes). A participant that hears an author directly gets the author's messages from
   * the author, so we do not forward them to it: in a full mesh each message crosses each link once.
   */
  private announceLinks (conferenceId: string): void {
    if (!this.running || this.announceTimers.has(conferenceId)) return
    this.announceTimers.set(conferenceId, setTimeout(() => {
      this.announceTimers.delete(conferenceId)
      const links = this.links.of(conferenceId)
      const peers = [...new Set(links.map(l => l.peer))]
      for (const l of links) l.sendControl({ t: 'linked', peers })
    }, ANNOUNCE_LINKS_AFTER_MS))
  }

  private detach (link: ChatLink): void {
    if (this.links.remove(link) && this.running) {
      this.hooks.presenceChanged(link.conferenceId)
      this.announceLinks(link.conferenceId)
    }
    this.hooks.linkDown(link)
  }
}
