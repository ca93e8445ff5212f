import type { Stream, Connection } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ChatApi, ChatMessage, ChatMessageInput, ConferenceView, PresenceEvent } from '../api'
import { MAX_CHAT_BODY_BYTES } from '../api'
import type { DevMeet } from '../devmeet'
import type { ShownText } from '../../shared/shown-text'
import { nextLamport, tooFarAhead } from './lamport'
import { quotaExceeded, MAX_CONFERENCE_BYTES, MAX_CONFERENCE_MESSAGES, type ConferenceQuota } from './quota'
import { RequestBudget, MAX_WANT_SPAN } from './history-requests'
import { preferredVersion } from './equivocation'
import { chatFullNotice, equivocationNotice, lamportNotice } from './notices'
import { MAX_LAMPORT_JUMP } from './lamport'
import type { Summary } from './sync'
export { MAX_LAMPORT_JUMP }
export { MAX_CONFERENCE_BYTES, MAX_CONFERENCE_MESSAGES } from './quota'
import { seal, open, DOMAINS } from '../wire/envelope'
import { resetStream } from '../wire/framing'
import { FloodGuard, PeerRateLimiter } from '../wire/rate-limit'
import { ChatLog, type HeldMessage } from './log'
import { ChatLink, CHAT_PROTOCOL, type ChatFrame } from './link'
import { chatPayloadSchema, messageKey, type ChatPayload } from './message'
import { shown, untrusted } from '../../shared/shown-text'
import { shownNameOf } from '../shown-names'

const RECONNECT_EVERY_MS = 5000
const ACK_DELAY_MS = 20
const TYPING_SHOWN_MS = 6000
const MESSAGES_PER_SECOND = 10_000
const MAX_WRITES_IN_FLIGHT = 4
const MESSAGE_BURST = 25_000
/**
 * Flood control (HOSTILE-INPUTS 10), decided as follows. What is limited is the number of messages
 * NEW to us per author and conference, in two buckets:
 * - History (a sequence at or below what the sending stream's hello said it held, i.e. a
 *   catch-up after a reconnection) is not a flood: its own bucket holds 20,000 (a long meeting's
 *   backlog of one prolific author; the benchmark's 10,000-message catch-up fits).
 * - Live messages (above that): a person types a few a second at most, but a paste or a script
 *   comes in a burst, so the bucket holds 6,000 (the benchmark's 5,000-message burst fits) and
 *   refills at 50/s (ten times a fast typist, far below a flood).
 * - Duplicates cost nothing: copies we hold are recognised before any signature check.
 * - Every message new to us counts against its author, whatever stream it came on: a
 *   participant's stream may carry messages of identities that never open one with us (sock
 *   puppets, HOSTILE-INPUTS 41). On the author's own stream it pays before the signature check;
 *   on another's, once verified (so a forwarder cannot spend an author's allowance with forged
 *   messages). What a forwarder brings over the author's limit is dropped and counted; the
 *   forwarder is not cut off for it. What we asked for ourselves (gap repair, or what a cut-off
 *   flooder left us missing) counts as history. A link's whole traffic is capped by `linkRate`.
 * - Over the rate, the excess is dropped unverified (throttled). An author still over it
 *   FLOOD_GRACE_MS later on its own stream is cut off: its chat streams are reset, its connections
 *   closed, its chat streams refused and not dialled for 60 s (doubling for each repeat), the user
 *   is warned, and the other participants are asked for what of its messages we dropped, so that
 *   every honest peer ends with the same history. What was accepted is verified and on disk in
 *   full. A peer lying in its hello gets at most the history bucket more.
 */
export const AUTHOR_RATE_PER_SECOND = 50
export const AUTHOR_BURST = 6_000
export const AUTHOR_HISTORY_BURST = 20_000
export const FLOOD_GRACE_MS = 2000
/** chat streams kept with one participant in one conference; a newer one replaces the oldest */
const MAX_LINKS_PER_PEER = 2

/** a burst of streams opening or closing is announced to the others once */
const ANNOUNCE_LINKS_AFTER_MS = 20
/** messages in one frame from which their signatures are checked on the thread pool */
const OFF_THREAD_VERIFY_FROM = 8

export class ChatInputError extends Error {
  override name = 'ChatInputError'
}

const encoder = new TextEncoder()

/**
 * The chat of every conference: signed messages, one stream per reachable participant,
 * forwarding, sync on (re)connection, gap repair, and the append-only log.
 */
