import { peerIdFromString } from '@libp2p/peer-id'
import type {
  ConferenceApi, ConferenceContext, ConferenceView, CreateConferenceInput, DeliveryState, Invitee, PeerRef, RsvpAnswer
} from '../api'
import type { DevMeet } from '../devmeet'
import { seal, open, DOMAINS } from '../wire/envelope'
import { PeerRateLimiter } from '../wire/rate-limit'
import { sanitizeDisplayName } from '../identity'
import { ConferenceStore, type StoredConference } from './store'
import { shown, untrusted } from '../../shared/shown-text'
import { applyRsvp, checkContextSigner, conferenceContextSchema, isNewerContext, rsvpPayloadSchema, MAX_AGENDA_BYTES, MAX_ANSWER_CHARS, MAX_INVITEES, MAX_TITLE_CHARS, type RsvpPayload } from './model'
import { newConferenceId } from './conference-id'
import { verifyContext, type SignedAnswer, type VerifiedAnswers } from './verify'
import * as participation from './participation'
import { Outbox, type BackoffOptions, type OutboxItem } from '../invite/outbox'
import { serveRecordProtocol, sendRecord, INVITE_PROTOCOL, RSVP_PROTOCOL, MAX_INVITE_BYTES, MAX_RSVP_BYTES } from '../invite/protocols'
import { ConferenceInputError, ConferenceTooLargeError, ConferenceRuleError, RefusedError } from '../errors'

const DAY_MS = 24 * 60 * 60_000
/**
 * New invitations from one organizer are refused while this many of theirs wait for an answer: a
 * peer that knows my address cannot fill my Invitations list (and data folder) with thousands.
 */
export const MAX_UNANSWERED_PER_ORGANIZER = 20
/**
 * Anyone can make a new identity and sign an invitation with it, and any connected peer can relay
 * it. Unanswered invitations from organizers I have never met (see ContactStore.hasMet) are
 * capped overall, so fresh identities cannot fill my Invitations list, contacts and data folder,
 * and per relaying peer (the peer that sent the invite stream), so one peer cannot take all of
 * that room and keep strangers' genuine invitations out.
 */
export const MAX_UNANSWERED_FROM_STRANGERS = 50
export const MAX_UNANSWERED_FROM_STRANGERS_PER_RELAY = 10

/** Conferences: create, invite, answer, reschedule, cancel; delivery through the outbox. */
export class ConferenceService implements ConferenceApi {
  private readonly store: ConferenceStore
  private readonly outbox: Outbox
  private readonly limiter: PeerRateLimiter
  private readonly unsubscribe: Array<() => void> = []
  /** serializes changes per conference, so two RSVPs never race on one sequence */
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor (private readonly devmeet: DevMeet, backoff?: BackoffOptions) {
    this.store = new ConferenceStore(devmeet.storage, m => devmeet.events.emit('warning', shown`${untrusted(m, 500)}`))
    this.outbox = new Outbox(devmeet.storage, devmeet.clock, devmeet.log, item => this.deliver(item), backoff)
    this.limiter = new PeerRateLimiter(20, 40, () => devmeet.clock.now())
  }

