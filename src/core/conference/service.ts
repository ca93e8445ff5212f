import type { ConferenceApi, ConferenceContext, ConferenceView, CreateConferenceInput, Occurrence, RsvpAnswer } from '../api'
import { occurrenceAtTime, occurrences, ScheduledOccurrencesCache } from './recurrence'
import { PeerRateLimiter } from '../wire/rate-limit'
import * as participation from './participation'
import { Outbox, type BackoffOptions, type OutboxItem } from '../invite/outbox'
import { serveRecordProtocol, INVITE_PROTOCOL, RSVP_PROTOCOL, MAX_INVITE_BYTES, MAX_RSVP_BYTES } from '../invite/protocols'
import type { ConferenceComponents, ConferenceNode } from './ports'
import { ConferenceState } from './state'
import type { StoredConference } from './store'
import { ConferenceChanges } from './changes'
import { answerInvitation, answerOccurrence } from './answer'
import { answersForOccurrence, takesPartInOccurrence } from './occurrence-answers'
import { receiveContext } from './receive-context'
import { RsvpIntake } from './receive-rsvp'
import { deliver, undelivered } from './delivery'

export interface ConferenceServiceInit {
  /** retry timing of the invitation outbox (tests shorten it) */
  backoff?: BackoffOptions
}

/**
 * Conferences: create, invite, answer, reschedule, cancel; delivery through the outbox. The parts
 * live beside it by concern (changes, answer, receive-context, receive-rsvp, delivery); this is the
 * facade, and starts and stops the invite and RSVP protocols.
 */
export class ConferenceService implements ConferenceApi {
  private readonly state: ConferenceState
  private readonly outbox: Outbox
  private readonly changes: ConferenceChanges
  private readonly limiter: PeerRateLimiter
  private readonly unsubscribe: Array<() => void> = []
  private serving: ConferenceNode | undefined
  private readonly scheduled = new ScheduledOccurrencesCache()
  private readonly participantsCache = new WeakMap<ConferenceContext, { answers: StoredConference['answers'], myRsvp: StoredConference['myRsvp'], list: string[], set: Set<string> }>()

  constructor (private readonly components: ConferenceComponents, init: ConferenceServiceInit = {}) {
    this.state = new ConferenceState(components)
    this.outbox = new Outbox(components.storage, components.clock, components.log, item => deliver(this.state, item), init.backoff)
    this.changes = new ConferenceChanges(this.state, this.outbox)
    this.limiter = new PeerRateLimiter(20, 40, () => components.clock.now())
  }

  /** Loads the store and outbox, serves the invite and RSVP protocols, and retries deliveries when peers show up. */
  async start (): Promise<void> {
    const { node, log } = this.components
    await this.state.store.load()
    // A damaged outbox file is moved aside and reported by Storage itself.
    await this.outbox.load()
    // The store knows what was never acknowledged: a crash between a change and its outbox entry, or a damaged outbox, loses no delivery.
    const restored = await this.outbox.restore(undelivered(this.state))
    if (restored > 0) log.info(`${restored} undelivered invitation(s) or answer(s) queued again`)
    this.serving = node
    await serveRecordProtocol(node, INVITE_PROTOCOL, MAX_INVITE_BYTES, this.limiter, log, (b, from) => receiveContext(this.state, b, from))
    const rsvps = new RsvpIntake(this.state, (ctx, seqs) => this.changes.publish(ctx, seqs))
    await serveRecordProtocol(node, RSVP_PROTOCOL, MAX_RSVP_BYTES, this.limiter, log, (b, from) => rsvps.receive(b, from))
    const kick = (evt: any): void => {
      const id = evt.detail?.id ?? evt.detail?.peerId ?? evt.detail
      if (id != null) this.outbox.kick(id.toString())
    }
    for (const event of ['peer:connect', 'peer:discovery', 'peer:identify'] as const) {
      node.addEventListener(event, kick)
      this.unsubscribe.push(() => node.removeEventListener(event, kick))
    }
    this.outbox.start()
  }

  /** Stops serving and retrying, and writes what waits. */
  async stop (): Promise<void> {
    this.outbox.stop()
    for (const off of this.unsubscribe.splice(0)) off()
    const node = this.serving
    this.serving = undefined
    await Promise.all([INVITE_PROTOCOL, RSVP_PROTOCOL].map(p => node?.unhandle(p).catch(() => {})))
    await Promise.all([this.outbox.flush().catch(() => {}), this.state.store.flush()])
  }

  list (): ConferenceView[] {
    return this.state.store.all().map(c => this.state.view(c)).sort((a, b) => a.context.start - b.context.start)
  }

  get (id: string): ConferenceView | undefined {
    const c = this.state.store.get(id)
    return c == null ? undefined : this.state.view(c)
  }

  /** Who takes part now (participation.ts): the organizer plus invitees with their own signed yes; nobody once cancelled. */
  participants (id: string): string[] {
    const c = this.state.store.get(id)
    if (c == null) return []
    return [...this.participantsNow(c).list]
  }

  isParticipant (id: string, peerId: string): boolean {
    const c = this.state.store.get(id)
    if (c == null) return false
    return this.participantsNow(c).set.has(peerId)
  }

