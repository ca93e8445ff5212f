import type { ChatApi, ChatMessage, ChatMessageInput, PresenceEvent } from '../api'
import { messagesOfOccurrence } from '../../shared/occurrence-messages'
import { untrusted } from '../../shared/shown-text'
import { localized } from '../../shared/localized'
import type { FloodGuard } from '../wire/rate-limit'
import { Acknowledgements } from './acks'
import { ChatCounters } from './counters'
import { FloodControl } from './flood-control'
import { GapRepair } from './gap-repair'
import { RequestBudgets } from './history-requests'
import type { ChatFrame, ChatLink } from './link'
import { LinkTable } from './link-table'
import type { ChatLog } from './log'
import { ChatLogs } from './logs'
import { ChatMesh } from './mesh'
import { toChatMessage, type HeldMessage } from './message'
import { ChatSender } from './outgoing'
import type { ChatComponents } from './ports'
import { Presence } from './presence'
import { MAX_CONFERENCE_BYTES, MAX_CONFERENCE_MESSAGES, type ConferenceQuota } from './quota'
import { ChatReceiver } from './receive'
import { Refusals } from './refusals'
import { ChatScope } from './scope'
import { mergedSummary } from './sync'
import { VersionConflicts } from './versions'

export { ChatInputError } from '../errors'
export { MAX_LAMPORT_JUMP } from './lamport'
export { MAX_CONFERENCE_BYTES, MAX_CONFERENCE_MESSAGES } from './quota'
export { AUTHOR_RATE_PER_SECOND, AUTHOR_BURST, AUTHOR_HISTORY_BURST, FLOOD_GRACE_MS } from './flood-control'
export type { ChatComponents } from './ports'

/**
 * The chat of every conference: signed messages, one stream per reachable participant,
 * forwarding, sync on (re)connection, gap repair, and the append-only log. This class wires the
 * parts together and is the chat's public face; each part does one job.
 */
export class ChatService implements ChatApi {
  /** what flood control did, for tests and diagnostics */
  readonly floodStats: FloodControl['stats']
  /** what else was refused or noticed, for tests and diagnostics */
  readonly refusedStats: Refusals['stats']
  /** copies of messages we already held that a peer sent us (forwarding we could not avoid) */
  readonly deliveryStats: ChatReceiver['stats']
  /** what one conference's chat may hold on this peer (a test lowers it) */
  readonly quota: ConferenceQuota = { messages: MAX_CONFERENCE_MESSAGES, bytes: MAX_CONFERENCE_BYTES }
  private readonly scope: ChatScope
  private readonly logs: ChatLogs
  private readonly links = new LinkTable()
  private readonly flood: FloodControl
  private readonly acks: Acknowledgements
  private readonly repair: GapRepair
  private readonly versions: VersionConflicts
  private readonly presenceOf: Presence
  private readonly sender: ChatSender
  private readonly receiver: ChatReceiver
  private readonly mesh: ChatMesh
  private readonly offs: Array<() => void> = []

  constructor (private readonly components: ChatComponents) {
    const scope = this.scope = new ChatScope(components)
    const now = (): number => scope.now()
    const toMessage = (held: HeldMessage): ChatMessage => this.toMessage(held)
    this.logs = new ChatLogs(components.storage)
    this.flood = new FloodControl(now)
    const refusals = new Refusals(components)
    const budgets = new RequestBudgets(now, refusals.stats)
    const counters = new ChatCounters()
    this.acks = new Acknowledgements(components.events, () => scope.me())
    this.repair = new GapRepair(scope, this.links, this.flood, budgets)
    this.versions = new VersionConflicts(scope, this.links, this.flood, counters, refusals, budgets, this.quota, toMessage)
    this.presenceOf = new Presence(scope, this.links, components.events, this.flood)
    this.sender = new ChatSender(scope, this.logs, counters, this.quota, {
      toMessage,
      deliver: async (conferenceId, held) => {
        if (!this.mesh.isJoined(conferenceId)) await this.join(conferenceId)
        for (const link of this.links.perPeer(conferenceId)) link.sendMessages([held], true)
      }
    })
    this.receiver = new ChatReceiver(scope, {
      links: this.links, flood: this.flood, counters, refusals, versions: this.versions, repair: this.repair, acks: this.acks, quota: this.quota, toMessage,
      cutOff: (link, suppressed, guard) => this.cutOffPeer(link, suppressed, guard)
    })
    this.mesh = new ChatMesh(scope, this.links, this.logs, this.flood, {
      linkUp: (link, log, theirs, digests) => {
        this.acks.noteAck(link.conferenceId, log, theirs)
        link.sendMessages(log.missingFor(theirs))
        this.versions.compareDigests(link, log, theirs, digests)
        this.presenceOf.onLinkUp(link)
      },
      frame: async (link, log, frame) => await this.onFrame(link, log, frame),
      linkDown: link => this.acks.cancel(link),
      presenceChanged: conferenceId => this.presenceOf.changed(conferenceId)
    })
    this.floodStats = this.flood.stats
    this.refusedStats = refusals.stats
    this.deliveryStats = this.receiver.stats
  }

