import type { Connection } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { DevMeetLibp2p } from '../node'
import type { Logger } from '../log'
import { RefusedError } from '../errors'

/** Registered by a DevMeet node while it serves as a relay: identify tells its peers (its profile in libp2p terms). */
export const RELAY_OFFER_PROTOCOL = '/devmeet/relay-offer/1.0.0'

/** slots we hold at once: one to be reachable, a second so that losing a relay is not losing reach */
const MAX_SLOTS = 2
/** longest wait between tries on one relay, as a multiple of the retry interval */
const MAX_BACKOFF_FACTOR = 32
/**
 * relays a peer's relayed address is hinted through at most: in a meeting where every reachable
 * participant serves, a hint through each of them for each participant was relays × participants
 * peer store writes per participant (2,400 at 50) for addresses that are only guesses
 */
const MAX_HINTS_PER_PEER = 3
/** a burst of identify and conference events makes one round */
const POKE_DELAY_MS = 300

/**
 * Reserves a slot on one relay: libp2p's relay transport listens on `<relay>/p2p-circuit`, which
 * makes the reservation and adds the relayed addresses (and their /webrtc forms) to ours. libp2p
 * has no public call to listen at run time, hence the transport manager from the node's components.
 */
export async function reserveSlot (node: DevMeetLibp2p, relayAddr: Multiaddr): Promise<void> {
  const transportManager = (node as any).components?.transportManager
  if (transportManager?.listen == null) throw new RefusedError('this libp2p has no transport manager to listen with')
  const addr = relayAddr.toString().includes('/p2p-circuit') ? relayAddr : relayAddr.encapsulate('/p2p-circuit')
  await transportManager.listen([addr])
}

/** The relays our relayed addresses go through. */
export function relaysInUse (node: DevMeetLibp2p): Set<string> {
  const out = new Set<string>()
  for (const ma of node.getMultiaddrs()) {
    const text = ma.toString()
    const at = text.indexOf('/p2p-circuit')
    const relay = at >= 0 ? /\/p2p\/([^/]+)$/.exec(text.slice(0, at))?.[1] : undefined
    if (relay != null) out.add(relay)
  }
  return out
}

export interface RelayClientPorts {
  /** whether we may use (and hint at) this peer's relay: a conference peer or a chosen contact */
  allows(peerId: string): boolean
  /** peers named in the conferences I keep: they get relayed-address hints */
  inConferences(): Set<string>
  /** whether we need a slot: not while we are reachable or serve ourselves */
  needsSlot(): boolean
  /** whether our node runs WebRTC (then hints include the /webrtc form, tried first) */
  webrtc(): boolean
  now(): number
  log: Logger
}

/**
 * The client side of dynamic super peers: a node that peers cannot dial reserves a slot on a
 * connected peer that offers its relay, by itself; and for every conference peer it is not
 * connected to, it notes `<relay>/p2p-circuit/p2p/<peer>` in the peer store, so that dialling that
 * peer by ID (outbox, chat) also tries it through each relay we know.
 */
export class RelayClient {
  private timer: ReturnType<typeof setInterval> | undefined
  private pokeTimer: ReturnType<typeof setTimeout> | undefined
  private readonly failures = new Map<string, { count: number, retryAt: number, triedAt: number }>()
  private readonly hinted = new Set<string>()
  /** per peer, the relays hinted for it */
  private readonly hintsPer = new Map<string, number>()
  private ticking = false

  constructor (private readonly node: DevMeetLibp2p, private readonly retryMs: number, private readonly ports: RelayClientPorts) {}

  start (): void {
    this.timer = setInterval(() => { void this.tick() }, this.retryMs)
    this.timer.unref?.()
  }

  /**
   * A round soon (a relay offer appeared, a conference changed): debounced. `forgiveRefusals`
   * forgets earlier refusals, as a new conference may have made us admitted.
   */
  poke (forgiveRefusals = false): void {
    // Not sooner than one interval after the last try: each refused try leaves an idle listener
    // behind in libp2p's transport manager (closing it would cancel every reservation we hold).
    if (forgiveRefusals) for (const f of this.failures.values()) f.retryAt = Math.min(f.retryAt, f.triedAt + this.retryMs)
    if (this.pokeTimer != null) return
    this.pokeTimer = setTimeout(() => { this.pokeTimer = undefined; void this.tick() }, POKE_DELAY_MS)
    this.pokeTimer.unref?.()
  }

