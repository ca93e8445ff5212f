/*
 * Requests that make a participant send history (HOSTILE-INPUTS 45): a `want` (messages of one
 * author by sequence) and a `linked` frame that drops an author (everything of that author the
 * peer may have missed). A frame of a few dozen bytes could otherwise ask for the whole history,
 * as often as the peer likes. Two limits: a message goes at most once over one stream (see
 * ChatLink.sendMessages: a stream either delivers or dies, and a new stream syncs by its hello),
 * so repeating a request costs no bytes; and requests are rate-limited per stream, so repeating
 * one costs little work either.
 */

/**
 * Requests per stream: honest peers send a `want` per author at most every 2 s (gap repair) or a
 * few at once (after cutting off a flooder), and `linked` once per burst of stream changes; 30 at
 * once and 5 a second cover a meeting's churn many times over.
 */
export const REQUEST_BURST = 30
export const REQUESTS_PER_SECOND = 5
/** sequences one `want` covers at most */
export const MAX_WANT_SPAN = 10_000

/** A token bucket for one stream's requests. */
export class RequestBudget {
  private tokens = REQUEST_BURST
  private at: number

  constructor (private readonly now: () => number) {
    this.at = now()
  }

  take (): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** Milliseconds until a request would be taken again. */
  waitMs (): number {
    this.refill()
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / REQUESTS_PER_SECOND * 1000)
  }

  private refill (): void {
    const now = this.now()
    this.tokens = Math.min(REQUEST_BURST, this.tokens + Math.max(0, now - this.at) / 1000 * REQUESTS_PER_SECOND)
    this.at = now
  }
}

/** Each stream's request budget; a request over it is refused and counted. */
export class RequestBudgets {
  private readonly budgets = new WeakMap<object, RequestBudget>()

  constructor (private readonly now: () => number, private readonly stats: { requestsThrottled: number }) {}

  /** Takes one request of `link`'s budget; false (counted) when it has none left. */
  take (link: object): boolean {
    if (this.of(link).take()) return true
    this.stats.requestsThrottled++
    return false
  }

  /** Milliseconds until `link` may make a request again. */
  waitMs (link: object): number {
    return this.of(link).waitMs()
  }

  private of (link: object): RequestBudget {
    let b = this.budgets.get(link)
    if (b == null) this.budgets.set(link, b = new RequestBudget(this.now))
    return b
  }
}
