import * as z from 'zod'
import type { Storage } from '../storage'
import { decodeJson } from '../wire/framing'
import { chatPayloadSchema, compareMessages, messageKey, type ChatPayload } from './message'
import { contiguousHigh, planSync, type Summary } from './sync'

/** A verified message with the exact envelope its author signed (what we store and forward). */
export interface HeldMessage {
  payload: ChatPayload
  envelope: string
}

const envelopeShape = z.object({ k: z.string(), s: z.string(), p: z.string(), g: z.string() })

/**
 * One conference's messages: in memory in display order, on disk as an append-only log of signed
 * envelopes (one per line). A message counts as held once its line is written (the kernel has it,
 * so a crash of this process cannot lose it); the fdatasync that puts it on the disk runs after,
 * one for every group of writes, and `synced()` tells when it is done. Only then do we acknowledge
 * a received message, so an acknowledged message survives even a crash of the machine.
 */
export class ChatLog {
  private readonly byKey = new Map<string, HeldMessage>()
  private readonly seqsByAuthor = new Map<string, Set<number>>()
  private readonly highestSeq = new Map<string, number>()
  private readonly contiguous = new Map<string, number>()
  private readonly ordered: HeldMessage[] = []
  private lamportMax = 0
  private queue: Array<{ line: string, done: () => void, fail: (err: unknown) => void }> = []
  private writing = false
  private appended = false
  /** the sync that covers every line written so far */
  private lastSync: Promise<void> = Promise.resolve()
  /** a sync requested but not started yet: a write finishing now is covered by it */
  private syncQueued: Promise<void> | undefined
  private syncChain: Promise<void> = Promise.resolve()

  constructor (private readonly storage: Storage, readonly conferenceId: string) {}

  get file (): string {
    return `chat/${this.conferenceId}.log`
  }

  /**
   * Loads the log. Lines were verified before they were written, so they are parsed, not
   * re-verified (which would cost ~0.1 ms each); a damaged line is skipped and counted.
   */
  async load (): Promise<number> {
    const { items, skipped } = await this.storage.readLines(this.file, line => {
      const env = decodeJson(new TextEncoder().encode(line), envelopeShape)
      const payload = chatPayloadSchema.parse(JSON.parse(env.p))
      if (payload.author !== env.s || payload.conferenceId !== this.conferenceId) throw new Error('foreign line')
      return { payload, envelope: line }
    })
    for (const m of items) this.insert(m)
    return skipped
  }

  has (author: string, seq: number): boolean {
    return this.byKey.has(messageKey(author, seq))
  }

  get (author: string, seq: number): HeldMessage | undefined {
    return this.byKey.get(messageKey(author, seq))
  }

  get size (): number {
    return this.ordered.length
  }

  get lamport (): number {
    return this.lamportMax
  }

  nextSeq (author: string): number {
    return (this.highestSeq.get(author) ?? 0) + 1
  }

  /** Every message in display order. */
  messages (): readonly HeldMessage[] {
    return this.ordered
  }

  summary (): Summary {
    return Object.fromEntries(this.contiguous)
  }

  /** True when this author's sequence has a hole below `seq`. */
  hasGapBelow (author: string, seq: number): boolean {
    return (this.contiguous.get(author) ?? 0) < seq - 1
  }

  /** What a peer with `theirs` lacks, oldest first per author. */
  missingFor (theirs: Summary): HeldMessage[] {
    return planSync(this.seqsByAuthor, theirs).map(({ author, seq }) => this.byKey.get(messageKey(author, seq))!).sort((a, b) => compareMessages(a.payload, b.payload))
  }

  /** Writes the message to disk (grouped with others), then holds it. Returns false for a duplicate. */
  async append (message: HeldMessage): Promise<boolean> {
    const key = messageKey(message.payload.author, message.payload.seq)
    if (this.byKey.has(key)) return false
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ line: message.envelope, done: resolve, fail: reject })
      void this.drain()
    })
    if (this.byKey.has(key)) return false
    this.insert(message)
    return true
  }

  private async drain (): Promise<void> {
    if (this.writing) return
    this.writing = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        try {
          const lines = batch.map(b => b.line)
          // A crash may have left a torn last line with no newline; a blank line first keeps it from swallowing ours.
          if (!this.appended) lines.unshift('')
          await this.storage.appendLines(this.file, lines, { sync: false })
          this.appended = true
          this.lastSync = this.requestSync()
          for (const b of batch) b.done()
        } catch (err) {
          // A failed append may have left a torn line: the next one starts on a fresh line.
          this.appended = false
          for (const b of batch) b.fail(err)
        }
      }
    } finally {
      this.writing = false
    }
  }

  /** Resolves once every line written so far is on the disk; rejects when that sync failed. */
  synced (): Promise<void> {
    return this.lastSync
  }

  private requestSync (): Promise<void> {
    if (this.syncQueued != null) return this.syncQueued
    const sync = this.syncChain.then(async () => {
      this.syncQueued = undefined
      await this.storage.syncFile(this.file)
    })
    this.syncQueued = sync
    this.syncChain = sync.catch(() => {})
    // a failed sync is reported through the storage's events and to whoever awaits synced()
    sync.catch(() => {})
    return sync
  }

  private insert (m: HeldMessage): void {
    const { author, seq, lamport } = m.payload
    const key = messageKey(author, seq)
    if (this.byKey.has(key)) return
    this.byKey.set(key, m)
    let seqs = this.seqsByAuthor.get(author)
    if (seqs == null) this.seqsByAuthor.set(author, seqs = new Set())
    seqs.add(seq)
    if (seq > (this.highestSeq.get(author) ?? 0)) this.highestSeq.set(author, seq)
    this.contiguous.set(author, contiguousHigh(seqs, this.contiguous.get(author) ?? 0))
    if (lamport > this.lamportMax) this.lamportMax = lamport
    // Binary search from the end: new messages almost always go last.
    let lo = 0
    let hi = this.ordered.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareMessages(this.ordered[mid].payload, m.payload) < 0) lo = mid + 1
      else hi = mid
    }
    this.ordered.splice(lo, 0, m)
  }
}
