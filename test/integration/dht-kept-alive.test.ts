// The DHT keeps only a few of its closest peers connected: kad-dht's own 20 made each participant of
// a 50-person conference hold 43-47 connections beside its six chat links (issue 14).
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { KEEP_ALIVE } from '@libp2p/interface'
import { makePeer, startAll, eventually, cleanup, type TestPeer } from '../helpers/peers'
import { DHT_PEERS_KEPT_ALIVE, keepFewDhtPeersAlive } from '../../src/core/node'

after(cleanup)

async function keptAlive (p: TestPeer): Promise<number> {
  const peers = await p.libp2p.peerStore.all()
  return peers.filter(q => [...q.tags.keys()].some(t => t.startsWith(KEEP_ALIVE))).length
}

describe('peers the DHT keeps alive', () => {
  it('the installed kad-dht still takes the size of its kept-alive set', async () => {
    const p = makePeer('Size')
    await startAll(p)
    // createNode set it; setting it again on the real service finds the same field.
    assert.equal(keepFewDhtPeersAlive(p.libp2p.services.dht), true)
    assert.equal((p.libp2p.services.dht as any).routingTable.closestPeerTagger.peerSetSize, DHT_PEERS_KEPT_ALIVE)
    assert.equal(keepFewDhtPeersAlive({}), false)
  })

  it(`seven peers all connected: each tags at most ${DHT_PEERS_KEPT_ALIVE} keep-alive, though each knows six`, async () => {
    const all = Array.from({ length: 7 }, (_, i) => makePeer(`Kept ${i}`))
    await startAll(...all)
    for (const [i, p] of all.entries()) for (const q of all.slice(i + 1)) await p.connect(q.address())
    await eventually('every routing table holds the six others', async () => {
      return all.every(p => (p.libp2p.services.dht as any).routingTable.size >= 6)
    }, 30_000)
    // kad-dht tags its closest set every 5 s.
    await eventually(`every peer tags ${DHT_PEERS_KEPT_ALIVE}`, async () => (await Promise.all(all.map(keptAlive))).every(n => n === DHT_PEERS_KEPT_ALIVE), 20_000)
    await new Promise(resolve => setTimeout(resolve, 6000))
    const counts = await Promise.all(all.map(keptAlive))
    assert.ok(counts.every(n => n === DHT_PEERS_KEPT_ALIVE), `kept alive per peer: ${counts.join(' ')}`)
  })
})
