import * as z from 'zod'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { frameStream, resetStream } from '../wire/framing'
import { PeerRateLimiter } from '../wire/rate-limit'
import { RateLimitedError } from '../errors'
import type { Logger } from '../log'

/**
 * Where is peer T now? Asked of connected DevMeet peers when T does not answer at the addresses
 * we remember (both of us restarted on new ports, T changed networks).
 *
 * Who gets an answer, precisely: I answer asker A about target T only when A ≠ T and some
 * conference I keep has both A and T taking part in it now (participation.ts: the organizer, or an
 * invitee with their own signed accepted or tentative answer; nobody in a cancelled one). A
 * contact relation between two other peers is not something I can check, so it opens nothing.
 * Everyone else gets the same empty answer as a peer I do not know, so a stranger learns nothing,
 * not even whether I know T.
 *
 * What an answer holds: addresses, nothing else (no name, no conference, no time last seen).
 * Answers are hostile input: one frame of at most MAX_ANSWER_BYTES, at most MAX_ADDRS_PER_ANSWER
 * multiaddrs, each parsed, each naming no peer but T; and the asker dials at most
 * MAX_DIALLED_PER_ANSWER of them (by T's ID, so only T itself can complete the connection).
 */
export const PEER_EXCHANGE_PROTOCOL = '/devmeet/peer-exchange/1.0.0'

const MAX_REQUEST_BYTES = 256
export const MAX_ANSWER_BYTES = 4096
export const MAX_ADDRS_PER_ANSWER = 8
export const MAX_DIALLED_PER_ANSWER = 3
const STREAM_TIMEOUT_MS = 5000

const requestSchema = z.strictObject({ peerId: z.string().min(1).max(128) })
const answerSchema = z.strictObject({ addrs: z.array(z.string().max(512)).max(MAX_ADDRS_PER_ANSWER) })

/** The part of the libp2p node the protocol uses. */
export interface PeerExchangeNode {
  handle(protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options: { maxInboundStreams: number, maxOutboundStreams: number }): Promise<void>
  unhandle(protocol: string): Promise<void>
  dialProtocol(peer: PeerId, protocol: string, options: { signal: AbortSignal }): Promise<Stream>
}

export interface PeerExchangePorts {
  /** whether a conference I keep has both peers taking part in it now */
  shareAConference(a: string, b: string): boolean
  /** the addresses I remember for a peer I have met, newest first */
  addressesOf(peerId: string): string[]
}

/** Serves and asks the peer-exchange protocol. */
export class PeerExchange {
  private readonly limiter: PeerRateLimiter
  private serving: PeerExchangeNode | undefined

  constructor (private readonly ports: PeerExchangePorts, private readonly log: Logger, now: () => number = Date.now) {
    // A lookup asks each peer once per target; a few a second is plenty, more is a scan.
    this.limiter = new PeerRateLimiter(2, 10, now)
  }

  async start (node: PeerExchangeNode): Promise<void> {
    this.serving = node
    await node.handle(PEER_EXCHANGE_PROTOCOL, (stream, connection) => this.serve(stream, connection), { maxInboundStreams: 4, maxOutboundStreams: 8 })
  }

  async stop (): Promise<void> {
    const node = this.serving
    this.serving = undefined
    await node?.unhandle(PEER_EXCHANGE_PROTOCOL).catch(() => {})
  }

  /** What I tell `asker` about `target`: its addresses when they share a conference, nothing otherwise. */
  answerFor (asker: string, target: string): string[] {
    if (asker === target || !this.ports.shareAConference(asker, target)) return []
    return this.ports.addressesOf(target).slice(0, MAX_ADDRS_PER_ANSWER)
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const asker = connection.remotePeer.toString()
    if (!this.limiter.take(asker)) {
      resetStream(stream, new RateLimitedError())
      if (this.limiter.denied(asker)) void connection.close().catch(() => {})
      return
    }
    try {
      const frames = frameStream(stream, MAX_REQUEST_BYTES)
      const { peerId } = await frames.read(requestSchema, STREAM_TIMEOUT_MS)
      const addrs = this.answerFor(asker, peerId)
      if (addrs.length === 0) this.log.debug(`peer-exchange: nothing for ${asker} about ${peerId}`)
      await frames.write({ addrs }, STREAM_TIMEOUT_MS)
      await stream.close({ signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
    } catch (err: any) {
      this.log.debug(`peer-exchange: dropped a request from ${asker}: ${err?.message ?? err}`)
      this.limiter.strike(asker)
      resetStream(stream, err)
    }
  }

  /**
   * Asks `peer` where `target` is. Resolves with at most MAX_DIALLED_PER_ANSWER checked
   * addresses; throws on an answer that is too large, malformed, or late.
   */
  async ask (node: Pick<PeerExchangeNode, 'dialProtocol'>, peer: string, target: string): Promise<string[]> {
    const stream = await node.dialProtocol(peerIdFromString(peer), PEER_EXCHANGE_PROTOCOL, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
    try {
      const frames = frameStream(stream, MAX_ANSWER_BYTES)
      await frames.write({ peerId: target }, STREAM_TIMEOUT_MS)
      const answer = await frames.read(answerSchema, STREAM_TIMEOUT_MS)
      await stream.close({ signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) }).catch(() => {})
      return usableAddresses(target, answer.addrs)
    } catch (err) {
      resetStream(stream, err)
      throw err
    }
  }
}

/** The answer's addresses that parse, start at a host, and name no peer but `target` (relayed ones may name their relay); at most MAX_DIALLED_PER_ANSWER. */
export function usableAddresses (target: string, addrs: string[]): string[] {
  const out: string[] = []
  for (const text of addrs) {
    if (out.length >= MAX_DIALLED_PER_ANSWER) break
    if (!/^\/(ip4|ip6|dns|dns4|dns6)\//.test(text)) continue
    try {
      const ma = multiaddr(text)
      const named = ma.getComponents().filter(c => c.name === 'p2p').map(c => c.value)
      const relayed = ma.getComponents().some(c => c.name === 'p2p-circuit')
      const last = named.at(-1)
      const ok = relayed
        ? named.length <= 2 && (named.length < 2 || last === target) && named[0] !== target
        : named.length === 0 || (named.length === 1 && last === target)
      if (ok && !out.includes(ma.toString())) out.push(ma.toString())
    } catch {}
  }
  return out
}
