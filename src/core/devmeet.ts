import type { Connection, ConnectionGater, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { createNode, type DevMeetLibp2p } from './node'
import { type NetworkConfig, networkConfigChanged } from './config'
import { Storage } from './storage'
import { type KeyStore, loadOrCreateKey, sanitizeDisplayName } from './identity'
import { ContactStore, MAX_CONTACTS, type Contact } from './contacts'
import { NodeLock } from './lock'
import { ProfileProtocol, PROFILE_PROTOCOL } from './profile'
import { parsePeerAddress, formatPeerAddress } from './address'
import { Emitter } from './events'
import { type Clock, systemClock } from './clock'
import { type Logger, silentLogger } from './log'
import type { ConferenceEvents } from './api'
import { ConferenceService } from './conference/service'
import { ChatService } from './chat/service'
import { Scheduler } from './scheduler'
import type { BackoffOptions } from './invite/outbox'
import { shown, untrusted, type ShownText } from '../shared/shown-text'
import { probeWebRTC, webrtcUnavailableWarning, type WebRTCProbe, type WebRTCStatus } from './webrtc-support'
import { InvalidAddressError, NodeNotRunningError, KeyNotLoadedError, NoKnownAddressError, DialFailedError } from './errors'

export type NodeStatus =
  | { state: 'stopped' }
  | { state: 'starting' }
  | { state: 'running', peerId: string, addrs: string[], webrtc: WebRTCStatus }
  | { state: 'failed', error: string }
  | { state: 'locked', ownerPid: number }

/** A peer as the UI shows it. */
export interface PeerInfo {
  peerId: string
  /** petname, else the peer's own name, else a short peer ID */
  label: string
  displayName?: string
  petname?: string
  online: boolean
  /** true once the peer answered DevMeet's profile protocol */
  isDevMeet: boolean
  addrs: string[]
  lastSeen: number
}

export interface DevMeetEvents extends ConferenceEvents, Record<string, unknown> {
  status: NodeStatus
  /** the peers list changed (connect, disconnect, name, rename, forget) */
  peers: PeerInfo[]
  'peer:connect': PeerInfo
  'peer:disconnect': PeerInfo
  /** something the user should see: a damaged file moved aside, a failed write; peer text inside went through untrusted() */
  warning: ShownText
  /** the data folder stopped taking writes (with why), or takes them again */
  storage: { writable: boolean, error?: string }
}

export interface DevMeetOptions {
  dataDir: string
  keyStore: KeyStore
  displayName: string
  config: NetworkConfig
  clock?: Clock
  log?: Logger
  connectionGater?: ConnectionGater
  /** retry timing of the invitation outbox (tests shorten it) */
  outboxBackoff?: BackoffOptions
  /** minutes before start for the reminder; 0 = off */
  reminderMinutes?: number
  /** whether WebRTC's native module loads (tests make it fail) */
  webrtcProbe?: WebRTCProbe
}

const CONNECT_TIMEOUT_MS = 15_000
/** While writes fail, how often a small write checks whether the folder works again. */
const STORAGE_PROBE_MS = 5000
/** a peer clock off by more than this is worth a warning (HOSTILE-INPUTS 32) */
const CLOCK_SKEW_WARN_MS = 2 * 60_000

/** The DevMeet core: one object with methods and typed events, used by the extension and the headless peer. */
export class DevMeet {
  readonly events = new Emitter<DevMeetEvents>()
  readonly storage: Storage
  readonly contacts: ContactStore
  readonly clock: Clock
  readonly log: Logger
  /** conferences: create, invite, answer, reschedule, cancel */
  readonly conferences: ConferenceService
  /** chat: send, history, presence */
  readonly chat: ChatService
  private readonly scheduler: Scheduler
  private readonly lock: NodeLock
  private config: NetworkConfig
  private displayNameValue: string
  private node: DevMeetLibp2p | undefined
  private privateKey: PrivateKey | undefined
  private profile: ProfileProtocol | undefined
  private statusValue: NodeStatus = { state: 'stopped' }
  private readonly devmeetPeers = new Set<string>()
  private readonly skewWarned = new Set<string>()
  private lockWatch: ReturnType<typeof setInterval> | undefined
  private starting: Promise<void> | undefined
  private storageProbe: unknown
  private webrtcValue: WebRTCStatus = { state: 'off' }
  /** the reason last warned about, so a restart with the same cause does not warn again */
  private webrtcWarned: string | undefined

  constructor (private readonly opts: DevMeetOptions) {
    this.clock = opts.clock ?? systemClock
    this.log = opts.log ?? silentLogger
    this.config = opts.config
    this.displayNameValue = sanitizeDisplayName(opts.displayName)
    this.storage = new Storage(opts.dataDir, { onWarning: m => this.warn(shown`${untrusted(m, 500)}`), onWritable: (ok, error) => this.onWritable(ok, error) })
    // Contacts named in a conference I keep are evicted last when the list is full.
    this.contacts = new ContactStore(this.storage, { inConferences: () => this.conferences.peersInConferences() })
    this.lock = new NodeLock(opts.dataDir)
    this.conferences = new ConferenceService(this, opts.outboxBackoff)
    this.chat = new ChatService(this)
    this.scheduler = new Scheduler(this.clock, this.conferences, (event, view) => this.events.emit(event, view), opts.reminderMinutes ?? 5)
    this.events.on('conference:update', () => this.scheduler.check())
  }

  /** Minutes before start for the reminder (the devmeet.reminderMinutes setting); 0 turns it off. */
  setReminderMinutes (minutes: number): void {
    this.scheduler.setReminderMinutes(minutes)
  }

  get status (): NodeStatus {
    return this.statusValue
  }

  /** WebRTC in the running node: on, off by setting, or unavailable (with why); set at each start. */
  get webrtc (): WebRTCStatus {
    return this.webrtcValue
  }

  get displayName (): string {
    return this.displayNameValue
  }

  /** The peer ID, known once the key is loaded (before the node listens). */
  get peerId (): string | undefined {
    return this.node?.peerId.toString()
  }

  /** The running libp2p node, for the protocol modules of the core. */
  get libp2p (): DevMeetLibp2p {
    if (this.node == null) throw new NodeNotRunningError()
    return this.node
  }

  get key (): PrivateKey {
    if (this.privateKey == null) throw new KeyNotLoadedError()
    return this.privateKey
  }

  /** Starts the node. Never throws: a failure is reported through the status. */
  async start (): Promise<void> {
    if (this.starting != null) return this.starting
    this.starting = this.doStart().finally(() => { this.starting = undefined })
    return this.starting
  }

  private async doStart (): Promise<void> {
    if (this.node != null) return
    this.setStatus({ state: 'starting' })
    try {
      await this.storage.init()
      const lock = await this.lock.acquire()
      if (!lock.ok) {
        this.setStatus({ state: 'locked', ownerPid: lock.ownerPid })
        return
      }
      await this.startOwned()
    } catch (err: any) {
      await this.stopNode()
      await this.lock.release().catch(() => {})
      this.log.error(`node failed to start: ${err?.stack ?? err}`)
      this.setStatus({ state: 'failed', error: describeStartError(err) })
    }
  }

  /** Takes the node over from another window that holds the lock. */
  async takeOver (): Promise<void> {
    await this.lock.takeOver()
    this.setStatus({ state: 'starting' })
    try {
      await this.startOwned()
    } catch (err: any) {
      await this.stopNode()
      this.setStatus({ state: 'failed', error: describeStartError(err) })
    }
  }

  private async startOwned (): Promise<void> {
    // We own the folder now: what a killed process left half-written goes.
    const swept = await this.storage.sweepTemporary()
    if (swept > 0) this.log.info(`removed ${swept} temporary file(s) left by an interrupted write`)
    // A damaged contacts file is moved aside and reported by Storage itself.
    const contactsLoaded = await this.contacts.load()
    if (contactsLoaded.skipped != null) this.log.warn(`${contactsLoaded.skipped} contact(s) in contacts.json were malformed or over the limit of ${MAX_CONTACTS} and were left out`)
    this.log.debug(`${this.contacts.list().length} contacts loaded`)
    this.privateKey ??= await loadOrCreateKey(this.opts.keyStore, m => this.warn(shown`${untrusted(m, 500)}`))
    this.log.debug('peer key loaded')
    const node = await createNode({ privateKey: this.privateKey, config: this.effectiveConfig(), connectionGater: this.opts.connectionGater })
    this.node = node
    this.log.debug('libp2p node created')
    this.profile = new ProfileProtocol(node, () => this.displayNameValue, this.log, () => this.clock.now())
    await this.profile.start()
    this.wireNodeEvents(node)
    await node.start()
    await this.startProtocols()
    this.setStatus({ state: 'running', peerId: node.peerId.toString(), addrs: this.listenAddrs(), webrtc: this.webrtcValue })
    this.log.info(`node running as ${node.peerId.toString()} on ${this.listenAddrs().join(', ')}`)
    this.watchLock()
    this.reconnectContacts()
  }

  /**
   * The config the node is built with: WebRTC (transport and /webrtc listen addresses) is left out
   * when its native module does not load, so the node still starts with TCP and the relay.
   */
  private effectiveConfig (): NetworkConfig {
    if (!this.config.webrtc) {
      this.webrtcValue = { state: 'off' }
      return this.config
    }
    this.webrtcValue = (this.opts.webrtcProbe ?? probeWebRTC)()
    if (this.webrtcValue.state !== 'unavailable') return this.config
    const { reason } = this.webrtcValue
    if (this.webrtcWarned !== reason) {
      this.webrtcWarned = reason
      this.warn(webrtcUnavailableWarning(reason))
    }
    return { ...this.config, webrtc: false }
  }

  /** The protocol modules (invite, RSVP, chat): started once the node runs. */
  protected async startProtocols (): Promise<void> {
    await this.conferences.start()
    await this.chat.start()
    this.scheduler.start()
  }

  /** The protocol modules: stopped before the node stops. */
  protected async stopProtocols (): Promise<void> {
    this.scheduler.stop()
    await this.chat.stop()
    await this.conferences.stop()
  }

  async stop (): Promise<void> {
    if (this.starting != null) await this.starting.catch(() => {})
    if (this.storageProbe != null) this.clock.clearTimeout(this.storageProbe)
    this.storageProbe = undefined
    if (this.lockWatch != null) clearInterval(this.lockWatch)
    this.lockWatch = undefined
    await this.stopProtocols().catch(err => this.log.warn(`stopping protocols: ${err}`))
    await this.stopNode()
    await this.contacts.flush().catch(() => {})
    await this.lock.release().catch(() => {})
    this.setStatus({ state: 'stopped' })
  }

  /** Applies new network settings; restarts the node only when they differ. */
  async reconfigure (config: NetworkConfig): Promise<void> {
    if (!networkConfigChanged(this.config, config)) return
    this.config = config
    if (this.statusValue.state === 'running' || this.statusValue.state === 'failed') {
      await this.stop()
      await this.start()
    }
  }

  setDisplayName (name: string): void {
    this.displayNameValue = sanitizeDisplayName(name)
  }

  /** Our shareable address string: peer ID and dialable multiaddrs, one line. */
  address (): string {
    const node = this.libp2p
    return formatPeerAddress(node.peerId.toString(), node.getMultiaddrs())
  }

  listenAddrs (): string[] {
    return this.node?.getMultiaddrs().map(ma => ma.toString()) ?? []
  }

  /** Every known peer: contacts plus anyone connected, online first. */
  peers (): PeerInfo[] {
    const ids = new Set(this.contacts.list().map(c => c.peerId))
    for (const p of this.connectedPeerIds()) if (this.devmeetPeers.has(p)) ids.add(p)
    return [...ids].map(id => this.peerInfo(id)).sort((a, b) => Number(b.online) - Number(a.online) || a.label.localeCompare(b.label))
  }

  peerInfo (peerId: string): PeerInfo {
    const contact: Contact | undefined = this.contacts.get(peerId)
    const online = this.node != null && this.node.getConnections(peerIdFromString(peerId)).length > 0
    const label = contact?.petname ?? contact?.displayName ?? `peer ${peerId.slice(-8)}`
    return {
      peerId,
      label,
      displayName: contact?.displayName,
      petname: contact?.petname,
      online,
      isDevMeet: this.devmeetPeers.has(peerId) || contact?.displayName != null,
      addrs: contact?.addrs ?? [],
      lastSeen: online ? this.clock.now() : (contact?.lastSeen ?? 0)
    }
  }

  /** Connected peers that speak DevMeet. */
  onlineDevMeetPeers (): PeerInfo[] {
    return this.connectedPeerIds().filter(p => this.devmeetPeers.has(p)).map(p => this.peerInfo(p))
  }

  /**
   * Connects to an address string, a multiaddr, or a bare peer ID (found through the DHT).
   * Throws InvalidAddressError for input that cannot be used, or an Error with the reason the dial failed.
   */
  async connect (addressText: string): Promise<PeerInfo> {
    const address = parsePeerAddress(addressText)
    const node = this.libp2p
    if (address.peerId === node.peerId.toString()) throw new InvalidAddressError('That is your own address.')
    const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS)
    let connection: Connection
    try {
      if (address.multiaddrs.length > 0) {
        connection = await node.dial(address.multiaddrs, { signal })
      } else {
        const peerId = peerIdFromString(address.peerId!)
        const found = await node.peerRouting.findPeer(peerId, { signal })
        if (found.multiaddrs.length === 0) throw new NoKnownAddressError()
        await node.peerStore.merge(peerId, { multiaddrs: found.multiaddrs })
        connection = await node.dial(peerId, { signal })
      }
    } catch (err: any) {
      // A dial can fail while another path to the peer worked (a WebRTC attempt that opened a
      // relayed connection for its signalling, then failed): a working connection is success.
      const open = address.peerId == null ? undefined : node.getConnections(peerIdFromString(address.peerId)).find(c => c.status === 'open')
      if (open == null) throw new DialFailedError(describeDialError(err), { cause: err })
      this.log.debug(`dial of ${address.peerId} failed (${err?.message ?? err}) but a connection is open: using it`)
      connection = open
    }
    const peerId = connection.remotePeer.toString()
    this.contacts.upsert({ peerId, addrs: [connection.remoteAddr.toString()], lastSeen: this.clock.now(), via: 'address' })
    await this.learnProfile(connection)
    return this.peerInfo(peerId)
  }

  /** Dials a known peer by ID with the addresses we know (contacts, peer store). Never throws. */
  async dialKnown (peerId: string, extraAddrs: string[] = []): Promise<boolean> {
    const node = this.node
    if (node == null || peerId === node.peerId.toString()) return false
    try {
      const id = peerIdFromString(peerId)
      if (node.getConnections(id).length > 0) return true
      const { multiaddr } = await import('@multiformats/multiaddr')
      const addrs = [...new Set([...extraAddrs, ...(this.contacts.get(peerId)?.addrs ?? [])])]
        .map(a => { try { return multiaddr(a) } catch { return undefined } })
        .filter(a => a != null)
      if (addrs.length > 0) await node.peerStore.merge(id, { multiaddrs: addrs }).catch(() => {})
      await node.dial(id, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) })
      return true
    } catch (err: any) {
      this.log.debug(`dial ${peerId} failed: ${err?.message ?? err}`)
      return false
    }
  }

  rename (peerId: string, petname: string | undefined): void {
    this.contacts.rename(peerId, petname == null ? undefined : sanitizeDisplayName(petname, ''))
    this.emitPeers()
  }

  async forget (peerId: string): Promise<void> {
    this.contacts.forget(peerId)
    this.devmeetPeers.delete(peerId)
    if (this.node != null) await this.node.hangUp(peerIdFromString(peerId)).catch(() => {})
    this.emitPeers()
  }

  protected warn (message: ShownText): void {
    this.log.warn(message)
    this.events.emit('warning', message)
  }

  /** Writes began to fail or work again: tell the user once, and look every few seconds until they work. */
  private onWritable (writable: boolean, error?: string): void {
    this.events.emit('storage', { writable, ...(error != null ? { error } : {}) })
    if (!writable) {
      this.warn(shown`${untrusted(error ?? 'cannot write the data folder', 300)}. DevMeet keeps running, but changes are not saved and messages are not sent until it can write again.`)
      this.probeStorage()
      return
    }
    if (this.storageProbe != null) this.clock.clearTimeout(this.storageProbe)
    this.storageProbe = undefined
    this.log.info('the data folder takes writes again')
    void this.contacts.flush().catch(() => {})
  }

  private probeStorage (): void {
    if (this.storageProbe != null) return
    this.storageProbe = this.clock.setTimeout(() => {
      this.storageProbe = undefined
      void this.storage.probe().then(ok => { if (!ok && this.statusValue.state === 'running') this.probeStorage() })
    }, STORAGE_PROBE_MS)
  }

  private connectedPeerIds (): string[] {
    return this.node?.getPeers().map(p => p.toString()) ?? []
  }

  private wireNodeEvents (node: DevMeetLibp2p): void {
    node.addEventListener('peer:identify', evt => {
      const { peerId, protocols, connection } = evt.detail
      if (!protocols.includes(PROFILE_PROTOCOL)) return
      void this.learnProfile(connection)
    })
    node.addEventListener('peer:disconnect', evt => {
      const id = evt.detail.toString()
      if (!this.devmeetPeers.has(id)) return
      this.contacts.upsert({ peerId: id, lastSeen: this.clock.now() })
      this.events.emit('peer:disconnect', this.peerInfo(id))
      this.emitPeers()
    })
    node.addEventListener('peer:discovery', evt => {
      const id = evt.detail.id.toString()
      // Only DevMeet contacts are dialled automatically; a discovered stranger is dialled once to learn if it speaks DevMeet.
      if (node.getConnections(evt.detail.id).length > 0) return
      void node.dial(evt.detail.id, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }).catch(err => {
        this.log.debug(`dial of discovered ${id} failed: ${err?.message ?? err}`)
      })
    })
  }

  private async learnProfile (connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    if (this.devmeetPeers.has(remote) && this.contacts.get(remote)?.displayName != null) return
    const profile = await this.profile?.fetch(connection)
    if (profile == null) return
    const name = profile.name
    this.noteClockSkew(remote, name, profile.clockSkewMs)
    const wasKnown = this.devmeetPeers.has(remote)
    this.devmeetPeers.add(remote)
    // Listen addresses from identify, not the connection's (an inbound connection's port is ephemeral).
    const stored = await this.node?.peerStore.get(connection.remotePeer).catch(() => undefined)
    const addrs = stored?.addresses.map(a => a.multiaddr.toString()) ?? []
    this.contacts.upsert({ peerId: remote, displayName: name, addrs, lastSeen: this.clock.now(), via: 'connection' })
    if (!wasKnown) this.events.emit('peer:connect', this.peerInfo(remote))
    this.emitPeers()
  }

  /**
   * Warns once per peer whose clock is off by more than two minutes. Nothing is refused for it:
   * chat is ordered by Lamport time and each peer starts meetings by its own clock, but the
   * sent-at times that peer stamps will look off, and that is worth knowing.
   */
  private noteClockSkew (peerId: string, name: string, skewMs: number | undefined): void {
    if (skewMs == null || Math.abs(skewMs) <= CLOCK_SKEW_WARN_MS || this.skewWarned.has(peerId)) return
    this.skewWarned.add(peerId)
    const minutes = Math.round(Math.abs(skewMs) / 60_000)
    const amount = minutes >= 120 ? shown`${Math.round(minutes / 60)} hours` : shown`${minutes} minutes`
    const direction = skewMs > 0 ? shown`ahead of` : shown`behind`
    // The name is the peer's own: a link or bidi trick in it must stay inert in the notification.
    const who = untrusted(name, 64)
    this.warn(shown`${who}'s clock is ${amount} ${direction} yours. Chat order and meeting start times are not affected, but the times on ${who}'s messages will look off.`)
  }

  private emitPeers (): void {
    this.events.emit('peers', this.peers())
  }

  private reconnectContacts (): void {
    const contacts = this.contacts.list().filter(c => c.addrs.length > 0)
    for (const c of contacts) void this.dialKnown(c.peerId)
  }

  private watchLock (): void {
    this.lockWatch = setInterval(() => {
      void this.lock.stillOwned().then(async owned => {
        if (owned || this.node == null) return
        this.log.warn('another window took over the DevMeet node; stopping here')
        if (this.lockWatch != null) clearInterval(this.lockWatch)
        await this.stopProtocols().catch(() => {})
        await this.stopNode()
        this.setStatus({ state: 'locked', ownerPid: -1 })
      })
    }, 3000)
    this.lockWatch.unref?.()
  }

  private async stopNode (): Promise<void> {
    const node = this.node
    this.node = undefined
    this.profile = undefined
    this.devmeetPeers.clear()
    if (node == null) return
    try {
      await node.stop()
    } catch (err) {
      this.log.warn(`stopping node: ${err}`)
    }
  }

  private setStatus (status: NodeStatus): void {
    this.statusValue = status
    this.events.emit('status', status)
  }
}

