// 4. Catch-up: a participant misses messages while offline, then comes back on the same data
// folder (as after a restart): time until it holds them all, beside moving the same bytes over a
// new bare libp2p connection. Two sizes (N and 10 N missed messages) and two modes: both peers in
// this process, and the peer that catches up in its own process (a headless peer, dist/peer.js),
// with its bare baseline received in its own process too. The machine has 2 cores: in the process
// mode the sender and the receiver each have one.
import type { BenchOptions } from '../options'
import { failedRow, type Row } from '../report'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { open, parseEnvelope, peekEnvelope, sealText, verifySigned, DOMAINS } from '../../../src/core/wire/envelope'
import { authenticateChains, chainHash, envelopeDigest } from '../../../src/core/chat/chain'
import { chatPayloadSchema } from '../../../src/core/chat/message'
import { BareNode } from '../bare'
import { benchDir, corePool, envelopeBytes, kibBody, makeCore, MessageCounter, runningConference, startCore, stopCores } from '../cores'
import type { DevMeet } from '../../../src/core/devmeet'
import { settle, within } from '../stats'
import { headlessConference } from '../headless-conference'
import { cpuMsOf } from '../cpu-time'
import { budget } from '../calibration'
import { BareProcess, HeadlessPeer } from '../processes'
import { sendBurst } from './throughput'

const TARGET = { 10_000: 1000, 100_000: 5000 } as Record<number, number | undefined>
const MAX_RATIO = 1.5

export async function catchup (opts: BenchOptions): Promise<Row[]> {
  const sizes = [opts.catchupMessages, opts.catchupMessages * 10]
  const rows: Row[] = []
  try {
    rows.push(await authenticationCost(opts.catchupMessages))
  } catch (err) {
    rows.push(failedRow('4', 'CPU to authenticate a catch-up', err))
  }
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

/**
 * The receiving side's work for a catch-up without the network: N chained messages of one author
 * in frames as the sender packs them (48 KiB), read, shaped and authenticated as receive.ts does
 * (one signature per frame, a hash per message), beside what it cost before the chain (every
 * signature checked, as open() does). CPU time, on all threads.
 */
export async function authenticationCost (n: number): Promise<Row> {
  const key = await generateKeyPair('Ed25519')
  const author = peerIdFromPrivateKey(key).toString()
  const conferenceId = 'c'.repeat(22)
  const envelopes: string[] = []
  let prev: string | undefined
  for (let seq = 1; seq <= n; seq++) {
    const env = sealText(key, DOMAINS.chat, { conferenceId, author, seq, lamport: seq, sentAt: Date.now(), kind: 'text', body: kibBody(seq), ...(prev != null ? { prev } : {}) })
    envelopes.push(env)
    prev = chainHash(env)
  }
  const frames: string[][] = []
  for (let i = 0, bytes = 0; i < envelopes.length; i++) {
    if (frames.length === 0 || bytes + envelopes[i].length > 48 * 1024) { frames.push([]); bytes = 0 }
    frames.at(-1)!.push(envelopes[i])
    bytes += envelopes[i].length
  }
  const encoder = new TextEncoder()
  const cpu = async (work: () => Promise<void>): Promise<number> => {
    const c0 = process.cpuUsage()
    await work()
    const c = process.cpuUsage(c0)
    return (c.user + c.system) / n
  }
  const before = await cpu(async () => {
    for (const frame of frames) await Promise.all(frame.map(async e => await open(encoder.encode(e), DOMAINS.chat, chatPayloadSchema, { offThread: frame.length >= 8 })))
  })
  let authenticated = 0
  const after = await cpu(async () => {
    for (const frame of frames) {
      const parsed = frame.map(e => parseEnvelope(e, DOMAINS.chat, chatPayloadSchema, peekEnvelope(e)))
      const items = parsed.map((p, i) => ({ author: p.payload.author, seq: p.payload.seq, prev: p.payload.prev, hash: envelopeDigest(frame[i]).toString('base64url') }))
      const ok = await authenticateChains(items, () => undefined, async idx => await Promise.all(idx.map(async i => await verifySigned(parsed[i].signed))))
      authenticated += ok.filter(Boolean).length
    }
  })
  return {
    scenario: '4',
    measure: `CPU to read and authenticate ${n.toLocaleString('en-US')} caught-up messages of one author, in ${frames.length} frames, no network`,
    unit: 'µs/msg',
    devmeet: { 'hash chain (one signature per frame)': after },
    baselines: [{ label: 'one signature per message (before the chain)', figures: { value: before } }],
    ratio: after / before,
    target: 'the chain costs less',
    met: after < before && authenticated === n,
    note: authenticated === n ? undefined : `authenticated ${authenticated} of ${n}`
  }
}

/** Both peers in this process. */
export async function inThisProcess (opts: BenchOptions, n: number): Promise<Row> {
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
    // With BENCH_DEBUG: each second, how far it got and what the two chats see (a stall shows where it stops).
    const progress = setInterval(() => {
      const chats = [a, back].map(c => {
        const chat = (c as any).chat
        return `links ${JSON.stringify(chat.presence(id).linked.length)} flood ${JSON.stringify(chat.floodStats)} refused ${JSON.stringify(chat.refusedStats)} delivery ${JSON.stringify(chat.deliveryStats)}`
      })
      phase(`${counter.count} held; sender: ${chats[0]}; catching up: ${chats[1]}`)
    }, 1000)
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
    const cpuAtReady = cpuMsOf(b.child.pid!)
    const held = await within('the missed messages arrive', budget(opts, 300_000), b.command('waitReceived', { conferenceId: id, count: n }) as Promise<number>)
    const end = performance.now()
    const cpuPerMessage = (cpuMsOf(b.child.pid!) - cpuAtReady) * 1000 / n

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
    const r = row(n, frameBytes, 'the peer catching up in its own process (2 cores: one each)', Math.min(held, n), end - t0, end - running, bareMs, 'bare libp2p dial + same bytes to a bare process')
    return { ...r, note: [r.note, `its CPU per message once running: ${cpuPerMessage.toFixed(0)} µs`].filter(Boolean).join('; ') }
  } finally {
    await stopCores([a])
    await Promise.all([b.stop(), bare.stop(), sender?.stop()])
  }
}
