// 2b. The mesh, every participant in its own process: at 20, 50 and 100 participants, the time
// from the conference's start until every participant is linked to its neighbours and a message
// from one of them reached all; connections and chat links per participant; then fan-out (a
// message from a different participant each time, until all others report it) and what was lost.
// Beside it, bare libp2p nodes with @libp2p/gossipsub (one per process, the same neighbours dialled,
// default D = 6) carrying the same 1 KiB messages.
import { spawn } from 'node:child_process'
import * as path from 'node:path'
import type { BenchOptions } from '../options'
import { inProcesses, type Row } from '../report'
import { budget } from '../calibration'
import { kibBody } from '../cores'
import { spawnPeers, stopPeers } from '../process-meeting'
import { LineChild } from '../processes'
import { REPO } from '../paths'
import { settle, sleep, summarize, until, within } from '../stats'
import { chosenNeighbours, MAX_CHAT_LINKS } from '../../../src/core/chat/neighbours'
import { cpuMsOf } from '../cpu-time'

const PAUSE_MS = 30
/** the mesh closes idle connections to non-neighbours after 10 s, checked every 5 s */
const SETTLE_MS = 16_000
/** gossipsub's idle CPU is read over this long */
const IDLE_MS = 5000
/** the targets of issue 14: converged within this many ms of the start */
const CONVERGE_TARGET_MS: Record<number, number> = { 50: 5000, 100: 10_000 }

/** What one side (DevMeet or gossipsub) measured at one size. */
export interface MeshRun {
  /** before the start: processes up, invitations answered, every participant knowing all and whether it is reachable */
  setupMs: number
  /** DevMeet: participants whose reachability check had not answered when the meeting started */
  unknownAtStart?: number
  convergedMs: number
  /** start → every participant linked to all its chosen neighbours (DevMeet only) */
  fullMeshMs?: number
  /** why the full mesh was not measured */
  fullMeshNote?: string
  samples: number[]
  lost: number
  sent: number
  maxConnections: number
  /** DevMeet: the most connections of any participant once idle ones have closed, not counting those it keeps as a super peer for relay slot holders */
  settledConnections?: number
  /** DevMeet: the most connections of any participant once settled, all counted, and the most it kept for relay slot holders */
  settledAll?: number
  relayService?: number
  maxLinks: number
  /** CPU time (ms) of all participants' processes together: from the start to converged, over the fan-out, and per second idle after it */
  cpu: { converge: number, fanout: number, idlePerSecond: number }
}

/** CPU time used so far by all these processes together, in ms (steadier than wall time on a busy machine). */
function cpuOfAll (children: LineChild[]): number {
  return children.reduce((sum, c) => sum + (c.child.pid != null ? cpuMsOf(c.child.pid) : 0), 0)
}

