import type { Storage } from '../storage'
import { readUnverified } from '../wire/envelope'
import { chatPayloadSchema, compareMessages, messageKey, type ChatPayload, type HeldMessage } from './message'
import { contiguousHigh, planSync, type Summary } from './sync'
import { PrefixDigests, preferredVersion } from './equivocation'
import { heldDigest, heldHash } from './chain'

export type { HeldMessage } from './message'

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
  private bytesHeld = 0
  private linesWriting = 0
  private readonly digests = new PrefixDigests()
  /** messages whose fork mark changed after they were held (see takeRemarked) */
  private remarked: HeldMessage[] = []
  private queue: Array<{ lines: string[], done: () => void, fail: (err: unknown) => void }> = []
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
   * re-verified (which would cost ~0.1 ms each); a damaged line is skipped and counted. Two lines
   * with one (author, sequence) are two versions its author signed: the one every peer keeps
   * (preferredVersion) is held, marked as equivocated.
   */
  async load (): Promise<number> {
    const { items, skipped } = await this.storage.readLines(this.file, line => {
      const { signer, payload } = readUnverified(line, chatPayloadSchema)
      if (payload.author !== signer || payload.conferenceId !== this.conferenceId) throw new Error('foreign line')
      return { payload, envelope: line }
    })
    for (const m of items) {
      this.bytesHeld += Buffer.byteLength(m.envelope) + 1
      const held = this.byKey.get(messageKey(m.payload.author, m.payload.seq))
      if (held == null) this.insert(m)
      else if (held.envelope !== m.envelope) this.resolve(held, m)
    }
    this.remarked = []
    return skipped
  }

  has (author: string, seq: number): boolean {
    return this.byKey.has(messageKey(author, seq))
  }

  /** Whether a message with this messageKey() is held. */
  hasKey (key: string): boolean {
    return this.byKey.has(key)
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

  /** UTF-8 bytes of the log's lines (every version written), for the conference's quota. */
  get bytes (): number {
    return this.bytesHeld
  }

  /** Messages given to append()/appendMany() whose write has not finished: held soon, counted against the quota already. */
  get messagesWriting (): number {
    return this.linesWriting
  }

  nextSeq (author: string): number {
    return (this.highestSeq.get(author) ?? 0) + 1
  }

  /** The highest sequence held of `author` (0 for none). */
  highestSeqOf (author: string): number {
    return this.highestSeq.get(author) ?? 0
  }

  /** Per author, the digest of its messages up to the contiguous mark in summary(). */
  digestsOf (): Record<string, string> {
    return this.digests.all()
  }

  digestOf (author: string): string | undefined {
    return this.digests.get(author)
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

  /** What a peer with `theirs` lacks (of `authors` only, when given), in display order. */
  missingFor (theirs: Summary, authors?: ReadonlySet<string>): HeldMessage[] {
    if (authors == null) {
      // A whole sync (after a long absence, most of the log): one pass over what is held in
      // display order already, rather than a key per message and a sort (~0.3 s for 100,000).
      const out: HeldMessage[] = []
      for (const m of this.ordered) {
        const { author, seq } = m.payload
        if (seq > (theirs[author] ?? 0)) out.push(m)
      }
      return out
    }
    const held = new Map([...authors].flatMap(a => this.seqsByAuthor.has(a) ? [[a, this.seqsByAuthor.get(a)!] as const] : []))
    return planSync(held, theirs).map(({ author, seq }) => this.byKey.get(messageKey(author, seq))!).sort((a, b) => compareMessages(a.payload, b.payload))
  }

  /** `author`'s messages held with sequences from..to (both clamped to what we hold). */
  range (author: string, from: number, to: number): HeldMessage[] {
    const out: HeldMessage[] = []
    const last = Math.min(to, this.highestSeq.get(author) ?? 0)
    for (let seq = Math.max(1, from); seq <= last; seq++) {
      const m = this.byKey.get(messageKey(author, seq))
      if (m != null) out.push(m)
    }
    return out
  }

  /** Writes the message to disk (grouped with others), then holds it. Returns false for a duplicate. */
  async append (message: HeldMessage): Promise<boolean> {
    const key = messageKey(message.payload.author, message.payload.seq)
    if (this.byKey.has(key)) return false
    this.linesWriting++
    try {
      await this.write([message.envelope])
    } finally {
      this.linesWriting--
    }
    if (this.byKey.has(key)) return false
    this.bytesHeld += Buffer.byteLength(message.envelope) + 1
    this.insert(message)
    return true
  }

  /**
   * append() for many messages at once (a received frame): one write for all, then each is held.
   * Returns, per message, whether it was new.
   */
  async appendMany (messages: readonly HeldMessage[]): Promise<boolean[]> {
    const fresh = messages.filter(m => !this.byKey.has(messageKey(m.payload.author, m.payload.seq)))
    if (fresh.length > 0) {
      this.linesWriting += fresh.length
      try {
        await this.write(fresh.map(m => m.envelope))
      } finally {
        this.linesWriting -= fresh.length
      }
    }
    const taken = new Set<HeldMessage>()
    for (const m of fresh) {
      if (this.byKey.has(messageKey(m.payload.author, m.payload.seq))) continue
      this.bytesHeld += Buffer.byteLength(m.envelope) + 1
      this.insert(m)
      taken.add(m)
    }
    return messages.map(m => taken.has(m))
  }

  private async write (lines: string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ lines, done: resolve, fail: reject })
      void this.drain()
    })
  }

  /**
   * Another version of a message held (verified, same author and sequence, another envelope).
   * Its line is written, so that a restart resolves the two the same way, then the version every
   * peer keeps is held, marked as equivocated. Nothing is written when the held version wins and
   * is already marked (one losing line is enough to remember). Returns the version now held and
   * whether that changed.
   */
  async addVersion (message: HeldMessage): Promise<{ held: HeldMessage, replaced: boolean }> {
    const key = messageKey(message.payload.author, message.payload.seq)
    const before = this.byKey.get(key)
    if (before == null) throw new Error('no version of this message is held')
    if (before.equivocated === true && preferredVersion(before.envelope, message.envelope) === before.envelope) return { held: before, replaced: false }
    await this.write([message.envelope])
    this.bytesHeld += Buffer.byteLength(message.envelope) + 1
    // Another version may have been taken while this one was written: resolve against the current one.
    const current = this.byKey.get(key)!
    const held = this.resolve(current, message)
    return { held, replaced: held !== current }
  }

  private async drain (): Promise<void> {
    if (this.writing) return
    this.writing = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        try {
          const lines = batch.length === 1 ? [...batch[0].lines] : batch.flatMap(b => b.lines)
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

  /** Of two versions of one message, holds the preferred one, both marked; returns the one held. */
  private resolve (held: HeldMessage, other: HeldMessage): HeldMessage {
    if (held.envelope === other.envelope) return held
    held.equivocated = true
    if (preferredVersion(held.envelope, other.envelope) === held.envelope) return held
    const winner: HeldMessage = { ...other, equivocated: true }
    const { author, seq, lamport } = winner.payload
    this.byKey.set(messageKey(author, seq), winner)
    if (seq <= (this.contiguous.get(author) ?? 0)) {
      this.digests.toggle(author, heldDigest(held))
      this.digests.toggle(author, heldDigest(winner))
    }
    if (lamport > this.lamportMax) this.lamportMax = lamport
    const at = this.position(held.payload)
    if (this.ordered[at] === held) this.ordered.splice(at, 1)
    else this.ordered.splice(this.ordered.indexOf(held), 1)
    this.ordered.splice(this.position(winner.payload), 0, winner)
    this.markFork(winner, false)
    const next = this.byKey.get(messageKey(author, seq + 1))
    if (next != null) this.markFork(next, true)
    return winner
  }

  /**
   * A fork in an author's hash chain (docs/HASH-CHAIN.md): the message's `prev` does not name the
   * version held of the message before it, or it names none though that one is chained. Decided
   * from what is held alone, so every peer holding the same versions marks the same messages.
   */
  private markFork (m: HeldMessage, remark: boolean): void {
    const { author, seq, prev } = m.payload
    const before = this.byKey.get(messageKey(author, seq - 1))
    const forked = before != null && (prev != null ? prev !== heldHash(before) : before.payload.prev != null)
    if (forked === (m.forked === true)) return
    if (forked) m.forked = true
    else delete m.forked
    if (remark) this.remarked.push(m)
  }

  /** Messages held before whose fork mark changed since the last call (to be shown again). */
  takeRemarked (): HeldMessage[] {
    const out = this.remarked
    this.remarked = []
    return out
  }

  /** Where `p` goes in display order (binary search; new messages almost always go last, so that is tried first). */
  private position (p: ChatPayload): number {
    const n = this.ordered.length
    if (n === 0 || compareMessages(this.ordered[n - 1].payload, p) < 0) return n
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareMessages(this.ordered[mid].payload, p) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
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
    const was = this.contiguous.get(author) ?? 0
    const now = contiguousHigh(seqs, was)
    this.contiguous.set(author, now)
    for (let s = was + 1; s <= now; s++) this.digests.toggle(author, heldDigest(this.byKey.get(messageKey(author, s))!))
    if (lamport > this.lamportMax) this.lamportMax = lamport
    this.markFork(m, false)
    const next = this.byKey.get(messageKey(author, seq + 1))
    if (next != null) this.markFork(next, true)
    const at = this.position(m.payload)
    if (at === this.ordered.length) this.ordered.push(m)
    else this.ordered.splice(at, 0, m)
  }
}