export class ChatService implements ChatApi {
  private readonly logs = new Map<string, Promise<ChatLog>>()
  private readonly links = new Map<string, Set<ChatLink>>()
  /** conferences whose participants we keep streams to */
  private readonly joined = new Set<string>()
  /** per conference: the highest of my sequences some participant acknowledged */
  private readonly acked = new Map<string, number>()
  private readonly dialing = new Set<string>()
  private readonly reservedSeq = new Map<string, number>()
  private readonly reservedLamport = new Map<string, number>()
  private readonly sendsInFlight = new Map<string, number>()
  private readonly announceTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly nextDial = new Map<string, { at: number, wait: number }>()
  private readonly wantSent = new Map<string, number>()
  private readonly ackTimers = new Map<ChatLink, ReturnType<typeof setTimeout>>()
  private readonly inbound: PeerRateLimiter
  private readonly linkRate: PeerRateLimiter
  private readonly authorRate: FloodGuard
  private readonly historyRate: FloodGuard
  /** peers cut off from chat for flooding, until when */
  private readonly cutOff = new Map<string, number>()
  /** per conference: messages verified and being written, so copies arriving meanwhile are not verified again */
  private readonly committing = new Map<string, Set<string>>()
  /** what flood control did, for tests and diagnostics */
  readonly floodStats = { dropped: 0, cutOffs: 0 }
  /** what else was refused or noticed, for tests and diagnostics */
  readonly refusedStats = { lamport: 0, quota: 0, equivocations: 0, requestsThrottled: 0 }
  /** what one conference's chat may hold on this peer (a test lowers it) */
  readonly quota: ConferenceQuota = { messages: MAX_CONFERENCE_MESSAGES, bytes: MAX_CONFERENCE_BYTES }
  /** per conference: the highest Lamport time taken, ahead of the log while writes run */
  private readonly lamportTaken = new Map<string, number>()
  /** per conference and author: the highest sequence we asked participants for */
  private readonly wanted = new Map<string, number>()
  private readonly budgets = new WeakMap<ChatLink, RequestBudget>()
  /** warnings given once: kind, conference and author */
  private readonly warned = new Set<string>()
  /** copies of messages we already held that a peer sent us (forwarding we could not avoid) */
  readonly deliveryStats = { copiesSkipped: 0 }
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly offs: Array<() => void> = []
  private running = false

  constructor (private readonly devmeet: DevMeet) {
    this.inbound = new PeerRateLimiter(10, 30, () => devmeet.clock.now())
    // Far above any person's typing, but catch-up (10,000 at once) and a fast link (5,000/s) fit.
    this.linkRate = new PeerRateLimiter(MESSAGES_PER_SECOND, MESSAGE_BURST, () => devmeet.clock.now(), 5, 60_000)
    this.authorRate = new FloodGuard(AUTHOR_RATE_PER_SECOND, AUTHOR_BURST, () => devmeet.clock.now(), FLOOD_GRACE_MS)
    this.historyRate = new FloodGuard(AUTHOR_RATE_PER_SECOND, AUTHOR_HISTORY_BURST, () => devmeet.clock.now(), FLOOD_GRACE_MS)
  }

  async start (): Promise<void> {
    this.running = true
    const node = this.devmeet.libp2p
    await node.handle(CHAT_PROTOCOL, (stream, connection) => { void this.acceptStream(stream, connection) }, {
      maxInboundStreams: 64,
      maxOutboundStreams: 64
    })
    const onConnect = (evt: any): void => { this.reconnect(evt.detail.toString()) }
    node.addEventListener('peer:connect', onConnect)
    this.offs.push(() => node.removeEventListener('peer:connect', onConnect))
    this.offs.push(this.devmeet.events.on('conference:start', v => { void this.join(v.context.id) }))
    this.offs.push(this.devmeet.events.on('conference:update', v => { this.onConferenceUpdate(v.context.id) }))
    this.timer = setInterval(() => this.reconnect(), RECONNECT_EVERY_MS)
    this.timer.unref?.()
  }

  async stop (): Promise<void> {
    this.running = false
    if (this.timer != null) clearInterval(this.timer)
    for (const off of this.offs.splice(0)) off()
    for (const set of this.links.values()) for (const l of set) l.close()
    this.links.clear()
    this.joined.clear()
    for (const t of this.ackTimers.values()) clearTimeout(t)
    this.ackTimers.clear()
    for (const t of this.announceTimers.values()) clearTimeout(t)
    this.announceTimers.clear()
    // Let queued appends finish so no acknowledged message is lost.
    await Promise.all([...this.logs.values()].map(p => p.catch(() => undefined)))
    this.logs.clear()
  }

  /** Keep streams to this conference's participants (called at start time, on send, and by the UI). */
  async join (conferenceId: string): Promise<void> {
    if (!this.mayChat(conferenceId, this.me())) return
    await this.log(conferenceId)
    this.joined.add(conferenceId)
    this.reconnect()
  }

  leave (conferenceId: string): void {
    this.joined.delete(conferenceId)
    for (const l of [...this.links.get(conferenceId) ?? []]) l.close(new Error('left the conference'))
  }

  /**
   * Participation changed (an answer, an uninvitation, a cancellation): streams with those who no
   * longer take part close at once, and all of them when I no longer do (HOSTILE-INPUTS 42).
   */
  private onConferenceUpdate (conferenceId: string): void {
    if (!this.mayChat(conferenceId, this.me())) {
      this.leave(conferenceId)
      return
    }
    for (const l of [...this.links.get(conferenceId) ?? []]) {
      if (!this.mayChat(conferenceId, l.peer)) l.close(new Error('no longer a participant'))
    }
    if (this.joined.has(conferenceId)) this.reconnect()
  }

