// The peer-exchange protocol (/devmeet/peer-exchange/1.0.0) against strangers and hostile peers:
// who gets an answer, what an answer may hold, and how much of one is ever dialled. Real DevMeet
// peers on loopback against raw libp2p nodes speaking the protocol's frames.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { frameStream } from '../../src/core/wire/framing'
import { PEER_EXCHANGE_PROTOCOL, PeerExchange, MAX_DIALLED_PER_ANSWER } from '../../src/core/peers/peer-exchange'
import { PROFILE_PROTOCOL } from '../../src/core/profile'
import { silentLogger } from '../../src/core/log'
import { makePeer, startAll, connectAll, eventually, cleanup, stopPeer, type TestPeer } from '../helpers/peers'

const rawNodes: DevMeetLibp2p[] = []
const servers: net.Server[] = []

/** A raw libp2p node with a fresh key, connected to `targets` (after `setup`, so identify tells them its protocols). */
async function rawPeer (targets: TestPeer[], setup?: (node: DevMeetLibp2p) => Promise<void>): Promise<DevMeetLibp2p> {
  const node = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false }
  })
  await node.start()
  rawNodes.push(node)
  await setup?.(node)
  for (const t of targets) {
    await node.dial(multiaddr(t.listenAddrs()[0]))
    await eventually('the target has the connection too', () => t.libp2p.getConnections(node.peerId).length > 0)
  }
  return node
}

/** Asks `of` where `target` is, as a raw node: the answer's addresses exactly as sent. */
async function askRaw (from: DevMeetLibp2p, of: TestPeer, target: string): Promise<string[]> {
  const stream = await from.dialProtocol(peerIdFromString(of.peerId!), PEER_EXCHANGE_PROTOCOL, { signal: AbortSignal.timeout(5000) })
  const frames = frameStream(stream, 64 * 1024)
  await frames.write({ peerId: target })
  const answer = JSON.parse(new TextDecoder().decode(await frames.readBytes(5000)))
  await stream.close().catch(() => {})
  return answer.addrs
}

/** Serves peer exchange on a raw node with a fixed (hostile) answer, and the profile protocol so DevMeet peers ask it. */
async function hostileServer (node: DevMeetLibp2p, answer: Uint8Array): Promise<void> {
  await node.handle(PEER_EXCHANGE_PROTOCOL, async (stream: Stream) => {
    const frames = frameStream(stream, 1024)
    await frames.readBytes(5000).catch(() => {})
    await frames.writeBytes(answer, 5000).catch(() => {})
    await stream.close().catch(() => {})
  }, { maxInboundStreams: 16, maxOutboundStreams: 16 })
  await node.handle(PROFILE_PROTOCOL, async (stream: Stream) => {
    await frameStream(stream, 2048).write({ name: 'Mallory', now: Date.now() })
    await stream.close().catch(() => {})
  }, { maxInboundStreams: 4, maxOutboundStreams: 4 })
}

/** A TCP listener that counts connections made to it: a host named in a hostile answer. */
async function countingListener (): Promise<{ port: number, connections: () => number }> {
  let count = 0
  const server = net.createServer(socket => { count++; socket.destroy() })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as net.AddressInfo).port, connections: () => count }
}

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

