import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { DevMeetLibp2p } from '../node'
import type { Components } from '../components'
import { warnUser } from '../components'
import type { PeerInfo } from '../devmeet-events'
import type { ContactStore, Contact } from '../contacts'
import { sanitizeDisplayName } from '../identity'
import { ProfileProtocol, PROFILE_PROTOCOL } from '../profile'
import { parsePeerAddress } from '../address'
import { InvalidAddressError } from '../errors'
import { ClockSkewNotes } from './clock-skew'
import { dialAddress, dialAt, dialById, CONNECT_TIMEOUT_MS } from './dial'
import { routeOf } from '../relay/routes'
import { rememberableAddresses } from './address-book'
import { PeerExchange } from './peer-exchange'
import { PeerFinder } from './peer-finder'
import { NearbyPeers } from './nearby'
import { localized } from '../../shared/localized'

/** changes to the list of peers within this long are told in one 'peers' event */
const PEERS_EVENT_AFTER_MS = 50

export interface PeerDirectoryPorts {
  contacts: ContactStore
  /** my display name, as the profile protocol tells it */
  myName: () => string
  /** whether a conference I keep has both peers taking part in it now (who the peer exchange answers) */
  shareAConference: (a: string, b: string) => boolean
  /** whether a conference I keep names this peer: meeting it there is dealing with it (it becomes a contact) */
  inMyConferences: (peerId: string) => boolean
}

type NodeListener = [event: 'peer:identify' | 'peer:connect' | 'peer:disconnect' | 'peer:discovery', listener: (evt: any) => void]

/**
 * The peers I know: contacts plus connected DevMeet peers, who is online, their names (learned
 * through the profile protocol) and their clocks; connecting by address or by ID.
 * DevMeet peers the user never dealt with stay "nearby", in memory only (nearby.ts), and become
 * contacts by keep(): connecting by address, inviting, answering an invitation, renaming.
 */
export class PeerDirectory {
  private node: DevMeetLibp2p | undefined
  private profile: ProfileProtocol | undefined
  /** peers that answered the profile protocol since the node started */
  private readonly devmeetPeers = new Set<string>()
  private readonly skew: ClockSkewNotes
  private listeners: NodeListener[] = []
  /** a 'peers' event due: a burst of connections coming and going is told once */
  private peersDue: unknown
  private readonly exchange: PeerExchange
  private readonly finder: PeerFinder
  private readonly nearby = new NearbyPeers()

  constructor (private readonly components: Components, private readonly ports: PeerDirectoryPorts) {
    this.skew = new ClockSkewNotes(m => warnUser(components, m))
    const { contacts } = ports
    this.exchange = new PeerExchange({
      shareAConference: ports.shareAConference,
      addressesOf: peerId => contacts.hasMet(peerId) ? rememberableAddresses(peerId, contacts.get(peerId)?.addrs ?? []) : []
    }, components.log, () => components.clock.now())
    this.finder = new PeerFinder({
      node: () => this.node,
      dialRemembered: async peerId => await this.dialRemembered(peerId),
      askable: target => this.likelyToKnow(target),
      exchange: this.exchange,
      log: components.log,
      now: () => components.clock.now(),
      setTimeout: (fn, ms) => components.clock.setTimeout(fn, ms),
      clearTimeout: handle => components.clock.clearTimeout(handle)
    })
  }

  /** Serves the profile protocol and follows the node's peer events; called before the node starts. */
  async start (): Promise<void> {
    const node = this.components.node
    this.node = node
    const { log, clock } = this.components
    this.profile = new ProfileProtocol(node, this.ports.myName, log, () => clock.now())
    await this.profile.start()
    await this.exchange.start(node)
    this.listeners = [
      ['peer:identify', evt => {
        if (!evt.detail.protocols.includes(PROFILE_PROTOCOL)) return
        const listenAddrs: string[] = (evt.detail.listenAddrs ?? []).map((a: unknown) => String(a))
        void this.learnProfile(evt.detail.connection, listenAddrs).then(() => this.finder.newSource(evt.detail.peerId.toString()))
      }],
      ['peer:connect', evt => this.finder.found(evt.detail.toString())],
      ['peer:disconnect', evt => this.onDisconnect(evt.detail.toString())],
      ['peer:discovery', evt => this.onDiscovery(node, evt.detail.id)]
    ]
    for (const [event, listener] of this.listeners) node.addEventListener(event, listener)
  }

  /** Forgets who is online; called before the node stops, so its disconnects are not reported. */
  stop (): void {
    for (const [event, listener] of this.listeners.splice(0)) this.node?.removeEventListener(event, listener)
    if (this.peersDue != null) this.components.clock.clearTimeout(this.peersDue)
    this.peersDue = undefined
    void this.node?.unhandle(PROFILE_PROTOCOL).catch(() => {})
    void this.exchange.stop()
    this.finder.clear()
    this.node = undefined
    this.profile = undefined
    this.devmeetPeers.clear()
    this.nearby.clear()
  }

