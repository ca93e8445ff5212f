// The soak: many participants (DevMeet cores, several per process) in one conference, chatting
// steadily while random participants restart; at the end everyone must hold the same history
// with nothing lost, and no process may have grown much beyond its first minute.
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CoreWorker, type CoreInfo } from './workers'

export interface SoakOptions {
  processes: number
  coresPerProcess: number
  durationMs: number
  /** each participant sends one message every this many ms on average */
  everyMs: number
  /** a random participant restarts this often */
  restartEveryMs: number
  /** how long a restarted participant stays down */
  downMs: number
  /** when the RSS sample that counts as "the first minute" is taken, from the start of the chat */
  firstSampleMs: number
  /** how long the histories may take to agree once the chat stops */
  settleTimeoutMs: number
  /** how often memory is logged during the chat (default a minute) */
  reportEveryMs?: number
  log: (line: string) => void
}

export interface ProcessMemory {
  worker: number
  pid: number
  rssFirst: number
  rssEnd: number
  heapFirst: number
  heapEnd: number
  fdsFirst: number
  fdsEnd: number
  growth: number
}

export interface SoakSummary {
  participants: number
  processes: number
  chatSeconds: number
  sent: number
  failedSends: number
  restarts: number
  /** per participant: messages held */
  counts: number[]
  /** distinct history hashes at the end (1 = everyone agrees) */
  hashes: number
  /** messages sent but missing at the participant that lacks the most */
  lost: number
  settleMs: number
  memory: ProcessMemory[]
  unhandledRejections: number
}

interface Participant extends CoreInfo { worker: number, index: number }

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

async function until (what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await sleep(250)
  }
}

/** At most `n` of `tasks` at a time. */
async function pool<T> (n: number, items: T[], task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length > 0) await task(queue.shift()!)
  }))
}

