// 4. Catch-up: a participant misses messages while offline, then comes back (a new core on the
// same data folder, as after a restart): time until it holds them all, beside moving the same
// bytes over a new bare libp2p connection.
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { BareNode } from '../bare'
import { corePool, envelopeBytes, kibBody, makeCore, MessageCounter, runningConference, startCore, stopCores } from '../cores'
import type { DevMeet } from '../../../src/core/devmeet'
import { settle, within } from '../stats'
import { sendBurst } from './throughput'

export async function catchup (opts: BenchOptions): Promise<Row[]> {
  const n = opts.catchupMessages
  const [a, b] = await corePool(2)
  const cores: DevMeet[] = [a, b]
  const receiver = await BareNode.start()
  let sender: BareNode | undefined
  try {
    const id = await runningConference(a, [b])
    const frameBytes = await envelopeBytes(a, id, kibBody(0))
    const bDir = (b as any).opts.dataDir as string
    await b.stop()
    const phase = (what: string): void => { if (process.env.BENCH_DEBUG != null) process.stderr.write(`catch-up: ${what} at ${performance.now().toFixed(0)} ms\n`) }
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
    await within('the missed messages arrive', 300_000, counter.reach(n))
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
    await within('every bare frame arrives', 300_000, all)
    const bareMs = performance.now() - t1

    const total = end - t0
    const afterRunning = end - running
    return [{
      scenario: '4',
      measure: `Catch-up of ${n.toLocaleString('en-US')} missed messages after a restart (${(n * frameBytes / 2 ** 20).toFixed(1)} MiB; holds ${held})`,
      unit: 'ms',
      devmeet: { 'from start()': total, 'from node running': afterRunning },
      baselines: [{ label: 'bare libp2p dial + same bytes', figures: { value: bareMs } }],
      ratio: afterRunning / bareMs,
      target: '< 2 s and ≤ 3× bare',
      met: total < 2000 && afterRunning / bareMs <= 3,
      note: held === n ? undefined : `holds ${held} of ${n}`
    }]
  } finally {
    await stopCores(cores)
    await Promise.all([sender?.stop(), receiver.stop()])
  }
}