  /** Dials every contact with a known address, in the background. */
  reconnectContacts (): void {
    for (const c of this.ports.contacts.list()) if (c.addrs.length > 0) void this.dialKnown(c.peerId)
  }

  /** Every known peer: contacts plus anyone connected, online first. */
  peers (): PeerInfo[] {
    const ids = new Set(this.ports.contacts.list().map(c => c.peerId))
    for (const p of this.connectedPeerIds()) if (this.devmeetPeers.has(p)) ids.add(p)
    for (const p of this.nearby.ids()) ids.add(p)
    return [...ids].map(id => this.peerInfo(id)).sort((a, b) => Number(b.online) - Number(a.online) || a.label.localeCompare(b.label))
  }

  /** One peer as the UI shows it, known or not. */
  peerInfo (peerId: string): PeerInfo {
    const contact: Contact | undefined = this.ports.contacts.get(peerId)
    const nearby = contact == null ? this.nearby.get(peerId) : undefined
    const online = this.node != null && this.node.getConnections(peerIdFromString(peerId)).length > 0
    const displayName = contact?.displayName ?? nearby?.displayName
    const label = contact?.petname ?? displayName ?? `peer ${peerId.slice(-8)}`
    return {
      peerId,
      label,
      displayName,
      petname: contact?.petname,
      online,
      isDevMeet: this.devmeetPeers.has(peerId) || displayName != null,
      contact: contact != null,
      addrs: contact?.addrs ?? nearby?.addrs ?? [],
      lastSeen: online ? this.components.clock.now() : (contact?.lastSeen ?? nearby?.lastSeen ?? 0)
    }
  }

  /** Connected peers that speak DevMeet. */
  onlineDevMeetPeers (): PeerInfo[] {
    return this.connectedPeerIds().filter(p => this.devmeetPeers.has(p)).map(p => this.peerInfo(p))
  }

  /**
   * Connects to an address string, a multiaddr, or a bare peer ID (found through the DHT).
   * Throws InvalidAddressError for input that cannot be used, or DialFailedError with the reason the dial failed.
   */
  async connect (addressText: string): Promise<PeerInfo> {
    const address = parsePeerAddress(addressText)
    const node = this.components.node
    if (address.peerId === node.peerId.toString()) throw new InvalidAddressError(localized`That is your own address.`)
    const connection = await dialAddress(node, address, this.components.log)
    const peerId = connection.remotePeer.toString()
    this.keep(peerId)
    this.ports.contacts.upsert({ peerId, addrs: [connection.remoteAddr.toString()], lastSeen: this.components.clock.now(), via: 'address' })
    await this.learnProfile(connection)
    return this.peerInfo(peerId)
  }

  /**
   * Dials a known peer by ID with the addresses we know (contacts first: they are the freshest,
   * then the peer store and `extraAddrs`). When that fails the peer is looked up (peer-finder.ts)
   * in the background. Never throws.
   */
  async dialKnown (peerId: string, extraAddrs: string[] = []): Promise<boolean> {
    const node = this.node
    const ok = await this.dialRemembered(peerId, extraAddrs)
    if (!ok && node != null && this.node === node) this.finder.lost(peerId)
    return ok
  }

  private async dialRemembered (peerId: string, extraAddrs: string[] = []): Promise<boolean> {
    const node = this.node
    if (node == null || peerId === node.peerId.toString()) return false
    return await dialById(node, peerId, [...(this.ports.contacts.get(peerId)?.addrs ?? []), ...extraAddrs], this.components.log)
  }

  /**
   * A connection to a peer that does not go through a relay, at its known addresses that are not
   * relay circuits (contacts, the peer store, `extraAddrs`). Never throws: false when there is
   * none to try or none answered.
   */
  async dialDirect (peerId: string, extraAddrs: string[] = []): Promise<boolean> {
    const node = this.node
    if (node == null || peerId === node.peerId.toString()) return false
    const id = peerIdFromString(peerId)
    if (node.getConnections(id).some(c => routeOf(c.remoteAddr.toString()).kind !== 'relayed')) return true
    const stored = await node.peerStore.get(id).then(p => p.addresses.map(a => a.multiaddr.toString()), () => [])
    const direct = [...new Set([...(this.ports.contacts.get(peerId)?.addrs ?? []), ...stored, ...extraAddrs])]
      .filter(a => !a.includes('/p2p-circuit'))
    if (direct.length === 0) return false
    return await dialAt(node, peerId, direct, this.components.log)
  }

  /** Peers that did not answer at their addresses and are being looked up. */
  lookingFor (): string[] {
    return this.finder.wantedPeers()
  }

  /**
   * The user dealt with this peer (invited it, answered its invitation, renamed it): a stranger
   * from the Nearby group becomes a contact, with the addresses it told us itself on an
   * authenticated connection. A peer that is not nearby is left as it is.
   */
  keep (peerId: string): void {
    const met = this.nearby.take(peerId)
    if (met == null) return
    this.ports.contacts.upsert({ peerId, displayName: met.displayName, addrs: met.addrs, lastSeen: met.lastSeen, via: 'connection' })
    this.emitPeers()
  }

