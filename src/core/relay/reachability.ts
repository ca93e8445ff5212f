import type { Connection, PeerId } from '@libp2p/interface'
import type { DevMeetLibp2p } from '../node'
import type { Logger } from '../log'
import { askDialBack, DIAL_BACK_PROTOCOL } from './dial-back'

/** What peers found when they dialled us back: 'unknown' until one answered. */
export type Reachability = 'unknown' | 'reachable' | 'unreachable'

export interface ReachabilityTiming {
  /** after a peer that can dial back connects */
  firstCheckMs: number
  /** between checks while not known reachable (a reachable node checks ten times less often) */
  recheckMs: number
}

export const DEFAULT_REACHABILITY_TIMING: ReachabilityTiming = { firstCheckMs: 2000, recheckMs: 60_000 }

/** peers asked per check */
const ASKED_PER_CHECK = 3

/**
 * Decides whether peers can dial us, from what they observe (dial-backs), never from the address
 * range: libp2p counts every lab range as private, and a LAN team's reachable peer is usually on a
 * private range too. One confirmed dial-back is enough: teams are small, and what it unlocks (our
 * relay) is open only to admitted peers. A success counts only when we saw the peer's new inbound
 * connection ourselves, so a peer cannot talk us into serving by claiming it reached us.
 */
export class ReachabilityCheck {
  private state: Reachability = 'unknown'
  private timer: ReturnType<typeof setTimeout> | undefined
  /** when the scheduled check runs (Date.now() clock) */
  private dueAt: number | undefined
  /** asked for a check soon while one ran (its helpers may have refused us a moment before) */
  private againSoon = false
  private checking = false
  private running = false
  private readonly offs: Array<() => void> = []

  constructor (
    private readonly node: DevMeetLibp2p,
    private readonly timing: ReachabilityTiming,
    private readonly onChange: (state: Reachability) => void,
    private readonly log: Logger
  ) {}

  get reachability (): Reachability { return this.state }

  start (): void {
    this.running = true
    const onIdentify = (evt: CustomEvent<{ protocols: string[] }>): void => {
      if (evt.detail.protocols.includes(DIAL_BACK_PROTOCOL)) this.soonIfUnknown()
    }
    this.node.addEventListener('peer:identify', onIdentify as any)
    this.offs.push(() => this.node.removeEventListener('peer:identify', onIdentify as any))
  }

  /**
   * A conference changed who admits us: when no helper has answered yet (they refuse strangers),
   * the check runs again soon rather than at the next minute, so a reachable peer serves its
   * conference as a super peer before the meeting starts, not in the middle of it.
   */
  admissionChanged (): void {
    this.soonIfUnknown()
  }

  /** A check soon while nobody has answered; not pushed back by the next call (a burst of answers or connections). */
  private soonIfUnknown (): void {
    if (this.state !== 'unknown') return
    if (this.checking) {
      this.againSoon = true
      return
    }
    if (this.dueAt == null || this.dueAt > Date.now() + this.timing.firstCheckMs) this.schedule(this.timing.firstCheckMs)
  }

  stop (): void {
    this.running = false
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
    for (const off of this.offs.splice(0)) off()
  }

  private schedule (delayMs: number): void {
    if (!this.running || this.checking) return
    if (this.timer != null) clearTimeout(this.timer)
    this.dueAt = Date.now() + delayMs
    this.timer = setTimeout(() => { this.dueAt = undefined; void this.check() }, delayMs)
    this.timer.unref?.()
  }

  /** Asks a few connected DevMeet peers to dial us back; the state changes only on an answer. */
  async check (): Promise<Reachability> {
    if (this.checking) return this.state
    this.checking = true
    try {
      const answers = await Promise.all((await this.helpers()).map(async c => await this.askOne(c)))
      const heard = answers.filter(a => a != null)
      if (heard.length > 0) this.set(heard.some(a => a) ? 'reachable' : 'unreachable')
    } finally {
      this.checking = false
      const soon = this.againSoon && this.state === 'unknown'
      this.againSoon = false
      this.schedule(soon ? this.timing.firstCheckMs : this.state === 'reachable' ? this.timing.recheckMs * 10 : this.timing.recheckMs)
    }
    return this.state
  }

  private set (state: Reachability): void {
    if (state === this.state) return
    this.log.info(`reachability: ${this.state} -> ${state}`)
    this.state = state
    this.onChange(state)
  }

  /** Direct connections to peers that serve dial-backs, a few of them. */
  private async helpers (): Promise<Connection[]> {
    const out: Connection[] = []
    const seen = new Set<string>()
    for (const conn of this.node.getConnections()) {
      const peer = conn.remotePeer.toString()
      if (seen.has(peer) || conn.limits != null || conn.remoteAddr.toString().includes('/p2p-circuit')) continue
      const stored = await this.node.peerStore.get(conn.remotePeer).catch(() => undefined)
      if (stored?.protocols.includes(DIAL_BACK_PROTOCOL) !== true) continue
      seen.add(peer)
      out.push(conn)
      if (out.length >= ASKED_PER_CHECK) break
    }
    return out
  }

  private async askOne (conn: Connection): Promise<boolean | undefined> {
    let sawInbound = false
    const onOpen = (evt: CustomEvent<Connection>): void => {
      if (evt.detail.direction === 'inbound' && evt.detail.remotePeer.equals(conn.remotePeer as PeerId)) sawInbound = true
    }
    this.node.addEventListener('connection:open', onOpen)
    try {
      const answer = await askDialBack(conn, ownTcpAddrs(this.node), this.log)
      return answer === true ? sawInbound : answer
    } finally {
      this.node.removeEventListener('connection:open', onOpen)
    }
  }
}

/** Our own TCP addresses, without the /p2p/ part: what a dial-back tries. */
export function ownTcpAddrs (node: DevMeetLibp2p): string[] {
  return node.getMultiaddrs()
    .filter(ma => !ma.toString().includes('/p2p-circuit') && ma.toString().includes('/tcp/'))
    .map(ma => ma.toString().replace(/\/p2p\/[^/]+$/, ''))
}
