// Issue 15: a DevMeet whose WebRTC native module cannot load (the package of another platform, the
// universal package) still starts, on TCP and the relay transport, says why once, and chats.
// The packaged core is what runs: a copy of dist/ (the files a .vsix holds) with the platform's
// node-datachannel binary removed, the real failure mode on a machine the package was not built for.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { cleanup, makePeer, tempDir } from '../helpers/peers'
import { ROOT, ensurePeerBuilt, stopAllPeers } from '../helpers/headless'
import { start, call, line, until, runningConference, stopStarted } from '../helpers/headless-calls'
import { defaultNetworkConfig } from '../../src/core/config'
import { describeLoadError } from '../../src/core/webrtc-support'

describe('WebRTC unavailable: degrade, do not die', () => {
  let peerScript: string
  before(() => {
    ensurePeerBuilt()
    const copy = tempDir('devmeet-nowebrtc-')
    cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true })
    const scoped = path.join(copy, 'dist/node_modules/@node-datachannel')
    assert.ok(existsSync(scoped) && readdirSync(scoped).length > 0, 'the build holds a platform binary to remove')
    rmSync(scoped, { recursive: true })
    peerScript = path.join(copy, 'dist/peer.js')
  })
  after(async () => {
    await stopStarted()
    await stopAllPeers()
    await cleanup()
  })

  it('the packaged peer without its WebRTC binary listens on TCP, warns once, and two such peers chat', async () => {
    const spawn = { script: peerScript }
    const [a, b] = await Promise.all([
      start('Alice', tempDir(), '0', ['--webrtc'], spawn),
      start('Bob', tempDir(), '0', ['--webrtc'], spawn)
    ])
    for (const r of [a, b]) {
      const ready = r.p.lines.find(l => l.event === 'ready')
      assert.equal(ready.webrtc, 'unavailable')
      assert.ok(ready.addrs.every((x: string) => !x.includes('/webrtc')), `no WebRTC address: ${ready.addrs}`)
      assert.ok(ready.addrs.some((x: string) => x.includes('/tcp/')))
      const warnings = r.p.lines.filter(l => l.event === 'warning')
      assert.equal(warnings.length, 1, 'one warning')
      assert.match(warnings[0].message, /WebRTC is unavailable: no WebRTC binary for .* in this DevMeet package/)
      assert.match(warnings[0].message, /install the DevMeet package for your platform/)
      const status = await call(r, 'status')
      assert.deepEqual({ state: status.state, webrtc: status.webrtc.state }, { state: 'running', webrtc: 'unavailable' })
    }
    const id = await runningConference(a, [b])
    await call(b, 'send', { conferenceId: id, body: 'over TCP' })
    await line(a, "Bob's message", l => l.event === 'message' && l.message.body === 'over TCP')
    await call(a, 'send', { conferenceId: id, body: 'received' })
    await until('Bob holds both messages', async () => (await call(b, 'history', { conferenceId: id })).length === 2)
  })

  it('the same peer with its binary in place runs WebRTC (the check above is not vacuous)', async () => {
    const r = await start('Carol', tempDir(), '0', ['--webrtc'])
    const ready = r.p.lines.find(l => l.event === 'ready')
    assert.equal(ready.webrtc, 'on')
    assert.deepEqual(r.p.lines.filter(l => l.event === 'warning'), [])
  })

  it('in process: a restart with WebRTC still unavailable does not warn again; WebRTC off by setting is not "unavailable"', async () => {
    const reason = describeLoadError(Object.assign(new Error("Cannot find module 'node-datachannel'"), { code: 'MODULE_NOT_FOUND' }))
    assert.match(reason, /this DevMeet package has no WebRTC module/)
    const config = { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0', '/webrtc'], mdns: false, webrtc: true }
    const peer = makePeer('Dora', { config, webrtcProbe: () => ({ state: 'unavailable', reason }) })
    const warnings: string[] = []
    peer.events.on('warning', w => warnings.push(w))
    await peer.start()
    assert.equal(peer.status.state, 'running')
    assert.deepEqual(peer.webrtc, { state: 'unavailable', reason })
    assert.ok(peer.listenAddrs().every(a => !a.includes('/webrtc')))
    await peer.stop()
    await peer.start()
    assert.equal(peer.status.state, 'running')
    assert.equal(warnings.length, 1, 'one warning across restarts')
    await peer.reconfigure({ ...config, webrtc: false })
    assert.deepEqual(peer.webrtc, { state: 'off' })
    await peer.stop()
  })
})