describe('peer exchange under attack', () => {
  let alice: TestPeer, bob: TestPeer, carol: TestPeer, dave: TestPeer
  let conferenceId: string

  before(async () => {
    [alice, bob, carol, dave] = ['Alice', 'Bob', 'Carol', 'Dave'].map(n => makePeer(n))
    await startAll(alice, bob, carol, dave)
    await connectAll(carol, alice)
    await connectAll(carol, bob)
    await connectAll(carol, dave)
    // Carol's conference: Alice and Bob accept; Dave is invited too and declines.
    const { context } = await carol.conferences.create({ title: 'Standup', start: Date.now(), durationMinutes: 60, invitees: [alice, bob, dave].map(p => p.peerId!) })
    conferenceId = context.id
    for (const p of [alice, bob, dave]) await eventually('the invitation arrives', () => p.conferences.get(conferenceId) != null)
    await alice.conferences.respond(conferenceId, 'accepted')
    await bob.conferences.respond(conferenceId, 'accepted')
    await dave.conferences.respond(conferenceId, 'declined')
    await eventually('Carol has every answer', () => carol.conferences.get(conferenceId)!.context.invitees.every(i => i.rsvp !== 'pending'))
  })
  after(async () => {
    await Promise.all(rawNodes.splice(0).map(async n => { try { await n.stop() } catch {} }))
    for (const s of servers.splice(0)) s.close()
    await cleanup()
  })

  it('answers a participant about another participant of the same conference, with addresses only', async () => {
    const stream = await alice.libp2p.dialProtocol(peerIdFromString(carol.peerId!), PEER_EXCHANGE_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const frames = frameStream(stream, 64 * 1024)
    await frames.write({ peerId: bob.peerId })
    const answer = JSON.parse(new TextDecoder().decode(await frames.readBytes(5000)))
    assert.deepEqual(Object.keys(answer), ['addrs'], 'nothing but addresses')
    assert.ok(answer.addrs.some((a: string) => a.startsWith(bob.listenAddrs()[0].replace(/\/p2p\/.*$/, ''))), `Bob's address among ${answer.addrs.join(' ')}`)
  })

  it('tells a stranger nothing, the same as about a peer it does not know', async () => {
    const stranger = await rawPeer([carol])
    assert.deepEqual(await askRaw(stranger, carol, bob.peerId!), [])
    assert.deepEqual(await askRaw(stranger, carol, alice.peerId!), [])
    assert.deepEqual(await askRaw(stranger, carol, stranger.peerId.toString()), [])
  })

  it('tells a contact who declined nothing, and a participant nothing about a peer outside the conference', async () => {
    // Dave is Carol's contact (they met) and was invited, but declined: he takes part in nothing.
    assert.deepEqual(await askRaw(dave.libp2p, carol, bob.peerId!), [])
    // Alice takes part, Dave does not: Alice learns nothing about Dave.
    assert.deepEqual(await askRaw(alice.libp2p, carol, dave.peerId!), [])
  })

  it('cuts off a peer that keeps asking', async () => {
    const scanner = await rawPeer([carol])
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, async (_, i) => await askRaw(scanner, carol, i % 2 === 0 ? bob.peerId! : alice.peerId!)))
    const answered = outcomes.filter(o => o.status === 'fulfilled').length
    assert.ok(answered <= 12, `${answered} of 40 quick requests answered`)
  })

  it('refuses an answer of 1,000 addresses, garbage, or extra fields', async () => {
    const exchange = new PeerExchange({ shareAConference: () => false, addressesOf: () => [] }, silentLogger)
    const answers: Array<[string, Uint8Array]> = [
      ['1,000 addresses', json({ addrs: Array.from({ length: 1000 }, (_, i) => `/ip4/127.0.0.1/tcp/${1000 + i}`) })],
      ['1,000 short addresses', json({ addrs: Array.from({ length: 1000 }, () => '/') })],
      ['garbage', new Uint8Array(300).fill(0xff)],
      ['not the shape', json({ addrs: 'everywhere' })],
      ['extra fields', json({ addrs: [], name: 'Bob', conferences: ['x'] })]
    ]
    for (const [what, bytes] of answers) {
      const mallory = await rawPeer([alice], async n => await hostileServer(n, bytes))
      await assert.rejects(exchange.ask(alice.libp2p, mallory.peerId.toString(), bob.peerId!), `${what} is refused`)
      await mallory.stop()
    }
  })

  it('keeps at most a few addresses of a well-formed answer, and only ones that name the peer asked about', async () => {
    const other = (await generateKeyPair('Ed25519'))
    const otherId = (await import('@libp2p/peer-id')).peerIdFromPrivateKey(other).toString()
    const exchange = new PeerExchange({ shareAConference: () => false, addressesOf: () => [] }, silentLogger)
    const mallory = await rawPeer([alice], async n => await hostileServer(n, json({
      addrs: [
        `/ip4/10.0.0.1/tcp/1/p2p/${otherId}`,
        'not a multiaddr',
        '/unix/tmp/socket',
        `/ip4/10.0.0.2/tcp/2/p2p/${bob.peerId!}`,
        '/ip4/10.0.0.3/tcp/3',
        '/ip4/10.0.0.4/tcp/4',
        '/ip4/10.0.0.5/tcp/5',
        '/ip4/10.0.0.6/tcp/6'
      ]
    })))
    const kept = await exchange.ask(alice.libp2p, mallory.peerId.toString(), bob.peerId!)
    await mallory.stop()
    assert.deepEqual(kept, [`/ip4/10.0.0.2/tcp/2/p2p/${bob.peerId!}`, '/ip4/10.0.0.3/tcp/3', '/ip4/10.0.0.4/tcp/4'])
  })

  it('never dials more than a few hosts that a hostile answer names, when it looks a lost peer up', async () => {
    const hosts = await Promise.all(Array.from({ length: 8 }, async () => await countingListener()))
    const mallory = await rawPeer([alice], async n => await hostileServer(n, json({ addrs: hosts.map(h => `/ip4/127.0.0.1/tcp/${h.port}`) })))
    await eventually('Alice takes Mallory for a DevMeet peer', () => alice.peerInfo(mallory.peerId.toString()).isDevMeet)
    const bobId = bob.peerId!
    await stopPeer(bob)
    await eventually('Alice sees Bob gone', () => !alice.peerInfo(bobId).online)
    assert.equal(await alice.dialKnown(bobId), false)
    await sleep(3000)
    const dialled = hosts.filter(h => h.connections() > 0).length
    assert.ok(dialled > 0, 'Alice did look Bob up and tried what Mallory said')
    assert.ok(dialled <= MAX_DIALLED_PER_ANSWER, `${dialled} of 8 named hosts dialled`)
  })
})
