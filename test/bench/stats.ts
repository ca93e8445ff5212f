// Figures from samples: percentiles and a wait for the event loop to go quiet between samples.
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface Summary {
  n: number
  p50: number
  p99: number
  mean: number
  min: number
  max: number
}

/** Nearest-rank percentile of sorted values. */
export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function summarize (samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN }
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Waits until the event loop has been idle (timers fire on time) for a few ticks, so that work
 * left from one sample (forwarded duplicates, acknowledgements) does not land in the next.
 */
export async function settle (maxMs = 2000): Promise<void> {
  const until = performance.now() + maxMs
  let quiet = 0
  while (quiet < 3 && performance.now() < until) {
    const t = performance.now()
    await sleep(2)
    quiet = performance.now() - t < 4 ? quiet + 1 : 0
  }
}

/** Runs `fn` until `timeoutMs` passes, then rejects with what it was waiting for. */
export async function within<T> (what: string, timeoutMs: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([p, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)), timeoutMs) })])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls until `check` holds. */
export async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await sleep(10)
  }
}

/** The event loop's delay while `fn` runs (a hint of how busy the process was). */
export async function withLoopDelay<T> (fn: () => Promise<T>): Promise<{ value: T, p99DelayMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  try {
    const value = await fn()
    return { value, p99DelayMs: h.percentile(99) / 1e6 }
  } finally {
    h.disable()
  }
}