/** The rows of one size: convergence, connections, fan-out, each beside gossipsub's. */
export async function meshFanoutRows (size: number, opts: BenchOptions): Promise<Row[]> {
  const where = inProcesses(size)
  const samples = Math.max(3, Math.min(opts.fanoutSamples, size >= 100 ? 15 : size >= 50 ? 20 : 30))
  let devmeet: MeshRun | undefined
  let gossip: MeshRun | undefined
  let devmeetError: unknown
  let gossipError: unknown
  try { devmeet = await devmeetMesh(size, samples, opts) } catch (err) { devmeetError = err }
  try { gossip = await gossipMesh(size, samples, opts) } catch (err) { gossipError = err }
  const why = (err: unknown): string => `not measured: ${String((err as any)?.message ?? err).split('\n')[0].slice(0, 200)}`
  const failures = [devmeet == null ? `DevMeet ${why(devmeetError)}` : undefined, gossip == null ? `gossipsub ${why(gossipError)}` : undefined].filter(f => f != null).join('; ')
  const convergeTarget = CONVERGE_TARGET_MS[size]
  const gossipLabel = `gossipsub, ${size} bare libp2p processes`
  const rows: Row[] = []
  rows.push({
    scenario: '2',
    where,
    measure: `Mesh converges, ${size} participants: start → every participant linked into the mesh and a message from one reaches all`,
    unit: 'ms',
    devmeet: devmeet != null ? { value: devmeet.convergedMs } : {},
    baselines: gossip != null ? [{ label: `${gossipLabel} (dial → a probe reaches all)`, figures: { value: gossip.convergedMs } }] : [],
    target: convergeTarget != null ? `≤ ${convergeTarget / 1000} s` : undefined,
    met: convergeTarget != null ? (devmeet != null ? devmeet.convergedMs <= convergeTarget : null) : undefined,
    note: [
      devmeet?.fullMeshMs != null ? `every participant linked to all its chosen neighbours after ${(devmeet.fullMeshMs / 1000).toFixed(1)} s` : undefined,
      devmeet?.fullMeshNote,
      devmeet != null ? `setup (invitations, answers, every participant knowing all and whether it is reachable) took ${(devmeet.setupMs / 1000).toFixed(1)} s before the start` : undefined,
      devmeet?.unknownAtStart != null && devmeet.unknownAtStart > 0 ? `${devmeet.unknownAtStart} participants did not yet know whether they are reachable at the start` : undefined,
      failures
    ].filter(f => f != null && f !== '').join('; ') || undefined
  })
  rows.push({
    scenario: '2',
    where,
    measure: `Connections per participant, ${size} participants, ${SETTLE_MS / 1000} s after the fan-out (most of any, not counting a super peer's connections to its relay slot holders; all counted, right after the fan-out, and chat links, beside)`,
    unit: '',
    devmeet: devmeet != null ? { max: devmeet.settledConnections ?? devmeet.maxConnections, 'all counted': devmeet.settledAll ?? devmeet.maxConnections, 'relay slot holders': devmeet.relayService ?? 0, 'after the fan-out': devmeet.maxConnections, links: devmeet.maxLinks } : {},
    baselines: gossip != null ? [{ label: gossipLabel, figures: { max: gossip.maxConnections, mesh: gossip.maxLinks } }] : [],
    target: `≤ ${MAX_CHAT_LINKS}`,
    met: devmeet != null ? (devmeet.settledConnections ?? devmeet.maxConnections) <= MAX_CHAT_LINKS : null
  })
  const d = devmeet != null && devmeet.samples.length > 0 ? summarize(devmeet.samples) : undefined
  const g = gossip != null && gossip.samples.length > 0 ? summarize(gossip.samples) : undefined
  const judged = size === 20 || size === 50
  rows.push({
    scenario: '2',
    where,
    measure: `Fan-out to all over the mesh, ${size} participants, 1 KiB, a different sender each time (${d?.n ?? 0} samples)`,
    unit: 'ms',
    devmeet: d != null ? { p50: d.p50, p99: d.p99 } : {},
    baselines: g != null ? [{ label: gossipLabel, figures: { p50: g.p50, p99: g.p99 } }] : [],
    ratio: d != null && g != null ? d.p99 / g.p99 : undefined,
    target: judged ? 'p50 and p99 ≤ gossipsub, 0 lost' : '0 lost',
    met: d == null || g == null ? null : judged ? d.p50 <= g.p50 && d.p99 <= g.p99 && devmeet!.lost === 0 : devmeet!.lost === 0,
    note: [
      devmeet != null ? `lost ${devmeet.lost} of ${devmeet.sent * (size - 1)} deliveries` : undefined,
      gossip != null ? `gossipsub lost ${gossip.lost} of ${gossip.sent * (size - 1)}` : undefined,
      failures
    ].filter(f => f != null && f !== '').join('; ')
  })
  const perMessage = (r: MeshRun): number => r.cpu.fanout / Math.max(1, r.sent)
  rows.push({
    scenario: '2',
    where,
    measure: `CPU of all ${size} participants' processes together per message fanned out (idle CPU per second after it, and from the start to converged, beside)`,
    unit: 'ms',
    devmeet: devmeet != null ? { 'per message': perMessage(devmeet), 'idle per s': devmeet.cpu.idlePerSecond, converging: devmeet.cpu.converge } : {},
    baselines: gossip != null ? [{ label: gossipLabel, figures: { 'per message': perMessage(gossip), 'idle per s': gossip.cpu.idlePerSecond, converging: gossip.cpu.converge } }] : [],
    ratio: devmeet != null && gossip != null ? perMessage(devmeet) / Math.max(0.001, perMessage(gossip)) : undefined,
    note: 'what the 2 cores spend, read from /proc: a figure that load from elsewhere does not move, unlike the times above'
  })
  return rows
}

