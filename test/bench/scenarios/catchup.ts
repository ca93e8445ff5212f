// 4. Catch-up: a participant misses messages while offline, then comes back on the same data
// folder (as after a restart): time until it holds them all, beside moving the same bytes over a
// new bare libp2p connection. Two sizes (N and 10 N missed messages) and two modes: both peers in
// this process, and the peer that catches up in its own process (a headless peer, dist/peer.js),
// with its bare baseline received in its own process too. The machine has 2 cores: in the process
// mode the sender and the receiver each have one.
import type { BenchOptions } from '../options'
import { failedRow, type Row } from '../report'
import { BareNode } from '../bare'
import { benchDir, corePool, envelopeBytes, kibBody, makeCore, MessageCounter, runningConference, startCore, stopCores } from '../cores'
import type { DevMeet } from '../../../src/core/devmeet'
import { settle, within } from '../stats'
import { headlessConference } from '../headless-conference'
import { budget } from '../calibration'
import { BareProcess, HeadlessPeer } from '../processes'
import { sendBurst } from './throughput'

const TARGET = { 10_000: 1000, 100_000: 5000 } as Record<number, number | undefined>
const MAX_RATIO = 1.5

export async function catchup (opts: BenchOptions): Promise<Row[]> {
  const sizes = [opts.catchupMessages, opts.catchupMessages * 10]
  const rows: Row[] = []
  const modes = [{ name: 'one process', run: inThisProcess }, { name: 'own process', run: inItsOwnProcess }]
  for (const mode of modes) {
    for (const n of sizes) {
      try {
        rows.push(await mode.run(opts, n))
      } catch (err) {
        process.stderr.write(`bench: catch-up of ${n} (${mode.name}) failed: ${(err as Error)?.stack ?? String(err)}\n`)
        rows.push(failedRow('4', `Catch-up of ${n.toLocaleString('en-US')}, ${mode.name}`, err))
      }
    }
  }
  return rows
}

const phase = (what: string): void => { if (process.env.BENCH_DEBUG != null) process.stderr.write(`catch-up: ${what} at ${performance.now().toFixed(0)} ms\n`) }

function row (n: number, frameBytes: number, mode: string, held: number, total: number, afterRunning: number, bareMs: number, bareLabel: string): Row {
  const limit = TARGET[n]
  return {
    scenario: '4',
    measure: `Catch-up of ${n.toLocaleString('en-US')} missed messages after a restart, ${mode} (${(n * frameBytes / 2 ** 20).toFixed(1)} MiB)`,
    unit: 'ms',
    devmeet: { 'from start()': total, 'from node running': afterRunning },
    baselines: [{ label: bareLabel, figures: { value: bareMs } }],
    ratio: afterRunning / bareMs,
    target: limit != null ? `< ${limit / 1000} s and ≤ ${MAX_RATIO}× bare` : `≤ ${MAX_RATIO}× bare`,
    met: (limit == null || total < limit) && afterRunning / bareMs <= MAX_RATIO,
    note: held === n ? undefined : `holds ${held} of ${n}`
  }
}

/** Both peers in this process. */
async function inThisProcess (opts: BenchOptions, n: number): Promise<Row> {
  const [a, b] = await corePool(2)
  const cores: DevMeet[] = [a, b]
  const receiver = await BareNode.start()
  let sender: BareNode | undefined
  try {
    const id = await runningConference(a, [b])
    const frameBytes = await envelopeBytes(a, id, kibBody(0))
    const bDir = (b as any).opts.dataDir as string
    await b.stop()
    phase('receiver stopped')
    await sendBurst(a, id, 0, n)
    phase('missed messages sent')
    await settle()

    const back = makeCore('P1 again', bDir)
    cores.push(back)
    const counter = new MessageCounter(back, id)
    const t0 = performance.now()
    await startCore(back)
    const running = performance.now()
    phase('receiver running again')
    const progress = setInterval(() => phase(`${counter.count} held`), 1000)
    await within('the missed messages arrive', budget(opts, 300_000), counter.reach(n))
    const end = performance.now()
    clearInterval(progress)
    counter.stop()
    const held = (await back.chat.history(id)).length

    // Bare: a node that is up dials and receives the same number of frames of the same size.
    sender = await BareNode.start()
    const frame = new Uint8Array(frameBytes).fill(120)
    let got = 0
    const all = new Promise<void>(resolve => { receiver.onFrame = () => { if (++got === n) resolve() } })
    const t1 = performance.now()
    const lp = await sender.open(receiver.addr)
    // One write at a time: thousands of writes in flight each wait on the stream's drain event.
    for (let i = 0; i < n; i++) await lp.write(frame)
    await within('every bare frame arrives', budget(opts, 300_000), all)
    const bareMs = performance.now() - t1
    return row(n, frameBytes, 'both peers in one process', held, end - t0, end - running, bareMs, 'bare libp2p dial + same bytes, one process')
  } finally {
    await stopCores(cores)
    await Promise.all([sender?.stop(), receiver.stop()])
  }
}

/** The peer that catches up is a headless peer in its own process; the sender is a core in this one. */
export async function inItsOwnProcess (opts: BenchOptions, n: number): Promise<Row> {
  const [a] = await corePool(1)
  const dir = benchDir()
  // BENCH_PROFILE_DIR=dir: the headless peer writes a CPU profile there (node --cpu-prof)
  const env: Record<string, string> = { DEVMEET_PEER_MESSAGE_EVENTS: 'off', ...(process.env.BENCH_PROFILE_DIR != null ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` } : {}) }
  let b = HeadlessPeer.spawn('Catcher', dir, { env })
  const bare = BareProcess.spawn()
  let sender: BareNode | undefined
  try {
    const id = await headlessConference(opts, a, b, 'Catch-up')
    const frameBytes = await envelopeBytes(a, id, kibBody(0))
    await b.stop()
    phase('receiver stopped')
    await sendBurst(a, id, 0, n)
    phase('missed messages sent')
    await settle()

    const t0 = performance.now()
    b = HeadlessPeer.spawn('Catcher', dir, { env })
    await within('the headless peer is ready again', budget(opts, 30_000), b.ready)
    const running = b.readyAt
    const held = await within('the missed messages arrive', budget(opts, 300_000), b.command('waitReceived', { conferenceId: id, count: n }) as Promise<number>)
    const end = performance.now()

    // Bare: a node in this process dials a bare node in its own process and sends the same frames.
    await bare.ready
    await bare.command('quiet')
    sender = await BareNode.start()
    const frame = new Uint8Array(frameBytes).fill(120)
    const t1 = performance.now()
    const lp = await sender.open(await bare.addr())
    const arrived = bare.command('wait', { count: n })
    for (let i = 0; i < n; i++) await lp.write(frame)
    await within('every bare frame arrives', budget(opts, 300_000), arrived)
    const bareMs = performance.now() - t1
    return row(n, frameBytes, 'the peer catching up in its own process (2 cores: one each)', Math.min(held, n), end - t0, end - running, bareMs, 'bare libp2p dial + same bytes to a bare process')
  } finally {
    await stopCores([a])
    await Promise.all([b.stop(), bare.stop(), sender?.stop()])
  }
}
