// Dynamic super peers on loopback: a peer that its peers can dial back serves as a relay, only for
// the peers it shares a conference or a chosen contact with. "Behind NAT" is a gater that refuses
// every inbound TCP connection (as a home router does), so a dial-back to such a peer fails.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import type { ConnectionGater } from '@libp2p/interface'
import { makePeer, startAll, eventually, cleanup, runningConference, type TestPeer } from '../helpers/peers'
import { reserveSlot } from '../../src/core/relay/reservations'
import { ProfileProtocol } from '../../src/core/profile'
import { silentLogger } from '../../src/core/log'
import { askDialBack } from '../../src/core/relay/dial-back'
import { ownTcpAddrs } from '../../src/core/relay/reachability'

after(cleanup)

/** Refuses inbound TCP (a NAT with no port forwarding); relayed connections still come in. */
const behindNat: ConnectionGater = {
  denyDialMultiaddr: () => false,
  denyInboundConnection: maConn => !maConn.remoteAddr.toString().includes('/p2p-circuit')
}

const quick = { firstCheckMs: 200, recheckMs: 1000, reserveRetryMs: 500 }

function relayedAddrs (p: TestPeer): string[] {
  return p.listenAddrs().filter(a => a.includes('/p2p-circuit'))
}

describe('dynamic super peers', () => {
  it('a stranger cannot reserve a slot on a reachable participant, nor be relayed to its participants', async () => {
    const carol = makePeer('Carol', { superPeer: quick })
    const alice = makePeer('Alice', { superPeer: quick, connectionGater: behindNat })
    const mallory = makePeer('Mallory', { superPeer: quick, connectionGater: behindNat })
    await startAll(carol, alice, mallory)
    await alice.connect(carol.address())
    await mallory.connect(carol.address())
    await runningConference(carol, [alice])

    await eventually('Carol learns from a dial-back that she is reachable, and serves', () => carol.superPeer.serving, 20_000)
    assert.equal(alice.superPeer.serving, false, 'a peer behind NAT does not serve')
    const profiles = new ProfileProtocol(alice.libp2p, () => 'Alice', silentLogger)
    assert.equal((await profiles.fetch(alice.libp2p.getConnections(carol.libp2p.peerId)[0]))?.relay, true, 'Carol\'s profile says she relays')
    assert.equal((await new ProfileProtocol(carol.libp2p, () => 'Carol', silentLogger).fetch(carol.libp2p.getConnections(alice.libp2p.peerId)[0]))?.relay, undefined)
    await eventually('Alice reserves a slot on Carol by herself', () => relayedAddrs(alice).some(a => a.includes(carol.peerId!)), 20_000)

    // Mallory asks for a slot in the relay protocol itself: refused by Carol's relay.
    await assert.rejects(reserveSlot(mallory.libp2p, carol.libp2p.getMultiaddrs()[0]))
    assert.equal(relayedAddrs(mallory).length, 0, 'Mallory holds no slot')
    const slots = [...carol.superPeer.reservedPeers()]
    assert.deepEqual(slots, [alice.peerId], 'Carol holds a slot for Alice only')

    // Nor will Carol dial Mallory back (she would, for a participant: that is how Alice learnt she is behind NAT).
    const toCarol = mallory.libp2p.getConnections(carol.libp2p.peerId)[0]
    assert.equal(await askDialBack(toCarol, ownTcpAddrs(mallory.libp2p), silentLogger), undefined, 'dial-back refused to a stranger')
    await eventually('Alice learns from Carol\'s dial-back that she is behind NAT', () => alice.superPeer.reachability === 'unreachable', 10_000)

    // Mallory dials Alice through Carol's relay: Carol refuses to connect a stranger to her.
    const viaCarol = relayedAddrs(alice).find(a => !a.includes('/webrtc'))!
    await assert.rejects(mallory.connect(viaCarol))
  })

  it('a reachable peer learns it as soon as a conference admits it, not at the next minute\'s check', async () => {
    // Checks a minute apart: before the fix the first check (refused: strangers) left Carol unknown for that minute.
    const slowRecheck = { ...quick, recheckMs: 60_000 }
    const carol = makePeer('Carol', { superPeer: slowRecheck })
    const alice = makePeer('Alice', { superPeer: slowRecheck })
    await startAll(carol, alice)
    await carol.connect(alice.address())
    await new Promise(resolve => setTimeout(resolve, 1500))
    assert.equal(carol.superPeer.reachability, 'unknown', 'a stranger does not dial Carol back')
    // An invitation planned ahead (no chat yet, so no new connection whose identify would prompt a check).
    const { context } = await carol.conferences.create({ title: 'All hands', start: Date.now() + 3_600_000, durationMinutes: 60, invitees: [alice.peerId!] })
    await eventually('the invitation arrives', () => alice.conferences.get(context.id) != null)
    await eventually('Carol learns she is reachable within seconds of the invitation', () => carol.superPeer.reachability === 'reachable', 10_000)
    await eventually('and serves her participants as a super peer', () => carol.superPeer.serving, 5000)
  })

  it('participants behind NAT reach each other through the slot, and each says how it is connected', async () => {
    const carol = makePeer('Carol', { superPeer: quick })
    const alice = makePeer('Alice', { superPeer: quick, connectionGater: behindNat })
    const bob = makePeer('Bob', { superPeer: quick, connectionGater: behindNat })
    await startAll(carol, alice, bob)
    await alice.connect(carol.address())
    await bob.connect(carol.address())
    const id = await runningConference(carol, [alice, bob])
    await eventually('both reserve a slot on Carol', () => [alice, bob].every(p => relayedAddrs(p).length > 0), 20_000)
    await eventually('Bob reaches Alice through Carol', () =>
      bob.superPeer.routesTo(alice.peerId!).some(r => r.kind === 'relayed' && r.relay === carol.peerId), 30_000)
    // Alice's side of that connection is registered a moment after Bob's.
    await eventually('Alice says she reaches Bob through Carol', () => {
      const route = alice.superPeer.routeTo(bob.peerId!)
      return route?.kind === 'relayed' && route.relay === carol.peerId
    }, 10_000)
    assert.deepEqual(alice.superPeer.routeTo(carol.peerId!), { kind: 'direct', transport: 'tcp' })
    assert.deepEqual(carol.superPeer.status().slotHolders.sort(), [alice.peerId, bob.peerId].sort())
    await alice.chat.send(id, { kind: 'text', body: 'through the slot' })
    await eventually('Bob sees it', async () => (await bob.chat.history(id)).some(m => m.body === 'through the slot'), 20_000)
  })
})
