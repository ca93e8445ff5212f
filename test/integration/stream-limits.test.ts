// One peer opens many connections and many streams on every DevMeet protocol, and leaves them
// half-open (never sending a byte); ten more identities from the same host do the same
// (HOSTILE-INPUTS 4, 7, 8). The target and the attacker (test/soak/attacker.ts) run in processes
// of their own, so the target's memory and file handles are its own and the attack's work does
// not slow the legitimate participant, who chats with the target throughout from this process.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { makePeer, startAll, eventually, cleanup, tempDir } from '../helpers/peers'
import { CoreWorker } from '../soak/workers'
import { MAX_CONNECTIONS_PER_PEER } from '../../src/core/node'

let target: CoreWorker | undefined
let attackerProc: ChildProcess | undefined
after(async () => {
  if (attackerProc?.exitCode == null) attackerProc?.kill('SIGKILL')
  await target?.stop()
  await cleanup()
})

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
}

describe('many connections and half-open streams from hostile peers', () => {
  it('are capped and timed out; the target\'s memory and file handles stay bounded and it keeps serving a participant', { timeout: 120_000 }, async () => {
    target = CoreWorker.spawn(1, 'Target', tempDir('devmeet-limits-'))
    const legit = makePeer('Legit')
    const [{ cores: [t] }] = await Promise.all([target.ready, startAll(legit)])
    await legit.connect(t.address)
    await eventually('the legitimate peer knows the target', () => legit.peerInfo(t.peerId).isDevMeet)
    const { context } = await legit.conferences.create({ title: 'Under attack', start: Date.now(), durationMinutes: 60, invitees: [t.peerId] })
    const id = context.id
    await eventually('the target accepted', () => legit.conferences.get(id)!.context.invitees[0].rsvp === 'accepted', 20_000)
    await legit.chat.join(id)
    await target.command('join', { conferenceId: id })
    await eventually('the chat stream is up', () => legit.chat.presence(id).linked.includes(t.peerId), 20_000)

    // The participant and the target chat throughout: the target every 200 ms, the participant every 500 ms.
    const latencies: number[] = []
    legit.events.on('message', m => { if (m.author === t.peerId) latencies.push(Date.now() - m.sentAt) })
    await target.command('chat', { conferenceId: id, everyMs: 200 })
    let legitSent = 0
    let chatting = true
    const legitChat = (async () => {
      while (chatting) {
        await legit.chat.send(id, { kind: 'text', body: `legit ${++legitSent}` })
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    })()
    await eventually('the target\'s messages arrive', () => latencies.length >= 5)
    const baseline = await target.command('memory')
    const samples: any[] = []
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        samples.push(await target!.command('memory'))
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
    })()

    const attacker = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../soak/attacker.ts'), '--target', t.addrs[0], '--peer', t.peerId], { stdio: ['ignore', 'pipe', 'inherit'] })
    attackerProc = attacker
    const reports: any[] = []
    const done = new Promise<any>((resolve, reject) => {
      readline.createInterface({ input: attacker.stdout! }).on('line', text => {
        const line = JSON.parse(text)
        reports.push(line)
        if (line.event === 'done') resolve(line)
        if (line.event === 'error') reject(new Error(line.error))
      })
      attacker.once('exit', code => { if (code !== 0) reject(new Error(`the attacker exited with ${code}`)) })
    })
    const report = await done
    const connected = reports.find(r => r.event === 'connected')
    const half = reports.find(r => r.event === 'half-open')
    process.stderr.write(`limits: one identity dialled ${connected.dialled} of 40 connections, the target kept ${connected.kept}; ${connected.connections} attacking connections in all\n`)
    process.stderr.write(`limits: ${half.opened} half-open streams within the limits (${half.refused} refused) lived ${half.shortest}–${half.longest} ms (median ${half.median})\n`)
    process.stderr.write(`limits: a flood of ${report.attempted} streams opened in ${report.openedIn} ms: ${report.resetAtOnce} refused or reset at once, the longest lived ${report.longest} ms; ${report.connectionsLeft} attacking connections left\n`)
    assert.ok(connected.kept <= MAX_CONNECTIONS_PER_PEER, `at most ${MAX_CONNECTIONS_PER_PEER} connections per peer (${connected.kept})`)
    assert.ok(half.opened > 0 && half.stillOpen === 0, 'every half-open stream is ended by the target')
    assert.ok(half.median >= 9000, `a half-open stream within the limits lives until the first-frame deadline (median ${half.median} ms)`)
    assert.ok(half.longest < 16_000, `and not much longer (${half.longest} ms)`)
    assert.equal(report.stillOpen, 0)
    assert.ok(report.resetAtOnce >= report.attempted * 0.9, 'a stream flood is refused at once')
    assert.ok(report.connectionsLeft < connected.connections, 'stream flooders lose their connections')

    sampling = false
    await sampler
    await new Promise(resolve => setTimeout(resolve, 1000)) // the attacker is gone: let the target notice the closed sockets
    const end = await target.command('memory')
    chatting = false
    await legitChat
    await target.command('stopChat')

    const mb = (b: number): string => (b / 2 ** 20).toFixed(1)
    const peakRss = Math.max(...samples.map(s => s.rss))
    const peakHeap = Math.max(...samples.map(s => s.heapUsed))
    const peakFds = Math.max(...samples.map(s => s.fds))
    process.stderr.write(`limits: target RSS ${mb(baseline.rss)} → peak ${mb(peakRss)} → after ${mb(end.rss)} MiB; heap ${mb(baseline.heapUsed)} → peak ${mb(peakHeap)} → after ${mb(end.heapUsed)} MiB; fds ${baseline.fds} → peak ${peakFds} → after ${end.fds}\n`)
    assert.ok(peakRss - baseline.rss < 200 * 2 ** 20, 'RSS stays bounded under the attack')
    assert.ok(end.heapUsed - baseline.heapUsed < 30 * 2 ** 20, 'the heap returns near its baseline')
    assert.ok(peakFds - baseline.fds <= 11 * MAX_CONNECTIONS_PER_PEER + 20, 'file handles stay bounded (a socket per kept connection)')
    assert.ok(end.fds - baseline.fds <= 5, 'file handles are released')

    // The participant was served all along.
    const p99 = percentile(latencies, 0.99)
    process.stderr.write(`limits: the target's ${latencies.length} messages reached the participant in p99 ${p99} ms\n`)
    assert.ok(p99 < 1000, `the participant's chat stayed usable (p99 ${p99} ms)`)
    await eventually('the target holds every message of the participant', async () => {
      const keys: string[] = await target!.command('keys', { conferenceId: id, i: 0 })
      return keys.filter(k => k.startsWith(legit.peerId!)).length === legitSent
    }, 20_000)
    assert.equal(target.events.filter(e => e.event === 'unhandledRejection').length, 0)
  })
})
