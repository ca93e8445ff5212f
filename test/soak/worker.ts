// A child process hosting several DevMeet cores (the soak's participants, or a flooding
// participant), driven by JSON lines on stdin: {id, cmd, ...} in, {id, ok, result} out, plus
// {event} lines. Run with --expose-gc so memory samples are taken after a collection.
import * as readline from 'node:readline'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { DevMeet } from '../../src/core/devmeet'
import { FileKeyStore } from '../../src/core/identity'
import { defaultNetworkConfig } from '../../src/core/config'
import { lineLogger } from '../../src/core/log'

interface Slot {
  name: string
  dataDir: string
  port: string
  core: DevMeet
  /** messages whose send() resolved (on disk, so they must reach everyone) */
  sent: number
  failed: number
  down: boolean
  timer?: ReturnType<typeof setTimeout>
  inFlight: Set<Promise<unknown>>
}

const { values } = parseArgs({
  options: {
    cores: { type: 'string', default: '1' },
    prefix: { type: 'string', default: 'P' },
    dir: { type: 'string' },
    log: { type: 'string' }
  }
})
const root = values.dir ?? mkdtempSync(path.join(os.tmpdir(), 'devmeet-soak-'))
const slots: Slot[] = []
const joined = new Set<string>()
let chatting: { conferenceId: string, everyMs: number } | undefined

function out (value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

function makeCore (name: string, dataDir: string, port: string): DevMeet {
  return new DevMeet({
    dataDir,
    keyStore: new FileKeyStore(path.join(dataDir, 'peer.key')),
    displayName: name,
    config: { ...defaultNetworkConfig(), listenAddresses: [`/ip4/127.0.0.1/tcp/${port}`], mdns: false, webrtc: false },
    outboxBackoff: { initialMs: 200, maxMs: 2000 },
    reminderMinutes: 0,
    log: values.log != null ? lineLogger(l => process.stderr.write(`${name}: ${l}\n`), values.log as any) : undefined
  })
}

async function startSlot (slot: Slot): Promise<void> {
  const core = slot.core
  core.events.on('invitation', v => { void core.conferences.respond(v.context.id, 'accepted').catch(() => {}) })
  core.events.on('warning', message => out({ event: 'warning', core: slot.name, message }))
  await core.start()
  if (core.status.state !== 'running') throw new Error(`${slot.name} did not start: ${JSON.stringify(core.status)}`)
  slot.port = core.listenAddrs()[0]?.match(/\/tcp\/(\d+)/)?.[1] ?? '0'
  for (const id of joined) await core.chat.join(id)
}

function info (slot: Slot): Record<string, unknown> {
  return { name: slot.name, peerId: slot.core.peerId, address: slot.core.address(), addrs: slot.core.listenAddrs() }
}

function scheduleChat (slot: Slot): void {
  if (chatting == null || slot.down) return
  const { conferenceId, everyMs } = chatting
  // Uniform between half and one and a half times the mean: steady, but not in lock-step.
  slot.timer = setTimeout(() => {
    if (chatting == null || slot.down) return
    const p = slot.core.chat.send(conferenceId, { kind: 'text', body: `${slot.name} says ${slot.sent + slot.failed + 1} at ${Date.now()}` })
      .then(() => { slot.sent++ }, () => { slot.failed++ })
    slot.inFlight.add(p)
    void p.finally(() => slot.inFlight.delete(p))
    scheduleChat(slot)
  }, everyMs * (0.5 + Math.random()))
}

async function memory (): Promise<Record<string, number>> {
  const gc = (globalThis as any).gc as (() => void) | undefined
  gc?.()
  const m = process.memoryUsage()
  let fds = -1
  try { fds = readdirSync('/proc/self/fd').length } catch {}
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, fds }
}