  async send (conferenceId: string, input: ChatMessageInput): Promise<ChatMessage> {
    const view = this.devmeet.conferences.get(conferenceId)
    if (view == null) throw new ChatInputError('No such conference.')
    if (view.context.status === 'cancelled') throw new ChatInputError('The conference is cancelled; its chat is read-only.')
    const me = this.me()
    if (!this.mayChat(conferenceId, me)) throw new ChatInputError('Only participants (the organizer and those who accepted) can write in this chat.')
    if (input == null || (input.kind !== 'text' && input.kind !== 'code')) throw new ChatInputError('A message is text or code.')
    if (typeof input.body !== 'string' || input.body.trim() === '') throw new ChatInputError('The message is empty.')
    if (Buffer.byteLength(input.body) > MAX_CHAT_BODY_BYTES) throw new ChatInputError('The message is longer than 16 KiB.')
    if (input.kind === 'code' && input.code == null) throw new ChatInputError('A code message needs its file and lines.')
    const log = await this.log(conferenceId)
    const full = quotaExceeded(this.quota, { messages: log.size, bytes: log.bytes }, { messages: 1, bytes: Buffer.byteLength(input.body) })
    if (full != null) throw new ChatInputError(`This conference's chat is full: ${full}. Its history stays readable; a new conference has room.`)
    this.sendsInFlight.set(conferenceId, (this.sendsInFlight.get(conferenceId) ?? 0) + 1)
    try {
      return await this.sendNext(conferenceId, log, me, input)
    } catch (err) {
      // A refused message gives its sequence back: a hole would stall everyone's acknowledgements
      // of the messages after it. (Only once no other send is under way: their numbers stand.)
      if (this.sendsInFlight.get(conferenceId) === 1) this.reservedSeq.delete(conferenceId)
      throw err
    } finally {
      const left = (this.sendsInFlight.get(conferenceId) ?? 1) - 1
      if (left > 0) this.sendsInFlight.set(conferenceId, left)
      else this.sendsInFlight.delete(conferenceId)
    }
  }

  private async sendNext (conferenceId: string, log: ChatLog, me: string, input: ChatMessageInput): Promise<ChatMessage> {
    // Sequence and Lamport time are taken synchronously, so concurrent sends never share one.
    const seq = Math.max(log.nextSeq(me), this.reservedSeq.get(conferenceId) ?? 0)
    this.reservedSeq.set(conferenceId, seq + 1)
    const lamport = nextLamport(this.lamportSeen(conferenceId, log))
    this.reservedLamport.set(conferenceId, lamport)
    const payload: ChatPayload = {
      conferenceId,
      author: me,
      seq,
      lamport,
      sentAt: this.devmeet.clock.now(),
      kind: input.kind,
      body: input.body,
      ...(input.kind === 'code' ? { code: input.code } : {})
    }
    const parsed = chatPayloadSchema.safeParse(payload)
    if (!parsed.success) throw new ChatInputError(`The message cannot be sent: ${parsed.error.issues[0]?.message}`)
    const envelope = new TextDecoder().decode(await seal(this.devmeet.key, DOMAINS.chat, payload))
    const held: HeldMessage = { payload, envelope }
    // Write-ahead: written before it shows or leaves this peer, so a crash of this process can
    // neither lose it nor reuse its sequence number; the disk sync follows in the background.
    await log.append(held)
    const message = this.toMessage(held)
    this.devmeet.events.emit('message', message)
    if (!this.joined.has(conferenceId)) await this.join(conferenceId)
    for (const link of this.linkPerPeer(conferenceId)) link.sendMessages([held], true)
    return message
  }

  async history (conferenceId: string): Promise<ChatMessage[]> {
    if (this.devmeet.conferences.get(conferenceId) == null) return []
    const log = await this.log(conferenceId)
    return log.messages().map(m => this.toMessage(m))
  }

  presence (conferenceId: string): PresenceEvent {
    const now = this.devmeet.clock.now()
    const links = [...(this.links.get(conferenceId) ?? [])]
    return {
      conferenceId,
      online: [...new Set(links.map(l => l.peer))],
      typing: [...new Set(links.filter(l => l.typingUntil > now).map(l => l.peer))]
    }
  }

  setTyping (conferenceId: string, typing: boolean): void {
    for (const link of this.links.get(conferenceId) ?? []) link.sendControl({ t: 'typing', typing })
  }

  private me (): string {
    return this.devmeet.libp2p.peerId.toString()
  }

  /**
   * Whether `peerId` may chat in the conference now: the conference service's one answer to "does
   * it take part?", and not in a cancelled conference (whose history stays readable). Every path
   * that accepts, opens, sends, forwards, syncs or answers asks this (HOSTILE-INPUTS 42).
   */
  private mayChat (conferenceId: string, peerId: string): boolean {
    const view = this.devmeet.conferences.get(conferenceId)
    if (view == null || view.context.status === 'cancelled') return false
    return this.devmeet.conferences.isParticipant(conferenceId, peerId)
  }

  /** The highest Lamport time this peer has seen in the conference: held, taken, or given to its own messages. */
  private lamportSeen (conferenceId: string, log: ChatLog): number {
    return Math.max(log.lamport, this.lamportTaken.get(conferenceId) ?? 0, this.reservedLamport.get(conferenceId) ?? 0)
  }

  private budgetOf (link: ChatLink): RequestBudget {
    let b = this.budgets.get(link)
    if (b == null) this.budgets.set(link, b = new RequestBudget(() => this.devmeet.clock.now()))
    return b
  }

  /** A warning for the user, once per kind, conference and author. */
  private warnOnce (kind: string, conferenceId: string, author: string, text: (name: string) => ShownText): void {
    const key = `${kind}|${conferenceId}|${author}`
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.devmeet.events.emit('warning', text(this.nameOf(conferenceId, author)))
  }

  private log (conferenceId: string): Promise<ChatLog> {
    let p = this.logs.get(conferenceId)
    if (p == null) {
      const log = new ChatLog(this.devmeet.storage, conferenceId)
      // Damaged lines are reported by the storage layer (with where the original was kept).
      p = log.load().then(() => log)
      this.logs.set(conferenceId, p)
    }
    return p
  }

