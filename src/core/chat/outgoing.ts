import type { ChatMessage, ChatMessageInput } from '../api'
import { MAX_CHAT_BODY_BYTES } from '../api'
import { sealText, DOMAINS } from '../wire/envelope'
import type { ChatCounters } from './counters'
import { ChatInputError } from '../errors'
import { nextLamport } from './lamport'
import type { ChatLog } from './log'
import type { ChatLogs } from './logs'
import { chatPayloadSchema, isPlainTextPayload, type ChatPayload, type HeldMessage } from './message'
import { envelopeDigest, heldHash, rememberDigest } from './chain'
import { fitsOneFrame } from './link'
import { quotaExceeded, type ConferenceQuota } from './quota'
import type { ChatScope } from './scope'
import { untrusted } from '../../shared/shown-text'
import { localized } from '../../shared/localized'

/** Why a message cannot be sent as it is, or undefined when it can (checked before anything is taken). */
export function inputProblem (input: ChatMessageInput): string | undefined {
  if (input == null || !['text', 'code', 'reaction', 'edit', 'delete'].includes(input.kind)) return localized`A message is text, code, a reaction, an edit or a delete.`
  if (typeof input.body !== 'string') return localized`The message is empty.`
  if ((input.kind === 'reaction' || input.kind === 'delete') !== (input.body === '')) return input.body === '' ? localized`The message is empty.` : localized`A reaction or a delete carries no text.`
  if (input.kind !== 'reaction' && input.kind !== 'delete' && input.body.trim() === '') return localized`The message is empty.`
  if ((input.kind === 'reaction' || input.kind === 'edit' || input.kind === 'delete') && input.target == null) return localized`It needs the message it acts on.`
  if (Buffer.byteLength(input.body) > MAX_CHAT_BODY_BYTES) return localized`The message is longer than 16 KiB.`
  if (input.kind === 'code' && input.code == null) return localized`A code message needs its file and lines.`
  return undefined
}

/** What the sender needs besides its counters: the message as shown, and delivery once written. */
export interface OutgoingHooks {
  toMessage(held: HeldMessage): ChatMessage
  /** sends my new message on every participant's stream (joining the conference first) */
  deliver(conferenceId: string, held: HeldMessage): Promise<void>
}

/** My messages: checked, numbered, signed, written ahead, shown, then sent. */
export class ChatSender {
  private readonly sendsInFlight = new Map<string, number>()
  /** per conference: the sequence and chainHash of my newest signed message (it may still be being written) */
  private readonly lastSigned = new Map<string, { seq: number, hash: string }>()

  constructor (
    private readonly scope: ChatScope,
    private readonly logs: ChatLogs,
    private readonly counters: ChatCounters,
    private readonly quota: ConferenceQuota,
    private readonly hooks: OutgoingHooks
  ) {}

  /** Signs, writes and sends a message; throws ChatInputError when it cannot be sent. */
  async send (conferenceId: string, input: ChatMessageInput): Promise<ChatMessage> {
    const view = this.scope.components.membership.get(conferenceId)
    if (view == null) throw new ChatInputError(localized`No such conference.`)
    if (view.context.status === 'cancelled') throw new ChatInputError(localized`The conference is cancelled; its chat is read-only.`)
    const me = this.scope.me()
    if (!this.scope.mayChat(conferenceId, me)) throw new ChatInputError(localized`Only participants (the organizer and those who accepted) can write in this chat.`)
    const problem = inputProblem(input)
    if (problem != null) throw new ChatInputError(problem)
    const log = await this.logs.open(conferenceId)
    const full = quotaExceeded(this.quota, { messages: log.size, bytes: log.bytes }, { messages: 1, bytes: Buffer.byteLength(input.body) })
    if (full != null) throw new ChatInputError(localized`This conference's chat is full: ${untrusted(full)}. Its history stays readable; a new conference has room.`)
    this.sendsInFlight.set(conferenceId, (this.sendsInFlight.get(conferenceId) ?? 0) + 1)
    try {
      return await this.sendNext(conferenceId, log, me, input)
    } catch (err) {
      // A refused message gives its sequence back: a hole would stall everyone's acknowledgements
      // of the messages after it. (Only once no other send is under way: their numbers stand.)
      if (this.sendsInFlight.get(conferenceId) === 1) this.counters.releaseSeq(conferenceId)
      throw err
    } finally {
      const left = (this.sendsInFlight.get(conferenceId) ?? 1) - 1
      if (left > 0) this.sendsInFlight.set(conferenceId, left)
      else this.sendsInFlight.delete(conferenceId)
    }
  }

