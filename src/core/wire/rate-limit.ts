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