/** Waits for every reporter but the sender to report `body`; returns the ms at the last. */
function arrivals (children: LineChild[], sender: number, body: string, matches: (line: any) => boolean): { all: Promise<number>, missing: () => number, off: () => void, order: Array<[number, number]> } {
  const waiting = new Set(children.map((_, i) => i).filter(i => i !== sender))
  const order: Array<[number, number]> = []
  let resolve: (at: number) => void = () => {}
  const all = new Promise<number>(r => { resolve = r })
  const offs = children.map((c, i) => c.onLine(line => {
    if (!waiting.has(i) || !matches(line)) return
    waiting.delete(i)
    order.push([i, performance.now()])
    if (waiting.size === 0) resolve(performance.now())
  }))
  return { all, missing: () => waiting.size, off: () => offs.forEach(off => off()), order }
}

/** DevMeet: headless peers in a conference, then its start (every peer joins at once). */
export async function devmeetMesh (size: number, samples: number, opts: BenchOptions): Promise<MeshRun> {
  const setupFrom = performance.now()
  const peers = await spawnPeers(size, opts, { prefix: 'Mesh', batch: 4 })
  try {
    const ready = await Promise.all(peers.map(p => p.ready))
    const ids = ready.map(r => String(r.peerId))
    const [org, ...others] = peers
    const answered = others.map(p => new Promise<void>(resolve => {
      const off = p.onLine(line => {
        if (line.event !== 'invitation') return
        off()
        void p.command('respond', { conferenceId: line.conference.context.id, answer: 'accepted' }).then(() => resolve(), () => resolve())
      })
    }))
    // On a loaded machine a connection may time out: three tries (setup, not measured).
    for (const r of ready.slice(1)) {
      for (let attempt = 1; ; attempt++) {
        try {
          await org.command('connect', { addr: r.address })
          break
        } catch (err) {
          if (attempt === 3) throw err
        }
      }
    }
    // It starts later (an hour): the start below is every participant joining at once, as the scheduler does at the start time.
    const created = await org.command('create', { title: 'All hands', start: Date.now() + 3_600_000, durationMinutes: 60, invitees: ids.slice(1) })
    const conferenceId = String(created.context.id)
    await within('every headless peer answers the invitation', budget(opts, 60_000 + 1000 * size), Promise.all(answered))
    // Polled every 250 ms: a command to each of 100 processes every few ms would load the cores being measured.
    await until('every participant knows every participant', async () => {
      const known = await Promise.all(peers.map(async p => (await p.command('links', { conferenceId })).participants.length))
      if (known.every(n => n === size)) return true
      await sleep(250)
      return false
    }, budget(opts, 120_000 + 3000 * size))
    // A meeting planned ahead starts long after its invitations: by then every participant's
    // reachability check has answered (a reachable one serves as a super peer). Waited for here so
    // that the start does not coincide with it; a check that has not answered in time is said.
    const reachability = async (): Promise<string[]> => await Promise.all(peers.map(async p => String((await p.command('status')).relay?.reachability)))
    let unknownAtStart = 0
    try {
      await until('every participant knows whether it is reachable', async () => {
        if ((await reachability()).every(r => r !== 'unknown')) return true
        await sleep(250)
        return false
      }, budget(opts, 30_000 + 500 * size))
    } catch {
      unknownAtStart = (await reachability()).filter(r => r === 'unknown').length
    }
    const setupMs = performance.now() - setupFrom
    if (process.env.BENCH_DEBUG != null) {
      const states = await Promise.all(peers.map(async p => (await p.command('status')).relay))
      process.stderr.write(`bench: before the start: reachability ${JSON.stringify(states.map(s => s.reachability))}, serving ${states.filter(s => s.serving).length}\n`)
    }
    await settle()

    // The start: all join; one participant writes at once; converged (issue 14's definition) when
    // every participant is linked into the mesh (each peer prints its presence when a link comes
    // or goes) and the message reached all, as gossipsub's probe below; the full
    // mesh (every participant linked to all its chosen neighbours) is told beside.
    const first = size - 1
    const probe = arrivals(peers, first, 'mesh start', line => line.event === 'message' && line.message?.conferenceId === conferenceId && line.message.body === 'mesh start')
    const unlinked = new Set(peers.map((_, i) => i))
    // In the mesh: a participant with a link (messages reach it); the full mesh: linked to all its chosen neighbours.
    const outside = new Set(peers.map((_, i) => i))
    let inMeshAt = 0
    let linkedAt = 0
    let allLinked: () => void = () => {}
    const linked = new Promise<void>(resolve => { allLinked = resolve })
    const lastOnline = new Map<number, string[]>()
    const linkedTimes = new Map<number, number>()
    const offPresence = peers.map((p, i) => p.onLine(line => {
      if (line.event !== 'presence' || line.presence?.conferenceId !== conferenceId) return
      const online: string[] = line.presence.linked ?? line.presence.online
      lastOnline.set(i, online)
      if (online.length > 0 && outside.delete(i) && outside.size === 0) inMeshAt = performance.now()
      if (chosenNeighbours(conferenceId, ids[i], ids).every(q => online.includes(q))) {
        unlinked.delete(i)
        linkedTimes.set(i, performance.now())
      } else {
        unlinked.add(i)
      }
      if (unlinked.size === 0 && linkedAt === 0) {
        linkedAt = performance.now()
        allLinked()
      }
    }))
    const cpuAtStart = cpuOfAll(peers)
    const t0 = performance.now()
    if (process.env.BENCH_DEBUG != null) process.stderr.write(`bench: the start at ${process.hrtime.bigint() / 1000n} µs\n`)
    for (const p of peers) p.post('join', { conferenceId })
    await peers[first].command('send', { conferenceId, body: 'mesh start' })
    const convergeBudget = budget(opts, 30_000 + 600 * size)
    const reachedAt = await within(`the first message reaches all ${size - 1} others`, convergeBudget, probe.all)
      .catch(err => { throw new Error(`${String(err.message)} (${probe.missing()} still waiting)`) })
      .finally(probe.off)
    // A participant the message reached has a link, so inMeshAt is set by now (unless one lost all its links since).
    const convergedMs = Math.max(inMeshAt, reachedAt) - t0
    // The fan-out starts on the full mesh; one that is not complete in time is told beside the figure.
    let fullMeshNote: string | undefined
    try {
      await within('every participant is linked to all its chosen neighbours', Math.max(0, t0 + convergeBudget - performance.now()), linked)
    } catch (err: any) {
      const which = [...unlinked].slice(0, 3).map(i => {
        const online = lastOnline.get(i) ?? []
        const missing = chosenNeighbours(conferenceId, ids[i], ids).filter(q => !online.includes(q)).map(q => ids.indexOf(q))
        return `#${i} lacks ${missing.map(m => `#${m}`).join(' ')} with ${online.length} links`
      })
      fullMeshNote = `${String(err.message)} (${unlinked.size} of ${size} not yet: ${which.join('; ')})`
    } finally {
      offPresence.forEach(off => off())
    }
    if (process.env.BENCH_DEBUG != null) process.stderr.write(`bench: all in the mesh after ${(inMeshAt - t0).toFixed(0)} ms, all linked to all their neighbours after ${(linkedAt - t0).toFixed(0)} ms, the first message reached all after ${(reachedAt - t0).toFixed(0)} ms (at ${process.hrtime.bigint() / 1000n} µs); each linked after (ms, sorted): ${[...linkedTimes.values()].map(at => at - t0).sort((a, b) => a - b).map(ms => ms.toFixed(0)).join(' ')}\n`)
    const cpuConverge = cpuOfAll(peers) - cpuAtStart
    // As on gossipsub's side: the fan-out starts once the benchmark's own loop is quiet.
    await settle()

    const cpuAtFanout = cpuOfAll(peers)
    if (process.env.BENCH_DEBUG != null) process.stderr.write(`bench: fan-out from ${process.hrtime.bigint() / 1000n} µs\n`)
    const times: number[] = []
    let lost = 0
    const warmup = Math.min(opts.warmup, 3)
    for (let i = 0; i < warmup + samples; i++) {
      const sender = (i * 7 + 3) % size
      const body = kibBody(i)
      const got = arrivals(peers, sender, body, line => line.event === 'message' && line.message?.conferenceId === conferenceId && line.message.body === body)
      const t = performance.now()
      await peers[sender].command('send', { conferenceId, body })
      try {
        const at = await within(`message ${i} reaches all`, budget(opts, 30_000), got.all)
        if (i >= warmup) times.push(at - t)
        if (process.env.BENCH_DEBUG != null && at - t > 150) process.stderr.write(`bench: slow sample ${i} at ${process.hrtime.bigint() / 1000n - BigInt(Math.round((performance.now() - t) * 1000))} µs from #${sender}: ${got.order.map(([p, a]) => `#${p}@${(a - t).toFixed(0)}`).join(' ')}\n`)
      } catch {
        lost += got.missing()
      } finally {
        got.off()
      }
      await sleep(PAUSE_MS)
    }
    const cpuFanout = cpuOfAll(peers) - cpuAtFanout
    if (process.env.BENCH_DEBUG != null) process.stderr.write(`bench: fan-out until ${process.hrtime.bigint() / 1000n} µs\n`)
    const views = await Promise.all(peers.map(async p => await p.command('links', { conferenceId })))
    if (process.env.BENCH_DEBUG != null) {
      process.stderr.write(`bench: fan-out samples in order: ${times.map(t => t.toFixed(0)).join(' ')}\n`)
    }
    // Connections right after the start include the introductions and dials that the mesh then
    // closes once idle (10 s): the bound is judged on what a participant holds once it has settled.
    const cpuAtIdle = cpuOfAll(peers)
    await sleep(SETTLE_MS)
    const cpuIdle = (cpuOfAll(peers) - cpuAtIdle) / (SETTLE_MS / 1000)
    const settled = await Promise.all(peers.map(async p => await p.command('links', { conferenceId })))
    if (process.env.BENCH_DEBUG != null) {
      const most = settled.reduce((a, b) => b.connections > a.connections ? b : a)
      process.stderr.write(`bench: most connections once settled: ${most.connections}, streams ${JSON.stringify(most.streams)}, tags ${JSON.stringify(most.tags)}, routes ${JSON.stringify(most.routes)}\n`)
      const sum = (key: 'routes' | 'relayedStreams'): Record<string, number> => {
        const out: Record<string, number> = {}
        for (const v of settled) for (const [k, n] of Object.entries(v[key] ?? {})) out[k] = (out[k] ?? 0) + (n as number)
        return out
      }
      process.stderr.write(`bench: all participants' connections by route ${JSON.stringify(sum('routes'))}; streams on relayed ones ${JSON.stringify(sum('relayedStreams'))}\n`)
    }
    return {
      setupMs,
      unknownAtStart,
      convergedMs,
      fullMeshMs: linkedAt > 0 ? linkedAt - t0 : undefined,
      fullMeshNote,
      samples: times,
      lost,
      sent: warmup + samples,
      maxConnections: Math.max(...views.map(v => v.connections)),
      settledConnections: Math.max(...settled.map(v => v.connections - (v.relayService ?? 0))),
      settledAll: Math.max(...settled.map(v => v.connections)),
      relayService: Math.max(...settled.map(v => v.relayService ?? 0)),
      maxLinks: Math.max(...views.map(v => v.linked.length)),
      cpu: { converge: cpuConverge, fanout: cpuFanout, idlePerSecond: cpuIdle }
    }
  } finally {
    await stopPeers(peers)
  }
}

/** A bare libp2p node with gossipsub in its own process (gossip-peer.ts). */
function spawnGossipPeer (): LineChild {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test', 'bench', 'gossip-peer.ts')], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', process.env.BENCH_DEBUG != null ? 'inherit' : 'ignore']
  })
  return new LineChild(child, 'a gossipsub process')
}

