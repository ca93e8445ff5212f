import { createHash } from 'node:crypto'

/** chat links each participant dials: three jumps on the ring, so about six links each (three dialled, three taken) */
export const MESH_DEGREE = 6
/** chat streams one participant keeps per conference at most (links it did not choose are refused past this) */
export const MAX_CHAT_LINKS = 12
/** jump sets tried for a ring size (fixed seed: every participant finds the same one) */
const CANDIDATES = 160

/**
 * The participants in ring order: sorted by a hash of the conference and the peer ID, so a
 * participant's place (and so its neighbours) is spread at random, cannot be chosen by picking a
 * peer ID for one conference ahead of its ID, and the organizer is not special.
 */
export function ringOf (conferenceId: string, participants: Iterable<string>): readonly string[] {
  const unique = [...new Set(participants)]
  // Asked for every stream accepted and every round: a hash per participant each time was a
  // third of the mesh's own work at a 50-participant start.
  const key = `${conferenceId}\n${unique.join('\n')}`
  const cached = ringCache.get(key)
  if (cached != null) return cached
  const keyed = unique.map(p => ({ p, h: createHash('sha256').update(`${conferenceId}\0${p}`).digest('hex') }))
  keyed.sort((a, b) => a.h < b.h ? -1 : a.h > b.h ? 1 : 0)
  const ring = keyed.map(k => k.p)
  if (ringCache.size >= RINGS_CACHED) ringCache.delete(ringCache.keys().next().value!)
  ringCache.set(key, ring)
  return ring
}

/** rings of the last few participant lists (one per conference in a meeting, a few as answers arrive) */
const RINGS_CACHED = 16
const ringCache = new Map<string, readonly string[]>()

/**
 * The participants `me` dials in a conference: everyone when the conference is small (a full
 * mesh), else the participant one, a and b places further on the ring (a circulant graph: the
 * ring keeps it connected, every participant has six links, and the jumps keep the hops from
 * anyone to anyone few: 4 at 100 participants). A participant we cannot reach (`unavailable`) is
 * replaced by the next one on the ring, so a departing neighbour is replaced.
 */
export function chosenNeighbours (conferenceId: string, me: string, participants: Iterable<string>, unavailable: (peer: string) => boolean = () => false): string[] {
  const ring = ringOf(conferenceId, participants)
  const at = ring.indexOf(me)
  if (at < 0) return []
  const n = ring.length
  if (n <= MESH_DEGREE + 1) return ring.filter(p => p !== me)
  const chosen = new Set<string>()
  for (const jump of jumpsFor(n)) {
    // The first reachable participant from the jump's place on (bounded by the ring's size).
    for (let step = 0; step < n - 1; step++) {
      const p = ring[(at + jump + step) % n]
      if (p === me || chosen.has(p) || unavailable(p)) continue
      chosen.add(p)
      break
    }
  }
  return [...chosen]
}

const jumpCache = new Map<number, number[]>()

/**
 * The three jumps of a ring of `n`: 1 and the pair, among a fixed pseudo-random set, with the
 * fewest hops from one participant to the farthest (then on average). A circulant graph looks the
 * same from every place, so one breadth-first search from place 0 measures it.
 */
export function jumpsFor (n: number): number[] {
  const cached = jumpCache.get(n)
  if (cached != null) return cached
  const half = Math.floor(n / 2)
  const k = Math.max(2, Math.round(Math.cbrt(n)))
  const candidates: Array<[number, number]> = [[Math.min(k, half), Math.min(k * k, half)]]
  let seed = 0x9e3779b9 ^ n
  const next = (): number => {
    // xorshift32: the same sequence on every participant
    seed ^= seed << 13; seed >>>= 0
    seed ^= seed >>> 17
    seed ^= seed << 5; seed >>>= 0
    return seed
  }
  for (let i = 0; i < CANDIDATES && half > 2; i++) {
    const a = 2 + (next() % (half - 1))
    const b = 2 + (next() % (half - 1))
    if (a !== b) candidates.push([Math.min(a, b), Math.max(a, b)])
  }
  let best = [1, ...candidates[0]]
  let bestScore = Infinity
  for (const [a, b] of candidates) {
    const score = hopScore(n, [1, a, b], bestScore)
    if (score < bestScore) {
      bestScore = score
      best = [1, a, b]
    }
  }
  jumpCache.set(n, best)
  return best
}

/**
 * The farthest hop count times n², plus the total of hop counts: lower is better; Infinity once
 * it cannot be below `bound`. Typed arrays and no allocation per step: every participant runs this for 160 jump sets at a meeting's start,
 * when 50 processes share the machine (36 ms a participant before, on a cold start).
 */
function hopScore (n: number, jumps: number[], bound = Infinity): number {
  const dist = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  dist[0] = 0
  let tail = 1
  let total = 0
  let far = 0
  for (let i = 0; i < tail; i++) {
    const v = queue[i]
    const d = dist[v] + 1
    // A place this far makes the score at least d·n², more than `bound`: this set cannot win.
    const tooFar = d * n * n > bound
    for (let k = 0; k < jumps.length; k++) {
      const j = jumps[k]
      let w = (v + j) % n
      if (dist[w] < 0) {
        if (tooFar) return Infinity
        dist[w] = d
        total += d
        if (d > far) far = d
        queue[tail++] = w
      }
      w = (v - j + n) % n
      if (dist[w] < 0) {
        if (tooFar) return Infinity
        dist[w] = d
        total += d
        if (d > far) far = d
        queue[tail++] = w
      }
    }
  }
  return tail < n ? Infinity : far * n * n + total
}