  stop (): void {
    if (this.pokeTimer != null) clearTimeout(this.pokeTimer)
    this.pokeTimer = undefined
    if (this.timer != null) clearInterval(this.timer)
    this.timer = undefined
    this.failures.clear()
    this.hinted.clear()
    this.hintsPer.clear()
  }

  /** One round: hints for every offering relay, then a slot if we need one. */
  async tick (): Promise<void> {
    if (this.ticking) return
    this.ticking = true
    try {
      const relays = await this.offeringRelays()
      await this.hint(relays)
      if (this.ports.needsSlot()) await this.reserve(relays)
    } finally {
      this.ticking = false
    }
  }

  private async offeringRelays (): Promise<Array<{ peerId: string, addr: Multiaddr }>> {
    const out: Array<{ peerId: string, addr: Multiaddr }> = []
    const seen = new Set<string>()
    for (const conn of this.node.getConnections()) {
      const peerId = conn.remotePeer.toString()
      if (seen.has(peerId) || isRelayed(conn) || !this.ports.allows(peerId)) continue
      const stored = await this.node.peerStore.get(conn.remotePeer).catch(() => undefined)
      if (stored?.protocols.includes(RELAY_OFFER_PROTOCOL) !== true) continue
      seen.add(peerId)
      // An inbound connection's port is ephemeral: its listen address from identify is dialable.
      const listen = stored.addresses.map(a => a.multiaddr).find(a => a.toString().includes('/tcp/') && !a.toString().includes('/p2p-circuit'))
      const base = conn.direction === 'outbound' ? conn.remoteAddr : (listen ?? conn.remoteAddr)
      out.push({ peerId, addr: multiaddr(base.toString().replace(/\/p2p\/[^/]+$/, '')).encapsulate(`/p2p/${peerId}`) })
    }
    return out
  }

  private async reserve (relays: Array<{ peerId: string, addr: Multiaddr }>): Promise<void> {
    const inUse = relaysInUse(this.node)
    const now = this.ports.now()
    for (const relay of relays) {
      if (inUse.size >= MAX_SLOTS) return
      if (inUse.has(relay.peerId) || (this.failures.get(relay.peerId)?.retryAt ?? 0) > now) continue
      try {
        await reserveSlot(this.node, relay.addr)
        this.failures.delete(relay.peerId)
        inUse.add(relay.peerId)
        this.ports.log.info(`reserved a relay slot on ${relay.peerId}`)
      } catch (err: any) {
        // Refused (we are not admitted yet, or it stopped serving): try again later, less often each time.
        const count = (this.failures.get(relay.peerId)?.count ?? 0) + 1
        this.failures.set(relay.peerId, { count, triedAt: now, retryAt: now + this.retryMs * Math.min(2 ** count, MAX_BACKOFF_FACTOR) })
        this.ports.log.debug(`relay slot on ${relay.peerId} refused: ${err?.message ?? err}`)
      }
    }
  }

  private async hint (relays: Array<{ peerId: string, addr: Multiaddr }>): Promise<void> {
    if (relays.length === 0) return
    const me = this.node.peerId.toString()
    // Relays we hold a slot on first: they admit us, and a peer of ours likely holds one there too.
    const inUse = relaysInUse(this.node)
    const ordered = [...relays.filter(r => inUse.has(r.peerId)), ...relays.filter(r => !inUse.has(r.peerId))]
    for (const peer of this.ports.inConferences()) {
      if (peer === me || this.node.getConnections(peerIdFromString(peer)).length > 0) continue
      for (const relay of ordered) {
        const key = `${relay.peerId}|${peer}`
        if (relay.peerId === peer || this.hinted.has(key)) continue
        if ((this.hintsPer.get(peer) ?? 0) >= MAX_HINTS_PER_PEER) break
        this.hintsPer.set(peer, (this.hintsPer.get(peer) ?? 0) + 1)
        this.hinted.add(key)
        const circuit = relay.addr.encapsulate('/p2p-circuit')
        const multiaddrs = this.ports.webrtc() ? [circuit.encapsulate('/webrtc'), circuit] : [circuit]
        await this.node.peerStore.merge(peerIdFromString(peer), { multiaddrs }).catch(() => {})
      }
    }
  }
}

function isRelayed (conn: Connection): boolean {
  return conn.remoteAddr.toString().includes('/p2p-circuit')
}
