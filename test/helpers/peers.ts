// Real DevMeet cores on loopback for integration tests: each with its own data folder and key file.
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DevMeet, type DevMeetOptions } from '../../src/core/devmeet'
import { FileKeyStore } from '../../src/core/identity'
import { defaultNetworkConfig } from '../../src/core/config'
import { lineLogger } from '../../src/core/log'

export interface TestPeer extends DevMeet {
  dataDir: string
}

const made: DevMeet[] = []
const dirs: string[] = []

/** A new data folder that is removed by `cleanup()`. */
export function tempDir (prefix = 'devmeet-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** A DevMeet on 127.0.0.1 with mDNS and WebRTC off, not started. Reuse `dataDir` to restart a peer. */
export function makePeer (name: string, opts: Partial<DevMeetOptions> & { dataDir?: string } = {}): TestPeer {
  const dataDir = opts.dataDir ?? tempDir()
  const devmeet = new DevMeet({
    dataDir,
    keyStore: new FileKeyStore(path.join(dataDir, 'peer.key')),
    displayName: name,
    config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false },
    outboxBackoff: { initialMs: 200, maxMs: 2000 },
    log: process.env.DEVMEET_TEST_LOG != null ? lineLogger(l => process.stderr.write(`${name}: ${l}\n`), process.env.DEVMEET_TEST_LOG as any) : undefined,
    ...opts
  }) as TestPeer
  devmeet.dataDir = dataDir
  made.push(devmeet)
  return devmeet
}

/**
 * A new DevMeet on a stopped peer's data folder (same identity), listening on the same TCP port,
 * as a restarted process would when its port is configured.
 */
export function reincarnate (peer: TestPeer, name: string): TestPeer {
  const addr = peer.status.state === 'running' ? peer.listenAddrs()[0] : lastAddr.get(peer)
  const port = addr?.match(/\/tcp\/(\d+)/)?.[1] ?? '0'
  return makePeer(name, {
    dataDir: peer.dataDir,
    config: { ...defaultNetworkConfig(), listenAddresses: [`/ip4/127.0.0.1/tcp/${port}`], mdns: false, webrtc: false }
  })
}

const lastAddr = new WeakMap<DevMeet, string>()

/** Stops a peer, remembering its address for reincarnate(). */
export async function stopPeer (peer: DevMeet): Promise<void> {
  lastAddr.set(peer, peer.listenAddrs()[0])
  await peer.stop()
}

/** Starts peers and checks they run. */
export async function startAll (...peers: DevMeet[]): Promise<void> {
  await Promise.all(peers.map(p => p.start()))
  for (const p of peers) {
    if (p.status.state !== 'running') throw new Error(`peer did not start: ${JSON.stringify(p.status)}`)
  }
}

/** Connects every pair by address (mDNS is off in tests) and waits until each knows the other as a DevMeet contact. */
export async function connectAll (...peers: DevMeet[]): Promise<void> {
  for (let i = 0; i < peers.length; i++) {
    for (let j = i + 1; j < peers.length; j++) {
      const [a, b] = [peers[i], peers[j]]
      await a.connect(b.address())
      await eventually('both peers know each other', () => a.peerInfo(b.peerId!).isDevMeet && b.peerInfo(a.peerId!).displayName != null)
    }
  }
}

/** Polls until `check` holds, or fails with `what` after `timeoutMs`. */
export async function eventually (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

/** Stops every peer made by makePeer and removes the temp folders. */
export async function cleanup (): Promise<void> {
  await Promise.all(made.splice(0).map(p => p.stop().catch(() => {})))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** Creates a conference that starts now among `org` and `invitees`, has every invitee accept, and waits until all agree. */
export async function runningConference (org: DevMeet, invitees: DevMeet[], title = 'Sync'): Promise<string> {
  const { context } = await org.conferences.create({ title, start: Date.now(), durationMinutes: 60, invitees: invitees.map(p => p.peerId!) })
  for (const p of invitees) await eventually('the invitation arrives', () => p.conferences.get(context.id) != null)
  for (const p of invitees) await p.conferences.respond(context.id, 'accepted')
  const all = [org, ...invitees]
  await eventually('everyone sees everyone accepted', () => all.every(p => p.conferences.participants(context.id).length === all.length &&
    p.conferences.get(context.id)!.context.invitees.every(i => i.rsvp === 'accepted')))
  for (const p of all) await p.chat.join(context.id)
  return context.id
}

/** The history as comparable lines: author, sequence, body. */
export async function transcript (p: DevMeet, conferenceId: string): Promise<string[]> {
  return (await p.chat.history(conferenceId)).map(m => `${m.author.slice(-6)}#${m.seq}:${m.body}`)
}
