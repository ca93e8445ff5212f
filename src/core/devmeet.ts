import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from './node'
import { type NetworkConfig, networkConfigChanged } from './config'
import { Storage } from './storage'
import { type KeyStore, loadOrCreateKey, sanitizeDisplayName } from './identity'
import { ContactStore } from './contacts'
import { TeamStore } from './teams'
import { openDataFolder } from './data-folder'
import { NodeLock } from './lock'
import { formatPeerAddress } from './address'
import { Emitter } from './events'
import { type Clock, systemClock } from './clock'
import { type Logger, silentLogger } from './log'
import { type Components, createComponents, warnUser, warnUserOfOutsideText } from './components'
import type { DevMeetEvents, NodeStatus, PeerInfo } from './devmeet-events'
import { describeStartError } from './error-wording'
import { StorageHealth } from './storage-health'
import { Scheduler } from './scheduler'
import { probeWebRTC, WebRTCChoice, type WebRTCProbe, type WebRTCStatus } from './webrtc-support'
import { buildServices, startServices, stopServices, type ServiceOwner, type Services } from './services'
import { withRememberedPorts, rememberPorts } from './listen-port'

export type { DevMeetEvents, NodeStatus, PeerInfo } from './devmeet-events'

export interface DevMeetOptions {
  dataDir: string
  keyStore: KeyStore
  displayName: string
  config: NetworkConfig
  clock?: Clock
  log?: Logger
  connectionGater?: ConnectionGater
  /** retry timing of the invitation outbox (tests shorten it) */
  outboxBackoff?: ServiceOwner['outboxBackoff']
  /** minutes before start for the reminder; 0 = off */
  reminderMinutes?: number
  /** whether WebRTC's native module loads (tests make it fail) */
  webrtcProbe?: WebRTCProbe
  /** timings of the dial-back check and relay slots (tests shorten them) */
  superPeer?: ServiceOwner['superPeer']
}

/**
 * The DevMeet core: one object with methods and typed events, used by the extension and the
 * headless peer. It holds the lock, the status, starting and stopping, and builds the components
 * the services share; peers, conferences and chat live in their own modules.
 */
export class DevMeet {
  readonly events: Emitter<DevMeetEvents>
  readonly storage: Storage
  readonly contacts: ContactStore
  /** the user's teams: named groups of peers, local only (never sent) */
  readonly teams: TeamStore
  readonly clock: Clock
  readonly log: Logger
  /** the peers I know: contacts and connected DevMeet peers */
  readonly directory: Services['directory']
  /** conferences: create, invite, answer, reschedule, cancel */
  readonly conferences: Services['conferences']
  /** chat: send, history, presence */
  readonly chat: Services['chat']
  /** reachability, our relay for conference peers, our slots on theirs, how each peer is connected */
  readonly superPeer: Services['superPeer']
  private readonly components: Components
  private readonly scheduler: Scheduler
  private readonly lock: NodeLock
  private readonly storageHealth: StorageHealth
  private readonly webrtcChoice: WebRTCChoice
  private readonly services: Services
  private config: NetworkConfig
  private displayNameValue: string
  private node: DevMeetLibp2p | undefined
  private privateKey: PrivateKey | undefined
  private statusValue: NodeStatus = { state: 'stopped' }
  private unwatchLock: (() => void) | undefined
  private starting: Promise<void> | undefined

  constructor (private readonly opts: DevMeetOptions) {
    this.clock = opts.clock ?? systemClock
    this.log = opts.log ?? silentLogger
    this.events = new Emitter<DevMeetEvents>(this.log)
    this.config = opts.config
    this.displayNameValue = sanitizeDisplayName(opts.displayName)
    this.storage = new Storage(opts.dataDir, { onWarning: m => warnUserOfOutsideText(this.components, m), onWritable: (ok, error) => this.storageHealth.onWritable(ok, error) })
    const { storage, clock, log, events } = this
    this.components = createComponents({ node: () => this.node, key: () => this.privateKey, storage, clock, log, events })
    // Contacts named in a conference I keep are evicted last when the list is full.
    this.contacts = new ContactStore(storage, { inConferences: () => this.conferences.peersInConferences() })
    this.teams = new TeamStore(storage, () => this.clock.now())
    this.storageHealth = new StorageHealth(this.components, () => { void this.contacts.flush().catch(() => {}) }, () => this.statusValue.state === 'running')
    this.webrtcChoice = new WebRTCChoice(opts.webrtcProbe ?? probeWebRTC, m => warnUser(this.components, m))
    this.lock = new NodeLock(opts.dataDir)
    const services = buildServices(this.components, {
      contacts: this.contacts,
      node: () => this.node,
      displayName: () => this.displayNameValue,
      peerId: () => this.peerId,
      listenAddrs: () => this.listenAddrs(),
      webrtc: () => this.webrtc,
      addressesChanged: addrs => { if (this.statusValue.state === 'running') this.setStatus({ ...this.statusValue, addrs }) },
      outboxBackoff: opts.outboxBackoff,
      superPeer: opts.superPeer
    })
    this.services = services
    ;({ directory: this.directory, conferences: this.conferences, chat: this.chat, superPeer: this.superPeer } = services)
    this.scheduler = new Scheduler(clock, this.conferences, (event, view) => events.emit(event, view), opts.reminderMinutes ?? 5)
    events.on('conference:update', () => this.scheduler.check())
  }

