import type { ConferenceContext, ConferenceView, CreateConferenceInput, DeliveryState, Invitee, OccurrenceException } from '../api'
import { seal, DOMAINS } from '../wire/envelope'
import { sanitizeDisplayName } from '../identity'
import { ConferenceInputError, ConferenceTooLargeError } from '../errors'
import type { Outbox } from '../invite/outbox'
import { MAX_INVITE_BYTES } from '../invite/protocols'
import { MAX_INVITEES } from './model'
import { newConferenceId } from './conference-id'
import { verifyContext } from './verify'
import type { StoredConference } from './store'
import type { ConferenceState } from './state'
import { checkAgenda, checkDuration, checkInvitees, checkOccurrenceMove, checkRecurrence, checkStart, checkTitle } from './input-checks'
import { isRuleStart, MAX_EXCEPTIONS, withException } from './recurrence'
import { withoutOccurrenceAnswers } from './occurrence-answers'
import { localized } from '../../shared/localized'

/** The organizer's side: create a conference, invite more, reschedule, cancel; each change signed and queued for every invitee. */
export class ConferenceChanges {
  constructor (private readonly state: ConferenceState, private readonly outbox: Outbox) {}

  /** Creates a conference I organize and queues its invitations. */
  async create (input: CreateConferenceInput): Promise<ConferenceView> {
    const now = this.state.components.clock.now()
    const title = checkTitle(input.title)
    const agenda = checkAgenda(input.agenda)
    checkStart(input.start, now)
    checkDuration(input.durationMinutes)
    const inviteeIds = checkInvitees(input.invitees, this.state.me())
    const timeZone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC'
    const recurrence = input.recurrence == null ? undefined : checkRecurrence(input.recurrence, Math.round(input.start), timeZone)
    const { id, nonce } = newConferenceId(this.state.me())
    const context: ConferenceContext = {
      id,
      nonce,
      title,
      agenda,
      start: Math.round(input.start),
      timeZone,
      durationMinutes: Math.round(input.durationMinutes),
      organizer: this.state.myRef(),
      invitees: inviteeIds.map(id => this.inviteeRef(id)),
      sequence: 1,
      status: 'scheduled',
      createdAt: now,
      updatedAt: now,
      ...(recurrence == null ? {} : { recurrence })
    }
    return await this.publish(context, {})
  }

  /** Adds invitees (peer IDs) to a conference I organize. */
  async invite (id: string, peerIds: string[]): Promise<ConferenceView> {
    return await this.state.locked(id, async () => {
      const conf = this.own(id)
      if (conf.context.status === 'cancelled') throw new ConferenceInputError(localized`The conference is cancelled.`)
      const fresh = checkInvitees(peerIds, this.state.me()).filter(p => !conf.context.invitees.some(i => i.peerId === p))
      if (fresh.length === 0) return this.state.view(conf)
      if (conf.context.invitees.length + fresh.length > MAX_INVITEES) throw new ConferenceInputError(localized`At most ${MAX_INVITEES} invitees.`)
      return await this.republish(conf, { invitees: [...conf.context.invitees, ...fresh.map(p => this.inviteeRef(p))] })
    })
  }

  /** Moves a conference I organize (and changes its duration, if given). */
  async reschedule (id: string, start: number, durationMinutes?: number): Promise<ConferenceView> {
    return await this.state.locked(id, async () => {
      const conf = this.own(id)
      if (conf.context.status === 'cancelled') throw new ConferenceInputError(localized`The conference is cancelled.`)
      checkStart(start, this.state.components.clock.now())
      if (durationMinutes != null) checkDuration(durationMinutes)
      const moved: Partial<ConferenceContext> = { start: Math.round(start), durationMinutes: Math.round(durationMinutes ?? conf.context.durationMinutes) }
      if (conf.context.recurrence == null) return await this.republish(conf, moved)
      // Moving a whole series moves every occurrence: the exceptions named the old starts, so they go
      // (as when a calendar changes a series' DTSTART), and the rule must still start on the new start.
      checkRecurrence(conf.context.recurrence, moved.start as number, conf.context.timeZone)
      // Answers to single occurrences named the old starts too.
      return await this.republish(conf, { ...moved, exceptions: undefined, invitees: withoutOccurrenceAnswers(conf.context).invitees })
    })
  }

  /** Cancels a conference I organize; cancelling twice changes nothing. */
  async cancel (id: string): Promise<ConferenceView> {
    return await this.state.locked(id, async () => {
      const conf = this.own(id)
      if (conf.context.status === 'cancelled') return this.state.view(conf)
      return await this.republish(conf, { status: 'cancelled' })
    })
  }

  /** Cancels one occurrence of a series I organize (an EXDATE); the others stay. */
  async cancelOccurrence (id: string, occurrence: number): Promise<ConferenceView> {
    return await this.changeOccurrence(id, occurrence, { occurrence, cancelled: true })
  }

