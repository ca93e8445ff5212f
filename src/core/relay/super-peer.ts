import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Components } from '../components'
import type { Contact } from '../contacts'
import type { DevMeetLibp2p } from '../node'
import { RelayAdmission, circuitsOf, withRelayAdmission } from './policy'
import { DialBackServer } from './dial-back'
import { DEFAULT_REACHABILITY_TIMING, ReachabilityCheck, type Reachability } from './reachability'
import { RELAY_OFFER_PROTOCOL, RelayClient, relaysInUse } from './reservations'
import { bestRoute, routeOf, type Route } from './routes'
import { HalfClosedRelayStreams, SWEEP_EVERY_MS } from './half-closed-streams'

export type { Route } from './routes'
export type { Reachability } from './reachability'

/** Timings of the super-peer logic; tests shorten them. */
export interface SuperPeerOptions {
  /** first dial-back check after a peer that can do one connects */
  firstCheckMs?: number
  /** between dial-back checks while not reachable */
  recheckMs?: number
  /** between rounds of relay hints and slot reservations */
  reserveRetryMs?: number
}

export interface SuperPeerPorts {
  inConferences(): Set<string>
  contact(peerId: string): Contact | undefined
  /** whether the running node has WebRTC */
  webrtc(): boolean
  /** records a known peer's relayed addresses (the contacts list, whose addresses travel in contexts) */
  noteAddrs(peerId: string, addrs: string[]): void
}

/** What the UI and the CLI show about us as a relay, and about our own slots. */
export interface RelayStatus {
  reachability: Reachability
  /** we serve as a relay for our conference peers and chosen contacts */
  serving: boolean
  /** peers holding a slot on our relay */
  slotHolders: string[]
  /** relays we hold a slot on */
  slotsOn: string[]
}

/**
 * Dynamic super peers (the seed's DVSP model in libp2p terms): a node that its peers can dial back
 * serves as a circuit relay for the peers it shares a conference or chosen contact with, and says so
 * (RELAY_OFFER_PROTOCOL, seen through identify); a node they cannot dial reserves a slot on such a
 * peer by itself, and its relayed addresses then travel wherever its addresses do (invitations,
 * RSVPs, the contexts' participant lists), since they are among the node's own addresses.
 */
export class SuperPeer {
  readonly admission: RelayAdmission
  private reachabilityCheck: ReachabilityCheck | undefined
  private dialBack: DialBackServer | undefined
  private client: RelayClient | undefined
  private servingNow = false
  private openRelay = false
  private offRoutes: (() => void) | undefined
  private readonly halfClosed = new HalfClosedRelayStreams()
  private sweepTimer: unknown

  constructor (private readonly components: Components, private readonly ports: SuperPeerPorts, private readonly opts: SuperPeerOptions = {}) {
    this.admission = new RelayAdmission({ inConferences: ports.inConferences, contact: ports.contact })
  }

  /** The node's gater with the relay's admission; a `--relay` server stays open to all, as configured. */
  gater (base: ConnectionGater | undefined, openRelay: boolean): ConnectionGater {
    const gater = base ?? { denyDialMultiaddr: () => false }
    if (openRelay) return gater
    const circuits = (peer: PeerId): number => {
      const { asSource, asDestination } = circuitsOf(this.nodeOrUndefined()?.getConnections(peer) ?? [])
      return asSource + asDestination
    }
    return withRelayAdmission(gater, this.admission, () => this.servingNow, { circuits, granted: peer => { this.noteSlotHolder(peer.toString()) } })
  }

  get serving (): boolean { return this.servingNow }
  get reachability (): Reachability { return this.reachabilityCheck?.reachability ?? 'unknown' }

