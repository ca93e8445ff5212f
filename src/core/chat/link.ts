import * as z from 'zod'
import type { Stream } from '@libp2p/interface'
import { encodeJson, frameStream, resetStream, type FrameStream } from '../wire/framing'
import type { Summary, Told } from './sync'
import type { HeldMessage } from './log'
import { MAX_PRESENCE_ENVELOPE_CHARS } from './mesh-presence'

/** 2.0.0: messages carry `prev`, the hash chain (docs/HASH-CHAIN.md); a 1.x peer's schema refuses them */
export const CHAT_PROTOCOL = '/devmeet/chat/2.0.0'
export const MAX_CHAT_FRAME_BYTES = 64 * 1024
/** an envelope in a frame of messages is at most this long (characters): a frame with a longer one is refused whole */
export const MAX_ENVELOPE_CHARS = 40 * 1024
/**
 * A batch of messages is this many characters of envelopes at most: about 38 messages of 1 KiB
 * (33 at 48 KiB), so a catch-up checks a signature and sends an ack for fewer frames. Escaping
 * usually adds ~2 % in the frame; a batch that would pass MAX_CHAT_FRAME_BYTES is split (frameOfMessages).
 */
const BATCH_BYTES = 56 * 1024
/**
 * A peer that does not read what we send is dropped past this many queued messages. A message is
 * queued at most once per stream, so the queue never holds more than the log (at most 200,000, the
 * conference quota): the bound is above it, as a sync after a long absence queues the whole gap
 * at once (a catch-up of 100,000 must not close the stream it is sent on).
 */
const MAX_QUEUED = 250_000
const SEND_DEADLINE_MS = 30_000
/**
 * Frames of messages in flight before we wait for the receiver's ack. libp2p delivers a stream's
 * bytes whether or not the reader keeps up, and the reader's buffer resets the stream when it
 * overflows; the buffer holds this window (16 × 64 KiB at most) and the control frames besides.
 */
const WINDOW_FRAMES = 16
const READ_BUFFER_BYTES = 2 * 1024 * 1024
/** control frames (acks, presence, links) written in one send at most: 64 presence announcements are about 70 KiB */
const CONTROL_FRAMES_PER_SEND = 64

const summarySchema = z.record(z.string().max(64), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
  .refine(s => Object.keys(s).length <= 1000, 'summary too large')

/** per author, the digest of its messages up to the summary's mark (see PrefixDigests) */
const digestsSchema = z.record(z.string().max(64), z.string().max(64))
  .refine(s => Object.keys(s).length <= 1000, 'digests too large')

export const helloSchema = z.strictObject({
  t: z.literal('hello'),
  conferenceId: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  summary: summarySchema,
  digests: digestsSchema.optional()
})

export const chatFrameSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('msgs'), e: z.array(z.string().max(MAX_ENVELOPE_CHARS)).min(1).max(1000) }),
  z.strictObject({ t: z.literal('ack'), summary: summarySchema, digests: digestsSchema.optional(), frames: z.number().int().min(0).optional() }),
  z.strictObject({ t: z.literal('want'), author: z.string().max(64), from: z.number().int().min(1), to: z.number().int().min(1) }),
  z.strictObject({ t: z.literal('typing'), typing: z.boolean() }),
  // a participant's signed presence announcement, passed on across the mesh (mesh-presence.ts)
  z.strictObject({ t: z.literal('here'), e: z.string().max(MAX_PRESENCE_ENVELOPE_CHARS) }),
  // the participants the sender has a chat stream with for this conference (they hear the author directly)
  z.strictObject({ t: z.literal('linked'), peers: z.array(z.string().max(64)).max(1000) })
])

export type ChatFrame = z.infer<typeof chatFrameSchema>

/**
 * One chat stream with one participant for one conference. Outgoing messages are queued and
 * written in batches (many messages per frame), one write at a time, each with a deadline.
 */