  /** Gives a peer my own name for it (undefined: back to its own name). */
  rename (peerId: string, petname: string | undefined): void {
    this.keep(peerId)
    this.ports.contacts.rename(peerId, petname == null ? undefined : sanitizeDisplayName(petname, ''))
    this.emitPeers()
  }

  /** Removes a contact and hangs up on it. */
  async forget (peerId: string): Promise<void> {
    this.ports.contacts.forget(peerId)
    this.nearby.take(peerId)
    this.devmeetPeers.delete(peerId)
    if (this.node != null) await this.node.hangUp(peerIdFromString(peerId)).catch(() => {})
    this.emitPeers()
  }

  private onDisconnect (id: string): void {
    if (!this.devmeetPeers.has(id)) return
    const now = this.components.clock.now()
    const nearby = this.nearby.get(id)
    if (nearby != null) this.nearby.note({ ...nearby, lastSeen: now })
    else if (this.ports.contacts.get(id) != null) this.ports.contacts.upsert({ peerId: id, lastSeen: now })
    this.components.events.emit('peer:disconnect', this.peerInfo(id))
    this.emitPeers()
  }

  private onDiscovery (node: DevMeetLibp2p, peer: PeerId): void {
    // Only DevMeet contacts are dialled automatically; a discovered stranger is dialled once to learn if it speaks DevMeet.
    if (node.getConnections(peer).length > 0) return
    void node.dial(peer, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }).catch(err => {
      this.components.log.debug(`dial of discovered ${peer.toString()} failed: ${err?.message ?? err}`)
    })
  }

  /**
   * A DevMeet peer connected: its name (asked once per start) and where it listens now. Every
   * sighting of a known peer ends here (identify after a dial we made, mDNS or the DHT found it,
   * or it dialled us), so its remembered addresses follow it across restarts.
   * `listenAddrs` is what the peer's identify said; without it, the peer store's.
   */
  private async learnProfile (connection: Connection, listenAddrs?: string[]): Promise<void> {
    const remote = connection.remotePeer.toString()
    const { contacts } = this.ports
    const now = this.components.clock.now()
    // Listen addresses, not the connection's (an inbound connection's port is ephemeral).
    const said = listenAddrs ?? (await this.node?.peerStore.get(connection.remotePeer).catch(() => undefined))?.addresses.map(a => a.multiaddr.toString()) ?? []
    const fresh = rememberableAddresses(remote, said)
    const nearby = this.nearby.get(remote)
    if (this.devmeetPeers.has(remote) && nearby != null && !this.ports.inMyConferences(remote)) {
      this.nearby.note({ ...nearby, addrs: fresh.length > 0 ? fresh : nearby.addrs, lastSeen: now })
      return
    }
    if (nearby != null) this.keep(remote)
    if (this.devmeetPeers.has(remote) && contacts.get(remote)?.displayName != null) {
      contacts.refreshAddresses(remote, fresh, now)
      return
    }
    const profile = await this.profile?.fetch(connection)
    if (profile == null) return
    this.skew.note(remote, profile.name, profile.clockSkewMs)
    const wasKnown = this.devmeetPeers.has(remote)
    this.devmeetPeers.add(remote)
    // A stranger (found by mDNS or the DHT, or it dialled us) is not saved: it stays nearby until the user deals with it.
    if (contacts.get(remote) != null || this.ports.inMyConferences(remote)) {
      contacts.upsert({ peerId: remote, displayName: profile.name, lastSeen: now, via: 'connection' })
      contacts.refreshAddresses(remote, fresh, now)
    } else {
      this.nearby.note({ peerId: remote, displayName: profile.name, addrs: fresh, lastSeen: now })
    }
    if (!wasKnown) this.components.events.emit('peer:connect', this.peerInfo(remote))
    this.emitPeers()
  }

  /**
   * Connected DevMeet peers to ask where `target` is: those in a conference with it first (they
   * can answer), then the others in random order, so that many connections of one party cannot
   * keep the honest ones from being asked.
   */
  private likelyToKnow (target: string): string[] {
    const peers = this.connectedPeerIds().filter(p => this.devmeetPeers.has(p) && p !== target)
    const share = new Set(peers.filter(p => this.ports.shareAConference(p, target)))
    const others = peers.filter(p => !share.has(p)).map(p => ({ p, r: Math.random() })).sort((a, b) => a.r - b.r).map(x => x.p)
    return [...share, ...others]
  }

  private connectedPeerIds (): string[] {
    return this.node?.getPeers().map(p => p.toString()) ?? []
  }

  /**
   * Tells the UI the list of peers changed, once for a burst: at a large meeting's start a
   * participant closes dozens of idle connections, and building the whole list for each one was
   * ~6 % of its CPU there (and a tree refresh each in the extension).
   */
  private emitPeers (): void {
    if (this.peersDue != null) return
    this.peersDue = this.components.clock.setTimeout(() => {
      this.peersDue = undefined
      if (this.node != null) this.components.events.emit('peers', this.peers())
    }, PEERS_EVENT_AFTER_MS)
  }
}