  private toMessage (m: HeldMessage): ChatMessage {
    const p = m.payload
    const me = this.me()
    const out: ChatMessage = {
      conferenceId: p.conferenceId,
      author: p.author,
      authorName: this.nameOf(p.conferenceId, p.author),
      seq: p.seq,
      lamport: p.lamport,
      sentAt: p.sentAt,
      kind: p.kind,
      body: p.body,
      ...(p.code != null ? { code: p.code } : {}),
      ...(m.equivocated === true ? { equivocated: true } : {})
    }
    if (p.author === me) out.pending = p.seq > (this.acked.get(p.conferenceId) ?? 0)
    return out
  }

  private nameOf (conferenceId: string, peerId: string): string {
    return shownNameOf(peerId, this.devmeet.conferences.get(conferenceId)?.context, {
      me: this.me(),
      myName: this.devmeet.displayName,
      petname: id => this.devmeet.contacts.get(id)?.petname,
      ownName: id => this.devmeet.contacts.get(id)?.displayName
    })
  }

  /** Opens streams to joined conferences' participants that have none (all, or only `peer`). */
  private reconnect (peer?: string): void {
    if (!this.running) return
    const now = this.devmeet.clock.now()
    for (const conferenceId of this.joined) {
      const view = this.devmeet.conferences.get(conferenceId)
      if (view == null || !this.mayChat(conferenceId, this.me())) continue
      for (const p of this.devmeet.conferences.participants(conferenceId)) {
        if (p === this.me() || (peer != null && p !== peer) || this.isCutOff(p) || !this.mayChat(conferenceId, p)) continue
        if ([...(this.links.get(conferenceId) ?? [])].some(l => l.peer === p)) continue
        const key = `${conferenceId}|${p}`
        const backoff = this.nextDial.get(key)
        if (peer == null && backoff != null && backoff.at > now) continue
        void this.openLink(view, p)
      }
    }
  }

