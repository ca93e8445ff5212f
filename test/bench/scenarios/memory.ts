// 7. Memory: RSS of a headless peer (dist/peer.js) idle, then holding a conference of
// `memoryParticipants` with `memoryMessages` messages. The other participants are cores in this
// process; after accepting, all but the organizer go offline, and so does the peer while the
// organizer writes the messages: it catches up on all of them when it starts again, over one link.
// (Sent live, 10,000 messages from one author in seconds are a flood, which the peer cuts off; and
// the 20-participant flood among in-process cores would measure forwarding, not memory.)
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { budget } from '../calibration'
import { benchDir, corePool, stopCores } from '../cores'
import { settle, sleep, until, within } from '../stats'
import { BareProcess, HeadlessPeer, rssOf } from '../processes'
import { spawn } from 'node:child_process'
import { sendBurst } from './throughput'

const MB = 1024 * 1024

export async function memory (opts: BenchOptions): Promise<Row[]> {
  const dataDir = benchDir()
  let peer = HeadlessPeer.spawn('Memory', dataDir)
  const cores = await corePool(opts.memoryParticipants - 1)
  const [org, ...others] = cores
  try {
    const ready = await peer.ready
    await sleep(opts.smoke ? 200 : 2000)
    const idle = peer.rss()
    const { bareIdle, nodeIdle } = await idleBaselines(opts.smoke ? 200 : 2000)
    await org.connect(ready.address)
    const answered = new Promise<void>(resolve => {
      const off = peer.onLine(line => {
        if (line.event !== 'invitation') return
        off()
        void peer.command('respond', { conferenceId: line.conference.context.id, answer: 'accepted' }).then(() => resolve())
      })
    })
    const offs = others.map(p => p.events.on('invitation', v => { void p.conferences.respond(v.context.id, 'accepted') }))
    const { context } = await org.conferences.create({ title: 'Memory', start: Date.now(), durationMinutes: 120, invitees: [ready.peerId, ...others.map(p => p.peerId!)] })
    const id = context.id
    await within('the headless peer answers', budget(opts, 60_000), answered)
    await until('every answer reached the organizer', () => org.conferences.get(id)!.context.invitees.every(i => i.rsvp === 'accepted'), budget(opts, 60_000))
    offs.forEach(off => off())
    await until('the updated conference reached the headless peer', async () => {
      const list: any[] = await peer.command('conferences')
      return list.some(v => v.context.id === id && v.context.invitees.every((i: any) => i.rsvp === 'accepted'))
    }, budget(opts, 60_000))
    await stopCores(others)
    await peer.stop()
    await org.chat.join(id)
    await sendBurst(org, id, 0, opts.memoryMessages)
    peer = HeadlessPeer.spawn('Memory', dataDir)
    let held = 0
    const off = peer.onLine(line => { if (line.event === 'message' && line.message?.conferenceId === id) held++ })
    await peer.ready
    await until('the headless peer holds every message', () => held >= opts.memoryMessages, budget(opts, 300_000))
    off()
    await settle()
    await sleep(opts.smoke ? 200 : 2000)
    const holding = peer.rss()
    const bench = rssOf(process.pid)
    return [
      {
        scenario: '7',
        where: 'its own process',
        measure: 'RSS of an idle headless peer (dist/peer.js, WebRTC off as headless by default)',
        unit: 'MB',
        devmeet: { value: idle / MB },
        baselines: [{ label: 'a bare libp2p node (TCP, noise, yamux), bundled, idle', figures: { value: bareIdle / MB } }, { label: '`node` doing nothing', figures: { value: nodeIdle / MB } }],
        ratio: idle / bareIdle,
        target: '< 80 MB',
        met: idle < 80 * MB
      },
      {
        scenario: '7',
        measure: `RSS of a headless peer holding a ${opts.memoryParticipants}-participant conference with ${opts.memoryMessages.toLocaleString("en-US")} messages (caught up after a restart)`,
        where: 'its own process',
        unit: 'MB',
        devmeet: { value: holding / MB },
        baselines: [],
        note: `the benchmark process with its ${cores.length} in-process DevMeet cores: ${(bench / MB).toFixed(0)} MB`
      }
    ]
  } finally {
    await peer.stop()
    await stopCores(cores)
  }
}

/** RSS of a bare libp2p process and of a `node` doing nothing, each `afterMs` after it was ready. */
async function idleBaselines (afterMs: number): Promise<{ bareIdle: number, nodeIdle: number }> {
  const bare = BareProcess.spawn()
  const idleNode = spawn(process.execPath, ['-e', 'process.stdout.write("ready\\n"); setInterval(() => {}, 60_000)'], { stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    await bare.ready
    await new Promise<void>(resolve => idleNode.stdout.once('data', () => resolve()))
    await sleep(afterMs)
    return { bareIdle: bare.rss(), nodeIdle: rssOf(idleNode.pid!) }
  } finally {
    idleNode.kill()
    await bare.stop()
  }
}
