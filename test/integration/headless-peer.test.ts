import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { tempDir, cleanup } from '../helpers/peers'
import { spawnPeer, ensurePeerBuilt, stopAllPeers } from '../helpers/headless'

describe('devmeet-peer, the headless peer', () => {
  before(() => {
    ensurePeerBuilt()
  })
  after(async () => {
    await stopAllPeers()
    await cleanup()
  })

  it('answers its JSON-line commands, and gives garbage an error answer without crashing', async () => {
    const p = spawnPeer(['--data', tempDir(), '--name', 'Bot', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    const ready = await p.next(l => l.event === 'ready')
    assert.match(ready.peerId, /^12D3KooW/)
    assert.equal(ready.name, 'Bot')
    p.send({ id: 1, cmd: 'address' })
    assert.ok((await p.next(l => l.id === 1)).result.startsWith(ready.peerId))
    p.send('this is not json')
    p.send('[1,2,3]')
    p.send('null')
    p.send({ id: 2, cmd: 'no-such-command' })
    p.send({ id: 3, cmd: 'connect' })
    p.send({ id: 4, cmd: 'connect', addr: 'garbage address' })
    p.send({ id: 5, cmd: 'send', conferenceId: 'x', body: 'hi' })
    p.send(JSON.stringify({ id: 6, cmd: 'peers', pad: 'x'.repeat(2 * 1024 * 1024) }))
    p.send({ id: 7, cmd: 'status' })
    const status = await p.next(l => l.id === 7)
    assert.equal(status.result.state, 'running', 'still running after the garbage')
    const answers = p.lines.filter(l => l.event == null)
    const unparseable = answers.filter(l => l.id === null && l.ok === false)
    assert.equal(unparseable.length, 4, 'garbage, an array, null and a 2 MB line each got an error answer')
    assert.ok(unparseable.some(l => /too long/.test(l.error)))
    for (const id of [2, 3, 4, 5]) assert.equal(answers.find(l => l.id === id)?.ok, false, `command ${id} answered with an error`)
    assert.match(answers.find(l => l.id === 2).error, /unknown command/)
    assert.equal(p.proc.exitCode, null)
  })

  it('two peers with --no-mdns connect by address and each reports the other', async () => {
    const a = spawnPeer(['--data', tempDir(), '--name', 'Alice', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    const b = spawnPeer(['--data', tempDir(), '--name', 'Bob', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    const [ra, rb] = await Promise.all([a.next(l => l.event === 'ready'), b.next(l => l.event === 'ready')])
    b.send({ id: 1, cmd: 'connect', addr: ra.address })
    const connected = await b.next(l => l.id === 1)
    assert.equal(connected.ok, true, JSON.stringify(connected))
    await a.next(l => l.event === 'peer:connect' && l.peer.peerId === rb.peerId)
    await b.next(l => l.event === 'peer:connect' && l.peer.peerId === ra.peerId)
    a.send({ id: 2, cmd: 'peers' })
    const peers = await a.next(l => l.id === 2)
    assert.ok(peers.result.some((p: any) => p.peerId === rb.peerId && p.label === 'Bob' && p.online))
  })
})
