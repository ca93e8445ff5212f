import { peerIdFromString } from '@libp2p/peer-id'
import type { DevMeetLibp2p } from '../node'
import type { Logger } from '../log'
import { dialAt } from './dial'
import type { PeerExchange } from './peer-exchange'
import { PeerRateLimiter } from '../wire/rate-limit'

/**
 * A peer that stays unreachable is dialled at its remembered addresses and looked up again after
 * this long, then twice as long each time, up to MAX_RETRY_GAP_MS: two teammates who restart at
 * once each dial the other before it listens, and a laptop coming back from sleep answers later.
 */
const RETRY_AFTER_MS = 2000
const MAX_RETRY_GAP_MS = 60_000
/** How long a peer that failed stays wanted (looked up again whenever someone new connects). */
const WANTED_FOR_MS = 10 * 60_000
const MAX_WANTED = 256
/** Connected peers asked in one lookup. */
const MAX_ASKED = 4
const DHT_TIMEOUT_MS = 5000
/** Lookups under way at once: at start every contact that moved fails its dial together. */
const MAX_LOOKUPS_AT_ONCE = 4

export interface PeerFinderPorts {
  node: () => DevMeetLibp2p | undefined
  /** dials the peer at the addresses we remember for it; true once connected */
  dialRemembered: (peerId: string) => Promise<boolean>
  /** connected DevMeet peers worth asking about `target`, the likeliest to know it first */
  askable: (target: string) => string[]
  exchange: PeerExchange
  log: Logger
  now: () => number
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

interface Wanted {
  since: number
  triedAt: number
  /** lookups so far: the wait before the next one doubles with each */
  tries: number
}

/**
 * Finds known peers that do not answer at their remembered addresses: through the private DHT
 * (peer routing by ID) and by asking connected DevMeet peers (peer-exchange.ts), then dials what
 * it found. A connection that comes up fires peer:connect, which makes the outbox retry at once
 * and the chat open its streams: nothing here needs to know about either.
 */
export class PeerFinder {
  private readonly wanted = new Map<string, Wanted>()
  private readonly inFlight = new Set<string>()
  private retryTimer: unknown
  /** Our asks per source stay under what the source serves (2 a second, bursts of 10): over it, it would cut us off. */
  private readonly askBudget: PeerRateLimiter

  constructor (private readonly ports: PeerFinderPorts) {
    this.askBudget = new PeerRateLimiter(1.5, 8, () => ports.now(), Number.POSITIVE_INFINITY)
  }

  /** A dial of `peerId` failed: look it up (unless that was done a moment ago). */
  lost (peerId: string): void {
    const now = this.ports.now()
    const w = this.wanted.get(peerId)
    if (w == null) {
      if (this.wanted.size >= MAX_WANTED) this.dropOldest()
      this.wanted.set(peerId, { since: now, triedAt: 0, tries: 0 })
    }
    this.tryLookUp(peerId, false)
  }

  /** The peer is connected: nothing to look up. */
  found (peerId: string): void {
    this.wanted.delete(peerId)
  }

  /** When a peer that stays unreachable is tried again. */
  static retryGap (tries: number): number {
    return Math.min(RETRY_AFTER_MS * 2 ** Math.max(0, tries - 1), MAX_RETRY_GAP_MS)
  }

  /** DevMeet peer `source` connected: it may know where the wanted ones are now, so it is asked about each. */
  newSource (source: string): void {
    const now = this.ports.now()
    for (const [peerId, w] of this.wanted) {
      if (now - w.since > WANTED_FOR_MS) this.wanted.delete(peerId)
      else if (peerId !== source) void this.ask(source, peerId).catch(err => this.ports.log.debug(`asking ${source} for ${peerId}: ${err?.message ?? err}`))
    }
  }

  clear (): void {
    this.wanted.clear()
    if (this.retryTimer != null) this.ports.clearTimeout(this.retryTimer)
    this.retryTimer = undefined
  }

  /** Peers being looked up (for tests and the status). */
  wantedPeers (): string[] {
    return [...this.wanted.keys()]
  }

  /** `dialRemembered`: dial the remembered addresses too (not when the caller just did). */
  private tryLookUp (peerId: string, dialRemembered: boolean): void {
    const w = this.wanted.get(peerId)
    const now = this.ports.now()
    if (w == null || this.inFlight.has(peerId) || this.inFlight.size >= MAX_LOOKUPS_AT_ONCE || now - w.triedAt < PeerFinder.retryGap(w.tries)) {
      this.scheduleRetry()
      return
    }
    w.triedAt = now
    w.tries++
    this.inFlight.add(peerId)
    void this.lookUp(peerId, dialRemembered).finally(() => {
      this.inFlight.delete(peerId)
      this.scheduleRetry()
    })
  }

  /** One timer, for the wanted peer due first; peers wanted for too long are given up. */
  private scheduleRetry (): void {
    if (this.retryTimer != null) this.ports.clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const now = this.ports.now()
    let due = Infinity
    for (const [peerId, w] of this.wanted) {
      if (now - w.since > WANTED_FOR_MS) this.wanted.delete(peerId)
      else if (!this.inFlight.has(peerId)) due = Math.min(due, w.triedAt + PeerFinder.retryGap(w.tries))
    }
    if (due === Infinity) return
    this.retryTimer = this.ports.setTimeout(() => {
      this.retryTimer = undefined
      const at = this.ports.now()
      for (const [peerId, w] of this.wanted) if (at - w.triedAt >= PeerFinder.retryGap(w.tries)) this.tryLookUp(peerId, true)
      this.scheduleRetry()
    }, Math.max(0, due - now))
  }

  private async lookUp (peerId: string, dialRemembered: boolean): Promise<void> {
    const node = this.ports.node()
    if (node == null) return
    if (dialRemembered && await this.ports.dialRemembered(peerId)) {
      this.found(peerId)
      return
    }
    const fromDht = (async () => {
      const found = await node.peerRouting.findPeer(peerIdFromString(peerId), { signal: AbortSignal.timeout(DHT_TIMEOUT_MS), useCache: false } as any)
      await this.dialFound(peerId, 'the DHT', found.multiaddrs.map(a => a.toString()))
    })()
    const asked = this.ports.askable(peerId).filter(p => p !== peerId).slice(0, MAX_ASKED)
    const results = await Promise.allSettled([fromDht, ...asked.map(async p => await this.ask(p, peerId))])
    for (const r of results) if (r.status === 'rejected') this.ports.log.debug(`lookup of ${peerId}: ${r.reason?.message ?? r.reason}`)
  }

  /** Asks connected peer `source` where `peerId` is, and dials what it says. */
  private async ask (source: string, peerId: string): Promise<void> {
    const node = this.ports.node()
    if (node == null || !this.askBudget.take(source)) return
    await this.dialFound(peerId, `peer ${source}`, await this.ports.exchange.ask(node, source, peerId))
  }

  private async dialFound (peerId: string, source: string, addrs: string[]): Promise<void> {
    const node = this.ports.node()
    if (node == null || addrs.length === 0 || node.getConnections(peerIdFromString(peerId)).length > 0) return
    this.ports.log.debug(`found ${peerId} through ${source}: ${addrs.join(' ')}`)
    if (await dialAt(node, peerId, addrs, this.ports.log)) this.found(peerId)
  }

  private dropOldest (): void {
    let oldest: string | undefined
    let since = Infinity
    for (const [p, w] of this.wanted) if (w.since < since) { since = w.since; oldest = p }
    if (oldest != null) this.wanted.delete(oldest)
  }
}
