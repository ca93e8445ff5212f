import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { z } from 'zod'
import { InvalidFrameError, StreamResetError } from '../errors'

/** Length-prefixed JSON frames with a hard size limit and a read deadline. */
export interface FrameStream {
  /** Reads one frame and checks it against `schema`; throws on size, deadline, EOF or shape. */
  read<T>(schema: z.ZodType<T>, timeoutMs?: number): Promise<T>
  /** Reads one frame's raw bytes (for signed envelopes that must be verified over exact bytes). */
  readBytes(timeoutMs?: number): Promise<Uint8Array>
  write(value: unknown, timeoutMs?: number): Promise<void>
  /** Writes several frames in one send: one muxer frame, one encryption and one system call for all. */
  writeMany(values: unknown[], timeoutMs?: number): Promise<void>
  writeBytes(bytes: Uint8Array, timeoutMs?: number): Promise<void>
  readonly stream: Stream
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000

/** a 4-byte varint covers 256 MiB, more than any limit we set */
const MAX_LENGTH_BYTES = 4
/* Thrown (one instance, no stack to capture) while the length prefix is still arriving: lpStream reads it byte by byte and takes a RangeError as "read one more". */
const LENGTH_INCOMPLETE = new RangeError('the length prefix has not arrived yet')

/**
 * A frame's varint length prefix, read as lpStream reads it: byte by byte. The stock decoder
 * throws a new RangeError (and captures its stack) for every byte short of the end, twice for a
 * 48 KiB frame, which weighed ~2 µs per message on a busy machine; this one throws one
 * preallocated error, and refuses outright a prefix still unfinished after 4 bytes (the stock one
 * kept reading until the read deadline).
 */
export function readLength (prefix: Uint8ArrayList): number {
  let value = 0
  const n = Math.min(prefix.byteLength, MAX_LENGTH_BYTES)
  for (let i = 0; i < n; i++) {
    const b = prefix.get(i)
    value += (b & 0x7f) * 2 ** (7 * i)
    if (b < 0x80) return value
  }
  if (prefix.byteLength >= MAX_LENGTH_BYTES) throw new InvalidFrameError(`length prefix longer than ${MAX_LENGTH_BYTES} bytes`)
  throw LENGTH_INCOMPLETE
}

/**
 * Frames of at most `maxFrameBytes` on `stream`. `bufferBytes` bounds what the peer may send
 * ahead of our reads (the stream resets past it): by default room for a few frames in flight (a
 * smaller buffer stalls the stream between reads); a protocol whose sender keeps a window of
 * frames in flight sizes it to that window.
 */
export function frameStream (stream: Stream, maxFrameBytes: number, { bufferBytes = Math.max(4 * maxFrameBytes, 1024 * 1024) }: { bufferBytes?: number } = {}): FrameStream {
  const lp: LengthPrefixedStream<Stream> = lpStream(stream, {
    maxDataLength: maxFrameBytes,
    maxLengthLength: MAX_LENGTH_BYTES,
    lengthDecoder: readLength,
    maxBufferSize: bufferBytes
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
    async writeMany (values: unknown[], timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<void> {
      const encoded = values.map(v => v instanceof Uint8Array ? v : encodeJson(v))
      if (encoded.length === 1) return await lp.write(encoded[0], { signal: AbortSignal.timeout(timeoutMs) })
      await lp.writeV(encoded, { signal: AbortSignal.timeout(timeoutMs) })
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