export class ChatLink {
  /** the stream's one frame reader: a second reader on the same stream would buffer every byte unread until it overflows */
  readonly frames: FrameStream
  private queue: string[] = []
  private head = 0
  /** our own new messages: they go before queued forwards and syncs, so a busy link does not delay what we type */
  private own: string[] = []
  private control: ChatFrame[] = []
  /**
   * Messages sent (or received) on this stream: none goes twice. Held versions are the keys, so
   * the version that wins an equivocation is new to a stream that carried the other.
   */
  private readonly sent = new WeakSet<HeldMessage>()
  private writing = false
  private sentFrames = 0
  private ackedFrames = 0
  private windowOpen: (() => void) | undefined
  /** the peer's summary in its hello: what it held when the stream opened (its history, not new messages) */
  claimed: Summary = {}
  /** the peer's summary as of its last hello or ack */
  known: Summary = {}
  /** our summary and digests as last told to the peer (hello or ack): an ack carries what changed since */
  told: Told | undefined
  /** the participants the peer says it has a chat stream with (undefined until it says) */
  theirLinks: Set<string> | undefined
  /** the highest sequence of its own that the peer offered on this stream (unverified) */
  highestOwn = 0
  /** msgs frames received and handled, reported back in acks */
  receivedFrames = 0
  closed = false
  /** we opened this stream (to a neighbour we chose), rather than the peer */
  dialled = false
  typingUntil = 0
  typingAt = 0
  /** disk writes of received frames not yet finished, oldest first */
  readonly writesInFlight: Array<Promise<void>> = []
  /** authors the peer stopped hearing directly whose messages we still owe it (its requests were over their rate) */
  owedAuthors = new Set<string>()
  owedTimer: ReturnType<typeof setTimeout> | undefined
  /** per author, the mark at which we last sent its messages because our digests differed */
  readonly digestAnswered = new Map<string, number>()

  constructor (
    readonly conferenceId: string,
    readonly peer: string,
    readonly stream: Stream,
    private readonly onClose: (link: ChatLink) => void,
    frames?: FrameStream
  ) {
    this.frames = frames ?? frameStream(stream, MAX_CHAT_FRAME_BYTES, { bufferBytes: READ_BUFFER_BYTES })
  }

  async writeHello (summary: Summary, digests: Record<string, string>): Promise<void> {
    this.told = { summary, digests }
    await this.frames.write({ t: 'hello', conferenceId: this.conferenceId, summary, digests })
  }

  async readHello (): Promise<z.infer<typeof helloSchema>> {
    return await this.frames.read(helloSchema)
  }

  /** Reads frames until the stream ends; the handler runs for one frame at a time. */
  async readLoop (handle: (frame: ChatFrame) => Promise<void>): Promise<void> {
    try {
      for (;;) {
        const frame = await this.frames.read(chatFrameSchema, 0)
        await handle(frame)
      }
    } catch (err) {
      this.close(err)
    }
  }

  /** The peer has these (it sent them to us): they are not sent back. */
  markSent (held: HeldMessage): void {
    this.sent.add(held)
  }

  /**
   * Queues messages not yet sent on this stream; `own` are our new ones, sent before any queued
   * forwards and sync. Returns how many were queued.
   */
  sendMessages (messages: readonly HeldMessage[], own = false): number {
    if (this.closed) return 0
    const target = own ? this.own : this.queue
    let queued = 0
    for (const m of messages) {
      if (this.sent.has(m) || !fitsOneFrame(m.envelope)) continue
      this.sent.add(m)
      target.push(m.envelope)
      queued++
    }
    if (queued === 0) return 0
    if (this.queue.length - this.head + this.own.length > MAX_QUEUED) {
      this.close(new Error('the peer does not read; dropping the link'))
      return queued
    }
    void this.pump()
    return queued
  }

  sendControl (frame: ChatFrame): void {
    if (this.closed) return
    this.control.push(frame)
    // A pump waiting for the window must still send acks, or both sides would wait on each other.
    const wake = this.windowOpen
    this.windowOpen = undefined
    wake?.()
    void this.pump()
  }

  /** The receiver has handled `frames` of our message frames. */
  acked (frames: number): void {
    if (frames <= this.ackedFrames) return
    this.ackedFrames = Math.min(frames, this.sentFrames)
    const open = this.windowOpen
    this.windowOpen = undefined
    open?.()
  }

