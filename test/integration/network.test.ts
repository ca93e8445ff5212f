import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { makePeer, startAll, connectAll, eventually, cleanup, stopPeer, reincarnate } from '../helpers/peers'
import { defaultNetworkConfig, DEVMEET_VERSION } from '../../src/core/config'
import { PROFILE_PROTOCOL } from '../../src/core/profile'

after(cleanup)

const loopback = { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false }

describe('the DevMeet node on a network', () => {
  it('three nodes find each other by mDNS', async () => {
    const config = { ...defaultNetworkConfig(), listenAddresses: ['/ip4/0.0.0.0/tcp/0'], mdns: true, webrtc: false }
    const peers = ['Ann', 'Ben', 'Cid'].map(n => makePeer(n, { config }))
    await startAll(...peers)
    await eventually('each sees the two others as DevMeet peers', () => peers.every(p =>
      peers.filter(o => o !== p).every(o => p.peerInfo(o.peerId!).online && p.peerInfo(o.peerId!).isDevMeet)), 30_000)
    assert.equal(peers[0].peerInfo(peers[1].peerId!).displayName, 'Ben')
  })

  it('two nodes connect by a pasted address string with mDNS off, and learn each other\'s names', async () => {
    const [a, b] = ['Ann', 'Ben'].map(n => makePeer(n))
    await startAll(a, b)
    const info = await b.connect(a.address())
    assert.equal(info.peerId, a.peerId)
    await eventually('names exchanged both ways', () => b.peerInfo(a.peerId!).label === 'Ann' && a.peerInfo(b.peerId!).label === 'Ben')
    assert.equal(a.onlineDevMeetPeers().length, 1)
  })

  it('finds a peer by its peer ID alone through the DHT, with only a bootstrap peer in common', async () => {
    const boot = makePeer('Boot')
    await startAll(boot)
    const bootAddr = boot.listenAddrs()[0]
    const config = { ...loopback, bootstrapPeers: [bootAddr] }
    const a = makePeer('Ann', { config })
    const b = makePeer('Ben', { config })
    await startAll(a, b)
    await eventually('both joined the bootstrap peer', () => boot.peerInfo(a.peerId!).online && boot.peerInfo(b.peerId!).online, 20_000)
    assert.equal(a.peerInfo(b.peerId!).online, false, 'not yet connected to each other')
    await eventually('A reaches B by peer ID', async () => {
      try {
        await a.connect(b.peerId!)
        return true
      } catch {
        return false
      }
    }, 30_000)
    await eventually('B listed as online at A', () => a.peerInfo(b.peerId!).online && a.peerInfo(b.peerId!).isDevMeet)
  })

  it('a node restarted on the same data folder keeps its peer ID and reconnects to its contacts', async () => {
    const [a, b] = ['Ann', 'Ben'].map(n => makePeer(n))
    await startAll(a, b)
    await connectAll(a, b)
    const id = a.peerId
    await stopPeer(a)
    await eventually('B sees A gone', () => !b.peerInfo(id!).online)
    const again = reincarnate(a, 'Ann')
    await startAll(again)
    assert.equal(again.peerId, id)
    await eventually('A reconnects to B by itself', () => again.peerInfo(b.peerId!).online && b.peerInfo(id!).online, 20_000)
  })

  it('a stock libp2p node pings the DevMeet node and reads its identify record, and is not taken for a DevMeet peer', async () => {
    const d = makePeer('Dee')
    await startAll(d)
    const stock = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), ping: ping() }
    })
    try {
      const target = multiaddr(d.listenAddrs()[0])
      const rtt = await stock.services.ping.ping(target)
      assert.ok(rtt >= 0)
      await eventually('identify ran', async () => (await stock.peerStore.get(d.libp2p.peerId).catch(() => undefined))?.metadata.get('AgentVersion') != null)
      const record = await stock.peerStore.get(d.libp2p.peerId)
      assert.match(new TextDecoder().decode(record.metadata.get('AgentVersion')), new RegExp(`DevMeet/${DEVMEET_VERSION.replace(/\./g, '\\.')}`))
      assert.ok(record.protocols.includes(PROFILE_PROTOCOL))
      await new Promise(resolve => setTimeout(resolve, 500))
      assert.equal(d.peers().some(p => p.peerId === stock.peerId.toString() && p.isDevMeet), false)
    } finally {
      await stock.stop()
    }
  })

  it('reports a port in use as a start failure with the reason, and a second node on one data folder as locked', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as any).port
    try {
      const p = makePeer('Ann', { config: { ...loopback, listenAddresses: [`/ip4/127.0.0.1/tcp/${port}`] } })
      await p.start()
      assert.equal(p.status.state, 'failed')
      assert.match((p.status as any).error, /in use|EADDRINUSE|listen/i)
    } finally {
      blocker.close()
    }
    const first = makePeer('Ann')
    await startAll(first)
    const second = makePeer('Ann again', { dataDir: first.dataDir })
    await second.start()
    assert.equal(second.status.state, 'locked')
  })

  it('restarts on the new listen address when the network settings change', async () => {
    const p = makePeer('Ann')
    await startAll(p)
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as any).port
    await new Promise<void>(resolve => blocker.close(() => resolve()))
    await p.reconfigure({ ...loopback, listenAddresses: [`/ip4/127.0.0.1/tcp/${port}`] })
    assert.equal(p.status.state, 'running')
    assert.ok(p.listenAddrs().some(a => a.includes(`/tcp/${port}/`)))
  })
})