  private async openLink (view: ConferenceView, peer: string): Promise<void> {
    const conferenceId = view.context.id
    const key = `${conferenceId}|${peer}`
    if (this.dialing.has(key)) return
    this.dialing.add(key)
    let stream: Stream | undefined
    try {
      const addrs = view.context.organizer.peerId === peer ? view.context.organizer.addrs : (view.context.invitees.find(i => i.peerId === peer)?.addrs ?? [])
      await this.devmeet.dialKnown(peer, addrs)
      stream = await this.devmeet.libp2p.dialProtocol(peerIdFromString(peer), CHAT_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      const log = await this.log(conferenceId)
      const link = new ChatLink(conferenceId, peer, stream, l => this.detach(l))
      await link.writeHello(log.summary(), log.digestsOf())
      const hello = await link.readHello()
      if (hello.conferenceId !== conferenceId) throw new Error('the peer answered for another conference')
      this.nextDial.delete(key)
      this.attach(link, log, hello.summary, hello.digests)
    } catch (err: any) {
      if (stream != null) resetStream(stream, err)
      const wait = Math.min(60_000, (this.nextDial.get(key)?.wait ?? 1000) * 2)
      this.nextDial.set(key, { at: this.devmeet.clock.now() + wait, wait })
      this.devmeet.log.debug(`chat: no stream to ${peer} for ${conferenceId}: ${err?.message ?? err}`)
    } finally {
      this.dialing.delete(key)
    }
  }

  /** A participant opened a chat stream: check the conference and who they are, then sync. */
  private async acceptStream (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    if (this.isCutOff(peer)) {
      resetStream(stream, new Error('cut off for flooding'))
      return
    }
    if (!this.inbound.take(peer)) {
      resetStream(stream, new Error('too many chat streams'))
      // A peer that keeps opening streams (HOSTILE-INPUTS 7) loses its connection, as on the invite and RSVP protocols.
      if (this.inbound.denied(peer)) void connection.close().catch(() => {})
      return
    }
    try {
      const link = new ChatLink('', peer, stream, () => {})
      const hello = await link.readHello()
      const conferenceId = hello.conferenceId
      if (this.devmeet.conferences.get(conferenceId) == null) throw new Error('unknown conference')
      if (!this.mayChat(conferenceId, peer)) throw new Error('not a participant (or the conference is cancelled)')
      if (!this.mayChat(conferenceId, this.me())) throw new Error('this peer is not a participant')
      const log = await this.log(conferenceId)
      const real = new ChatLink(conferenceId, peer, stream, l => this.detach(l), link.frames)
      await real.writeHello(log.summary(), log.digestsOf())
      this.attach(real, log, hello.summary, hello.digests)
    } catch (err: any) {
      this.devmeet.log.debug(`chat: refused a stream from ${peer}: ${err?.message ?? err}`)
      this.inbound.strike(peer)
      resetStream(stream, err)
    }
  }

  private attach (link: ChatLink, log: ChatLog, theirs: Summary, digests?: Record<string, string>): void {
    // Participation may have changed while the hellos crossed.
    if (!this.mayChat(link.conferenceId, link.peer) || !this.mayChat(link.conferenceId, this.me())) {
      link.close(new Error('not a participant'))
      return
    }
    let set = this.links.get(link.conferenceId)
    if (set == null) this.links.set(link.conferenceId, set = new Set())
    // Streams pile up only through a misbehaving peer (or a restart we have not noticed yet): the newest wins.
    const same = [...set].filter(l => l.peer === link.peer)
    for (const old of same.slice(0, Math.max(0, same.length - MAX_LINKS_PER_PEER + 1))) old.close()
    set.add(link)
    link.claimed = theirs
    link.known = theirs
    this.noteAck(link.conferenceId, log, theirs)
    link.sendMessages(log.missingFor(theirs))
    this.compareDigests(link, log, theirs, digests)
    this.emitPresence(link.conferenceId)
    this.announceLinks(link.conferenceId)
    void link.readLoop(frame => this.onFrame(link, log, frame))
  }

  /**
   * One stream per participant for new messages: when both sides dialled at once there are two
   * for a while, and a message sent on both would cross twice. The newest open one carries them
   * (when streams pile up, the oldest are the ones closed).
   */
  private linkPerPeer (conferenceId: string): ChatLink[] {
    const chosen = new Map<string, ChatLink>()
    for (const l of this.links.get(conferenceId) ?? []) if (!l.closed) chosen.set(l.peer, l)
    return [...chosen.values()]
  }

  /**
   * Tells every participant we have a stream with which participants those are (soon, once for a
   * burst of changes). A participant that hears an author directly gets the author's messages from
   * the author, so we do not forward them to it: in a full mesh each message crosses each link once.
   */
  private announceLinks (conferenceId: string): void {
    if (!this.running || this.announceTimers.has(conferenceId)) return
    this.announceTimers.set(conferenceId, setTimeout(() => {
      this.announceTimers.delete(conferenceId)
      const links = [...(this.links.get(conferenceId) ?? [])]
      const peers = [...new Set(links.map(l => l.peer))]
      for (const l of links) l.sendControl({ t: 'linked', peers })
    }, ANNOUNCE_LINKS_AFTER_MS))
  }

  private detach (link: ChatLink): void {
    const set = this.links.get(link.conferenceId)
    if (set?.delete(link) === true) {
      this.emitPresence(link.conferenceId)
      this.announceLinks(link.conferenceId)
    }
    const t = this.ackTimers.get(link)
    if (t != null) clearTimeout(t)
    this.ackTimers.delete(link)
  }

  private async onFrame (link: ChatLink, log: ChatLog, frame: ChatFrame): Promise<void> {
    if (!this.mayChat(link.conferenceId, link.peer) || !this.mayChat(link.conferenceId, this.me())) {
      link.close(new Error('not a participant'))
      return
    }
    switch (frame.t) {
      case 'msgs': {
        // Each message costs a signature check: a flooding peer's excess is dropped unchecked, and a persistent flooder is cut off.
        let committed: Promise<void> = Promise.resolve()
        if (this.linkRate.take(link.peer, frame.e.length)) committed = (await this.receiveBatch(link, log, frame.e)).committed
        else if (this.linkRate.denied(link.peer)) return this.cutOffPeer(link, 0)
        if (link.closed) return
        // The next frame is verified while this one's disk write runs; it is acknowledged once on disk.
        const done = committed.then(() => {
          link.receivedFrames++
          this.scheduleAck(link, log)
        }, err => link.close(err))
        link.writesInFlight.push(done)
        if (link.writesInFlight.length >= MAX_WRITES_IN_FLIGHT) await link.writesInFlight.shift()
        void done.finally(() => {
          const i = link.writesInFlight.indexOf(done)
          if (i >= 0) link.writesInFlight.splice(i, 1)
        })
        return
      }
      case 'ack':
        link.known = frame.summary
        if (frame.frames != null) link.acked(frame.frames)
        this.noteAck(link.conferenceId, log, frame.summary)
        this.compareDigests(link, log, frame.summary, frame.digests)
        return
      case 'want': {
        // Rate-limited, clamped to what we hold, and nothing already sent on this stream goes again.
        if (!this.budgetOf(link).take()) {
          this.refusedStats.requestsThrottled++
          return
        }
        link.sendMessages(log.range(frame.author, frame.from, Math.min(frame.to, frame.from + MAX_WANT_SPAN - 1)))
        return
      }
      case 'linked': {
        const before = link.theirLinks
        link.theirLinks = new Set(frame.peers)
        // It no longer hears these authors directly: what of theirs it may have missed while it
        // did (we did not forward it), it gets from us now.
        for (const p of before ?? []) if (!link.theirLinks.has(p)) link.owedAuthors.add(p)
        this.payOwed(link, log)
        return
      }
      case 'typing': {
        // Ephemeral and rate-limited: a repeat of the same state within a second is not news.
        const now = this.devmeet.clock.now()
        const was = link.typingUntil > now
        if (was === frame.typing && now - link.typingAt < 1000) return
        link.typingAt = now
        link.typingUntil = frame.typing ? now + TYPING_SHOWN_MS : 0
        if (was !== frame.typing) this.emitPresence(link.conferenceId)
      }
    }
  }

  /**
   * Verifies a frame's messages; the new ones are written together, then shown and forwarded to
   * the other participants' streams. Resolves once verified, with the write and the disk sync
   * still running in `committed`.
   */
  private async receiveBatch (link: ChatLink, log: ChatLog, envelopes: string[]): Promise<{ committed: Promise<void> }> {
    const conferenceId = link.conferenceId
    const fresh: HeldMessage[] = []
    const seen = new Set<string>()
    let committing = this.committing.get(conferenceId)
    if (committing == null) this.committing.set(conferenceId, committing = new Set())
    const guardOf = (author: string, seq: number): FloodGuard => this.isHistory(link, author, seq) ? this.historyRate : this.authorRate
    let cut: FloodGuard | undefined
    /** envelopes worth a signature check, with the version we hold when it is another version of one */
    const candidates: Array<{ envelope: string, rival?: HeldMessage }> = []
    for (const envelope of envelopes) {
      // What the envelope claims, read without checking: enough to skip a copy we hold or drop a
      // throttled author's, never to accept one or to charge an author for it.
      const claim = peekAuthorSeq(envelope)
      if (claim != null) {
        const key = messageKey(claim.author, claim.seq)
        const held = log.get(claim.author, claim.seq)
        if (held != null) {
          if (held.envelope === envelope) {
            this.deliveryStats.copiesSkipped++
            link.markSent(held)
            continue
          }
          // Another version of one we hold: an equivocation if it verifies, unless ours wins and is known as one.
          if (held.equivocated === true && preferredVersion(held.envelope, envelope) === held.envelope) {
            link.sendMessages([held])
            continue
          }
          candidates.push({ envelope, rival: held })
          continue
        }
        if (committing.has(key)) {
          this.deliveryStats.copiesSkipped++
          continue
        }
        const guard = guardOf(claim.author, claim.seq)
        const floodKey = `${conferenceId}|${claim.author}`
        if (claim.author === link.peer) {
          if (claim.seq > link.highestOwn) link.highestOwn = claim.seq
          // On its own stream an author pays before the signature check: a flood costs us little.
          const verdict = guard.take(floodKey)
          if (verdict !== 'ok') {
            this.floodStats.dropped++
            if (verdict === 'cut') cut = guard
            continue
          }
        } else if (guard.throttled(floodKey)) {
          this.floodStats.dropped++
          continue
        }
      }
      candidates.push({ envelope })
    }
    // A frame of many messages (a catch-up) is verified on the thread pool, in parallel; a frame
    // of a few stays on this thread, where one check is quicker than the hop to another.
    const offThread = candidates.length >= OFF_THREAD_VERIFY_FROM
    const payloads = await Promise.all(candidates.map(c => this.verify(link, c.envelope, offThread)))
    // Messages of a sync come in Lamport order, so each is measured against those before it.
    let lamport = this.lamportSeen(conferenceId, log)
    let freshBytes = 0
    // Messages of earlier frames still being written count against the quota too (once written, the log counts them).
    let writing = 0
    for (const key of committing) if (!log.hasKey(key)) writing++
    const versions: HeldMessage[] = []
    for (let i = 0; i < candidates.length; i++) {
      const payload = payloads[i]
      if (payload == null) continue
      const envelope = candidates[i].envelope
      const key = messageKey(payload.author, payload.seq)
      const held = log.get(payload.author, payload.seq)
      if (held != null) {
        if (held.envelope === envelope) this.deliveryStats.copiesSkipped++
        else versions.push({ payload, envelope })
        continue
      }
      // A second version inside one frame or while the first is written: the digests bring it back.
      if (seen.has(key) || committing.has(key)) {
        this.deliveryStats.copiesSkipped++
        continue
      }
      if (tooFarAhead(payload.lamport, lamport)) {
        this.refuseLamport(link, payload, lamport)
        continue
      }
      if (payload.author !== link.peer && guardOf(payload.author, payload.seq).take(`${conferenceId}|${payload.author}`) !== 'ok') {
        this.floodStats.dropped++
        continue
      }
      const bytes = Buffer.byteLength(envelope) + 1
      const full = quotaExceeded(this.quota, { messages: log.size + writing + fresh.length, bytes: log.bytes + freshBytes }, { messages: 1, bytes })
      if (full != null) {
        this.refuseFull(conferenceId, full)
        continue
      }
      freshBytes += bytes
      if (payload.lamport > lamport) lamport = payload.lamport
      seen.add(key)
      fresh.push({ payload, envelope })
    }
    if (lamport > (this.lamportTaken.get(conferenceId) ?? 0)) this.lamportTaken.set(conferenceId, lamport)
    for (const v of versions) {
      void this.takeVersion(link, log, v).catch(err => this.devmeet.log.warn(`chat: another version of a message could not be kept: ${err?.message ?? err}`))
    }
    if (cut != null) this.cutOffPeer(link, cut.refused(`${conferenceId}|${link.peer}`), cut)
    if (fresh.length === 0) return { committed: Promise.resolve() }
    for (const key of seen) committing.add(key)
    const committed = this.commitBatch(link, log, fresh)
    void committed.catch(() => {}).finally(() => { for (const key of seen) committing.delete(key) })
    return { committed }
  }

  /**
   * History (a backlog: its own, larger bucket) rather than live: at or below what the sending
   * stream's hello said it held, or what we asked participants for ourselves.
   */
  private isHistory (link: ChatLink, author: string, seq: number): boolean {
    return seq <= (link.claimed[author] ?? 0) || seq <= (this.wanted.get(`${link.conferenceId}|${author}`) ?? 0)
  }

  /** A message whose Lamport time runs too far ahead (HOSTILE-INPUTS 40): refused, not forwarded, reported once per author. */
  private refuseLamport (link: ChatLink, payload: ChatPayload, seen: number): void {
    this.refusedStats.lamport++
    this.devmeet.log.warn(`chat: refused ${payload.author}#${payload.seq} from ${link.peer}: Lamport time ${payload.lamport} is more than ${MAX_LAMPORT_JUMP} ahead of ${seen}`)
    this.warnOnce('lamport', link.conferenceId, payload.author, name => lamportNotice(name, payload.author, payload.lamport))
  }

  private refuseFull (conferenceId: string, why: string): void {
    this.refusedStats.quota++
    const key = `full|${conferenceId}`
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.devmeet.log.warn(`chat: ${conferenceId} is full (${why}); new messages are refused`)
    this.devmeet.events.emit('warning', chatFullNotice(this.devmeet.conferences.get(conferenceId)?.context.title ?? conferenceId, why))
  }

  /**
   * Another version, verified, of a message held: its author signed two (HOSTILE-INPUTS 43). Every
   * peer keeps the same one (preferredVersion) and marks it. When the new one wins it replaces
   * ours and goes to every other stream (one that carried ours needs it); when ours wins, it goes
   * back to the stream that brought the other. Each version is charged to its author.
   */
  private async takeVersion (link: ChatLink, log: ChatLog, version: HeldMessage): Promise<void> {
    const { conferenceId } = link
    const { author } = version.payload
    const before = log.get(author, version.payload.seq)
    if (before == null || before.envelope === version.envelope) return
    this.refusedStats.equivocations++
    const wasMarked = before.equivocated === true
    const winsOverOurs = preferredVersion(before.envelope, version.envelope) === version.envelope
    if (winsOverOurs || !wasMarked) {
      if (this.authorRate.take(`${conferenceId}|${author}`) !== 'ok') {
        this.floodStats.dropped++
        return
      }
      if (winsOverOurs && tooFarAhead(version.payload.lamport, this.lamportSeen(conferenceId, log))) {
        this.refuseLamport(link, version.payload, this.lamportSeen(conferenceId, log))
        return
      }
      const full = quotaExceeded(this.quota, { messages: 0, bytes: log.bytes }, { messages: 0, bytes: Buffer.byteLength(version.envelope) + 1 })
      if (full != null) {
        this.refuseFull(conferenceId, full)
        return
      }
    }
    const { held, replaced } = await log.addVersion(version)
    this.devmeet.log.warn(`chat: ${author} signed two versions of message ${version.payload.seq}; keeping ${replaced ? 'the one just received' : 'ours'}`)
    if (replaced || !wasMarked) this.devmeet.events.emit('message', this.toMessage(held))
    if (replaced) {
      link.markSent(held)
      for (const other of this.linkPerPeer(conferenceId)) {
        if (other !== link && this.mayChat(conferenceId, other.peer)) other.sendMessages([held])
      }
    } else {
      link.sendMessages([held])
    }
    this.warnOnce('equivocation', conferenceId, author, name => equivocationNotice(name, author))
  }

  /**
   * Where the peer's summary has our mark for an author but another digest, one of us holds
   * another version of some message: ours of that author go to it (each at most once per stream),
   * and whichever side holds the losing version takes the other's and sends back the winner.
   */
  private compareDigests (link: ChatLink, log: ChatLog, theirs: Summary, digests: Record<string, string> | undefined): void {
    if (digests == null) return
    const ours = log.summary()
    for (const [author, digest] of Object.entries(digests)) {
      const mark = theirs[author]
      if (mark == null || mark !== ours[author] || log.digestOf(author) === digest) continue
      if (link.digestAnswered.get(author) === mark) continue
      if (!this.budgetOf(link).take()) {
        this.refusedStats.requestsThrottled++
        return
      }
      link.digestAnswered.set(author, mark)
      link.sendMessages(log.range(author, 1, mark))
    }
  }

  /** Sends a stream what it may have missed of the authors it stopped hearing directly, within its request rate. */
  private payOwed (link: ChatLink, log: ChatLog): void {
    if (link.owedAuthors.size === 0 || link.closed || link.owedTimer != null) return
    const budget = this.budgetOf(link)
    if (!budget.take()) {
      this.refusedStats.requestsThrottled++
      link.owedTimer = setTimeout(() => {
        link.owedTimer = undefined
        this.payOwed(link, log)
      }, budget.waitMs())
      link.owedTimer.unref?.()
      return
    }
    const authors = link.owedAuthors
    link.owedAuthors = new Set()
    link.sendMessages(log.missingFor(link.known, authors))
  }

  private isCutOff (peer: string): boolean {
    const until = this.cutOff.get(peer)
    if (until == null) return false
    if (until > this.devmeet.clock.now()) return true
    this.cutOff.delete(peer)
    return false
  }

  /**
   * Cuts a flooding participant off from chat: every chat stream with it is reset, its
   * connections are closed, and its chat streams are refused (and not dialled) for a while.
   */
  private cutOffPeer (link: ChatLink, suppressed: number, guard?: FloodGuard): void {
    const peer = link.peer
    if (this.isCutOff(peer)) return
    const floodKey = `${link.conferenceId}|${peer}`
    const ms = guard != null ? guard.offence(floodKey) : 60_000
    this.cutOff.set(peer, this.devmeet.clock.now() + ms)
    this.floodStats.cutOffs++
    const name = this.nameOf(link.conferenceId, peer)
    const why = guard != null
      ? `sent chat messages faster than ${AUTHOR_RATE_PER_SECOND} a second for over ${FLOOD_GRACE_MS / 1000} s (${suppressed} dropped)`
      : `sent more than ${MESSAGES_PER_SECOND} chat messages a second`
    this.devmeet.log.warn(`chat: ${peer} ${why}; cut off for ${Math.round(ms / 1000)} s`)
    this.devmeet.events.emit('warning', shown`${untrusted(name, 64)} (${untrusted(peer.slice(-8))}) ${untrusted(why)}: their chat is cut off for ${Math.round(ms / 1000)} s.`)
    for (const set of this.links.values()) {
      for (const l of [...set]) if (l.peer === peer) l.close(new Error('cut off for flooding'))
    }
    void this.devmeet.libp2p.hangUp(peerIdFromString(peer)).catch(() => {})
    // What of its messages we dropped, others may hold: ask each for the range above what we hold without a gap.
    const log = this.logs.get(link.conferenceId)
    void log?.then(log => {
      const from = (log.summary()[peer] ?? 0) + 1
      for (const other of this.links.get(link.conferenceId) ?? []) {
        if (!this.mayChat(link.conferenceId, other.peer)) continue
        const to = Math.min(Math.max(other.known[peer] ?? 0, link.highestOwn), from + 5 * MAX_WANT_SPAN - 1)
        this.noteWanted(link.conferenceId, peer, to)
        for (let f = from; f <= to; f += MAX_WANT_SPAN) other.sendControl({ t: 'want', author: peer, from: f, to: Math.min(to, f + MAX_WANT_SPAN - 1) })
      }
    }, () => {})
  }

  private async commitBatch (link: ChatLink, log: ChatLog, fresh: HeldMessage[]): Promise<void> {
    const written = await Promise.all(fresh.map(h => log.append(h)))
    const added = fresh.filter((_, i) => written[i])
    for (const h of added) {
      link.markSent(h)
      this.devmeet.events.emit('message', this.toMessage(h))
    }
    for (const other of this.linkPerPeer(link.conferenceId)) {
      if (other.peer === link.peer || !this.mayChat(link.conferenceId, other.peer)) continue
      other.sendMessages(added.filter(h => h.payload.author !== other.peer && other.theirLinks?.has(h.payload.author) !== true))
    }
    for (const h of added) {
      if (log.hasGapBelow(h.payload.author, h.payload.seq) && !link.closed) {
        this.askForGap(link, log, h.payload.author, h.payload.seq)
      }
    }
    // Shown and forwarded once written; acknowledged only once on the disk.
    await log.synced()
  }

  private async verify (link: ChatLink, envelope: string, offThread = false): Promise<ChatPayload | undefined> {
    try {
      const opened = await open(encoder.encode(envelope), DOMAINS.chat, chatPayloadSchema, { offThread })
      const payload = opened.payload
      if (opened.signer !== payload.author) throw new Error('author is not the signer')
      if (payload.conferenceId !== link.conferenceId) throw new Error('message of another conference')
      if (!this.mayChat(payload.conferenceId, payload.author)) throw new Error('author is not a participant (or the conference is cancelled)')
      return payload
    } catch (err: any) {
      this.devmeet.log.debug(`chat: dropped a message from ${link.peer}: ${err?.message ?? err}`)
      if (this.inbound.strike(link.peer)) link.close(new Error('too many bad messages'))
      return undefined
    }
  }

  private askForGap (link: ChatLink, log: ChatLog, author: string, seq: number): void {
    const key = `${link.conferenceId}|${link.peer}|${author}`
    const now = this.devmeet.clock.now()
    if ((this.wantSent.get(key) ?? 0) > now - 2000) return
    this.wantSent.set(key, now)
    const from = (log.summary()[author] ?? 0) + 1
    const to = Math.min(seq - 1, from + MAX_WANT_SPAN - 1)
    this.noteWanted(link.conferenceId, author, to)
    link.sendControl({ t: 'want', author, from, to })
  }

  /** What we ask participants for is history when it comes (see isHistory). */
  private noteWanted (conferenceId: string, author: string, to: number): void {
    const key = `${conferenceId}|${author}`
    if (to > (this.wanted.get(key) ?? 0)) this.wanted.set(key, to)
  }

  /** Acks are grouped over a few milliseconds, but never held back while the sender's window is half used. */
  private scheduleAck (link: ChatLink, log: ChatLog): void {
    const send = (): void => {
      const t = this.ackTimers.get(link)
      if (t != null) clearTimeout(t)
      this.ackTimers.delete(link)
      link.sendControl({ t: 'ack', summary: log.summary(), digests: log.digestsOf(), frames: link.receivedFrames })
    }
    if (link.receivedFrames % 4 === 0) return send()
    if (this.ackTimers.has(link)) return
    this.ackTimers.set(link, setTimeout(send, ACK_DELAY_MS))
  }

  /**
   * A participant's summary covers my messages up to some sequence: those are no longer pending.
   * Its claim counts only up to the last one I wrote (HOSTILE-INPUTS 40): a claim of 2^53 would
   * otherwise drive this loop for ever.
   */
  private noteAck (conferenceId: string, log: ChatLog, summary: Summary): void {
    const mine = Math.min(summary[this.me()] ?? 0, log.highestSeqOf(this.me()))
    const before = this.acked.get(conferenceId) ?? 0
    if (mine <= before) return
    this.acked.set(conferenceId, mine)
    const me = this.me()
    for (let seq = before + 1; seq <= mine; seq++) {
      this.devmeet.events.emit('message:status', { conferenceId, author: me, seq, pending: false })
    }
  }

  private emitPresence (conferenceId: string): void {
    this.devmeet.events.emit('presence', this.presence(conferenceId))
  }
}

/** The author and sequence an envelope claims, unverified; undefined when it does not parse. */
function peekAuthorSeq (envelope: string): { author: string, seq: number } | undefined {
  try {
    const p = JSON.parse(JSON.parse(envelope).p)
    if (typeof p?.author === 'string' && Number.isSafeInteger(p?.seq)) return { author: p.author, seq: p.seq }
  } catch {}
  return undefined
}