  /**
   * Who takes part, worked out once per change of the context, its answers or my answer (each is
   * replaced on a change, never edited in place). The chat asks for every frame and stream, and
   * working it out is quadratic in the invitees: at a 50-participant meeting's start it was a
   * tenth of the presence work.
   */
  private participantsNow (c: StoredConference): { list: string[], set: Set<string> } {
    const cached = this.participantsCache.get(c.context)
    if (cached != null && cached.answers === c.answers && cached.myRsvp === c.myRsvp) return cached
    const list = participation.participantsOf(c.context, c.answers, this.state.mine(c))
    const fresh = { answers: c.answers, myRsvp: c.myRsvp, list, set: new Set(list) }
    this.participantsCache.set(c.context, fresh)
    return fresh
  }

  /** Whether this peer takes part in conference `id` now: what the scheduler asks before a reminder or start. */
  takesPart (id: string): boolean {
    return this.isParticipant(id, this.state.me())
  }

  /** Whether this peer takes part in one occurrence of a series: a participant who did not decline that occurrence. */
  takesPartIn (id: string, occurrence: number): boolean {
    const c = this.state.store.get(id)
    if (c == null) return false
    return takesPartInOccurrence(c.context, c.answers, this.state.me(), occurrence, this.state.mine(c))
  }

  /**
   * A series: the occurrence (the start the rule gives it) a moment belongs to: the one in
   * progress, else the next; after the last, the last. Undefined for a one-off conference. The
   * chat places each message by the time its author signed it.
   */
  occurrenceAt (id: string, at: number): number | undefined {
    const c = this.state.store.get(id)
    if (c?.context.recurrence == null) return undefined
    return occurrenceAtTime(this.scheduled.of(c.context), at)?.occurrence
  }

  /** Every peer named in a conference I keep (the contacts list evicts them last). */
  peersInConferences (): Set<string> {
    const out = new Set<string>()
    for (const c of this.state.store.all()) {
      out.add(c.context.organizer.peerId)
      for (const i of c.context.invitees) out.add(i.peerId)
    }
    return out
  }

  /** The addresses a participant can be dialled at, from the context. */
  addressesOf (id: string, peerId: string): string[] {
    const ctx = this.state.store.get(id)?.context
    if (ctx == null) return []
    if (ctx.organizer.peerId === peerId) return ctx.organizer.addrs
    return ctx.invitees.find(i => i.peerId === peerId)?.addrs ?? []
  }

  /** Outbox items still waiting, for tests and the UI. */
  pendingDeliveries (conferenceId?: string): OutboxItem[] {
    return this.outbox.pending(conferenceId)
  }

  async create (input: CreateConferenceInput): Promise<ConferenceView> {
    return await this.changes.create(input)
  }

  async invite (id: string, peerIds: string[]): Promise<ConferenceView> {
    return await this.changes.invite(id, peerIds)
  }

  async reschedule (id: string, start: number, durationMinutes?: number): Promise<ConferenceView> {
    return await this.changes.reschedule(id, start, durationMinutes)
  }

  async cancel (id: string): Promise<ConferenceView> {
    return await this.changes.cancel(id)
  }

  /** Cancels one occurrence of a series I organize; `occurrenceStart` is the start the rule gives it. */
  async cancelOccurrence (id: string, occurrenceStart: number): Promise<ConferenceView> {
    return await this.changes.cancelOccurrence(id, occurrenceStart)
  }

  /** Moves one occurrence of a series I organize to `start`; `occurrenceStart` is the start the rule gives it. */
  async rescheduleOccurrence (id: string, occurrenceStart: number, start: number, durationMinutes?: number): Promise<ConferenceView> {
    return await this.changes.rescheduleOccurrence(id, occurrenceStart, start, durationMinutes)
  }

  /** "This and following": moves the occurrence the rule starts at `occurrenceStart` to `start` and every later one by the same wall-clock shift. */
  async rescheduleFollowing (id: string, occurrenceStart: number, start: number, durationMinutes?: number): Promise<ConferenceView> {
    return await this.changes.rescheduleFollowing(id, occurrenceStart, start, durationMinutes)
  }

  /** The occurrences of a conference overlapping [from, to) (recurrence.ts), at most `max`; a series' carry each invitee's answer for them. */
  occurrences (id: string, from: number, to: number, max?: number): Occurrence[] {
    const c = this.state.store.get(id)
    if (c == null) return []
    const listed = occurrences(c.context, from, to, max)
    if (c.context.recurrence == null) return listed
    const mine = this.state.mine(c)
    return listed.map(o => ({ ...o, answers: answersForOccurrence(c.context, c.answers, o.occurrence, mine) }))
  }

  async respond (id: string, answer: RsvpAnswer, comment?: string): Promise<ConferenceView> {
    return await answerInvitation(this.state, this.outbox, id, answer, comment)
  }

  /** Answers one occurrence of a series I am invited to ("not on Friday"); `occurrenceStart` is the start the rule gives it. */
  async respondToOccurrence (id: string, occurrenceStart: number, answer: RsvpAnswer): Promise<ConferenceView> {
    return await answerOccurrence(this.state, this.outbox, id, occurrenceStart, answer)
  }
}