  /** Starts the dial-back server, the reachability check and the slot client; after the node started. */
  async start (openRelay: boolean): Promise<void> {
    const { node, log, clock } = this.components
    this.openRelay = openRelay
    const allows = (peerId: string): boolean => this.admission.allows(peerId)
    this.dialBack = new DialBackServer(node, { allows, now: () => clock.now(), log })
    await this.dialBack.start()
    const timing = { ...DEFAULT_REACHABILITY_TIMING, ...definedOnly(this.opts) }
    this.reachabilityCheck = new ReachabilityCheck(node, timing, state => { void this.setServing(node, state === 'reachable') }, log)
    this.reachabilityCheck.start()
    this.client = new RelayClient(node, this.opts.reserveRetryMs ?? 15_000, {
      allows,
      inConferences: this.ports.inConferences,
      needsSlot: () => !this.servingNow && this.reachability !== 'reachable',
      webrtc: this.ports.webrtc,
      now: () => clock.now(),
      log
    })
    this.client.start()
    this.sweepSoon()
    if (openRelay) await this.setServing(node, true)
    const onRoute = (evt: CustomEvent<{ remotePeer: { toString(): string } }>): void => {
      this.components.events.emit('peer:route', { peerId: evt.detail.remotePeer.toString() })
    }
    node.addEventListener('connection:open', onRoute as any)
    node.addEventListener('connection:close', onRoute as any)
    // A peer's relay offer arrives by identify (push); a conference can make us admitted on one.
    // Other peer updates do not poke: at a meeting's start every peer's stream and identify
    // changes its record, and a round per burst read every connection's record (4,000 reads in
    // 12 s among 20 participants).
    const onPeerUpdate = (evt: CustomEvent<any>): void => {
      if (evt.type === 'peer:update') {
        if (offersRelay(evt.detail?.peer) && !offersRelay(evt.detail?.previous)) this.client?.poke()
        this.noteRelayedAddrs(evt.detail?.peer)
      } else if (evt.detail?.protocols?.includes(RELAY_OFFER_PROTOCOL) === true) {
        this.client?.poke()
      }
    }
    node.addEventListener('peer:identify', onPeerUpdate)
    node.addEventListener('peer:update', onPeerUpdate)
    const offConference = this.components.events.on('conference:update', () => {
      this.client?.poke(true)
      this.reachabilityCheck?.admissionChanged()
    })
    this.offRoutes = () => {
      node.removeEventListener('connection:open', onRoute as any)
      node.removeEventListener('connection:close', onRoute as any)
      node.removeEventListener('peer:identify', onPeerUpdate)
      node.removeEventListener('peer:update', onPeerUpdate)
      offConference()
    }
  }

  async stop (): Promise<void> {
    if (this.sweepTimer != null) this.components.clock.clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
    this.offRoutes?.()
    this.offRoutes = undefined
    this.client?.stop()
    this.reachabilityCheck?.stop()
    await this.dialBack?.stop()
    this.client = undefined
    this.reachabilityCheck = undefined
    this.dialBack = undefined
    this.servingNow = false
  }

  private sweepSoon (): void {
    this.sweepTimer = this.components.clock.setTimeout(() => {
      const node = this.nodeOrUndefined()
      if (node == null) return
      const reset = this.halfClosed.sweep(node)
      if (reset > 0) this.components.log.debug(`relay: reset ${reset} half-closed relay streams`)
      this.sweepSoon()
    }, SWEEP_EVERY_MS)
  }

  /** Peers holding a slot on our relay now. */
  reservedPeers (): string[] {
    const relay = this.nodeOrUndefined()?.services.relay
    return relay == null ? [] : [...relay.reservations.keys()].map(p => p.toString())
  }

  /** How we are connected to a peer: one route per open connection. */
  routesTo (peerId: string): Route[] {
    const node = this.nodeOrUndefined()
    if (node == null) return []
    return node.getConnections(peerIdFromString(peerId)).map(c => routeOf(c.remoteAddr.toString()))
  }

  /** The best route to a peer, or undefined when not connected. */
  routeTo (peerId: string): Route | undefined { return bestRoute(this.routesTo(peerId)) }

