// Real DevMeet cores on loopback for the benchmark: own data folders, mDNS and WebRTC off.
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DevMeet } from '../../src/core/devmeet'
import { FileKeyStore } from '../../src/core/identity'
import { defaultNetworkConfig } from '../../src/core/config'
import { lineLogger } from '../../src/core/log'
import type { ChatMessage } from '../../src/core/api'
import { until } from './stats'
import { chosenNeighbours } from '../../src/core/chat/neighbours'

const dirs: string[] = []

export function benchDir (prefix = 'devmeet-bench-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

export function removeBenchDirs (): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** A DevMeet core, not started. Reuse `dataDir` to bring a peer back with the same identity and log. */
export function makeCore (name: string, dataDir = benchDir()): DevMeet {
  return new DevMeet({
    dataDir,
    keyStore: new FileKeyStore(path.join(dataDir, 'peer.key')),
    displayName: name,
    config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false },
    outboxBackoff: { initialMs: 200, maxMs: 2000 },
    reminderMinutes: 0,
    log: process.env.DEVMEET_BENCH_LOG != null ? lineLogger(l => process.stderr.write(`${name}: ${l}\n`), process.env.DEVMEET_BENCH_LOG as any) : undefined
  })
}

export async function startCore (core: DevMeet): Promise<void> {
  await core.start()
  if (core.status.state !== 'running') throw new Error(`a DevMeet core did not start: ${JSON.stringify(core.status)}`)
}

/** Starts `n` cores; the first (the organizer) connects to every other so it knows them as contacts. */
export async function corePool (n: number): Promise<DevMeet[]> {
  const cores = Array.from({ length: n }, (_, i) => makeCore(`P${i}`))
  for (let i = 0; i < cores.length; i += 8) await Promise.all(cores.slice(i, i + 8).map(startCore))
  await Promise.all(cores.slice(1).map(c => introduce(cores[0], c)))
  return cores
}

/** `a` connects to `b` by address and both know each other as DevMeet peers. */
export async function introduce (a: DevMeet, b: DevMeet): Promise<void> {
  await a.connect(b.address())
  await until('both peers know each other', () => a.peerInfo(b.peerId!).isDevMeet && b.peerInfo(a.peerId!).displayName != null)
}

/** A conference starting now: `org` invites `invitees`, all accept; resolves once all agree and chat links are up. */
export async function runningConference (org: DevMeet, invitees: DevMeet[]): Promise<string> {
  const { context } = await org.conferences.create({ title: 'Bench', start: Date.now(), durationMinutes: 120, invitees: invitees.map(p => p.peerId!) })
  await until('every invitation arrives', () => invitees.every(p => p.conferences.get(context.id) != null), 60_000)
  await Promise.all(invitees.map(p => p.conferences.respond(context.id, 'accepted')))
  const all = [org, ...invitees]
  await until('everyone sees everyone accepted', () => all.every(p => p.conferences.participants(context.id).length === all.length &&
    p.conferences.get(context.id)!.context.invitees.every(i => i.rsvp === 'accepted')), 60_000)
  for (const p of all) await p.chat.join(context.id)
  // Each participant is linked to the neighbours the mesh chose for it (everyone, up to 7 participants).
  const ids = all.map(p => p.peerId!)
  await until('every chat link is up', () => all.every((p, i) => chosenNeighbours(context.id, ids[i], ids).every(q => p.chat.presence(context.id).linked.includes(q))), 60_000)
  return context.id
}

/** Counts the 'message' events of one conference on a core; `wait(n)` resolves once n more arrived. */
export class MessageCounter {
  count = 0
  private waiters: Array<{ at: number, resolve: () => void }> = []
  private readonly off: () => void

  constructor (core: DevMeet, conferenceId: string, onMessage?: (m: ChatMessage) => void) {
    const me = core.peerId
    this.off = core.events.on('message', m => {
      if (m.conferenceId !== conferenceId || m.author === me) return
      this.count++
      onMessage?.(m)
      this.waiters = this.waiters.filter(w => {
        if (this.count < w.at) return true
        w.resolve()
        return false
      })
    })
  }

  /** Resolves once the count reaches `at`. */
  reach (at: number): Promise<void> {
    if (this.count >= at) return Promise.resolve()
    return new Promise(resolve => this.waiters.push({ at, resolve }))
  }

  stop (): void {
    this.off()
  }
}

export async function stopCores (cores: DevMeet[]): Promise<void> {
  await Promise.all(cores.map(c => c.stop().catch(() => {})))
}

/** A 1 KiB text body, distinct per message. */
export function kibBody (i: number): string {
  const head = `message ${i} `
  return head + 'x'.repeat(1024 - head.length)
}

/** The byte size of one signed chat envelope carrying `body` (what DevMeet moves per message). */
export async function envelopeBytes (core: DevMeet, conferenceId: string, body: string): Promise<number> {
  const { seal, DOMAINS } = await import('../../src/core/wire/envelope')
  // with `prev`, the hash chain's link every message after an author's first carries
  const payload = { conferenceId, author: core.peerId!, seq: 1000, lamport: 1000, sentAt: Date.now(), kind: 'text', body, prev: 'x'.repeat(43) }
  return (await seal(core.key, DOMAINS.chat, payload)).length
}

/**
 * Connects every pair of cores, in rounds where each core receives one new connection: on
 * loopback every peer dials from 127.0.0.1, and the per-host inbound rate limit would refuse a
 * burst of them (as it would not for participants on their own machines).
 */
export async function meshConnect (cores: DevMeet[]): Promise<void> {
  const n = cores.length
  for (let d = 1; d <= Math.floor(n / 2); d++) {
    await Promise.all(cores.map((a, i) => {
      const b = cores[(i + d) % n]
      return a.dialKnown(b.peerId!, b.listenAddrs())
    }))
  }
}
