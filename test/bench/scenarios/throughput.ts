// 3. Throughput: signed chat messages per second over one link until the receiver holds them all,
// beside a bare libp2p stream moving the same number of frames of the same size. Two modes: both
// peers in this process (they share its one thread), and the receiver as a headless peer in its
// own process (2 cores: one each), its bare baseline a bare libp2p node in its own process.
import type { BenchOptions } from '../options'
import { failedRow, type Row } from '../report'
import { BareNode } from '../bare'
import { benchDir, corePool, envelopeBytes, kibBody, MessageCounter, runningConference, stopCores } from '../cores'
import { settle, within } from '../stats'
import { budget } from '../calibration'
import { BareProcess, HeadlessPeer } from '../processes'
import { headlessConference } from '../headless-conference'
import { cpuMsOf, ownCpuMs } from '../cpu-time'

export async function throughput (opts: BenchOptions): Promise<Row[]> {
  const rows: Row[] = []
  for (const [name, run] of [['one process', inThisProcess], ['two processes', betweenTwoProcesses]] as const) {
    try {
      rows.push(...await run(opts))
    } catch (err) {
      process.stderr.write(`bench: throughput (${name}) failed: ${(err as Error)?.stack ?? String(err)}\n`)
      rows.push(failedRow('3', `Throughput, ${name}`, err))
    }
  }
  return rows
}

async function inThisProcess (opts: BenchOptions): Promise<Row[]> {
  const n = opts.throughputMessages
  const [a, b] = await corePool(2)
  const sender = await BareNode.start()
  const receiver = await BareNode.start()
  try {
    const id = await runningConference(a, [b])
    const frameBytes = await envelopeBytes(a, id, kibBody(0))
    const counter = new MessageCounter(b, id)

    // Warm-up: a small burst through both paths.
    const warm = Math.min(200, n)
    await sendBurst(a, id, 0, warm)
    await within('the warm-up burst arrives', 60_000, counter.reach(warm))
    await settle()

    const t0 = performance.now()
    await sendBurst(a, id, warm, warm + n)
    await within('every message arrives', 300_000, counter.reach(warm + n))
    const devmeetMs = performance.now() - t0
    counter.stop()

    const frame = new Uint8Array(frameBytes).fill(120)
    let got = 0
    let done: () => void = () => {}
    receiver.onFrame = () => { if (++got === warm || got === warm + n) done() }
    const burst = async (count: number): Promise<void> => {
      const lp = await sender.open(receiver.addr)
      // One write at a time: thousands of writes in flight each wait on the stream's drain event.
      for (let i = 0; i < count; i++) await lp.write(frame)
    }
    await within('the bare warm-up arrives', 60_000, new Promise<void>(resolve => { done = resolve; void burst(warm) }))
    await settle()
    const t1 = performance.now()
    await within('every bare frame arrives', 300_000, new Promise<void>(resolve => { done = resolve; void burst(n) }))
    const bareMs = performance.now() - t1

    const rate = n / (devmeetMs / 1000)
    const bareRate = n / (bareMs / 1000)
    return [{
      scenario: '3',
      measure: `Throughput, ${n.toLocaleString('en-US')} signed 1 KiB messages over one link, both peers in one process (${frameBytes} B each on the wire)`,
      unit: 'msg/s',
      devmeet: { value: rate },
      baselines: [{ label: 'bare libp2p stream, same frames', figures: { value: bareRate } }],
      ratio: rate / bareRate,
      target: '≥ 5,000 msg/s and ≥ 25 % of bare',
      met: rate >= 5000 && rate / bareRate >= 0.25
    }]
  } finally {
    await stopCores([a, b])
    await Promise.all([sender.stop(), receiver.stop()])
  }
}

/** The sender is a core in this process, the receiver a headless peer in its own process. */
export async function betweenTwoProcesses (opts: BenchOptions): Promise<Row[]> {
  const n = opts.throughputMessages
  const [a] = await corePool(1)
  // BENCH_PROFILE_DIR=dir: the headless peer writes a CPU profile there (node --cpu-prof)
  const b = HeadlessPeer.spawn('Receiver', benchDir(), { env: { DEVMEET_PEER_MESSAGE_EVENTS: 'off', ...(process.env.BENCH_PROFILE_DIR != null ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` } : {}) } })
  const bare = BareProcess.spawn()
  let sender: BareNode | undefined
  try {
    const id = await headlessConference(opts, a, b, 'Throughput')
    const frameBytes = await envelopeBytes(a, id, kibBody(0))
    const warm = Math.min(200, n)
    await sendBurst(a, id, 0, warm)
    await within('the warm-up burst arrives', budget(opts, 60_000), b.command('waitReceived', { conferenceId: id, count: warm }))
    await settle()
    const t0 = performance.now()
    const cpu0 = { sender: ownCpuMs(), receiver: cpuMsOf(b.child.pid!) }
    const arrived = b.command('waitReceived', { conferenceId: id, count: warm + n })
    await sendBurst(a, id, warm, warm + n)
    await within('every message arrives', budget(opts, 300_000), arrived)
    const devmeetMs = performance.now() - t0
    const cpuPerMessage = { sender: (ownCpuMs() - cpu0.sender) * 1000 / n, receiver: (cpuMsOf(b.child.pid!) - cpu0.receiver) * 1000 / n }

    await bare.ready
    await bare.command('quiet')
    sender = await BareNode.start()
    const frame = new Uint8Array(frameBytes).fill(120)
    const lp = await sender.open(await bare.addr())
    for (let i = 0; i < warm; i++) await lp.write(frame)
    await within('the bare warm-up arrives', budget(opts, 60_000), bare.command('wait', { count: warm }))
    await settle()
    const t1 = performance.now()
    const bareArrived = bare.command('wait', { count: warm + n })
    // One write at a time: thousands of writes in flight each wait on the stream's drain event.
    for (let i = 0; i < n; i++) await lp.write(frame)
    await within('every bare frame arrives', budget(opts, 300_000), bareArrived)
    const bareMs = performance.now() - t1

    const rate = n / (devmeetMs / 1000)
    const bareRate = n / (bareMs / 1000)
    return [{
      scenario: '3',
      measure: `Throughput, ${n.toLocaleString('en-US')} signed 1 KiB messages between two processes (2 cores: one each; ${frameBytes} B each on the wire)`,
      unit: 'msg/s',
      devmeet: { value: rate },
      baselines: [{ label: 'bare libp2p stream to a bare process, same frames', figures: { value: bareRate } }],
      ratio: rate / bareRate,
      target: '≥ 10,000 msg/s and ≥ 50 % of bare',
      met: rate >= 10_000 && rate / bareRate >= 0.5,
      note: `CPU per message: sender ${cpuPerMessage.sender.toFixed(0)} µs, receiver ${cpuPerMessage.receiver.toFixed(0)} µs (steadier than the rate on a busy machine)`
    }]
  } finally {
    await stopCores([a])
    await Promise.all([b.stop(), bare.stop(), sender?.stop()])
  }
}

/** Sends messages from..to-1 as fast as the API takes them (in chunks, so memory stays bounded). */
export async function sendBurst (core: import('../../../src/core/devmeet').DevMeet, conferenceId: string, from: number, to: number): Promise<void> {
  const chunk = 500
  for (let i = from; i < to; i += chunk) {
    const sends: Array<Promise<unknown>> = []
    for (let j = i; j < Math.min(to, i + chunk); j++) sends.push(core.chat.send(conferenceId, { kind: 'text', body: kibBody(j) }))
    await Promise.all(sends)
  }
}
