import * as z from 'zod'
import type { Stream, Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { frameStream, resetStream } from '../wire/framing'
import type { PeerRateLimiter } from '../wire/rate-limit'
import type { Logger } from '../log'
import { RefusedError, RateLimitedError, isError } from '../errors'

export const INVITE_PROTOCOL = '/devmeet/invite/1.0.0'
export const RSVP_PROTOCOL = '/devmeet/rsvp/1.0.0'
export const MAX_INVITE_BYTES = 256 * 1024
export const MAX_RSVP_BYTES = 16 * 1024
const MAX_ACK_BYTES = 1024
const STREAM_TIMEOUT_MS = 10_000

/** The part of the libp2p node the record protocols use. */
export interface RecordNode {
  handle(protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options: { maxInboundStreams: number, maxOutboundStreams: number }): Promise<void>
  dialProtocol(peer: PeerId, protocol: string, options: { signal: AbortSignal }): Promise<Stream>
}

/** The receiver's answer to an invite or RSVP frame. */
export interface Ack {
  ok: boolean
  /** why it was refused; a refusal is final (no retry) */
  error?: string
}

const ackSchema = z.strictObject({ ok: z.boolean(), error: z.string().max(500).optional() })

/**
 * Serves one signed-record protocol: reads one frame (size-limited, with a deadline), hands its
 * exact bytes to `handle`, answers with an Ack. Malformed, forged or unauthorized frames reset
 * the stream and count as a strike; nothing escapes.
 */
export async function serveRecordProtocol (
  node: Pick<RecordNode, 'handle'>,
  protocol: string,
  maxBytes: number,
  limiter: PeerRateLimiter,
  log: Logger,
  handle: (bytes: Uint8Array, from: string) => Promise<void>
): Promise<void> {
  await node.handle(protocol, async (stream: Stream, connection: Connection) => {
    const from = connection.remotePeer.toString()
    if (!limiter.take(from)) {
      log.debug(`${protocol}: ${from} is over its rate; stream reset`)
      resetStream(stream, new RateLimitedError())
      if (limiter.denied(from)) void connection.close().catch(() => {})
      return
    }
    const frames = frameStream(stream, maxBytes)
    try {
      const bytes = await frames.readBytes(STREAM_TIMEOUT_MS)
      let ack: Ack = { ok: true }
      try {
        await handle(bytes, from)
      } catch (err: any) {
        if (!isError(err, RefusedError)) throw err
        // Answered rather than reset, so an honest sender stops retrying; still a strike.
        log.debug(`${protocol}: refused a frame from ${from}: ${err.message}`)
        limiter.strike(from)
        ack = { ok: false, error: err.message }
      }
      await frames.write(ack, STREAM_TIMEOUT_MS)
      await stream.close({ signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
    } catch (err: any) {
      if (isLocalFailure(err)) {
        // Our disk failed (full, read-only): not the sender's fault; it retries later.
        log.warn(`${protocol}: could not keep a record from ${from}: ${err.message}`)
      } else {
        log.debug(`${protocol}: dropped a frame from ${from}: ${err?.message ?? err}`)
        limiter.strike(from)
      }
      resetStream(stream, err)
    }
  }, { maxInboundStreams: 4, maxOutboundStreams: 16 })
}

/** A Node system error (ENOSPC, EACCES, EROFS...) raised by our own storage. */
function isLocalFailure (err: any): boolean {
  return typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code) && typeof err?.syscall === 'string'
}

/** Sends one signed record and waits for the receiver's Ack. Throws when it could not be delivered. */
export async function sendRecord (node: Pick<RecordNode, 'dialProtocol'>, to: string, protocol: string, maxBytes: number, bytes: Uint8Array): Promise<Ack> {
  const signal = AbortSignal.timeout(STREAM_TIMEOUT_MS)
  const stream = await node.dialProtocol(peerIdFromString(to), protocol, { signal })
  const frames = frameStream(stream, Math.max(maxBytes, MAX_ACK_BYTES))
  try {
    await frames.writeBytes(bytes, STREAM_TIMEOUT_MS)
    const ack = await frames.read(ackSchema, STREAM_TIMEOUT_MS)
    await stream.close({ signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) }).catch(() => {})
    return ack
  } catch (err) {
    resetStream(stream, err)
    throw err
  }
}
