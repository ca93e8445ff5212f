// Rough edge 10: strangers found on the network stay in a "Nearby" group in memory, out of the
// contact list, until the user deals with them. mDNS is off; a discovery is simulated the way
// @libp2p/mdns reports one (the peer's addresses in the peer store, then 'peer:discovery').
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { makePeer, startAll, eventually, cleanup, type TestPeer } from '../helpers/peers'

after(cleanup)

/** `finder` learns of `found` as mDNS would tell it, and dials it by itself. */
async function discover (finder: TestPeer, found: TestPeer): Promise<void> {
  const id = peerIdFromString(found.peerId!)
  const multiaddrs = found.listenAddrs().map(a => multiaddr(a))
  await finder.libp2p.peerStore.merge(id, { multiaddrs })
  finder.libp2p.safeDispatchEvent('peer:discovery', { detail: { id, multiaddrs } })
  await eventually('the discovered peer answers as a DevMeet peer', () =>
    finder.peerInfo(found.peerId!).displayName != null && found.peerInfo(finder.peerId!).displayName != null)
}

async function savedContacts (p: TestPeer): Promise<string[]> {
  await p.contacts.flush()
  const file = JSON.parse(readFileSync(path.join(p.dataDir, 'contacts.json'), 'utf8')) as { contacts: Array<{ peerId: string }> }
  return file.contacts.map(c => c.peerId)
}

describe('peers found on the network', () => {
  it('lists a DevMeet peer found by discovery as nearby on both sides, and saves it as a contact on neither', async () => {
    const [alice, bob] = ['Alice', 'Bob'].map(n => makePeer(n))
    await startAll(alice, bob)
    await discover(bob, alice)
    for (const [me, other] of [[alice, bob], [bob, alice]] as const) {
      const info = me.peerInfo(other.peerId!)
      assert.equal(info.contact, false)
      assert.equal(info.online, true)
      assert.ok(me.peers().some(p => p.peerId === other.peerId && !p.contact), 'listed among the peers, as nearby')
      assert.equal(me.contacts.get(other.peerId!), undefined)
      assert.deepEqual(await savedContacts(me), [])
    }
  })

  it('forgets a nearby peer after a restart (memory only), and still lists it as nearby once it disconnected', async () => {
    const [alice, bob] = ['Alice', 'Bob'].map(n => makePeer(n))
    await startAll(alice, bob)
    await discover(bob, alice)
    await alice.libp2p.hangUp(peerIdFromString(bob.peerId!))
    await eventually('Bob sees Alice offline', () => !bob.peerInfo(alice.peerId!).online)
    assert.equal(bob.peerInfo(alice.peerId!).contact, false)
    assert.ok(bob.peers().some(p => p.peerId === alice.peerId), 'still listed while this session lasts')
    await bob.stop()
    await bob.start()
    assert.ok(!bob.peers().some(p => p.peerId === alice.peerId), 'gone after a restart')
  })

  it('makes a nearby peer a contact when I connect to it by its address', async () => {
    const [alice, bob] = ['Alice', 'Bob'].map(n => makePeer(n))
    await startAll(alice, bob)
    await discover(bob, alice)
    await bob.connect(alice.address())
    await eventually('Alice is a contact with her name', () => bob.contacts.get(alice.peerId!)?.displayName === 'Alice')
    assert.equal(bob.peerInfo(alice.peerId!).contact, true)
    assert.ok(bob.contacts.get(alice.peerId!)!.addrs.length > 0)
    assert.deepEqual(await savedContacts(bob), [alice.peerId])
    assert.equal(alice.peerInfo(bob.peerId!).contact, false, 'being dialled is not dealing with the peer')
  })

  it('makes a nearby peer a contact when I rename it, and forgets it when asked', async () => {
    const [alice, bob] = ['Alice', 'Bob'].map(n => makePeer(n))
    await startAll(alice, bob)
    await discover(bob, alice)
    bob.rename(alice.peerId!, 'Alice from next door')
    assert.equal(bob.contacts.get(alice.peerId!)?.petname, 'Alice from next door')
    assert.equal(bob.peerInfo(alice.peerId!).label, 'Alice from next door')
    const carol = makePeer('Carol')
    await startAll(carol)
    await discover(bob, carol)
    await bob.forget(carol.peerId!)
    assert.ok(!bob.peers().some(p => p.peerId === carol.peerId))
  })

  it('makes a nearby peer a contact when I invite it, and the organizer one when the invitee accepts', async () => {
    const [alice, bob] = ['Alice', 'Bob'].map(n => makePeer(n))
    await startAll(alice, bob)
    await discover(bob, alice)
    const { context } = await alice.conferences.create({ title: 'Standup', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [bob.peerId!] })
    const saved = alice.contacts.get(bob.peerId!)
    assert.equal(saved?.displayName, 'Bob')
    assert.ok(saved.addrs.length > 0, 'with the addresses Bob gave on the connection')
    assert.deepEqual(context.invitees[0].addrs.length > 0, true)
    await eventually('the invitation arrives', () => bob.conferences.get(context.id) != null)
    await bob.conferences.respond(context.id, 'accepted')
    const organizer = bob.contacts.get(alice.peerId!)
    assert.equal(organizer?.displayName, 'Alice')
    assert.equal(organizer.via, 'connection')
    assert.equal(organizer.unverifiedAddrs, undefined)
    assert.ok(organizer.addrs.length > 0)
    assert.equal(bob.peerInfo(alice.peerId!).contact, true)
  })
})
