// The heavy parts of libp2p that esbuild.js keeps out of core.js and peer.js, loaded from beside
// the bundle when used: @libp2p/webrtc (dist/libp2p-webrtc.js) and @libp2p/kad-dht's prefix table
// (dist/kad-dht-prefixes.bin). The built files are what runs: the table read back must be the
// package's, entry for entry, and two dist/peer.js with WebRTC must connect over WebRTC.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { cleanup, tempDir } from '../helpers/peers'
import { ROOT, spawnPeer, stopAllPeers, type HeadlessPeer } from '../helpers/headless'

const DIST = path.join(ROOT, 'dist')
const LAZY = ['libp2p-webrtc.js', 'kad-dht-prefixes.bin']
const CERTIFICATE_STACK = '@reflect-metadata:registry'

describe('libp2p parts loaded from beside the bundle', () => {
  before(() => {
    if (![...LAZY, 'core.js', 'peer.js'].every(f => existsSync(path.join(DIST, f)))) {
      execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'ignore' })
    }
  })
  after(async () => {
    await stopAllPeers()
    await cleanup()
  })

  it('core.js and peer.js hold neither part; they require the WebRTC bundle beside them', () => {
    for (const bundle of ['core.js', 'peer.js']) {
      const code = readFileSync(path.join(DIST, bundle), 'utf8')
      assert.ok(code.includes('require("./libp2p-webrtc.js")'), `${bundle} loads WebRTC from beside it`)
      // The table's first entries, and a key of reflect-metadata, which WebRTC's certificate stack brings.
      assert.ok(!/77591,\s*94053,\s*60620/.test(code), `${bundle} has no inlined prefix table`)
      assert.ok(!code.includes(CERTIFICATE_STACK), `${bundle} has no certificate stack`)
    }
    assert.ok(readFileSync(path.join(DIST, 'libp2p-webrtc.js'), 'utf8').includes(CERTIFICATE_STACK), 'the WebRTC bundle has it')
  })

  it("the prefix table read back is @libp2p/kad-dht's, entry for entry", async () => {
    const source = path.join(ROOT, 'node_modules/@libp2p/kad-dht/dist/src/routing-table/generated-prefix-list.js')
    const table: number[] = (await import(pathToFileURL(source).href)).default
    const bin = readFileSync(path.join(DIST, 'kad-dht-prefixes.bin'))
    assert.equal(bin.length, table.length * 4)
    const differing = table.filter((n, i) => bin.readUInt32LE(i * 4) !== n).length
    assert.equal(differing, 0)
  })

  it('two headless peers with --webrtc connect over WebRTC through a relay', { timeout: 90_000 }, async () => {
    let id = 0
    const ask = async (p: HeadlessPeer, cmd: string, args: Record<string, unknown> = {}): Promise<any> => {
      const n = ++id
      p.send({ id: n, cmd, ...args })
      const answer = await p.next(l => l.id === n, 30_000)
      if (answer.ok !== true) throw new Error(`${cmd}: ${answer.error}`)
      return answer.result
    }
    const relay = spawnPeer(['--data', tempDir(), '--name', 'Relay', '--no-mdns', '--relay', '--listen', '/ip4/127.0.0.1/tcp/0'])
    const relayAddr = (await relay.next(l => l.event === 'ready', 30_000)).addrs[0]
    // No TCP listener: the only way to reach each other is WebRTC, signalled through the relay.
    const webrtcPeer = (name: string): HeadlessPeer => spawnPeer(['--data', tempDir(), '--name', name, '--no-mdns', '--webrtc', '--listen', '/p2p-circuit', '--listen', '/webrtc', '--bootstrap', relayAddr])
    const alice = webrtcPeer('Alice')
    const bob = webrtcPeer('Bob')
    const [ra, rb] = await Promise.all([alice.next(l => l.event === 'ready', 30_000), bob.next(l => l.event === 'ready', 30_000)])
    assert.equal(ra.webrtc, 'on')
    assert.equal(rb.webrtc, 'on')
    let address = ''
    for (let i = 0; i < 150 && !address.includes('/p2p-circuit/webrtc'); i++) {
      address = await ask(bob, 'address')
      if (!address.includes('/p2p-circuit/webrtc')) await new Promise(resolve => setTimeout(resolve, 200))
    }
    assert.match(address, /\/p2p-circuit\/webrtc/, 'Bob has a WebRTC address through the relay')
    let route: any
    // On a loaded machine the first ICE exchange may time out and the dial keep the relayed
    // connection: a second connect (after hanging up) is what a user would do.
    for (let attempt = 1; attempt <= 2 && route?.kind !== 'webrtc'; attempt++) {
      if (attempt > 1) await ask(alice, 'forget', { peerId: rb.peerId })
      await ask(alice, 'connect', { addr: address })
      for (let i = 0; i < 75 && route?.kind !== 'webrtc'; i++) {
        route = (await ask(alice, 'status')).peers.find((p: any) => p.peerId === rb.peerId)?.route
        if (route?.kind !== 'webrtc') await new Promise(resolve => setTimeout(resolve, 200))
      }
    }
    assert.equal(route?.kind, 'webrtc', `Alice reaches Bob over WebRTC: ${JSON.stringify(route)}`)
  })
})