  /** Moves one occurrence of a series I organize (a RECURRENCE-ID override), and changes its duration if given. */
  async rescheduleOccurrence (id: string, occurrence: number, start: number, durationMinutes?: number): Promise<ConferenceView> {
    checkOccurrenceMove(occurrence, start, this.state.components.clock.now())
    if (durationMinutes != null) checkDuration(durationMinutes)
    const exception: OccurrenceException = { occurrence, start: Math.round(start) }
    if (durationMinutes != null) exception.durationMinutes = Math.round(durationMinutes)
    return await this.changeOccurrence(id, occurrence, exception)
  }

  /**
   * "This and following" (RECURRENCE-ID;RANGE=THISANDFUTURE): the occurrence moves to `start` and
   * every later one by the same wall-clock shift, with the new duration if given. One signed
   * exception in the same context, so every invitee converges on it as on any change; later
   * this-and-following changes are replaced by it, single exceptions after it stay.
   */
  async rescheduleFollowing (id: string, occurrence: number, start: number, durationMinutes?: number): Promise<ConferenceView> {
    checkOccurrenceMove(occurrence, start, this.state.components.clock.now())
    if (durationMinutes != null) checkDuration(durationMinutes)
    const exception: OccurrenceException = { occurrence, start: Math.round(start), range: 'thisAndFuture' }
    if (durationMinutes != null) exception.durationMinutes = Math.round(durationMinutes)
    return await this.changeOccurrence(id, occurrence, exception)
  }

  private async changeOccurrence (id: string, occurrence: number, exception: OccurrenceException): Promise<ConferenceView> {
    return await this.state.locked(id, async () => {
      const conf = this.own(id)
      const ctx = conf.context
      if (ctx.status === 'cancelled') throw new ConferenceInputError(localized`The conference is cancelled.`)
      if (ctx.recurrence == null) throw new ConferenceInputError(localized`The conference does not repeat; reschedule or cancel it instead.`)
      if (!Number.isInteger(occurrence) || !isRuleStart(ctx, occurrence)) throw new ConferenceInputError(localized`The series has no occurrence at that time.`)
      const exceptions = withException(ctx.exceptions ?? [], exception)
      if (exceptions.length > MAX_EXCEPTIONS) throw new ConferenceInputError(localized`A series holds at most ${MAX_EXCEPTIONS} changed occurrences.`)
      return await this.republish(conf, { exceptions })
    })
  }

  /** Signs and stores a context, queues it for every invitee, and tells the UI. */
  async publish (context: ConferenceContext, lastRsvpSeq: Record<string, number>): Promise<ConferenceView> {
    const envelope = await seal(this.state.components.key, DOMAINS.conference, context)
    if (envelope.length > MAX_INVITE_BYTES) {
      throw new ConferenceTooLargeError(localized`The conference record would be ${Math.ceil(envelope.length / 1024)} KiB, over the ${MAX_INVITE_BYTES / 1024} KiB an invitation may be: shorten the agenda or invite fewer peers.`)
    }
    // What every receiver checks, checked here first: a context we cannot verify ourselves would be refused everywhere.
    const answers = await verifyContext(context, this.state.me(), this.state.checkedAnswers)
    const delivery: Record<string, DeliveryState> = {}
    for (const i of context.invitees) delivery[i.peerId] = 'pending'
    const conf: StoredConference = { context, envelope, answers, delivery, lastRsvpSeq }
    await this.state.store.put(conf)
    await this.outbox.enqueueAll('context', context.id, context.invitees.map(i => i.peerId))
    return this.state.updated(conf)
  }

  private async republish (conf: StoredConference, change: Partial<ConferenceContext>): Promise<ConferenceView> {
    const now = this.state.components.clock.now()
    const context: ConferenceContext = {
      ...conf.context,
      ...change,
      organizer: this.state.myRef(),
      sequence: conf.context.sequence + 1,
      updatedAt: Math.max(now, conf.context.updatedAt)
    }
    // A field removed by the change (undefined) must not reach the signed record as a key.
    if (context.exceptions === undefined) delete context.exceptions
    return await this.publish(context, conf.lastRsvpSeq)
  }

  private own (id: string): StoredConference {
    const conf = this.state.store.get(id)
    if (conf == null) throw new ConferenceInputError(localized`No such conference.`)
    if (conf.context.organizer.peerId !== this.state.me()) throw new ConferenceInputError(localized`Only the organizer can change this conference.`)
    return conf
  }

  private inviteeRef (peerId: string): Invitee {
    const info = this.state.components.peers.peerInfo(peerId)
    this.state.components.peers.keep(peerId)
    return {
      peerId,
      displayName: sanitizeDisplayName(info.displayName ?? info.petname ?? `peer ${peerId.slice(-8)}`),
      addrs: info.addrs.slice(0, 16),
      rsvp: 'pending'
    }
  }
}
