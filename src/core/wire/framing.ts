import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { z } from 'zod'
import { InvalidFrameError, StreamResetError } from '../errors'

/** Length-prefixed JSON frames with a hard size limit and a read deadline. */
export interface FrameStream {
  /** Reads one frame and checks it against `schema`; throws on size, deadline, EOF or shape. */
  read<T>(schema: z.ZodType<T>, timeoutMs?: number): Promise<T>
  /** Reads one frame's raw bytes (for signed envelopes that must be verified over exact bytes). */
  readBytes(timeoutMs?: number): Promise<Uint8Array>
  write(value: unknown, timeoutMs?: number): Promise<void>
  writeBytes(bytes: Uint8Array, timeoutMs?: number): Promise<void>
  readonly stream: Stream
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000

export function frameStream (stream: Stream, maxFrameBytes: number): FrameStream {
  const lp: LengthPrefixedStream<Stream> = lpStream(stream, {
    maxDataLength: maxFrameBytes,
    // a 4-byte varint covers 256 MiB, more than any limit we set
    maxLengthLength: 4,
    // room for a few frames in flight; a smaller buffer stalls the stream between reads
    maxBufferSize: Math.max(4 * maxFrameBytes, 1024 * 1024)
  })
  /** timeoutMs 0 waits without a deadline (a long-lived stream between reads). */
  const readBytes = async (timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<Uint8Array> => {
    const list = await lp.read(timeoutMs > 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {})
    return list.subarray()
  }
  return {
    stream,
    readBytes,
    async read<T> (schema: z.ZodType<T>, timeoutMs?: number): Promise<T> {
      return decodeJson(await readBytes(timeoutMs), schema)
    },
    async write (value: unknown, timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<void> {
      await lp.write(encodeJson(value), { signal: AbortSignal.timeout(timeoutMs) })
    },
    async writeBytes (bytes: Uint8Array, timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<void> {
      await lp.write(bytes, { signal: AbortSignal.timeout(timeoutMs) })
    }
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeJson (value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

/** Parses UTF-8 JSON and validates it; anything else is an InvalidFrameError. */
export function decodeJson<T> (bytes: Uint8Array, schema: z.ZodType<T>): T {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(bytes))
  } catch (err) {
    throw new InvalidFrameError('frame is not valid UTF-8 JSON', { cause: err })
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new InvalidFrameError(`frame has the wrong shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  return parsed.data
}

/** Ends a stream after a protocol violation: reset, never throw. */
export function resetStream (stream: Stream, reason: unknown): void {
  try {
    stream.abort(reason instanceof Error ? reason : new StreamResetError(String(reason)))
  } catch {}
}
