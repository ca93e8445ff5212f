import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { tempDir, cleanup } from '../helpers/peers'

const ROOT = path.resolve(import.meta.dirname, '../..')
const PEER = path.join(ROOT, 'dist/peer.js')

interface Peer {
  proc: ChildProcess
  lines: any[]
  send(cmd: Record<string, unknown> | string): void
  next(match: (line: any) => boolean, timeoutMs?: number): Promise<any>
}

const running: ChildProcess[] = []

/** Spawns dist/peer.js (as users run it) with the project's Node and reads its JSON lines. */
function spawnPeer (args: string[]): Peer {
  const proc = spawn(process.execPath, [PEER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  running.push(proc)
  const lines: any[] = []
  const waiters: Array<{ match: (l: any) => boolean, resolve: (l: any) => void }> = []
  readline.createInterface({ input: proc.stdout! }).on('line', text => {
    const line = JSON.parse(text)
    lines.push(line)
    for (const w of [...waiters]) if (w.match(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
  })
  return {
    proc,
    lines,
    send (cmd) { proc.stdin!.write((typeof cmd === 'string' ? cmd : JSON.stringify(cmd)) + '\n') },
    next (match, timeoutMs = 20_000) {
      const seen = lines.find(match)
      if (seen != null) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no such line from the peer')), timeoutMs)
        waiters.push({ match, resolve: l => { clearTimeout(timer); resolve(l) } })
      })
    }
  }
}

describe('devmeet-peer, the headless peer', () => {
  before(() => {
    if (!existsSync(PEER)) execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'ignore' })
  })
  after(async () => {
    for (const p of running) p.kill('SIGTERM')
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