  /** Registers the chat protocol and follows conferences starting and changing. */
  async start (): Promise<void> {
    this.presenceOf.start()
    await this.mesh.start()
    this.offs.push(this.components.events.on('conference:start', v => { void this.join(v.context.id) }))
    this.offs.push(this.components.events.on('conference:update', v => { this.mesh.onConferenceUpdate(v.context.id) }))
  }

  /** Closes every stream; resolves once queued appends are written. */
  async stop (): Promise<void> {
    for (const off of this.offs.splice(0)) off()
    for (const conferenceId of new Set(this.links.all().map(l => l.conferenceId))) this.presenceOf.goodbye(conferenceId)
    this.presenceOf.stop()
    await this.mesh.stop()
    this.acks.clear()
    // Let queued appends finish so no acknowledged message is lost.
    await this.logs.close()
  }

  /** Keep streams to this conference's participants (called at start time, on send, and by the UI). */
  async join (conferenceId: string): Promise<void> {
    if (!this.scope.mayChat(conferenceId, this.scope.me())) return
    await this.logs.open(conferenceId)
    this.mesh.join(conferenceId)
  }

  /** Closes the conference's streams (until it is joined again). */
  leave (conferenceId: string): void {
    this.presenceOf.goodbye(conferenceId)
    this.mesh.leave(conferenceId)
  }

  async send (conferenceId: string, input: ChatMessageInput): Promise<ChatMessage> {
    return await this.sender.send(conferenceId, input)
  }

  async history (conferenceId: string, occurrence?: number): Promise<ChatMessage[]> {
    if (this.components.membership.get(conferenceId) == null) return []
    const log = await this.logs.open(conferenceId)
    const all = log.messages().map(m => this.toMessage(m))
    return occurrence == null ? all : messagesOfOccurrence(all, occurrence)
  }

  presence (conferenceId: string): PresenceEvent {
    return this.presenceOf.of(conferenceId)
  }

  setTyping (conferenceId: string, typing: boolean): void {
    this.presenceOf.setTyping(conferenceId, typing)
  }

  private toMessage (m: HeldMessage): ChatMessage {
    const { conferenceId, author, seq } = m.payload
    const pending = author === this.scope.me() ? this.acks.isPending(conferenceId, seq) : undefined
    const message = toChatMessage(m, this.components.names.nameOf(conferenceId, author), pending)
    // A series: the occurrence it belongs to, by the time its author signed it (not a signed claim of its own).
    const occurrence = this.components.membership.occurrenceAt?.(conferenceId, m.payload.sentAt)
    if (occurrence != null) message.occurrence = occurrence
    // A mention reaches participants only: a signed list naming anyone else loses those names.
    if (message.mentions != null) {
      const mentions = message.mentions.filter(p => this.scope.mayChat(conferenceId, p))
      if (mentions.length > 0) message.mentions = mentions
      else delete message.mentions
    }
    return message
  }

  private async onFrame (link: ChatLink, log: ChatLog, frame: ChatFrame): Promise<void> {
    if (!this.scope.bothTakePart(link)) {
      link.close(new Error('not a participant'))
      return
    }
    switch (frame.t) {
      case 'msgs':
        return await this.receiver.onMessages(link, log, frame.e)
      case 'ack':
        // An ack names the authors whose marks moved since the last (sync.ts changedSince).
        link.known = mergedSummary(link.known, frame.summary, log.summary())
        if (frame.frames != null) link.acked(frame.frames)
        this.acks.noteAck(link.conferenceId, log, frame.summary)
        this.versions.compareDigests(link, log, frame.summary, frame.digests)
        return
      case 'want':
        return this.repair.answerWant(link, log, frame)
      case 'linked':
        return this.repair.onLinked(link, log, frame.peers)
      case 'typing':
        return this.presenceOf.onTyping(link, frame.typing)
      case 'here':
        return await this.presenceOf.onHere(link, frame.e)
    }
  }

  /**
   * Cuts a flooding participant off from chat: every chat stream with it is reset, its
   * connections are closed, and its chat streams are refused (and not dialled) for a while.
   */
  private cutOffPeer (link: ChatLink, suppressed: number, guard?: FloodGuard): void {
    const { peer, conferenceId } = link
    const cut = this.flood.cutOff(conferenceId, peer, suppressed, guard)
    if (cut == null) return
    const name = this.components.names.nameOf(conferenceId, peer)
    const seconds = Math.round(cut.ms / 1000)
    this.components.log.warn(`chat: ${peer} ${cut.why}; cut off for ${seconds} s`)
    this.components.events.emit('warning', localized`${untrusted(name, 64)} (${untrusted(peer.slice(-8))}) ${untrusted(cut.why)}: their chat is cut off for ${seconds} s.`)
    this.mesh.disconnect(peer, 'cut off for flooding')
    void this.logs.opened(conferenceId)?.then(log => this.repair.askOthersFor(conferenceId, log, peer, link.highestOwn), () => {})
  }
}
