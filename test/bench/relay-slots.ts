// What a super peer costs: Carol (dist/peer.js, its own process, so its memory is its own) organizes
// a conference with N participants "behind NAT" (in-process cores whose gater refuses inbound TCP,
// as a home router does), who reserve slots on her by themselves and chat. Prints Carol's resident
// memory before and after, her open slots, and the relayed circuits through her.
// Usage: node --import tsx test/bench/relay-slots.ts [participants=20] [--reachable]   (loopback only)
import { readFileSync } from 'node:fs'
import type { ConnectionGater } from '@libp2p/interface'
import { makePeer, startAll, eventually, cleanup, tempDir } from '../helpers/peers'
import { spawnPeer, ensurePeerBuilt, type HeadlessPeer } from '../helpers/headless'

const N = Number(process.argv[2] ?? 20)
/** the baseline: the same conference with participants Carol can dial (no slots, no circuits) */
const reachable = process.argv.includes('--reachable')
const behindNat: ConnectionGater = {
  denyDialMultiaddr: () => false,
  denyInboundConnection: maConn => !maConn.remoteAddr.toString().includes('/p2p-circuit')
}

function rssMiB (pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  return Math.round(kb / 1024 * 10) / 10
}

let seq = 0
async function ask (p: HeadlessPeer, cmd: Record<string, unknown>): Promise<any> {
  const id = ++seq
  p.send({ ...cmd, id })
  const answer = await p.next(l => l.id === id, 60_000)
  if (answer.ok !== true) throw new Error(JSON.stringify(answer))
  return answer.result
}

async function main (): Promise<void> {
  ensurePeerBuilt()
  const carol = spawnPeer(['--data', tempDir(), '--name', 'Carol', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { env: { DEVMEET_LOG: 'warn' } })
  const ready = await carol.next(l => l.event === 'ready', 60_000)
  const pid = carol.proc.pid!
  const idle = rssMiB(pid)
  const peers = Array.from({ length: N }, (_, i) => makePeer(`P${i}`, { ...(reachable ? {} : { connectionGater: behindNat }), superPeer: { firstCheckMs: 500, recheckMs: 5000, reserveRetryMs: 2000 } }))
  await startAll(...peers)
  for (const p of peers) await p.connect(ready.address)
  const started = Date.now()
  const created = await ask(carol, { cmd: 'create', title: 'Bench', start: Date.now() + 1000, durationMinutes: 60, invitees: peers.map(p => p.peerId) })
  const id: string = created.context.id
  await eventually('every invitation arrives', () => peers.every(p => p.conferences.get(id) != null), 60_000)
  for (const p of peers) await p.conferences.respond(id, 'accepted')
  await eventually(`${N} slots on Carol`, async () => reachable || (await ask(carol, { cmd: 'status' })).relay.slotHolders.length === N, 120_000)
  const slotsAt = Date.now() - started
  const withSlots = rssMiB(pid)
  await ask(carol, { cmd: 'join', conferenceId: id })
  for (const p of peers) await p.chat.join(id)
  for (const p of peers) await p.chat.send(id, { kind: 'text', body: `hello from ${p.displayName}` })
  await eventually('every message everywhere', async () => {
    for (const p of peers) if ((await p.chat.history(id)).length < N) return false
    return true
  }, 120_000)
  await new Promise(resolve => setTimeout(resolve, 5000))
  const status = await ask(carol, { cmd: 'status' })
  const relayedPairs = new Set<string>()
  for (const p of peers) {
    for (const q of peers) {
      if (p !== q && p.superPeer.routesTo(q.peerId!).some(r => r.kind === 'relayed')) relayedPairs.add([p.peerId, q.peerId].sort().join())
    }
  }
  console.log(JSON.stringify({
    participants: N,
    behindNat: !reachable,
    carolRssMiB: { idle, withSlots, afterChat: rssMiB(pid) },
    openSlots: status.relay.slotHolders.length,
    secondsToAllSlots: Math.round(slotsAt / 100) / 10,
    relayedPairsThroughCarol: relayedPairs.size,
    possiblePairs: N * (N - 1) / 2
  }))
  carol.proc.kill('SIGTERM')
  await cleanup()
  process.exit(0)
}

main().catch(async err => { console.error(err); await cleanup(); process.exit(1) })
