// The shapes that cross the seam between the core and its users (the VS Code UI, the headless
// peer, other extensions). Plain data only: no libp2p types, so the UI can import these as types.

export type Rsvp = 'pending' | 'accepted' | 'declined' | 'tentative'
export type RsvpAnswer = Exclude<Rsvp, 'pending'>
export type ConferenceStatus = 'scheduled' | 'cancelled'

/** A peer as named inside a ConferenceContext. */
export interface PeerRef {
  peerId: string
  displayName: string
  addrs: string[]
}

export interface Invitee extends PeerRef {
  rsvp: Rsvp
  /** when the invitee answered (epoch ms, the organizer's clock) */
  answeredAt?: number
  comment?: string
  /**
   * The invitee's own signed RSVP envelope (base64url of its exact bytes), present whenever rsvp
   * is not pending: every receiver checks it, so the organizer cannot answer for anyone.
   */
  answer?: string
  /**
   * A series: the invitee's own answers to single occurrences ("not on Friday"), at most
   * MAX_OCCURRENCE_ANSWERS, each its signed RSVP naming the occurrence. They change that
   * occurrence's reminder and start for the invitee and what the others see; who may chat is
   * decided by the series answer alone.
   */
  occurrenceAnswers?: OccurrenceAnswer[]
}

/** An invitee's answer to one occurrence of a series, as the organizer carries it. */
export interface OccurrenceAnswer {
  /** the start the rule gives the occurrence (its RECURRENCE-ID) */
  occurrence: number
  rsvp: RsvpAnswer
  /** the invitee's signed RSVP envelope (base64url), whose payload names this occurrence */
  answer: string
}

/** The record of a conference, signed by its organizer. Times are UTC epoch milliseconds. */
export interface ConferenceContext {
  /** base64url SHA-256 of the organizer's peer ID and `nonce`: nobody else can sign a context with this id */
  id: string
  /** random, 128 bits, base64url; binds `id` to the organizer */
  nonce: string
  title: string
  /** markdown */
  agenda: string
  start: number
  /** the organizer's IANA time zone, for display */
  timeZone: string
  durationMinutes: number
  organizer: PeerRef
  invitees: Invitee[]
  /** raised by the organizer on every change; a peer keeps the highest it has seen */
  sequence: number
  status: ConferenceStatus
  createdAt: number
  updatedAt: number
  /** present for a series: the rule repeats `start` in `timeZone` (src/core/conference/recurrence.ts) */
  recurrence?: RecurrenceRule
  /** a series' cancelled and moved occurrences (iTIP RECURRENCE-ID semantics), signed with the rest */
  exceptions?: OccurrenceException[]
}

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU'

/**
 * A series' rule, a bounded subset of RFC 5545 RRULE: repeated in the organizer's IANA zone
 * (the context's timeZone), so 09:00 stays 09:00 there across daylight-saving changes.
 */
export interface RecurrenceRule {
  freq: 'daily' | 'weekly' | 'monthly'
  /** 1..52: every `interval` days, weeks or months */
  interval: number
  byDay?: Weekday[]
  /** 1..31 or -31..-1 (from the month's end) */
  byMonthDay?: number[]
  /** with byDay in a monthly rule: 2 = the second, -1 = the last */
  bySetPos?: number[]
  /** UTC epoch ms, the last instant an occurrence may start; at most two years after `start` */
  until?: number
  /** at most 1000 occurrences; never with `until` */
  count?: number
}

/** One occurrence of a series changed by the organizer: cancelled, or moved. */
export interface OccurrenceException {
  /** the occurrence's start as the rule makes it (UTC epoch ms): its RECURRENCE-ID */
  occurrence: number
  cancelled?: true
  /** a moved occurrence's new start */
  start?: number
  durationMinutes?: number
  /**
   * 'thisAndFuture' (RECURRENCE-ID;RANGE=THISANDFUTURE): the change applies to this occurrence and
   * every later one: each moves by the same wall-clock shift in the series' zone and takes the
   * duration. A later single exception still wins for its own occurrence.
   */
  range?: 'thisAndFuture'
}

/** One occurrence of a conference as seen after the rule and the exceptions. */
export interface Occurrence {
  /** the start the rule gives it (its RECURRENCE-ID); equals `start` unless moved */
  occurrence: number
  start: number
  durationMinutes: number
  status: ConferenceStatus
  moved: boolean
  /**
   * From ConferenceApi.occurrences, a series: per invitee peer ID, the answer that holds for this
   * occurrence (their answer to it, else their series answer, else pending)
   */
  answers?: Record<string, Rsvp>
}