const commands: Record<string, (line: any) => Promise<unknown>> = {
  async connect ({ i, address }) {
    const core = slots[i].core
    const peer = await core.connect(address)
    const until = Date.now() + 15_000
    while (!core.peerInfo(peer.peerId).isDevMeet) {
      if (Date.now() > until) throw new Error('the peer did not identify as a DevMeet peer')
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    return peer.peerId
  },
  async create ({ i, title, invitees, durationMinutes }) {
    const { context } = await slots[i].core.conferences.create({ title, start: Date.now(), durationMinutes: durationMinutes ?? 120, invitees })
    return context.id
  },
  /** per core: participants seen and whether every invitee accepted */
  async agreement ({ conferenceId }) {
    return slots.map(s => {
      const view = s.core.conferences.get(conferenceId)
      return {
        participants: view == null ? 0 : s.core.conferences.participants(conferenceId).length,
        allAccepted: view?.context.invitees.every(i => i.rsvp === 'accepted') ?? false
      }
    })
  },
  async join ({ conferenceId }) {
    joined.add(conferenceId)
    for (const s of slots) if (!s.down) await s.core.chat.join(conferenceId)
    return slots.length
  },
  /** per core: how many participants it has a chat stream with */
  async online ({ conferenceId }) {
    return slots.map(s => s.down ? -1 : s.core.chat.presence(conferenceId).linked.length)
  },
  async chat ({ conferenceId, everyMs }) {
    chatting = { conferenceId, everyMs }
    for (const s of slots) scheduleChat(s)
    return true
  },
  async stopChat () {
    chatting = undefined
    for (const s of slots) clearTimeout(s.timer)
    await Promise.all(slots.flatMap(s => [...s.inFlight]))
    return slots.map(s => ({ name: s.name, peerId: s.core.peerId, sent: s.sent, failed: s.failed }))
  },
  /** Stops core i (as a closed window would), waits downMs, and starts it again on the same folder and port. */
  async restart ({ i, downMs }) {
    const slot = slots[i]
    if (slot.down) return false
    slot.down = true
    clearTimeout(slot.timer)
    await Promise.all([...slot.inFlight])
    await slot.core.stop()
    await new Promise(resolve => setTimeout(resolve, downMs ?? 3000))
    slot.core = makeCore(slot.name, slot.dataDir, slot.port)
    await startSlot(slot)
    slot.down = false
    scheduleChat(slot)
    return info(slot)
  },
  /** per core: messages held and a hash of the history in display order */
  async digest ({ conferenceId }) {
    return await Promise.all(slots.map(async s => {
      const history = await s.core.chat.history(conferenceId)
      const hash = createHash('sha256')
      for (const m of history) hash.update(`${m.author}#${m.seq}#${m.lamport}:${m.body}\n`)
      return { name: s.name, count: history.length, hash: hash.digest('hex').slice(0, 16), keys: undefined as unknown }
    }))
  },
  /** per core: the (author, seq) pairs it holds, for finding what is missing */
  async keys ({ conferenceId, i }) {
    return (await slots[i].core.chat.history(conferenceId)).map(m => `${m.author}#${m.seq}`)
  },
  memory,
  async send ({ i, conferenceId, body }) {
    return await slots[i].core.chat.send(conferenceId, { kind: 'text', body })
  },
  /** Core i sends perSecond messages a second (in ticks of 10 ms) for `seconds`, not waiting for any. */
  async flood ({ i, conferenceId, perSecond, seconds }) {
    const core = slots[i].core
    const perTick = Math.max(1, Math.round(perSecond / 100))
    const end = Date.now() + seconds * 1000
    let sent = 0
    let failed = 0
    let n = 0
    const pending = new Set<Promise<unknown>>()
    while (Date.now() < end && !stopFlood) {
      const tickEnd = Date.now() + 10
      for (let k = 0; k < perTick; k++) {
        const p = core.chat.send(conferenceId, { kind: 'text', body: `flood ${++n}` }).then(() => { sent++ }, () => { failed++ })
        pending.add(p)
        void p.finally(() => pending.delete(p))
      }
      // Never more than a second's worth waiting on the disk: the flood is as fast as this peer can sign and write.
      while (pending.size > perSecond) await Promise.race(pending)
      const wait = tickEnd - Date.now()
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    }
    await Promise.all(pending)
    stopFlood = false
    return { sent, failed }
  },
  async stopFlood () {
    stopFlood = true
    return true
  },
  async quit () {
    setImmediate(() => { void shutdown() })
    return true
  }
}
let stopFlood = false

let stopping = false
async function shutdown (): Promise<void> {
  if (stopping) return
  stopping = true
  chatting = undefined
  for (const s of slots) clearTimeout(s.timer)
  await Promise.all(slots.map(s => s.core.stop().catch(() => {})))
  process.exit(0)
}

async function main (): Promise<void> {
  const n = Number(values.cores)
  for (let i = 0; i < n; i++) {
    const dataDir = mkdtempSync(path.join(root, `${values.prefix}${i}-`))
    const name = `${values.prefix}${i}`
    slots.push({ name, dataDir, port: '0', core: makeCore(name, dataDir, '0'), sent: 0, failed: 0, down: false, inFlight: new Set() })
  }
  for (let i = 0; i < slots.length; i += 4) await Promise.all(slots.slice(i, i + 4).map(startSlot))
  out({ event: 'ready', pid: process.pid, cores: slots.map(info) })
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', text => {
    let line: any
    try { line = JSON.parse(text) } catch { return }
    const cmd = commands[line.cmd]
    if (cmd == null) { out({ id: line.id, ok: false, error: `unknown command ${line.cmd}` }); return }
    cmd(line).then(result => out({ id: line.id, ok: true, result }), err => out({ id: line.id, ok: false, error: String(err?.stack ?? err) }))
  })
  rl.on('close', () => { void shutdown() })
  process.on('SIGTERM', () => { void shutdown() })
}

process.on('unhandledRejection', err => { out({ event: 'unhandledRejection', error: String((err as any)?.stack ?? err) }) })
void main().catch(err => { out({ event: 'error', error: String(err?.stack ?? err) }); process.exit(1) })