  /** Minutes before start for the reminder (the devmeet.reminderMinutes setting); 0 turns it off. */
  setReminderMinutes (minutes: number): void { this.scheduler.setReminderMinutes(minutes) }
  get status (): NodeStatus { return this.statusValue }
  /** WebRTC in the running node: on, off by setting, or unavailable (with why); set at each start. */
  get webrtc (): WebRTCStatus { return this.webrtcChoice.status }
  get displayName (): string { return this.displayNameValue }
  /** The peer ID, known once the key is loaded (before the node listens). */
  get peerId (): string | undefined { return this.node?.peerId.toString() }
  /** The running libp2p node; throws NodeNotRunningError while stopped. */
  get libp2p (): DevMeetLibp2p { return this.components.node }
  /** The peer key; throws KeyNotLoadedError before the first start. */
  get key (): PrivateKey { return this.components.key }

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
      if (!lock.ok) return this.setStatus({ state: 'locked', ownerPid: lock.ownerPid })
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
    await openDataFolder(this.storage, this.contacts, this.log)
    const teams = await this.teams.load()
    if (teams.skipped != null) this.log.warn(`${teams.skipped} team(s) in teams.json were malformed or over the limit and were left out`)
    this.privateKey ??= await loadOrCreateKey(this.opts.keyStore, m => warnUserOfOutsideText(this.components, m))
    this.log.debug('peer key loaded')
    const config = this.webrtcChoice.configFor(this.config)
    const listenAddresses = await withRememberedPorts(this.storage, config.listenAddresses, this.log)
    const node = await createNode({ privateKey: this.privateKey, config: { ...config, listenAddresses }, connectionGater: this.superPeer.gater(this.opts.connectionGater, config.relayServer) })
    this.node = node
    this.log.debug('libp2p node created')
    await this.directory.start()
    await node.start()
    await startServices(this.services, config.relayServer)
    this.scheduler.start()
    this.setStatus({ state: 'running', peerId: node.peerId.toString(), addrs: this.listenAddrs(), webrtc: this.webrtc })
    this.log.info(`node running as ${node.peerId.toString()} on ${this.listenAddrs().join(', ')}`)
    this.unwatchLock = this.lock.watch(() => { void this.lockLost() })
    await rememberPorts(this.storage, config.listenAddresses, this.listenAddrs(), this.log).catch(err => this.log.warn(`the listen port could not be remembered: ${err?.message ?? err}`))
    this.directory.reconnectContacts()
    this.services.networkWatch.start()
  }

  private async stopProtocols (): Promise<void> {
    this.scheduler.stop()
    await stopServices(this.services)
  }

  async stop (): Promise<void> {
    if (this.starting != null) await this.starting.catch(() => {})
    this.storageHealth.stop()
    this.unwatchLock?.()
    await this.stopProtocols().catch(err => this.log.warn(`stopping protocols: ${err}`))
    await this.stopNode()
    await this.contacts.flush().catch(() => {})
    await this.teams.flush().catch(() => {})
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

  setDisplayName (name: string): void { this.displayNameValue = sanitizeDisplayName(name) }

  /** Our shareable address string: peer ID and dialable multiaddrs, one line. */
  address (): string {
    const node = this.libp2p
    return formatPeerAddress(node.peerId.toString(), node.getMultiaddrs())
  }

  listenAddrs (): string[] { return this.node?.getMultiaddrs().map(ma => ma.toString()) ?? [] }

  // The peer directory's surface for the UI and the CLI; each is documented on PeerDirectory.
  peers (): PeerInfo[] { return this.directory.peers() }
  peerInfo (peerId: string): PeerInfo { return this.directory.peerInfo(peerId) }
  onlineDevMeetPeers (): PeerInfo[] { return this.directory.onlineDevMeetPeers() }
  async connect (addressText: string): Promise<PeerInfo> { return await this.directory.connect(addressText) }
  async dialKnown (peerId: string, extraAddrs: string[] = []): Promise<boolean> { return await this.directory.dialKnown(peerId, extraAddrs) }
  rename (peerId: string, petname: string | undefined): void { this.directory.rename(peerId, petname) }
  async forget (peerId: string): Promise<void> { await this.directory.forget(peerId) }

  /** Another window took the lock over: this one stops its node and says so. */
  private async lockLost (): Promise<void> {
    if (this.node == null) return
    this.log.warn('another window took over the DevMeet node; stopping here')
    this.unwatchLock?.()
    await this.stopProtocols().catch(() => {})
    await this.stopNode()
    this.setStatus({ state: 'locked', ownerPid: -1 })
  }

  private async stopNode (): Promise<void> {
    const node = this.node
    this.directory.stop()
    this.node = undefined
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