/**
 * Whether the organizer's latest context reached an invitee (organizer side only): 'delivered'
 * once the invitee kept it, 'refused' when the invitee answered that it will not (the reason is
 * in ConferenceView.refusals); a refused record is not sent again, a later change of it is.
 */
export type DeliveryState = 'pending' | 'delivered' | 'refused'

/** A conference as this peer sees it. */
export interface ConferenceView {
  context: ConferenceContext
  /** true when this peer is the organizer */
  mine: boolean
  /** this peer's RSVP when it is an invitee */
  myRsvp?: Rsvp
  /** organizer side: per invitee peer ID, whether the latest context was acknowledged */
  delivery: Record<string, DeliveryState>
  /** organizer side: per invitee whose delivery is 'refused', the reason the invitee gave (peer text) */
  refusals?: Record<string, string>
  /** invitee side: my RSVP is written but not yet acknowledged by the organizer */
  rsvpPending?: boolean
  /** invitee side: the organizer refused my latest RSVP, with its reason (peer text); it is not sent again */
  rsvpRefused?: string
  /** a series: the occurrence now or next (not cancelled) when the view was made; absent once the series is over */
  nextOccurrence?: Occurrence
  /**
   * Set on the views the scheduler announces for a series: the occurrence due. Their
   * context.start and durationMinutes are that occurrence's (a projection for the listeners; the
   * signed context in the store keeps the series' first start).
   */
  occurrence?: Occurrence
}

export interface CreateConferenceInput {
  title: string
  /** UTC epoch ms */
  start: number
  durationMinutes: number
  agenda?: string
  /** peer IDs */
  invitees: string[]
  /** IANA zone; defaults to the machine's */
  timeZone?: string
  /** makes the conference a series */
  recurrence?: RecurrenceRule
}

export interface RsvpEvent {
  conferenceId: string
  peerId: string
  rsvp: Rsvp
  comment?: string
  /** an answer to this one occurrence of a series (the start the rule gives it), not to the series */
  occurrence?: number
}

/**
 * What a chat record is. 'reaction', 'edit' and 'delete' act on an earlier message (their
 * `target`); they are ordinary signed, sequenced chat records, folded into what is shown by
 * src/shared/message-effects.ts.
 */
export type ChatKind = 'text' | 'code' | 'reaction' | 'edit' | 'delete'

/** A message's identity: who wrote it and its sequence. */
export interface MessageRef {
  author: string
  seq: number
}

export interface CodeRef {
  /** path relative to the workspace folder, with forward slashes */
  path: string
  startLine: number
  endLine: number
  languageId: string
}

export interface ChatMessageInput {
  kind: ChatKind
  /** markdown, at most 16 KiB (UTF-8); the new text of an 'edit'; empty for 'reaction' and 'delete' */
  body: string
  code?: CodeRef
  /** the message a 'reaction', 'edit' or 'delete' acts on */
  target?: MessageRef
  /** a 'reaction': the emoji, and whether it is added (true) or withdrawn (false) */
  emoji?: string
  on?: boolean
  /** a 'text' or 'code' message that answers another (quoted when shown) */
  replyTo?: MessageRef
  /** participants' peer IDs mentioned (@name) in a 'text' or 'code' message */
  mentions?: string[]
}

/** A chat message, verified. Its identity is (author, seq). */
export interface ChatMessage {
  conferenceId: string
  author: string
  authorName: string
  seq: number
  lamport: number
  /** the author's clock, epoch ms: shown, never used for ordering */
  sentAt: number
  kind: ChatKind
  body: string
  code?: CodeRef
  /** see ChatMessageInput */
  target?: MessageRef
  emoji?: string
  on?: boolean
  replyTo?: MessageRef
  /** only participants of the conference (others are dropped when received) */
  mentions?: string[]
  /** local only: true until at least one other participant acknowledged it (own messages) */
  pending?: boolean
  /**
   * local only, a series: the occurrence (the start the rule gives it) this message belongs to:
   * the one in progress when its author signed it (its sentAt), else the next one. A reaction,
   * edit or delete is shown in its target's occurrence.
   */
  occurrence?: number
  /**
   * Its author signed two different versions of this message (same sequence); this is the one
   * every participant keeps. Shown beside the message, never hidden.
   */
  equivocated?: true
}