  /** The mentioned participants (anyone else is dropped: a mention reaches participants only). */
  private mentionsOf (conferenceId: string, input: ChatMessageInput): { mentions?: string[] } {
    if (input.mentions == null || (input.kind !== 'text' && input.kind !== 'code')) return {}
    const mentions = [...new Set(input.mentions)].filter(p => typeof p === 'string' && this.scope.mayChat(conferenceId, p))
    return mentions.length > 0 ? { mentions } : {}
  }

  /** The hash chain's link to my previous message (none for my first). */
  private prevOf (conferenceId: string, log: ChatLog, me: string, seq: number): { prev?: string } {
    if (seq <= 1) return {}
    const last = this.lastSigned.get(conferenceId)
    if (last?.seq === seq - 1) return { prev: last.hash }
    const held = log.get(me, seq - 1)
    return held != null ? { prev: heldHash(held) } : {}
  }

  private async sendNext (conferenceId: string, log: ChatLog, me: string, input: ChatMessageInput): Promise<ChatMessage> {
    // Sequence and Lamport time are taken synchronously, so concurrent sends never share one.
    const seq = this.counters.takeSeq(conferenceId, log, me)
    const lamport = nextLamport(this.counters.lamportSeen(conferenceId, log))
    this.counters.takeLamport(conferenceId, lamport)
    const payload: ChatPayload = {
      conferenceId,
      author: me,
      seq,
      lamport,
      sentAt: this.scope.now(),
      kind: input.kind,
      body: input.body,
      ...(input.kind === 'code' ? { code: input.code } : {}),
      ...(input.target != null ? { target: { author: input.target.author, seq: input.target.seq } } : {}),
      ...(input.kind === 'reaction' ? { emoji: input.emoji, on: input.on ?? true } : {}),
      ...(input.replyTo != null ? { replyTo: { author: input.replyTo.author, seq: input.replyTo.seq } } : {}),
      ...this.mentionsOf(conferenceId, input),
      ...this.prevOf(conferenceId, log, me, seq)
    }
    // What others would refuse is not signed. A plain text message passes the quick test (as strict as the schema).
    if (!isPlainTextPayload(payload)) {
      const parsed = chatPayloadSchema.safeParse(payload)
      if (!parsed.success) throw new ChatInputError(localized`The message cannot be sent: ${untrusted(parsed.error.issues[0]?.message)}`)
    }
    // Signed synchronously: the next send, which may run as soon as this one awaits, links to it.
    const envelope = sealText(this.scope.components.key, DOMAINS.chat, payload)
    // Escaped for the envelope and again for the frame, a body of quotes and backslashes grows up
    // to eightfold: a message no participant would take is refused here, before it is numbered for good.
    if (!fitsOneFrame(envelope)) throw new ChatInputError(localized`The message is too long once packed for sending: quotes, backslashes and some other characters count several times. Send it in parts.`)
    const digest = envelopeDigest(envelope)
    const hash = digest.toString('base64url')
    this.lastSigned.set(conferenceId, { seq, hash })
    const held: HeldMessage = { payload, envelope }
    // the log's digests and fork marks take the hash computed here rather than hashing the envelope again
    rememberDigest(held, digest, hash)
    // Write-ahead: written before it shows or leaves this peer, so a crash of this process can
    // neither lose it nor reuse its sequence number; the disk sync follows in the background.
    await log.append(held)
    const message = this.hooks.toMessage(held)
    this.scope.components.events.emit('message', message)
    await this.hooks.deliver(conferenceId, held)
    return message
  }
}
