import * as z from 'zod'
import type { Connection, Stream } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { DevMeetLibp2p } from '../node'
import { frameStream, resetStream } from '../wire/framing'
import { RateLimitedError, RefusedError } from '../errors'
import type { Logger } from '../log'

/** Asks a peer to dial me back at my own addresses, on a new connection: what AutoNAT does, among DevMeet peers. */
export const DIAL_BACK_PROTOCOL = '/devmeet/dial-back/1.0.0'

const MAX_FRAME_BYTES = 4096
const MAX_ADDRS = 8
/** addresses actually dialled per request */
const MAX_DIALS = 3
const DIAL_TIMEOUT_MS = 5000
/** one request per peer in this time */
const MIN_INTERVAL_MS = 10_000
const MAX_REMEMBERED_ASKERS = 256

const requestSchema = z.strictObject({ addrs: z.array(z.string().max(256)).max(MAX_ADDRS) })
const answerSchema = z.strictObject({ reached: z.string().max(256).nullable() })

/** What the dial-back server needs besides the node. */
export interface DialBackPorts {
  /** whether this peer may ask (we dial only for peers we share a conference or chosen contact with) */
  allows(peerId: string): boolean
  now(): number
  log: Logger
}

/**
 * The server side: dials the asker back on a fresh connection and says which address answered.
 * Only at addresses on the IP the asker's connection came from, so nobody can make us dial a third
 * party; only for admitted peers, at most once per MIN_INTERVAL_MS each, and never over a relay
 * (the observed IP would be the relay's).
 */
export class DialBackServer {
  private readonly lastAsked = new Map<string, number>()

  constructor (private readonly node: DevMeetLibp2p, private readonly ports: DialBackPorts) {}

  async start (): Promise<void> {
    await this.node.handle(DIAL_BACK_PROTOCOL, (stream, connection) => { void this.serve(stream, connection) }, {
      maxInboundStreams: 2,
      maxOutboundStreams: 2
    })
  }

  async stop (): Promise<void> {
    try { await this.node.unhandle(DIAL_BACK_PROTOCOL) } catch {}
    this.lastAsked.clear()
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const asker = connection.remotePeer.toString()
    try {
      if (!this.ports.allows(asker)) throw new RefusedError('dial-back only for conference peers and chosen contacts')
      const now = this.ports.now()
      if (now - (this.lastAsked.get(asker) ?? -Infinity) < MIN_INTERVAL_MS) throw new RateLimitedError()
      this.remember(asker, now)
      const frames = frameStream(stream, MAX_FRAME_BYTES)
      const request = await frames.read(requestSchema)
      const candidates = sameHostAddrs(request.addrs, connection.remoteAddr).slice(0, MAX_DIALS)
      let reached: string | null = null
      for (const addr of candidates) {
        if (await this.dialsBack(addr, asker)) { reached = addr.toString(); break }
      }
      await frames.write({ reached })
      await stream.close()
    } catch (err: any) {
      this.ports.log.debug(`dial-back for ${asker} refused: ${err?.message ?? err}`)
      resetStream(stream, err)
    }
  }

  private async dialsBack (addr: Multiaddr, asker: string): Promise<boolean> {
    try {
      // force: a new connection even though we hold one; the existing one proves nothing.
      const conn = await this.node.dial(addr.encapsulate(`/p2p/${asker}`), { force: true, signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      const ok = conn.remotePeer.toString() === asker
      await conn.close().catch(() => {})
      return ok
    } catch {
      return false
    }
  }

  private remember (asker: string, now: number): void {
    this.lastAsked.delete(asker)
    this.lastAsked.set(asker, now)
    if (this.lastAsked.size > MAX_REMEMBERED_ASKERS) this.lastAsked.delete(this.lastAsked.keys().next().value!)
  }
}

/** The asker's TCP addresses on the IP its connection came from (observed by us, not claimed by it). */
export function sameHostAddrs (claimed: string[], observed: Multiaddr): Multiaddr[] {
  if (observed.toString().includes('/p2p-circuit')) return []
  const host = observed.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
  if (host == null) return []
  const out: Multiaddr[] = []
  for (const text of claimed) {
    try {
      const ma = multiaddr(text)
      const parts = ma.getComponents()
      const tcpOnly = parts.length === 2 && (parts[0].name === 'ip4' || parts[0].name === 'ip6') && parts[1].name === 'tcp'
      if (tcpOnly && parts[0].value === host) out.push(ma)
    } catch { /* not a multiaddr: skipped */ }
  }
  return out
}

/**
 * The client side: asks one connected peer to dial us back. True: it reached us at a fresh
 * connection; false: it tried and could not; undefined: it would not or could not answer.
 */
export async function askDialBack (connection: Connection, ownAddrs: string[], log: Logger): Promise<boolean | undefined> {
  let stream: Stream | undefined
  try {
    stream = await connection.newStream(DIAL_BACK_PROTOCOL, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
    const frames = frameStream(stream, MAX_FRAME_BYTES)
    await frames.write({ addrs: ownAddrs.slice(0, MAX_ADDRS) })
    const answer = await frames.read(answerSchema, MAX_DIALS * DIAL_TIMEOUT_MS + 5000)
    await stream.close().catch(() => {})
    return answer.reached != null
  } catch (err: any) {
    log.debug(`dial-back by ${connection.remotePeer.toString()} failed: ${err?.message ?? err}`)
    if (stream != null) resetStream(stream, err)
    return undefined
  }
}