export interface MessageStatusEvent {
  conferenceId: string
  author: string
  seq: number
  pending: boolean
}

export interface PresenceEvent {
  conferenceId: string
  /** participants online now (not including this peer): those with a chat stream to us, and the others by their signed word passed on across the chat mesh */
  online: string[]
  typing: string[]
  /** participants with a chat stream to this peer now: its mesh neighbours (a few of a large conference) */
  linked: string[]
}

export { MAX_CHAT_BODY_BYTES } from '../shared/limits'

/** Conferences: `devmeet.conferences`. Changes arrive as DevMeet events. */
export interface ConferenceApi {
  list(): ConferenceView[]
  get(id: string): ConferenceView | undefined
  create(input: CreateConferenceInput): Promise<ConferenceView>
  /** organizer only: adds invitees (peer IDs) */
  invite(id: string, peerIds: string[]): Promise<ConferenceView>
  /** invitee only */
  respond(id: string, answer: RsvpAnswer, comment?: string): Promise<ConferenceView>
  /** invitee only, a series: answers one occurrence (the start the rule gives it) and not the others */
  respondToOccurrence(id: string, occurrenceStart: number, answer: RsvpAnswer): Promise<ConferenceView>
  /** organizer only */
  reschedule(id: string, start: number, durationMinutes?: number): Promise<ConferenceView>
  /** organizer only */
  cancel(id: string): Promise<ConferenceView>
  /** organizer only, a series: cancels the occurrence the rule starts at `occurrenceStart` */
  cancelOccurrence(id: string, occurrenceStart: number): Promise<ConferenceView>
  /** organizer only, a series: moves the occurrence the rule starts at `occurrenceStart` */
  rescheduleOccurrence(id: string, occurrenceStart: number, start: number, durationMinutes?: number): Promise<ConferenceView>
  /**
   * organizer only, a series: "this and following": the occurrence the rule starts at
   * `occurrenceStart` moves to `start` and every later one by the same wall-clock shift (and takes
   * the duration, if given)
   */
  rescheduleFollowing(id: string, occurrenceStart: number, start: number, durationMinutes?: number): Promise<ConferenceView>
  /** the occurrences overlapping [from, to), cancelled ones included with their status; one for a one-off conference */
  occurrences(id: string, from: number, to: number, max?: number): Occurrence[]
  /** a series: the occurrence (the start the rule gives it) a moment belongs to: in progress, else the next; after the last, the last */
  occurrenceAt(id: string, at: number): number | undefined
  /**
   * Peer IDs that take part now: the organizer plus invitees whose own signed answer is accepted
   * or tentative. Empty for a cancelled conference (its chat history stays readable).
   */
  participants(id: string): string[]
  /** whether `peerId` takes part in conference `id` now; the one answer every chat path asks */
  isParticipant(id: string, peerId: string): boolean
}

/** Chat: `devmeet.chat`. New messages and presence arrive as DevMeet events. */
export interface ChatApi {
  /** signs, writes to the log, then sends; resolves once on disk (pending until a peer acknowledges) */
  send(conferenceId: string, input: ChatMessageInput): Promise<ChatMessage>
  /**
   * every message held, in display order (Lamport, then author); with `occurrence`, a series'
   * transcript of that one occurrence (see ChatMessage.occurrence)
   */
  history(conferenceId: string, occurrence?: number): Promise<ChatMessage[]>
  presence(conferenceId: string): PresenceEvent
  setTyping(conferenceId: string, typing: boolean): void
}

/** Events the conference and chat modules add to DevMeet's events. */
export interface ConferenceEvents {
  /** a new invitation arrived (invitee side) */
  invitation: ConferenceView
  /** any change to a conference: created, updated, rescheduled, cancelled, delivery or RSVP state */
  'conference:update': ConferenceView
  /** an RSVP arrived (organizer side) */
  rsvp: RsvpEvent
  /** reminderMinutes before start */
  'conference:reminder': ConferenceView
  /** the start time arrived, or the node started during the conference */
  'conference:start': ConferenceView
  /** start + duration passed */
  'conference:end': ConferenceView
  message: ChatMessage
  'message:status': MessageStatusEvent
  presence: PresenceEvent
}
