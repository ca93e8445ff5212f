/**
 * Per-peer token buckets with strikes: a peer that keeps exceeding its rate or sending garbage
 * is denied for a while. Entries for idle peers are dropped so the map stays bounded.
 */
export class PeerRateLimiter {
  private readonly buckets = new Map<string, { tokens: number, at: number, strikes: number, deniedUntil: number }>()

  constructor (
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxStrikes = 10,
    private readonly denyMs = 60_000
  ) {}

  /** Takes `cost` tokens; false when the peer is over its rate or denied. */
  take (peer: string, cost = 1): boolean {
    const now = this.now()
    let b = this.buckets.get(peer)
    if (b == null) {
      if (this.buckets.size > 10_000) this.prune(now)
      b = { tokens: this.burst, at: now, strikes: 0, deniedUntil: 0 }
      this.buckets.set(peer, b)
    }
    if (b.deniedUntil > now) return false
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) / 1000 * this.ratePerSecond)
    b.at = now
    if (b.tokens < cost) {
      this.strike(peer)
      return false
    }
    b.tokens -= cost
    return true
  }

  /** Records misbehaviour; returns true when the peer is now denied. */
  strike (peer: string): boolean {
    const now = this.now()
    const b = this.buckets.get(peer) ?? { tokens: 0, at: now, strikes: 0, deniedUntil: 0 }
    this.buckets.set(peer, b)
    b.strikes++
    if (b.strikes >= this.maxStrikes) {
      b.deniedUntil = now + this.denyMs
      b.strikes = 0
      return true
    }
    return false
  }

  denied (peer: string): boolean {
    return (this.buckets.get(peer)?.deniedUntil ?? 0) > this.now()
  }

  private prune (now: number): void {
    for (const [peer, b] of this.buckets) {
      if (b.deniedUntil < now && now - b.at > 60_000) this.buckets.delete(peer)
    }
  }
}

export type FloodVerdict = 'ok' | 'refused' | 'cut'

/**
 * A token bucket per key that tells a burst from a flood: a key over its rate is throttled (each
 * token it lacks is refused), and one still over it `graceMs` after its first refusal is cut off.
 * Each cut-off of the same key lasts twice the one before (from `cutOffMs` up to `maxCutOffMs`).
 */
export class FloodGuard {
  private readonly keys = new Map<string, { tokens: number, at: number, since: number, last: number, refused: number, offences: number }>()

  constructor (
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
    readonly graceMs = 2000,
    readonly cutOffMs = 60_000,
    readonly maxCutOffMs = 60 * 60_000
  ) {}

  /** Takes one token for `key`: 'ok', 'refused' (throttled), or 'cut' (refused, and over the grace period). */
  take (key: string): FloodVerdict {
    const now = this.now()
    let k = this.keys.get(key)
    if (k == null) {
      if (this.keys.size > 10_000) this.prune(now)
      k = { tokens: this.burst, at: now, since: 0, last: 0, refused: 0, offences: 0 }
      this.keys.set(key, k)
    }
    k.tokens = Math.min(this.burst, k.tokens + (now - k.at) / 1000 * this.ratePerSecond)
    k.at = now
    if (k.tokens >= 1) {
      k.tokens -= 1
      return 'ok'
    }
    // A refusal a second or more after the last one starts a new spell of throttling.
    if (now - k.last >= 1000) {
      k.since = now
      k.refused = 0
    }
    k.last = now
    k.refused++
    return now - k.since >= this.graceMs ? 'cut' : 'refused'
  }

  /** True when `key` has no token now (takes none). */
  throttled (key: string): boolean {
    const k = this.keys.get(key)
    if (k == null) return false
    return Math.min(this.burst, k.tokens + (this.now() - k.at) / 1000 * this.ratePerSecond) < 1
  }

  /** Messages refused in the current spell of throttling. */
  refused (key: string): number {
    return this.keys.get(key)?.refused ?? 0
  }

  /** Records a cut-off of `key` and returns how long it lasts. */
  offence (key: string): number {
    const k = this.keys.get(key)
    if (k == null) return this.cutOffMs
    k.offences++
    k.since = this.now()
    k.refused = 0
    return Math.min(this.maxCutOffMs, this.cutOffMs * 2 ** (k.offences - 1))
  }

  private prune (now: number): void {
    for (const [key, k] of this.keys) {
      if (k.offences === 0 && now - k.at > 10 * 60_000) this.keys.delete(key)
    }
  }
}