  async start (): Promise<void> {
    await this.store.load()
    // A damaged outbox file is moved aside and reported by Storage itself.
    await this.outbox.load()
    // The store knows what was never acknowledged: a crash between a change and its outbox entry, or a damaged outbox, loses no delivery.
    const restored = await this.outbox.restore(this.unacknowledged())
    if (restored > 0) this.devmeet.log.info(`${restored} undelivered invitation(s) or answer(s) queued again`)
    const node = this.devmeet.libp2p
    await serveRecordProtocol(node, INVITE_PROTOCOL, MAX_INVITE_BYTES, this.limiter, this.devmeet.log, (b, from) => this.receiveContext(b, from))
    await serveRecordProtocol(node, RSVP_PROTOCOL, MAX_RSVP_BYTES, this.limiter, this.devmeet.log, (b, from) => this.receiveRsvp(b, from))
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

  async stop (): Promise<void> {
    this.outbox.stop()
    for (const off of this.unsubscribe.splice(0)) off()
    await Promise.all([this.outbox.flush().catch(() => {}), this.store.flush()])
  }

  list (): ConferenceView[] {
    return this.store.all().map(c => this.view(c)).sort((a, b) => a.context.start - b.context.start)
  }

  get (id: string): ConferenceView | undefined {
    const c = this.store.get(id)
    return c == null ? undefined : this.view(c)
  }

  /** Who takes part now (participation.ts): the organizer plus invitees with their own signed yes; nobody once cancelled. */
  participants (id: string): string[] {
    const c = this.store.get(id)
    if (c == null) return []
    return participation.participantsOf(c.context, c.answers, this.mine(c))
  }

  isParticipant (id: string, peerId: string): boolean {
    const c = this.store.get(id)
    if (c == null) return false
    return participation.isParticipant(c.context, c.answers, peerId, this.mine(c))
  }

  /** Whether this peer takes part in conference `id` now: what the scheduler asks before a reminder or start. */
  takesPart (id: string): boolean {
    return this.isParticipant(id, this.me())
  }

  /** Every peer named in a conference I keep (the contacts list evicts them last). */
  peersInConferences (): Set<string> {
    const out = new Set<string>()
    for (const c of this.store.all()) {
      out.add(c.context.organizer.peerId)
      for (const i of c.context.invitees) out.add(i.peerId)
    }
    return out
  }

  /** My own latest signed answer, which counts at once, before the organizer's updated context arrives. */
  private mine (c: StoredConference): { peerId: string, answer?: SignedAnswer } {
    return { peerId: this.me(), ...(c.myRsvp != null ? { answer: { answer: c.myRsvp.answer, rsvpSeq: c.myRsvp.rsvpSeq } } : {}) }
  }

  /** The addresses a participant can be dialled at, from the context. */
  addressesOf (id: string, peerId: string): string[] {
    const ctx = this.store.get(id)?.context
    if (ctx == null) return []
    if (ctx.organizer.peerId === peerId) return ctx.organizer.addrs
    return ctx.invitees.find(i => i.peerId === peerId)?.addrs ?? []
  }

  /** What the store says still awaits an acknowledgement: contexts to invitees (organizer), my RSVPs (invitee). */
  private unacknowledged (): Array<Pick<OutboxItem, 'kind' | 'conferenceId' | 'to'>> {
    const me = this.me()
    const out: Array<Pick<OutboxItem, 'kind' | 'conferenceId' | 'to'>> = []
    for (const c of this.store.all()) {
      if (c.context.organizer.peerId === me) {
        for (const i of c.context.invitees) if ((c.delivery[i.peerId] ?? 'pending') === 'pending') out.push({ kind: 'context', conferenceId: c.context.id, to: i.peerId })
      } else if (c.myRsvp != null && !c.myRsvp.acked) {
        out.push({ kind: 'rsvp', conferenceId: c.context.id, to: c.context.organizer.peerId })
      }
    }
    return out
  }

  /** Outbox items still waiting, for tests and the UI. */
  pendingDeliveries (conferenceId?: string): OutboxItem[] {
    return this.outbox.pending(conferenceId)
  }

  async create (input: CreateConferenceInput): Promise<ConferenceView> {
    const now = this.devmeet.clock.now()
    const title = (input.title ?? '').trim()
    if (title === '' || title.length > MAX_TITLE_CHARS) throw new ConferenceInputError(`A title of 1 to ${MAX_TITLE_CHARS} characters is needed.`)
    const agenda = input.agenda ?? ''
    if (Buffer.byteLength(agenda) > MAX_AGENDA_BYTES) throw new ConferenceInputError('The agenda is longer than 16 KiB.')
    checkStart(input.start, now)
    checkDuration(input.durationMinutes)
    const inviteeIds = this.checkInvitees(input.invitees)
    const { id, nonce } = newConferenceId(this.me())
    const context: ConferenceContext = {
      id,
      nonce,
      title,
      agenda,
      start: Math.round(input.start),
      timeZone: input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
      durationMinutes: Math.round(input.durationMinutes),
      organizer: this.myRef(),
      invitees: inviteeIds.map(id => this.inviteeRef(id)),
      sequence: 1,
      status: 'scheduled',
      createdAt: now,
      updatedAt: now
    }
    return await this.publish(context, {})
  }

  async invite (id: string, peerIds: string[]): Promise<ConferenceView> {
    return await this.locked(id, async () => {
      const conf = this.own(id)
      if (conf.context.status === 'cancelled') throw new ConferenceInputError('The conference is cancelled.')
      const fresh = this.checkInvitees(peerIds).filter(p => !conf.context.invitees.some(i => i.peerId === p))
      if (fresh.length === 0) return this.view(conf)
      if (conf.context.invitees.length + fresh.length > MAX_INVITEES) throw new ConferenceInputError(`At most ${MAX_INVITEES} invitees.`)
      return await this.republish(conf, { invitees: [...conf.context.invitees, ...fresh.map(p => this.inviteeRef(p))] })
    })
  }

  async reschedule (id: string, start: number, durationMinutes?: number): Promise<ConferenceView> {
    return await this.locked(id, async () => {
      const conf = this.own(id)
      if (conf.context.status === 'cancelled') throw new ConferenceInputError('The conference is cancelled.')
      checkStart(start, this.devmeet.clock.now())
      if (durationMinutes != null) checkDuration(durationMinutes)
      return await this.republish(conf, { start: Math.round(start), durationMinutes: Math.round(durationMinutes ?? conf.context.durationMinutes) })
    })
  }

  async cancel (id: string): Promise<ConferenceView> {
    return await this.locked(id, async () => {
      const conf = this.own(id)
      if (conf.context.status === 'cancelled') return this.view(conf)
      return await this.republish(conf, { status: 'cancelled' })
    })
  }

  async respond (id: string, answer: RsvpAnswer, comment?: string): Promise<ConferenceView> {
    return await this.locked(id, async () => {
      const conf = this.store.get(id)
      if (conf == null) throw new ConferenceInputError('No such conference.')
      const me = this.me()
      if (!conf.context.invitees.some(i => i.peerId === me)) throw new ConferenceInputError('You are not invited to this conference.')
      if (conf.context.status === 'cancelled') throw new ConferenceInputError('The conference is cancelled.')
      if (!['accepted', 'declined', 'tentative'].includes(answer)) throw new ConferenceInputError('Answer accepted, declined or tentative.')
      let cleanComment = comment == null || comment.trim() === '' ? undefined : comment.trim().slice(0, 500)
      // Above my own counter and above the answer the context carries for me (a data folder restored from a backup).
      const rsvpSeq = Math.max(conf.myRsvp?.rsvpSeq ?? 0, conf.answers[me]?.rsvpSeq ?? 0) + 1
      let payload: RsvpPayload
      let envelope: Uint8Array
      for (;;) {
        payload = { conferenceId: id, sequence: conf.context.sequence, answer, rsvpSeq, ...(cleanComment != null ? { comment: cleanComment } : {}) }
        envelope = await seal(this.devmeet.key, DOMAINS.rsvp, payload)
        // The organizer carries the signed answer in the context, where it has a size limit.
        if (Buffer.from(envelope).toString('base64url').length <= MAX_ANSWER_CHARS || cleanComment == null) break
        const shorter = Array.from(cleanComment).slice(0, Math.floor(Array.from(cleanComment).length * 0.8)).join('').trim()
        cleanComment = shorter === '' ? undefined : shorter
      }
      const next: StoredConference = { ...conf, myRsvp: { answer, rsvpSeq: payload.rsvpSeq, envelope, acked: false, comment: cleanComment } }
      await this.store.put(next)
      // Answering is the user's act on this invitation: its organizer's addresses may be dialled now.
      if (answer !== 'declined') this.devmeet.contacts.promote(conf.context.organizer.peerId)
      await this.outbox.enqueue('rsvp', id, conf.context.organizer.peerId)
      const view = this.view(next)
      this.devmeet.events.emit('conference:update', view)
      return view
    })
  }

  private view (c: StoredConference): ConferenceView {
    const me = this.me()
    const mine = c.context.organizer.peerId === me
    const invited = c.context.invitees.some(i => i.peerId === me)
    // Only my own signature says what I answered: my latest answer, or the one the verified context carries.
    const myAnswer = participation.answerOf(c.context, c.answers, me, this.mine(c))
    return {
      context: c.context,
      mine,
      myRsvp: mine || !invited ? undefined : (myAnswer ?? 'pending'),
      delivery: { ...c.delivery },
      ...(c.refusals != null && Object.keys(c.refusals).length > 0 ? { refusals: { ...c.refusals } } : {}),
      ...(c.myRsvp != null ? { rsvpPending: !c.myRsvp.acked } : {}),
      ...(c.myRsvp?.refused != null ? { rsvpRefused: c.myRsvp.refused } : {})
    }
  }

  /** Signs and stores a context, queues it for every invitee, and tells the UI. */
  private async publish (context: ConferenceContext, lastRsvpSeq: Record<string, number>): Promise<ConferenceView> {
    const envelope = await seal(this.devmeet.key, DOMAINS.conference, context)
    if (envelope.length > MAX_INVITE_BYTES) {
      throw new ConferenceTooLargeError(`The conference record would be ${Math.ceil(envelope.length / 1024)} KiB, over the ${MAX_INVITE_BYTES / 1024} KiB an invitation may be: shorten the agenda or invite fewer peers.`)
    }
    // What every receiver checks, checked here first: a context we cannot verify ourselves would be refused everywhere.
    const answers = await verifyContext(context, this.me())
    const delivery: Record<string, DeliveryState> = {}
    for (const i of context.invitees) delivery[i.peerId] = 'pending'
    const conf: StoredConference = { context, envelope, answers, delivery, lastRsvpSeq }
    await this.store.put(conf)
    await this.outbox.enqueueAll('context', context.id, context.invitees.map(i => i.peerId))
    const view = this.view(conf)
    this.devmeet.events.emit('conference:update', view)
    return view
  }

  private async republish (conf: StoredConference, change: Partial<ConferenceContext>): Promise<ConferenceView> {
    const now = this.devmeet.clock.now()
    const context: ConferenceContext = {
      ...conf.context,
      ...change,
      organizer: this.myRef(),
      sequence: conf.context.sequence + 1,
      updatedAt: Math.max(now, conf.context.updatedAt)
    }
    return await this.publish(context, conf.lastRsvpSeq)
  }

  /** Invitee side: a context from the organizer (or relayed by anyone): verify, keep if newer. */
  private async receiveContext (bytes: Uint8Array, from: string): Promise<void> {
    const opened = await open(bytes, DOMAINS.conference, conferenceContextSchema)
    const ctx = opened.payload
    const me = this.me()
    // A context not signed by its organizer is a forgery: dropped with a strike, not answered.
    checkContextSigner(ctx, opened.signer)
    const listed = ctx.invitees.some(i => i.peerId === me)
    if (!listed && this.store.get(ctx.id) == null) throw new RefusedError('you are not an invitee of this conference')
    let answers: VerifiedAnswers
    try {
      answers = await verifyContext(ctx, opened.signer)
    } catch (err) {
      // The organizer's own record with a claim that does not hold: answered, so it shows as refused there.
      if (err instanceof ConferenceRuleError) throw new RefusedError(err.message)
      throw err
    }
    await this.locked(ctx.id, async () => {
      const current = this.store.get(ctx.id)
      if (current != null && current.context.organizer.peerId !== ctx.organizer.peerId) throw new RefusedError('conference id already used by another organizer')
      // An update that no longer lists me is kept too: I was uninvited, and take part no more.
      if (current == null && !listed) throw new RefusedError('you are not an invitee of this conference')
      if (current == null) this.checkRoomForInvitation(ctx.organizer.peerId, from)
      if (!isNewerContext(current?.context, ctx)) return
      const conf: StoredConference = {
        context: ctx,
        envelope: opened.bytes,
        answers,
        delivery: {},
        lastRsvpSeq: {},
        myRsvp: current?.myRsvp,
        receivedFrom: current?.receivedFrom ?? from
      }
      await this.store.put(conf)
      this.devmeet.contacts.noteInvitation(ctx.organizer, this.devmeet.clock.now())
      const view = this.view(conf)
      // A conference first seen already cancelled is no invitation; it still shows as an update.
      if (current == null && ctx.status === 'scheduled') this.devmeet.events.emit('invitation', view)
      this.devmeet.events.emit('conference:update', view)
      this.devmeet.log.debug(`conference ${ctx.id} sequence ${ctx.sequence} from ${from}`)
    })
  }

  /** Organizer side: an invitee's answer. */
  private async receiveRsvp (bytes: Uint8Array, from: string): Promise<void> {
    const opened = await open(bytes, DOMAINS.rsvp, rsvpPayloadSchema)
    const rsvp = opened.payload
    if (opened.signer !== from) throw new RefusedError('an RSVP is sent by its author')
    await this.locked(rsvp.conferenceId, async () => {
      const conf = this.store.get(rsvp.conferenceId)
      if (conf == null || conf.context.organizer.peerId !== this.me()) throw new RefusedError('unknown conference')
      let next: ConferenceContext | undefined
      try {
        next = applyRsvp(conf.context, rsvp, opened.signer, Buffer.from(opened.bytes).toString('base64url'), conf.lastRsvpSeq[opened.signer] ?? 0, this.devmeet.clock.now())
        if (next == null) return
        await this.publish(next, { ...conf.lastRsvpSeq, [opened.signer]: rsvp.rsvpSeq })
      } catch (err) {
        if (err instanceof ConferenceRuleError || err instanceof ConferenceTooLargeError) throw new RefusedError(err.message)
        throw err
      }
      const invitee = next.invitees.find(i => i.peerId === opened.signer)!
      this.devmeet.events.emit('rsvp', { conferenceId: rsvp.conferenceId, peerId: opened.signer, rsvp: invitee.rsvp, ...(invitee.comment != null ? { comment: invitee.comment } : {}) })
    })
  }

  /** The outbox's delivery of one item. Resolves when acknowledged (or refused for good). */
  private async deliver (item: OutboxItem): Promise<void> {
    const conf = this.store.get(item.conferenceId)
    if (conf == null) return
    if (item.kind === 'context') {
      const invitee = conf.context.invitees.find(i => i.peerId === item.to)
      if (invitee == null || conf.context.organizer.peerId !== this.me()) return
      await this.devmeet.dialKnown(item.to, invitee.addrs)
      const sentSequence = conf.context.sequence
      const ack = await sendRecord(this.devmeet.libp2p, item.to, INVITE_PROTOCOL, MAX_INVITE_BYTES, conf.envelope)
      if (!ack.ok) this.devmeet.log.warn(`${invitee.displayName} refused conference ${conf.context.title}: ${ack.error}`)
      await this.locked(item.conferenceId, async () => {
        const current = this.store.get(item.conferenceId)
        if (current == null || current.context.sequence !== sentSequence) return
        // 'delivered' means the invitee kept it; a refusal is final for this version and shown with its reason.
        const { [item.to]: _, ...refusals } = current.refusals ?? {}
        if (!ack.ok) refusals[item.to] = (ack.error ?? 'no reason given').slice(0, 500)
        this.store.putSoon({ ...current, delivery: { ...current.delivery, [item.to]: ack.ok ? 'delivered' : 'refused' }, refusals })
        this.devmeet.events.emit('conference:update', this.view(this.store.get(item.conferenceId)!))
      })
      return
    }
    const mine = conf.myRsvp
    if (mine == null) return
    await this.devmeet.dialKnown(item.to, conf.context.organizer.addrs)
    const sentSeq = mine.rsvpSeq
    const ack = await sendRecord(this.devmeet.libp2p, item.to, RSVP_PROTOCOL, MAX_RSVP_BYTES, mine.envelope)
    if (!ack.ok) this.devmeet.log.warn(`the organizer refused the answer to ${conf.context.title}: ${ack.error}`)
    await this.locked(item.conferenceId, async () => {
      const current = this.store.get(item.conferenceId)
      if (current?.myRsvp == null || current.myRsvp.rsvpSeq !== sentSeq) return
      // A refusal is final for this answer (not retried) and shown with the organizer's reason.
      this.store.putSoon({ ...current, myRsvp: { ...current.myRsvp, acked: true, ...(ack.ok ? {} : { refused: (ack.error ?? 'no reason given').slice(0, 500) }) } })
      this.devmeet.events.emit('conference:update', this.view(this.store.get(item.conferenceId)!))
    })
  }

  /** Refuses a new invitation (RefusedError with the reason) while too many like it wait for my answer. */
  private checkRoomForInvitation (organizer: string, relay: string): void {
    const unanswered = this.unanswered()
    if (unanswered.filter(c => c.context.organizer.peerId === organizer).length >= MAX_UNANSWERED_PER_ORGANIZER) {
      throw new RefusedError(`${MAX_UNANSWERED_PER_ORGANIZER} invitations from this organizer are still unanswered`)
    }
    if (this.devmeet.contacts.hasMet(organizer)) return
    const fromStrangers = unanswered.filter(c => !this.devmeet.contacts.hasMet(c.context.organizer.peerId))
    if (fromStrangers.filter(c => c.receivedFrom === relay).length >= MAX_UNANSWERED_FROM_STRANGERS_PER_RELAY) {
      throw new RefusedError(`${MAX_UNANSWERED_FROM_STRANGERS_PER_RELAY} invitations relayed by this peer from organizers the invitee has never met are still unanswered`)
    }
    if (fromStrangers.length >= MAX_UNANSWERED_FROM_STRANGERS) {
      throw new RefusedError(`${MAX_UNANSWERED_FROM_STRANGERS} invitations from organizers the invitee has never met are still unanswered`)
    }
  }

  /** Upcoming invitations to me that I have not answered. */
  private unanswered (): StoredConference[] {
    const now = this.devmeet.clock.now()
    const me = this.me()
    return this.store.all().filter(c => c.context.invitees.some(i => i.peerId === me) && c.myRsvp == null &&
      c.context.status === 'scheduled' && c.context.start + c.context.durationMinutes * 60_000 > now)
  }

  private own (id: string): StoredConference {
    const conf = this.store.get(id)
    if (conf == null) throw new ConferenceInputError('No such conference.')
    if (conf.context.organizer.peerId !== this.me()) throw new ConferenceInputError('Only the organizer can change this conference.')
    return conf
  }

  private me (): string {
    return this.devmeet.libp2p.peerId.toString()
  }

  private myRef (): PeerRef {
    return { peerId: this.me(), displayName: this.devmeet.displayName, addrs: this.devmeet.listenAddrs().slice(0, 16) }
  }

  private inviteeRef (peerId: string): Invitee {
    const info = this.devmeet.peerInfo(peerId)
    return {
      peerId,
      displayName: sanitizeDisplayName(info.displayName ?? info.petname ?? `peer ${peerId.slice(-8)}`),
      addrs: info.addrs.slice(0, 16),
      rsvp: 'pending'
    }
  }

  private checkInvitees (peerIds: string[]): string[] {
    if (!Array.isArray(peerIds)) throw new ConferenceInputError('Invitees are a list of peer IDs.')
    const me = this.me()
    const out: string[] = []
    for (const raw of peerIds) {
      let id: string
      try {
        id = peerIdFromString(String(raw).trim()).toString()
      } catch {
        throw new ConferenceInputError(`"${String(raw).slice(0, 60)}" is not a peer ID.`)
      }
      if (id === me) throw new ConferenceInputError('You organize this conference; you need not invite yourself.')
      if (!out.includes(id)) out.push(id)
    }
    if (out.length > MAX_INVITEES) throw new ConferenceInputError(`At most ${MAX_INVITEES} invitees.`)
    return out
  }

  private async locked<T> (id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve()
    const run = prev.catch(() => {}).then(fn)
    this.locks.set(id, run)
    try {
      return await run
    } finally {
      if (this.locks.get(id) === run) this.locks.delete(id)
    }
  }
}

function checkStart (start: number, now: number): void {
  if (typeof start !== 'number' || !Number.isFinite(start)) throw new ConferenceInputError('The start time is not a valid time.')
  if (start < now - 5 * 60_000) throw new ConferenceInputError('The start time is in the past.')
  if (start > now + 366 * DAY_MS) throw new ConferenceInputError('The start time is more than a year ahead.')
}

function checkDuration (minutes: number): void {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new ConferenceInputError('The duration is 1 to 1440 minutes.')
  }
}