/** gossipsub: the same number of processes, each dialling the neighbours DevMeet's mesh would choose. */
export async function gossipMesh (size: number, samples: number, opts: BenchOptions): Promise<MeshRun> {
  const nodes: LineChild[] = []
  try {
    for (let i = 0; i < size; i += 4) {
      const started = Array.from({ length: Math.min(4, size - i) }, () => spawnGossipPeer())
      nodes.push(...started)
      await within(`${started.length} gossipsub processes print their ready line`, budget(opts, 30_000), Promise.all(started.map(n => n.ready)))
    }
    const ready = await Promise.all(nodes.map(n => n.ready))
    const ids = ready.map(r => String(r.peerId))
    const addrOf = new Map(ready.map(r => [String(r.peerId), String(r.addr)]))
    await settle()
    const cpuAtStart = cpuOfAll(nodes)
    const t0 = performance.now()
    // A dial that times out on a busy machine is not fatal: gossipsub reaches the peer through the others' links.
    await Promise.all(nodes.map(async (n, i) => await n.command('dial', { addrs: chosenNeighbours('gossip-bench', ids[i], ids).map(p => addrOf.get(p)) }).catch(() => {})))
    // Converged once a probe reaches all: gossipsub forms its mesh on heartbeats (1 s), so probes go every 100 ms until one does.
    const convergeBudget = budget(opts, 30_000 + 600 * size)
    const deadline = performance.now() + convergeBudget
    let convergedMs: number | undefined
    for (let k = 0; convergedMs == null; k++) {
      if (performance.now() > deadline) throw new Error(`timed out after ${convergeBudget} ms waiting until a gossipsub probe reaches all ${size - 1} others`)
      const body = `probe ${k}`
      const got = arrivals(nodes, size - 1, body, line => line.event === 'message' && line.body === body)
      await nodes[size - 1].command('publish', { body })
      try {
        const at = await within('a probe reaches all', 100, got.all)
        convergedMs = at - t0
      } catch {} finally { got.off() }
    }
    const cpuConverge = cpuOfAll(nodes) - cpuAtStart
    await settle()
    const cpuAtFanout = cpuOfAll(nodes)
    const times: number[] = []
    let lost = 0
    const warmup = Math.min(opts.warmup, 3)
    for (let i = 0; i < warmup + samples; i++) {
      const sender = (i * 7 + 3) % size
      const body = kibBody(i)
      const head = body.slice(0, 64)
      const got = arrivals(nodes, sender, body, line => line.event === 'message' && line.body === head)
      const t = performance.now()
      await nodes[sender].command('publish', { body })
      try {
        const at = await within(`message ${i} reaches all`, budget(opts, 30_000), got.all)
        if (i >= warmup) times.push(at - t)
      } catch {
        lost += got.missing()
      } finally {
        got.off()
      }
      await sleep(PAUSE_MS)
    }
    const cpuFanout = cpuOfAll(nodes) - cpuAtFanout
    const stats = await Promise.all(nodes.map(async n => await n.command('stats')))
    const cpuAtIdle = cpuOfAll(nodes)
    await sleep(IDLE_MS)
    const cpuIdle = (cpuOfAll(nodes) - cpuAtIdle) / (IDLE_MS / 1000)
    return {
      setupMs: 0,
      convergedMs,
      samples: times,
      lost,
      sent: warmup + samples,
      maxConnections: Math.max(...stats.map(s => s.connections)),
      maxLinks: Math.max(...stats.map(s => s.mesh)),
      cpu: { converge: cpuConverge, fanout: cpuFanout, idlePerSecond: cpuIdle }
    }
  } finally {
    await Promise.all(nodes.map(async n => await n.stop().catch(() => {})))
  }
}

/** The sizes of the process mesh (`--mesh`; 20, 50, 100 by default, 9 in the smoke run, past a full mesh). */
export function meshSizes (opts: BenchOptions): number[] {
  return opts.meshSizes
}
