import * as z from 'zod'
import { type Storage } from '../storage'
import type { Clock } from '../clock'
import type { Logger } from '../log'
import { DamagedFileError, isError } from '../errors'

/** Something to deliver: the latest context of a conference to an invitee, or my RSVP to its organizer. */
export interface OutboxItem {
  kind: 'context' | 'rsvp'
  conferenceId: string
  to: string
  attempts: number
  nextAt: number
}

export interface BackoffOptions {
  initialMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 5 * 60_000 }

const fileSchema = z.object({
  version: z.literal(1),
  items: z.array(z.object({
    kind: z.enum(['context', 'rsvp']),
    conferenceId: z.string().max(64),
    to: z.string().max(128),
    attempts: z.number(),
    nextAt: z.number()
  })).max(100_000)
})

const FILE = 'outbox.json'

/**
 * Delivery with retry. Items are on disk before the first attempt and leave only once the
 * receiver acknowledged. A newer item for the same (kind, conference, peer) replaces the older
 * one: the payload is always read fresh from the conference store when sent.
 */
export class Outbox {
  private readonly items = new Map<string, OutboxItem>()
  private readonly inFlight = new Set<string>()
  private timer: unknown
  private running = false
  private saving: Promise<void> = Promise.resolve()
  private persistQueued: Promise<void> | undefined

  constructor (
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** delivers one item; resolves when acknowledged, throws to retry later */
    private readonly deliver: (item: OutboxItem) => Promise<void>,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF
  ) {}

  async load (): Promise<string | undefined> {
    try {
      const data = await this.storage.readJson(FILE, v => fileSchema.parse(v))
      for (const item of data?.items ?? []) this.items.set(keyOf(item), { ...item, attempts: 0, nextAt: 0 })
      return undefined
    } catch (err) {
      if (isError(err, DamagedFileError)) return err.message
      throw err
    }
  }

  /**
   * Queues again what the caller knows is not acknowledged but the outbox lacks: after a crash
   * between a change and its outbox entry, or when the outbox file was damaged. Returns how many.
   */
  async restore (expected: Array<Pick<OutboxItem, 'kind' | 'conferenceId' | 'to'>>): Promise<number> {
    let added = 0
    for (const e of expected) {
      const key = keyOf(e)
      if (this.items.has(key)) continue
      this.items.set(key, { kind: e.kind, conferenceId: e.conferenceId, to: e.to, attempts: 0, nextAt: 0 })
      added++
    }
    // Kept in memory even when the disk refuses it; the next change writes it.
    if (added > 0) await this.persist().catch(err => this.log.warn(`the outbox could not be saved: ${err?.message ?? err}`))
    return added
  }

  start (): void {
    this.running = true
    this.schedule()
  }

  stop (): void {
    this.running = false
    if (this.timer != null) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Queues an item (persisted before this resolves) and tries it at once. */
  async enqueue (kind: OutboxItem['kind'], conferenceId: string, to: string): Promise<void> {
    await this.enqueueAll(kind, conferenceId, [to])
  }

  /** Queues one item per peer with a single write to disk, then tries them all. */
  async enqueueAll (kind: OutboxItem['kind'], conferenceId: string, peers: string[]): Promise<void> {
    const items = peers.map(to => ({ kind, conferenceId, to, attempts: 0, nextAt: 0 }))
    for (const item of items) this.items.set(keyOf(item), item)
    await this.persist()
    for (const item of items) this.attempt(item)
  }

  /** The peer was seen (connected or discovered): try everything for it now. */
  kick (peerId: string): void {
    for (const item of this.items.values()) {
      if (item.to === peerId) {
        item.nextAt = 0
        this.attempt(item)
      }
    }
  }

  pending (conferenceId?: string): OutboxItem[] {
    return [...this.items.values()].filter(i => conferenceId == null || i.conferenceId === conferenceId)
  }

  has (kind: OutboxItem['kind'], conferenceId: string, to: string): boolean {
    return this.items.has(`${kind}|${conferenceId}|${to}`)
  }

  /** Resolves when every change so far is on disk. */
  async flush (): Promise<void> {
    await this.saving
  }

  private attempt (item: OutboxItem): void {
    const key = keyOf(item)
    if (!this.running || this.inFlight.has(key)) return
    this.inFlight.add(key)
    const attemptedVersion = item
    void this.deliver(item).then(async () => {
      // Only drop it if no newer item replaced it while we were sending.
      if (this.items.get(key) === attemptedVersion) {
        this.items.delete(key)
        await this.persist()
      }
    }, err => {
      item.attempts++
      const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(item.attempts - 1, 20))
      item.nextAt = this.clock.now() + base * (0.5 + Math.random() / 2)
      this.log.debug(`delivery of ${item.kind} ${item.conferenceId} to ${item.to} failed (attempt ${item.attempts}): ${err?.message ?? err}`)
    }).finally(() => {
      this.inFlight.delete(key)
      // A newer version queued while this one was in flight goes out now.
      const current = this.items.get(key)
      if (current != null && current !== attemptedVersion) this.attempt(current)
      this.schedule()
    }).catch(err => {
      // Only persisting can fail here (disk full, read-only): the item stays queued in memory.
      this.log.warn(`the outbox could not be saved: ${err?.message ?? err}`)
    })
  }

  private schedule (): void {
    if (!this.running) return
    if (this.timer != null) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    const waiting = [...this.items.values()].filter(i => !this.inFlight.has(keyOf(i)))
    if (waiting.length === 0) return
    const next = Math.min(...waiting.map(i => i.nextAt))
    const delay = Math.max(0, Math.min(next - this.clock.now(), 60_000))
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      const now = this.clock.now()
      for (const item of this.items.values()) if (item.nextAt <= now) this.attempt(item)
      this.schedule()
    }, delay)
  }

  /**
   * Saves the items. A save asked for while another runs waits for it, and every ask made before
   * the next save starts is answered by that one save: it writes the items as they are then.
   */
  private persist (): Promise<void> {
    if (this.persistQueued != null) return this.persistQueued
    const save = this.saving.catch(() => {}).then(async () => {
      this.persistQueued = undefined
      await this.storage.writeJson(FILE, { version: 1, items: [...this.items.values()] })
    })
    this.persistQueued = save
    this.saving = save
    return save
  }
}

function keyOf (item: Pick<OutboxItem, 'kind' | 'conferenceId' | 'to'>): string {
  return `${item.kind}|${item.conferenceId}|${item.to}`
}
