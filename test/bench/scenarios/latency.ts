// 1. Delivery latency, two peers, 1 KiB, one way.
// Between two processes (the figure the target speaks of): two headless peers (dist/peer.js); the
// benchmark writes `send` to A's stdin and stamps the time, and stamps again when B's message line
// arrives. The baseline is the same with two bare libp2p processes (send one frame / frame line),
// so both carry the same two pipe hops, which are measured alone too (a command answered at once).
// In one process: DevMeet cores, a bare libp2p stream and a bare TCP socket share one event loop
// and one clock. Samples of each kind are taken in turn so machine noise hits all alike.
import type { BenchOptions } from '../options'
import { inOneProcess, inProcesses, type Row } from '../report'
import { BareNode, BareTcpPair } from '../bare'
import { corePool, kibBody, runningConference, stopCores } from '../cores'
import { sleep, summarize, within } from '../stats'
import { budget } from '../calibration'
import { processMeeting } from '../process-meeting'
import { BareProcess } from '../processes'

/** longer than the chat's acknowledgement delay, so one sample's ack never lands in the next */
const PAUSE_MS = 22
const TARGET = 'p99 < 5 ms; p50 ≤ 2× bare libp2p'

export async function latency (opts: BenchOptions): Promise<Row[]> {
  return [await betweenProcesses(opts), await inProcess(opts)]
}

async function betweenProcesses (opts: BenchOptions): Promise<Row> {
  const meeting = await processMeeting(2, opts, { prefix: 'Latency' })
  const bareA = BareProcess.spawn()
  const bareB = BareProcess.spawn()
  try {
    const [, bAddr] = await Promise.all([bareA.ready, bareB.addr()])
    await bareA.command('open', { addr: bAddr })
    const id = meeting.conferenceId
    const [a] = meeting.peers
    let arrived: (() => void) | undefined
    let arrivedAt = 0
    const offMessage = meeting.onMessage(m => { if (m.peer === 1) { arrivedAt = m.at; arrived?.() } })
    const offFrame = bareB.onLine(line => { if (line.event === 'frame') { arrivedAt = performance.now(); arrived?.() } })
    const once = async (send: () => void): Promise<number> => {
      const got = new Promise<void>(resolve => { arrived = resolve })
      const t0 = performance.now()
      send()
      await within('a message arrives', budget(opts, 10_000), got)
      return arrivedAt - t0
    }
    const pipe = async (): Promise<number> => {
      const t0 = performance.now()
      await bareB.command('wait', { count: 0 })
      return performance.now() - t0
    }
    const devmeet: number[] = []
    const bare: number[] = []
    const pipes: number[] = []
    for (let i = 0; i < opts.warmup + opts.latencySamples; i++) {
      const keep = i >= opts.warmup
      const d = await once(() => a.post('send', { conferenceId: id, body: kibBody(i) }))
      await sleep(PAUSE_MS)
      const l = await once(() => bareA.post('send', { addr: bAddr, size: 1024, count: 1 }))
      await sleep(2)
      const p = await pipe()
      await sleep(2)
      if (keep) { devmeet.push(d); bare.push(l); pipes.push(p) }
    }
    offMessage()
    offFrame()
    const dm = summarize(devmeet)
    const bl = summarize(bare)
    const pp = summarize(pipes)
    const ratio = dm.p50 / bl.p50
    return {
      scenario: '1',
      where: inProcesses(2),
      measure: `Delivery latency A→B, 1 KiB text, one way, headless peers (${dm.n} samples; both figures include the benchmark's two pipe hops)`,
      unit: 'ms',
      devmeet: { p50: dm.p50, p99: dm.p99 },
      baselines: [
        { label: 'bare libp2p stream, 2 processes', figures: { p50: bl.p50, p99: bl.p99 } },
        { label: 'the two pipe hops alone', figures: { p50: pp.p50, p99: pp.p99 } }
      ],
      ratio,
      target: TARGET,
      met: ratio <= 2 && dm.p99 < 5
    }
  } finally {
    await meeting.stop()
    await Promise.all([bareA.stop(), bareB.stop()])
  }
}

async function inProcess (opts: BenchOptions): Promise<Row> {
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
      await within('a message arrives', budget(opts, 10_000), got)
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
    return {
      scenario: '1',
      where: inOneProcess(),
      measure: `Delivery latency A→B, 1 KiB text, one way (${dm.n} samples)`,
      unit: 'ms',
      devmeet: { p50: dm.p50, p99: dm.p99 },
      baselines: [{ label: 'bare libp2p stream', figures: { p50: bl.p50, p99: bl.p99 } }, { label: 'bare TCP', figures: { p50: tc.p50, p99: tc.p99 } }],
      ratio,
      target: TARGET,
      met: ratio <= 2 && dm.p99 < 5
    }
  } finally {
    await stopCores([a, b])
    await Promise.all([sender.stop(), receiver.stop(), tcp.close()])
  }
}
