// Calibration at the start of a run: a fixed piece of CPU work (hashing and Ed25519 signing, what
// DevMeet's send path does), timed against the figure of the project's 2-core machine. Scenarios
// scale their waits by the slowdown, so a slower machine waits longer instead of skipping.
import { createHash, generateKeyPairSync, sign } from 'node:crypto'

/** The same work on the project's machine (AMD EPYC, 2 cores, quiet: 37–40 ms), in ms. */
export const REFERENCE_MS = 40

export interface Calibration {
  /** the fixed work's time here, best of three, in ms */
  ms: number
  /** ms / REFERENCE_MS, never below 1: waits are multiplied by it */
  slowdown: number
  /** ms / REFERENCE_MS as measured (below 1 on a faster machine) */
  ratio: number
}

function work (): number {
  const t0 = performance.now()
  const { privateKey } = generateKeyPairSync('ed25519')
  const block = Buffer.alloc(1024, 7)
  let digest = Buffer.alloc(32)
  for (let i = 0; i < 1000; i++) {
    digest = createHash('sha256').update(block).update(digest).digest()
    sign(null, digest, privateKey)
  }
  return performance.now() - t0
}

export function calibrate (): Calibration {
  work()
  const ms = Math.min(work(), work(), work())
  return { ms, slowdown: Math.max(1, ms / REFERENCE_MS), ratio: ms / REFERENCE_MS }
}

/** A wait of `ms` on the project's machine, scaled to this one. */
export function budget (opts: { slowdown: number }, ms: number): number {
  return Math.round(ms * Math.max(1, opts.slowdown))
}