function describeStartError (err: any): string {
  const msg = String(err?.message ?? err)
  if (err?.code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(msg)) {
    return `the listen port is already in use (${msg}); change devmeet.listenAddresses or use port 0`
  }
  if (/EACCES|EROFS|permission denied/i.test(msg)) return `cannot write the data folder: ${msg}`
  return msg
}

/** A dial failure as one sentence a user can act on; exported for its unit test. */
export function describeDialError (err: any, platform: NodeJS.Platform = process.platform): string {
  const msg = String(err?.message ?? err)
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || /aborted|timed out/i.test(msg)) return 'no answer from that peer within 15 s (offline, firewalled, or a wrong address)'
  if (/ECONNREFUSED/.test(msg)) return 'connection refused: nothing is listening at that address'
  if (/EHOSTUNREACH|ENETUNREACH|No route to host/i.test(msg)) {
    // macOS 15 and later answer so for every LAN address until the app may use the local network.
    return platform === 'darwin'
      ? 'no route to that address: on macOS 15 or later, allow VS Code to use the local network (System Settings → Privacy & Security → Local Network); otherwise that network cannot be reached from here'
      : 'no route to that address: that network cannot be reached from here (another network, a VPN, or a firewall)'
  }
  if (/NotFound|not found/i.test(err?.name ?? msg)) return 'the DHT could not find that peer; ask for their full address (DevMeet: Copy My Address)'
  if (/peer id/i.test(msg)) return `the peer at that address is not the one named: ${msg}`
  return msg
}
