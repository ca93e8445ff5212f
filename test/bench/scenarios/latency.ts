// 1. Delivery latency, two peers, 1 KiB: DevMeet send on A → message event on B, beside a bare
// libp2p stream and a bare TCP socket one way. One process, one clock: stamped before the send,
// read at the receive event. The three are sampled in turn so machine noise hits all alike.
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { BareNode, BareTcpPair } from '../bare'
import { corePool, kibBody, runningConference, stopCores } from '../cores'
import { sleep, summarize, within } from '../stats'

/** longer than the chat's acknowledgement delay, so one sample's ack never lands in the next */
const PAUSE_MS = 22

export async function latency (opts: BenchOptions): Promise<Row[]> {
  const [a, b] = await corePool(2)
  const sender = await BareNode.start()
  const receiver = await BareNode.start()
  const tcp = await BareTcpPair.open()
  try {
    const id = await runningConference(a, [b])
    const payload = new TextEncoder().encode(kibBody(0))

    let arrived: (() => void) | undefined
    let arrivedAt = 0
    const arrive = (): void => { arrivedAt = performance.now(); arrived?.() }
    const me = a.peerId
    const off = b.events.on('message', m => { if (m.conferenceId === id && m.author === me) arrive() })
    receiver.onFrame = arrive
    tcp.onFrame = arrive
    const once = async (send: () => unknown): Promise<number> => {
      const got = new Promise<void>(resolve => { arrived = resolve })
      const t0 = performance.now()
      await send()
      await within('a message arrives', 10_000, got)
      return arrivedAt - t0
    }

    const devmeet: number[] = []
    const bare: number[] = []
    const socket: number[] = []
    await sender.open(receiver.addr)
    for (let i = 0; i < opts.warmup + opts.latencySamples; i++) {
      const keep = i >= opts.warmup
      const d = await once(() => a.chat.send(id, { kind: 'text', body: kibBody(i) }))
      await sleep(PAUSE_MS)
      const l = await once(() => sender.send(receiver.addr, payload))
      await sleep(1)
      const t = await once(() => tcp.send(payload))
      await sleep(1)
      if (keep) { devmeet.push(d); bare.push(l); socket.push(t) }
    }
    off()
    const dm = summarize(devmeet)
    const bl = summarize(bare)
    const tc = summarize(socket)
    const ratio = dm.p50 / bl.p50
    return [{
      scenario: '1',
      measure: `Delivery latency A→B, 1 KiB text, one way (${dm.n} samples)`,
      unit: 'ms',
      devmeet: { p50: dm.p50, p99: dm.p99 },
      baselines: [{ label: 'bare libp2p stream', figures: { p50: bl.p50, p99: bl.p99 } }, { label: 'bare TCP', figures: { p50: tc.p50, p99: tc.p99 } }],
      ratio,
      target: 'p50 ≤ 3× bare libp2p; p99 < 5 ms',
      met: ratio <= 3 && dm.p99 < 5
    }]
  } finally {
    await stopCores([a, b])
    await Promise.all([sender.stop(), receiver.stop(), tcp.close()])
  }
}
