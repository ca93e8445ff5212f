// 3. Throughput: signed chat messages per second over one link until the receiver holds them all,
// beside a bare libp2p stream moving the same number of frames of the same size.
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { BareNode } from '../bare'
import { corePool, envelopeBytes, kibBody, MessageCounter, runningConference, stopCores } from '../cores'
import { settle, within } from '../stats'

export async function throughput (opts: BenchOptions): Promise<Row[]> {
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
      measure: `Throughput, ${n.toLocaleString('en-US')} signed 1 KiB messages over one link (${frameBytes} B each on the wire)`,
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

/** Sends messages from..to-1 as fast as the API takes them (in chunks, so memory stays bounded). */
export async function sendBurst (core: import('../../../src/core/devmeet').DevMeet, conferenceId: string, from: number, to: number): Promise<void> {
  const chunk = 500
  for (let i = from; i < to; i += chunk) {
    const sends: Array<Promise<unknown>> = []
    for (let j = i; j < Math.min(to, i + chunk); j++) sends.push(core.chat.send(conferenceId, { kind: 'text', body: kibBody(j) }))
    await Promise.all(sends)
  }
}
