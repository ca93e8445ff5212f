// 2. Fan-out: one sender; time until every participant holds the message, per conference size,
// all in one process, beside the same payload written by one node to every other over a bare
// libp2p full mesh. Then every participant in its own process over the bounded mesh, beside
// gossipsub (mesh-fanout.ts).
import type { BenchOptions } from '../options'
import { inOneProcess, type Row } from '../report'
import { bareMesh } from '../bare'
import { corePool, kibBody, runningConference, stopCores } from '../cores'
import { settle, sleep, summarize, within } from '../stats'
import { meshFanoutRows, meshSizes } from './mesh-fanout'
import type { DevMeet } from '../../../src/core/devmeet'

const PAUSE_MS = 22

export async function fanout (opts: BenchOptions): Promise<Row[]> {
  const rows: Row[] = []
  const largest = Math.max(...opts.fanoutSizes)
  // The organizer knows every participant (it invites them); each dials its neighbours at the start.
  const pool = await corePool(largest)
  try {
    for (const size of opts.fanoutSizes) {
      // The largest sizes take seconds per sample today: fewer samples keep the run within minutes.
      const samples = size > 20 ? Math.min(opts.fanoutSamples, 20) : opts.fanoutSamples
      const sized = { ...opts, fanoutSamples: samples, warmup: Math.min(opts.warmup, size > 20 ? 3 : 10) }
      try {
        const devmeet = await devmeetFanout(pool.slice(0, size), sized)
        const bare = await bareFanout(size, sized)
        rows.push(row(`${size} participants in one process`, size, devmeet, bare, size === 20))
      } catch (err: any) {
        rows.push({ scenario: '2', where: inOneProcess(), measure: `Fan-out to all, ${size} participants in one process`, unit: 'ms', devmeet: {}, baselines: [], target: size === 20 ? 'p99 ≤ 1.5× bare mesh and < 20 ms' : undefined, met: size === 20 ? null : undefined, note: `skipped: ${String(err?.message ?? err).slice(0, 160)}` })
      }
    }
  } finally {
    await stopCores(pool)
  }
  const p99s = rows.filter(r => r.devmeet.p50 != null).map(r => ({ size: Number(/^(\d+)/.exec(r.measure.replace('Fan-out to all, ', ''))?.[1]), p99: r.devmeet.p50 }))
  if (p99s.length >= 2) {
    const first = p99s[0]
    const last = p99s[p99s.length - 1]
    // Linear growth: time per receiver does not rise with size. p50, because one stall on a shared machine moves a p99 of 30 samples.
    const growth = (last.p99 / (last.size - 1)) / (first.p99 / (first.size - 1))
    rows.push({
      scenario: '2',
      measure: `Fan-out growth, p50 per receiver at ${last.size} vs ${first.size} participants`,
      unit: '×',
      devmeet: { value: growth },
      baselines: [],
      target: 'no worse than linear (≤ 1)',
      met: growth <= 1
    })
  }
  // Every participant in its own process, over the bounded mesh, beside gossipsub.
  for (const size of meshSizes(opts)) rows.push(...await meshFanoutRows(size, opts))
  return rows
}

function row (what: string, size: number, d: number[], b: number[], judged: boolean): Row {
  const dm = summarize(d)
  const bm = summarize(b)
  return {
    scenario: '2',
    where: inOneProcess(),
    measure: `Fan-out to all, ${what}, 1 KiB (${dm.n} samples)`,
    unit: 'ms',
    devmeet: { p50: dm.p50, p99: dm.p99 },
    baselines: [{ label: `bare libp2p mesh of ${size}`, figures: { p50: bm.p50, p99: bm.p99 } }],
    ratio: dm.p99 / bm.p99,
    target: judged ? 'p99 ≤ 1.5× bare mesh and < 20 ms' : undefined,
    met: judged ? dm.p99 / bm.p99 <= 1.5 && dm.p99 < 20 : undefined
  }
}

/** a size that needs longer than this (set-up and samples) reports what it has, or nothing */
const SIZE_BUDGET_MS = 90_000

async function devmeetFanout (cores: DevMeet[], opts: BenchOptions): Promise<number[]> {
  const [org, ...others] = cores
  const deadline = performance.now() + SIZE_BUDGET_MS
  const id = await within(`${cores.length} participants converge (budget ${SIZE_BUDGET_MS / 1000} s)`, SIZE_BUDGET_MS, runningConference(org, others))
  const me = org.peerId
  let left = 0
  let done: () => void = () => {}
  const offs = others.map(p => p.events.on('message', m => {
    if (m.conferenceId === id && m.author === me && --left === 0) done()
  }))
  const samples: number[] = []
  try {
    await settle()
    for (let i = 0; i < opts.warmup + opts.fanoutSamples; i++) {
      if (performance.now() > deadline) {
        if (samples.length < 3) throw new Error(`fewer than 3 samples within the ${SIZE_BUDGET_MS / 1000} s budget`)
        break
      }
      const all = new Promise<void>(resolve => { left = others.length; done = resolve })
      const t0 = performance.now()
      await org.chat.send(id, { kind: 'text', body: kibBody(i) })
      await within('every participant has the message', 30_000, all)
      if (i >= opts.warmup) samples.push(performance.now() - t0)
      await settle()
      await sleep(PAUSE_MS)
    }
  } finally {
    for (const off of offs) off()
    await org.conferences.cancel(id).catch(() => {})
    await settle()
  }
  return samples
}

async function bareFanout (size: number, opts: BenchOptions): Promise<number[]> {
  const nodes = await bareMesh(size)
  const [sender, ...others] = nodes
  const payload = new TextEncoder().encode(kibBody(0))
  let left = 0
  let done: () => void = () => {}
  for (const o of others) o.onFrame = () => { if (--left === 0) done() }
  const samples: number[] = []
  try {
    for (let i = 0; i < opts.warmup + opts.fanoutSamples; i++) {
      const all = new Promise<void>(resolve => { left = others.length; done = resolve })
      const t0 = performance.now()
      await Promise.all(others.map(o => sender.send(o.addr, payload)))
      await within('every bare node has the frame', 30_000, all)
      if (i >= opts.warmup) samples.push(performance.now() - t0)
      await settle()
      await sleep(PAUSE_MS)
    }
  } finally {
    await Promise.all(nodes.map(n => n.stop()))
  }
  return samples
}
