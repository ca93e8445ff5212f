import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { chosenNeighbours, jumpsFor, ringOf, MAX_CHAT_LINKS, MESH_DEGREE } from '../../src/core/chat/neighbours'

const peersOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `12D3KooWpeer${String(i).padStart(4, '0')}`)

/** Every participant's links (dialled either way) under chosenNeighbours. */
function graphOf (conferenceId: string, peers: string[], unavailable: (p: string) => boolean = () => false): Map<string, Set<string>> {
  const links = new Map(peers.map(p => [p, new Set<string>()]))
  for (const p of peers) {
    if (unavailable(p)) continue
    for (const q of chosenNeighbours(conferenceId, p, peers, unavailable)) {
      links.get(p)!.add(q)
      links.get(q)!.add(p)
    }
  }
  return links
}

/** Hops from `from` to every participant reached (breadth first). */
function hopsFrom (links: Map<string, Set<string>>, from: string): Map<string, number> {
  const hops = new Map([[from, 0]])
  const queue = [from]
  for (let i = 0; i < queue.length; i++) {
    for (const q of links.get(queue[i])!) {
      if (hops.has(q)) continue
      hops.set(q, hops.get(queue[i])! + 1)
      queue.push(q)
    }
  }
  return hops
}

describe('chat mesh neighbours', () => {
  it('is a full mesh up to the degree plus one, then bounded: six links each, connected, at most four hops at 100', () => {
    for (const n of [2, 5, MESH_DEGREE + 1]) {
      const peers = peersOf(n)
      for (const p of peers) assert.equal(chosenNeighbours('conf-a', p, peers).length, n - 1, `a conference of ${n} is a full mesh`)
    }
    for (const n of [8, 12, 16, 20, 50, 100, 150]) {
      const peers = peersOf(n)
      const links = graphOf('conf-a', peers)
      for (const [p, set] of links) {
        assert.ok(set.size <= MESH_DEGREE, `${p} has ${set.size} links in a conference of ${n}`)
        assert.ok(set.size >= 3, `${p} has ${set.size} links in a conference of ${n}`)
        assert.ok(chosenNeighbours('conf-a', p, peers).length <= 3, 'each dials three')
      }
      const hops = hopsFrom(links, peers[0])
      assert.equal(hops.size, n, `every participant reachable at ${n}`)
      if (n === 100) assert.ok(Math.max(...hops.values()) <= 4, `at most 4 hops at 100, got ${Math.max(...hops.values())}`)
    }
    assert.ok(MAX_CHAT_LINKS >= 2 * MESH_DEGREE)
  })

  it('places participants by a hash of the conference: the same everywhere, another order in another conference, the organizer not first', () => {
    const peers = peersOf(30)
    assert.deepEqual(ringOf('conf-a', peers), ringOf('conf-a', [...peers].reverse()), 'every participant computes the same ring')
    assert.notDeepEqual(ringOf('conf-a', peers), ringOf('conf-b', peers), 'another conference, other neighbours')
    const firsts = new Set(['a', 'b', 'c', 'd', 'e'].map(c => ringOf(`conf-${c}`, peers)[0]))
    assert.ok(firsts.size > 1, 'no participant (the organizer, listed first) has a fixed place')
    assert.deepEqual(jumpsFor(100), jumpsFor(100), 'the jumps are a function of the size')
  })

  it('picks the same jumps in every version: participants of two versions choose the same neighbours', () => {
    // Computed by the first version of jumpsFor; a faster search must find the same sets.
    const known: Array<[number, number[]]> = [[8, [1, 2, 3]], [12, [1, 2, 4]], [20, [1, 5, 8]], [33, [1, 9, 13]], [50, [1, 14, 20]], [64, [1, 23, 28]], [100, [1, 16, 22]], [150, [1, 56, 64]], [200, [1, 14, 89]]]
    for (const [n, jumps] of known) assert.deepEqual(jumpsFor(n), jumps, `jumps for ${n}`)
  })

  it('replaces a neighbour that cannot be reached by the next on the ring, and stays connected with a fifth gone', () => {
    const peers = peersOf(40)
    const me = peers[7]
    const before = chosenNeighbours('conf-a', me, peers)
    const gone = before[0]
    const after = chosenNeighbours('conf-a', me, peers, p => p === gone)
    assert.equal(after.length, before.length, 'as many neighbours as before')
    assert.ok(!after.includes(gone))
    const ring = ringOf('conf-a', peers)
    assert.equal(after[0], ring[(ring.indexOf(gone) + 1) % ring.length], 'the next one on the ring takes its place')
    const away = new Set(peers.filter((_, i) => i % 5 === 0))
    const links = graphOf('conf-a', peers, p => away.has(p))
    for (const p of away) links.delete(p)
    for (const set of links.values()) for (const q of away) set.delete(q)
    const present = peers.filter(p => !away.has(p))
    assert.equal(hopsFrom(links, present[0]).size, present.length, 'the participants present still reach each other')
  })

  it('chooses nobody for a peer that is not a participant', () => {
    assert.deepEqual(chosenNeighbours('conf-a', 'stranger', peersOf(20)), [])
  })
})
