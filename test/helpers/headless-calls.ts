// Headless peers driven by their JSON-line commands, for the crash and damaged-file tests.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { tempDir } from './peers'
import { spawnPeer, type HeadlessPeer, type SpawnOptions } from './headless'

export interface Running {
  name: string
  dir: string
  port: string
  peerId: string
  address: string
  p: HeadlessPeer
}

let nextId = 1
const started: Running[] = []

/** Starts a headless peer on 127.0.0.1 with mDNS off; `port` reuses a killed peer's port. */
export async function start (name: string, dir = tempDir('devmeet-crash-'), port = '0', extraArgs: string[] = [], spawnOptions: SpawnOptions = {}): Promise<Running> {
  const p = spawnPeer(['--data', dir, '--name', name, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`, ...extraArgs], spawnOptions)
  const r = { name, dir, p } as Running
  started.push(r)
  const ready = await p.next(l => l.event === 'ready' || l.event === 'error', 30_000)
  assert.equal(ready.event, 'ready', `${name} started: ${JSON.stringify(ready)}`)
  return Object.assign(r, { port: ready.addrs[0].match(/\/tcp\/(\d+)/)[1], peerId: ready.peerId, address: ready.address })
}

/** Waits for a line of `r`'s output; a timeout names what was awaited. */
export async function line (r: Running, what: string, match: (l: any) => boolean, timeoutMs = 30_000): Promise<any> {
  try {
    return await r.p.next(match, timeoutMs)
  } catch {
    throw new Error(`${r.name}: no line for ${what} within ${timeoutMs} ms; its log ends: ${((r.p as any).stderr ?? []).slice(-5).join(' | ')}`)
  }
}

/** Sends a command without waiting; returns its id. */
export function post (r: Running, cmd: string, args: Record<string, unknown> = {}): number {
  const id = nextId++
  r.p.send({ id, cmd, ...args })
  return id
}

/** Sends a command and resolves with its result (throws with the peer's error). */
export async function call (r: Running, cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<any> {
  const id = post(r, cmd, args)
  const answer = await line(r, `the answer to ${cmd}`, l => l.id === id, timeoutMs)
  if (answer.ok !== true) throw new Error(`${r.name} ${cmd}: ${answer.error}`)
  return answer.result
}

export async function kill9 (r: Running): Promise<void> {
  const exited = new Promise(resolve => r.p.proc.once('exit', resolve))
  r.p.proc.kill('SIGKILL')
  await exited
}

export async function stopGracefully (r: Running): Promise<void> {
  if (r.p.proc.exitCode != null || r.p.proc.signalCode != null) return
  const exited = new Promise(resolve => r.p.proc.once('exit', resolve))
  r.p.proc.kill('SIGTERM')
  await exited
}

/** Stops (SIGTERM) every peer started here that still runs, and waits until each has exited. */
export async function stopStarted (): Promise<void> {
  await Promise.all(started.splice(0).map(stopGracefully))
}

/** Polls `check` (which may run commands) until it holds. */
export async function until (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** A conference that starts now, with every invitee accepted and every peer agreeing. */
export async function runningConference (org: Running, invitees: Running[]): Promise<string> {
  for (const i of invitees) await call(i, 'connect', { addr: org.address })
  await until('the organizer knows every invitee', async () => {
    const peers: any[] = await call(org, 'peers')
    return invitees.every(i => peers.some(p => p.peerId === i.peerId && p.isDevMeet))
  })
  const view = await call(org, 'create', { title: 'Crash drill', start: Date.now(), durationMinutes: 60, invitees: invitees.map(i => i.peerId) })
  const id: string = view.context.id
  for (const i of invitees) await line(i, 'the invitation', l => l.event === 'invitation' && l.conference.context.id === id)
  for (const i of invitees) await call(i, 'respond', { conferenceId: id, answer: 'accepted' })
  await until('everyone sees everyone accepted', async () => {
    for (const r of [org, ...invitees]) {
      const c = (await call(r, 'conferences') as any[]).find(v => v.context.id === id)
      if (c == null || !c.context.invitees.every((i: any) => i.rsvp === 'accepted')) return false
    }
    return true
  })
  for (const r of [org, ...invitees]) await call(r, 'join', { conferenceId: id })
  return id
}

export function outboxItems (dir: string): number {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'outbox.json'), 'utf8')).items.length
  } catch {
    return 0
  }
}