  status (): RelayStatus {
    const node = this.nodeOrUndefined()
    return {
      reachability: this.reachability,
      serving: this.servingNow,
      slotHolders: this.reservedPeers(),
      slotsOn: node == null ? [] : [...relaysInUse(node)]
    }
  }

  private async setServing (node: DevMeetLibp2p, serving: boolean): Promise<void> {
    if (this.openRelay) serving = true
    if (serving === this.servingNow) return
    this.servingNow = serving
    try {
      // Registering the protocol makes identify push it to every connected peer at once.
      if (serving) {
        await node.handle(RELAY_OFFER_PROTOCOL, stream => { void stream.close().catch(() => {}) }, { maxInboundStreams: 1, maxOutboundStreams: 1 })
      } else {
        await node.unhandle(RELAY_OFFER_PROTOCOL)
        // Peers can no longer dial us (a network change): the slots we granted would not work.
        node.services.relay?.reservations.clear()
      }
      this.components.log.info(serving ? 'serving as a relay for conference peers and chosen contacts' : 'no longer serving as a relay')
    } catch (err) {
      this.components.log.debug(`relay offer: ${String(err)}`)
    }
  }

  /**
   * Identify push (a peer took a slot) updates the peer store but fires no 'peer:identify', which is
   * where the contacts list learns addresses: a known peer's new relayed addresses go there as well,
   * so that the next context the organizer publishes (after an RSVP) carries them.
   */
  private noteRelayedAddrs (peer: { id?: PeerId, addresses?: Array<{ multiaddr: { toString(): string } }> } | undefined): void {
    if (peer?.id == null || peer.addresses == null) return
    const peerId = peer.id.toString()
    if (this.ports.contact(peerId) == null) return
    const relayed = peer.addresses.map(a => a.multiaddr.toString()).filter(a => a.includes('/p2p-circuit')).slice(0, 8)
    if (relayed.length > 0) this.ports.noteAddrs(peerId, relayed)
  }

  /**
   * A peer that takes a slot on our relay is reachable through us: its relayed addresses (our own
   * address plus /p2p-circuit) go into its contact, whose addresses the contexts we publish carry.
   * It cannot tell us itself: libp2p drops addresses through ourselves from what identify brings.
   */
  private noteSlotHolder (peerId: string): void {
    const node = this.nodeOrUndefined()
    if (node == null) return
    const me = node.peerId.toString()
    const circuits = ownDirectAddrs(node).slice(0, 2).map(a => `${a}/p2p/${me}/p2p-circuit`)
    const addrs = this.ports.webrtc() ? [...circuits.map(a => `${a}/webrtc`), ...circuits] : circuits
    if (addrs.length > 0) this.ports.noteAddrs(peerId, addrs)
  }

  private nodeOrUndefined (): DevMeetLibp2p | undefined {
    try { return this.components.node } catch { return undefined }
  }
}

function offersRelay (peer: { protocols?: string[] } | undefined): boolean {
  return peer?.protocols?.includes(RELAY_OFFER_PROTOCOL) === true
}

/** Our TCP addresses without /p2p/, public-looking ones first (loopback last: useless to anyone but us). */
function ownDirectAddrs (node: DevMeetLibp2p): string[] {
  const addrs = node.getMultiaddrs().map(a => a.toString()).filter(a => a.includes('/tcp/') && !a.includes('/p2p-circuit')).map(a => a.replace(/\/p2p\/[^/]+$/, ''))
  return [...addrs.filter(a => !a.startsWith('/ip4/127.') && !a.startsWith('/ip6/::1/')), ...addrs.filter(a => a.startsWith('/ip4/127.') || a.startsWith('/ip6/::1/'))]
}

function definedOnly (opts: SuperPeerOptions): Partial<{ firstCheckMs: number, recheckMs: number }> {
  const out: Partial<{ firstCheckMs: number, recheckMs: number }> = {}
  if (opts.firstCheckMs != null) out.firstCheckMs = opts.firstCheckMs
  if (opts.recheckMs != null) out.recheckMs = opts.recheckMs
  return out
}