  close (reason?: unknown): void {
    if (this.closed) return
    this.closed = true
    this.windowOpen?.()
    this.queue = []
    this.head = 0
    this.own = []
    this.control = []
    if (this.owedTimer != null) clearTimeout(this.owedTimer)
    this.owedTimer = undefined
    if (reason == null) void this.stream.close().catch(() => resetStream(this.stream, 'close failed'))
    else resetStream(this.stream, reason)
    this.onClose(this)
  }

  private async pump (): Promise<void> {
    if (this.writing) return
    this.writing = true
    try {
      while (!this.closed && (this.control.length > 0 || this.own.length > 0 || this.head < this.queue.length)) {
        // What is waiting goes in one send: control frames first, then a batch of messages if the
        // window allows. A link that comes up passes on every presence announcement it knows (49
        // at 50 participants), and a send each cost a muxer frame, an encryption and a system call.
        const frames: Array<ChatFrame | Uint8Array> = this.control.splice(0, CONTROL_FRAMES_PER_SEND)
        const messages = this.own.length > 0 || this.head < this.queue.length
        if (messages && this.sentFrames - this.ackedFrames < WINDOW_FRAMES) {
          const batch = this.frameOfMessages()
          if (batch == null) continue
          frames.push(batch)
          this.sentFrames++
        } else if (frames.length === 0) {
          await new Promise<void>(resolve => { this.windowOpen = resolve })
          continue
        }
        await this.frames.writeMany(frames, SEND_DEADLINE_MS)
      }
    } catch (err) {
      this.close(err)
    } finally {
      this.writing = false
    }
  }

  /**
   * The next batch of messages, encoded, within MAX_CHAT_FRAME_BYTES. Batches are counted in
   * characters, but a frame escapes each quote and backslash of an envelope once more (a message
   * of JSON or of regular expressions grows by a half, one of quotes doubles) and the receiver
   * refuses a longer frame and drops the stream: a batch that outgrows it is halved, the rest
   * waiting for the next frame. undefined when nothing was left to send.
   */
  private frameOfMessages (): Uint8Array | undefined {
    let batch = this.nextBatch()
    let bytes = encodeJson({ t: 'msgs', e: batch })
    while (bytes.byteLength > MAX_CHAT_FRAME_BYTES && batch.length > 1) {
      const keep = Math.ceil(batch.length / 2)
      this.own.unshift(...batch.slice(keep))
      batch = batch.slice(0, keep)
      bytes = encodeJson({ t: 'msgs', e: batch })
    }
    // One envelope that fits no frame is never made here (outgoing.ts checks), nor taken from a peer.
    return bytes.byteLength <= MAX_CHAT_FRAME_BYTES ? bytes : undefined
  }

  /** Our own new messages first, then queued forwards and sync, up to BATCH_BYTES and 1,000 messages. */
  private nextBatch (): string[] {
    const batch: string[] = []
    let bytes = 0
    let mine = 0
    while (mine < this.own.length && batch.length < 1000) {
      const next = this.own[mine]
      if (batch.length > 0 && bytes + next.length > BATCH_BYTES) break
      batch.push(next)
      bytes += next.length
      mine++
    }
    if (mine > 0) this.own.splice(0, mine)
    while (this.head < this.queue.length && batch.length < 1000) {
      const next = this.queue[this.head]
      if (batch.length > 0 && bytes + next.length > BATCH_BYTES) break
      batch.push(next)
      bytes += next.length
      this.head++
    }
    if (this.head === this.queue.length) {
      this.queue = []
      this.head = 0
    }
    return batch
  }
}

/**
 * Whether an envelope can travel in a frame of messages on its own: no longer than a receiver
 * takes, and within a frame once escaped. A message that does not fit is not signed (outgoing.ts);
 * one held from an earlier version is not sent (its frame would be refused whole, again and again).
 */
export function fitsOneFrame (envelope: string): boolean {
  // The common case costs a comparison: no character takes more than 6 bytes in a frame (a lone surrogate, escaped).
  if (envelope.length * 6 <= MAX_CHAT_FRAME_BYTES - 32) return true
  return envelope.length <= MAX_ENVELOPE_CHARS && encodeJson({ t: 'msgs', e: [envelope] }).byteLength <= MAX_CHAT_FRAME_BYTES
}
