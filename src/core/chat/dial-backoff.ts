const FIRST_WAIT_MS = 1000
const MAX_WAIT_MS = 60_000

/** When to dial a participant's chat again after a failed attempt: the wait doubles up to a minute. */
export class DialBackoff {
  private readonly next = new Map<string, { at: number, wait: number }>()

  constructor (private readonly now: () => number) {}

  /** Whether the periodic reconnect may dial `key` now. */
  ready (key: string): boolean {
    const backoff = this.next.get(key)
    return backoff == null || backoff.at <= this.now()
  }

  /** A dial failed: the next waits twice as long as the last (2 s at first). Returns that wait in ms. */
  failed (key: string): number {
    const wait = Math.min(MAX_WAIT_MS, (this.next.get(key)?.wait ?? FIRST_WAIT_MS) * 2)
    this.next.set(key, { at: this.now() + wait, wait })
    return wait
  }

  /** Ms until the soonest wait still running ends, or undefined when none is. */
  nextEndsIn (): number | undefined {
    const now = this.now()
    let soonest: number | undefined
    for (const { at } of this.next.values()) if (at > now && (soonest == null || at < soonest)) soonest = at
    return soonest == null ? undefined : soonest - now
  }

  /** A stream is up: the next failure starts from the first wait. */
  succeeded (key: string): void {
    this.next.delete(key)
  }
}
