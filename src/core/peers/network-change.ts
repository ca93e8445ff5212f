import * as os from 'node:os'
import type { Connection } from '@libp2p/interface'
import type { DevMeetLibp2p } from '../node'
import type { Logger } from '../log'

/** How often the interfaces are read: a read is a cheap system call, and a change must be noticed within seconds. */
const POLL_MS = 1000
/** After a change, the peers are dialled at these delays: routes and DHCP can take a moment to settle. */
const REDIAL_AFTER_MS = [0, 1500, 4000, 8000]
/** A poll this late means the machine slept: its connections are likely dead even on the same network. */
const SLEPT_AFTER_MS = 30_000
/** Peers remembered from before a change, to dial again after it. */
const MAX_REDIALLED = 64

export interface NetworkChangePorts {
  node: () => DevMeetLibp2p | undefined
  /** peers to be connected to again at once: the participants of conferences running now */
  participantsNow: () => string[]
  /** dials a known peer (looking it up when its addresses fail); never throws */
  dialKnown: (peerId: string) => Promise<boolean>
  /** our listening addresses changed: tell the UI */
  addressesChanged: (addrs: string[]) => void
  log: Logger
  /** the machine's interface addresses (tests inject them) */
  interfaceAddresses?: () => string[]
  /** the clock that tells a wake from sleep (tests inject it) */
  now?: () => number
}

/**
 * Notices that this machine changed networks (an address went away or came: Wi-Fi to cable, a
 * new DHCP lease, a VPN, a wake from sleep) and reconnects. TCP connections bound to an address
 * that is gone never fail by themselves: packets to it are simply lost, and libp2p's pings do not
 * abort connections here (the extension host may be busy, see node.ts). So on a lost address the
 * connections to other hosts are closed and the peers dialled again from the new address; the
 * identify exchange on each new connection tells them where we are now (re-announcing), and the
 * chat's sync on the new streams sends what either side missed.
 */
export class NetworkChangeWatch {
  private timer: ReturnType<typeof setInterval> | undefined
  private known = new Set<string>()
  private lastCheck = 0
  private readonly redials: Array<ReturnType<typeof setTimeout>> = []
  private offSelfUpdate: (() => void) | undefined

  constructor (private readonly ports: NetworkChangePorts) {}

  start (): void {
    this.known = new Set(this.readInterfaces())
    this.lastCheck = (this.ports.now ?? Date.now)()
    this.timer = setInterval(() => this.check(), POLL_MS)
    this.timer.unref?.()
    const node = this.ports.node()
    if (node != null) {
      const onUpdate = (): void => this.check()
      node.addEventListener('self:peer:update', onUpdate)
      this.offSelfUpdate = () => node.removeEventListener('self:peer:update', onUpdate)
    }
  }

  stop (): void {
    if (this.timer != null) clearInterval(this.timer)
    this.timer = undefined
    for (const t of this.redials.splice(0)) clearTimeout(t)
    this.offSelfUpdate?.()
    this.offSelfUpdate = undefined
  }

  /** Compares the interface addresses with the last ones seen, and reacts to a change or a wake from sleep. */
  check (): void {
    const clock = this.ports.now ?? Date.now
    const at = clock()
    const slept = this.lastCheck > 0 && at - this.lastCheck > SLEPT_AFTER_MS
    this.lastCheck = at
    const now = new Set(this.readInterfaces())
    const lost = [...this.known].filter(a => !now.has(a))
    const gained = [...now].filter(a => !this.known.has(a))
    this.known = now
    if (lost.length === 0 && gained.length === 0 && !slept) return
    const node = this.ports.node()
    if (node == null) return
    this.ports.log.info(`network changed: ${slept ? 'woke from sleep ' : ''}${lost.length > 0 ? `lost ${lost.join(', ')} ` : ''}${gained.length > 0 ? `gained ${gained.join(', ')}` : ''}`)
    this.ports.addressesChanged(node.getMultiaddrs().map(a => a.toString()))
    if (lost.length === 0 && !slept) return
    const before = [...new Set(node.getConnections().map(c => c.remotePeer.toString()))].slice(0, MAX_REDIALLED)
    // Aborted, not closed: a graceful close waits for an answer that a dead route never brings.
    for (const c of node.getConnections()) if (!isLoopback(c)) c.abort(new Error('network changed'))
    this.redialSoon([...new Set([...this.ports.participantsNow(), ...before])])
  }

  private redialSoon (peers: string[]): void {
    for (const t of this.redials.splice(0)) clearTimeout(t)
    for (const delay of REDIAL_AFTER_MS) {
      const t = setTimeout(() => {
        const node = this.ports.node()
        if (node == null) return
        for (const p of peers) {
          if (node.getConnections().some(c => c.remotePeer.toString() === p && c.status === 'open')) continue
          void this.ports.dialKnown(p)
        }
      }, delay)
      t.unref?.()
      this.redials.push(t)
    }
  }

  private readInterfaces (): string[] {
    if (this.ports.interfaceAddresses != null) return this.ports.interfaceAddresses()
    return Object.values(os.networkInterfaces()).flatMap(list => list ?? [])
      .filter(i => !i.internal)
      .map(i => i.address)
      .sort()
  }
}

function isLoopback (c: Connection): boolean {
  const a = c.remoteAddr.toString()
  return a.startsWith('/ip4/127.') || a.startsWith('/ip6/::1/')
}

/** The part of the conference service that says who takes part in what, and when. */
export interface RunningConferencesPort {
  list(): Array<{ context: { id: string, start: number, durationMinutes: number } }>
  takesPart(id: string): boolean
  participants(id: string): string[]
}

/** Everyone else who takes part with me in a conference running now (or starting within a quarter of an hour). */
export function participantsOfRunningConferences (conferences: RunningConferencesPort, me: string | undefined, now: number): string[] {
  const out = new Set<string>()
  for (const { context } of conferences.list()) {
    const running = context.start <= now + 15 * 60_000 && now < context.start + context.durationMinutes * 60_000
    if (!running || !conferences.takesPart(context.id)) continue
    for (const p of conferences.participants(context.id)) if (p !== me) out.add(p)
  }
  return [...out]
}