export async function runSoak (opts: SoakOptions): Promise<SoakSummary> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-soak-'))
  const workers = Array.from({ length: opts.processes }, (_, w) => CoreWorker.spawn(opts.coresPerProcess, `W${w}-`, dir))
  const t0 = Date.now()
  const stamp = (): string => `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s`
  try {
    const ready = await Promise.all(workers.map(w => w.ready))
    const people: Participant[] = ready.flatMap((r, w) => r.cores.map((c, index) => ({ ...c, worker: w, index })))
    const n = people.length
    opts.log(`${stamp()}  ${n} participants in ${workers.length} processes (pids ${ready.map(r => r.pid).join(', ')})`)
    const [org, ...invitees] = people
    const orgWorker = workers[org.worker]
    // The organizer meets everyone once (as peers on a LAN or by pasted address would), then invites them.
    await pool(6, invitees, async p => { await orgWorker.command('connect', { i: org.index, address: p.address }) })
    const conferenceId: string = await orgWorker.command('create', { i: org.index, title: 'Soak', invitees: invitees.map(p => p.peerId), durationMinutes: 24 * 60 })
    await until('every participant holds the conference with everyone accepted', 180_000, async () => {
      const all = (await Promise.all(workers.map(w => w.command('agreement', { conferenceId })))).flat()
      return all.every(a => a.participants === n && a.allAccepted)
    })
    opts.log(`${stamp()}  conference ${conferenceId}: all ${n} accepted`)
    await Promise.all(workers.map(w => w.command('join', { conferenceId })))
    const online = async (): Promise<number[]> => (await Promise.all(workers.map(w => w.command('online', { conferenceId })))).flat()
    try {
      await until('every participant has a chat stream with every other', 120_000, async () => (await online()).every(k => k === n - 1))
    } catch {
      // Not fatal: messages are forwarded through the streams that exist.
    }
    const links = await online()
    opts.log(`${stamp()}  chat streams per participant: min ${Math.min(...links)}, max ${Math.max(...links)} of ${n - 1}`)

    // The chat, with restarts and memory samples.
    const chatStart = Date.now()
    await Promise.all(workers.map(w => w.command('chat', { conferenceId, everyMs: opts.everyMs })))
    const memory = async (): Promise<any[]> => await Promise.all(workers.map(w => w.command('memory')))
    let first: any[] | undefined
    let restarts = 0
    const restarting = new Set<string>()
    const restartsDone: Array<Promise<void>> = []
    let nextRestart = chatStart + opts.restartEveryMs
    let nextReport = chatStart + (opts.reportEveryMs ?? 60_000)
    while (Date.now() - chatStart < opts.durationMs) {
      await sleep(Math.min(1000, Math.max(0, opts.durationMs - (Date.now() - chatStart))))
      const now = Date.now()
      if (first == null && now - chatStart >= opts.firstSampleMs) {
        first = await memory()
        opts.log(`${stamp()}  first-minute RSS per process: ${first.map(m => (m.rss / 2 ** 20).toFixed(0)).join(', ')} MiB`)
      }
      if (now >= nextRestart && now - chatStart < opts.durationMs - opts.downMs) {
        nextRestart += opts.restartEveryMs
        const candidates = people.filter(p => !restarting.has(p.peerId))
        const p = candidates[Math.floor(Math.random() * candidates.length)]
        restarting.add(p.peerId)
        restarts++
        opts.log(`${stamp()}  restarting ${p.name} for ${(opts.downMs / 1000).toFixed(0)} s`)
        restartsDone.push(workers[p.worker].command('restart', { i: p.index, downMs: opts.downMs }).then(
          () => { restarting.delete(p.peerId) },
          err => { restarting.delete(p.peerId); opts.log(`restart of ${p.name} failed: ${err.message}`) }))
      }
      if (now >= nextReport) {
        nextReport += opts.reportEveryMs ?? 60_000
        const m = await memory()
        opts.log(`${stamp()}  RSS per process: ${m.map(x => (x.rss / 2 ** 20).toFixed(0)).join(', ')} MiB (V8 heap committed ${m.map(x => (x.heapTotal / 2 ** 20).toFixed(0)).join(', ')}; external ${m.map(x => (x.external / 2 ** 20).toFixed(0)).join(', ')})`)
      }
    }
    await Promise.all(restartsDone)
    const end = await memory()
    first ??= end
    const sentBy = (await Promise.all(workers.map(w => w.command('stopChat')))).flat()
    const chatSeconds = (Date.now() - chatStart) / 1000
    const sent = sentBy.reduce((s: number, x: any) => s + x.sent, 0)
    const failedSends = sentBy.reduce((s: number, x: any) => s + x.failed, 0)
    opts.log(`${stamp()}  chat stopped after ${chatSeconds.toFixed(0)} s: ${sent} messages sent, ${restarts} restarts; waiting for every history to agree`)

    const settleStart = Date.now()
    let digests: any[] = []
    const agreed = async (): Promise<boolean> => {
      digests = (await Promise.all(workers.map(w => w.command('digest', { conferenceId })))).flat()
      return digests.every(d => d.count === sent && d.hash === digests[0].hash)
    }
    try {
      await until('every participant holds every message', opts.settleTimeoutMs, agreed)
    } catch {}
    const settleMs = Date.now() - settleStart
    const counts = digests.map(d => d.count)
    const mem: ProcessMemory[] = workers.map((_, w) => ({
      worker: w,
      pid: ready[w].pid,
      rssFirst: first![w].rss,
      rssEnd: end[w].rss,
      heapFirst: first![w].heapUsed,
      heapEnd: end[w].heapUsed,
      fdsFirst: first![w].fds,
      fdsEnd: end[w].fds,
      growth: end[w].rss / first![w].rss - 1
    }))
    return {
      participants: n,
      processes: workers.length,
      chatSeconds,
      sent,
      failedSends,
      restarts,
      counts,
      hashes: new Set(digests.map(d => d.hash)).size,
      lost: Math.max(0, sent - Math.min(...counts)),
      settleMs,
      memory: mem,
      unhandledRejections: workers.reduce((k, w) => k + w.events.filter(e => e.event === 'unhandledRejection').length, 0)
    }
  } finally {
    await Promise.all(workers.map(w => w.stop().catch(() => {})))
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The summary as a few lines of text. */
export function formatSummary (s: SoakSummary): string {
  const mb = (b: number): string => (b / 2 ** 20).toFixed(1)
  const lines = [
    `Soak: ${s.participants} participants in ${s.processes} processes, ${s.chatSeconds.toFixed(0)} s of chat, ${s.restarts} restarts`,
    `Messages: ${s.sent} sent (${s.failedSends} sends refused), held per participant ${Math.min(...s.counts)}–${Math.max(...s.counts)}, ` +
      `${s.hashes === 1 ? 'one history everywhere' : `${s.hashes} different histories`}, lost ${s.lost}, agreed ${(s.settleMs / 1000).toFixed(1)} s after the chat stopped`,
    'RSS per process, first minute → end (heap, file handles):'
  ]
  for (const m of s.memory) {
    lines.push(`  process ${m.worker} (pid ${m.pid}): ${mb(m.rssFirst)} → ${mb(m.rssEnd)} MiB (${m.growth >= 0 ? '+' : ''}${(m.growth * 100).toFixed(1)} %), heap ${mb(m.heapFirst)} → ${mb(m.heapEnd)} MiB, fds ${m.fdsFirst} → ${m.fdsEnd}`)
  }
  lines.push(`Unhandled rejections: ${s.unhandledRejections}`)
  return lines.join('\n')
}
