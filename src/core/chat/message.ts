import * as z from 'zod'
import type { ChatKind, ChatMessage, CodeRef, MessageRef } from '../api'
import { MAX_CHAT_BODY_BYTES } from '../api'
import { MAX_MENTIONS } from '../../shared/limits'
import { isReactionEmoji } from '../../shared/reactions'
import { acceptQuickly, peekPayload } from '../wire/envelope'

/** What an author signs: the message without any local state. */
export interface ChatPayload {
  conferenceId: string
  author: string
  seq: number
  lamport: number
  sentAt: number
  kind: ChatKind
  body: string
  code?: CodeRef
  target?: MessageRef
  emoji?: string
  on?: boolean
  replyTo?: MessageRef
  mentions?: string[]
  /**
   * The hash chain: chainHash() of the envelope of its author's previous message (sequence - 1),
   * so that one verified signature authenticates every message linked behind it. The first
   * message names none, and so do messages signed before chains existed (legacy, see
   * docs/HASH-CHAIN.md).
   */
  prev?: string
}

/** A verified message with the exact envelope its author signed (what we store and forward). */
export interface HeldMessage {
  payload: ChatPayload
  envelope: string
  /** its author signed another version with the same sequence (this one is the version every peer keeps) */
  equivocated?: boolean
  /** its `prev` does not name the version held of its author's previous message: the author forked its chain */
  forked?: boolean
}

const codeRefSchema = z.strictObject({
  path: z.string().min(1).max(1024),
  startLine: z.number().int().min(1).max(10_000_000),
  endLine: z.number().int().min(1).max(10_000_000),
  languageId: z.string().max(64)
})

/** a SHA-256 in base64url (see chainHash) */
const CHAIN_HASH = /^[A-Za-z0-9_-]{43}$/

const peerIdSchema = z.string().min(40).max(64)
const messageRefSchema = z.strictObject({
  author: peerIdSchema,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
})

/**
 * Which fields each kind carries, exactly. Replies, reactions, edits and deletes are ordinary chat
 * records (new kinds, not a new protocol): so they are signed, sequenced, synced, flood-limited,
 * quota-counted and equivocation-checked by the machinery every message goes through. Whether
 * an edit or delete is allowed (only the target's author) is decided when records are folded into
 * what is shown (src/shared/message-effects.ts), not here: a refused record is still held and
 * forwarded, so that every peer holds the same log and shows the same result.
 */
function fieldsFit (p: ChatPayload): boolean {
  const has = (k: keyof ChatPayload): boolean => p[k] !== undefined
  const acting = has('target')
  const message = has('replyTo') || has('mentions')
  switch (p.kind) {
    case 'text': return !has('code') && !acting && !has('emoji') && !has('on')
    case 'code': return has('code') && !acting && !has('emoji') && !has('on')
    case 'reaction': return acting && has('emoji') && has('on') && p.body === '' && !has('code') && !message
    case 'edit': return acting && p.body.trim() !== '' && !has('emoji') && !has('on') && !has('code') && !message
    case 'delete': return acting && p.body === '' && !has('emoji') && !has('on') && !has('code') && !message
  }
}

export const chatPayloadSchema: z.ZodType<ChatPayload> = z.strictObject({
  conferenceId: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  author: peerIdSchema,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  lamport: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  sentAt: z.number().int().min(0).max(Date.UTC(2100, 0, 1)),
  kind: z.enum(['text', 'code', 'reaction', 'edit', 'delete']),
  body: z.string().max(MAX_CHAT_BODY_BYTES).refine(b => Buffer.byteLength(b) <= MAX_CHAT_BODY_BYTES, 'body over 16 KiB'),
  code: codeRefSchema.optional(),
  target: messageRefSchema.optional(),
  // checked before anything else about it: a 10 KB "emoji" is refused by its length
  emoji: z.string().max(64).refine(isReactionEmoji, 'a reaction is one emoji').optional(),
  on: z.boolean().optional(),
  replyTo: messageRefSchema.optional(),
  mentions: z.array(peerIdSchema).min(1).max(MAX_MENTIONS).refine(m => new Set(m).size === m.length, 'each participant is mentioned once').optional(),
  prev: z.string().regex(CHAIN_HASH).optional()
}).refine(fieldsFit, 'the fields do not fit the kind of message').refine(p => p.prev == null || p.seq > 1, 'the first message names no previous one')

const CONFERENCE_ID = /^[A-Za-z0-9_-]{22,64}$/
const LATEST_SENT_AT = Date.UTC(2100, 0, 1)
const PLAIN_TEXT_KEYS = new Set(['conferenceId', 'author', 'seq', 'lamport', 'sentAt', 'kind', 'body', 'prev'])

/**
 * chatPayloadSchema's test for the common case, a text message with no reply, mention or code,
 * written out: ~1 µs where zod takes ~10, on every message sent and received. It accepts only
 * what the schema accepts (test/unit/chat-payload-quick-check.test.ts tries it on hostile
 * payloads); anything else (other kinds, extra fields, any doubt) is left to the schema.
 */
export function isPlainTextPayload (v: unknown): v is ChatPayload {
  if (typeof v !== 'object' || v == null || Array.isArray(v)) return false
  let n = 0
  for (const key in v) {
    if (!Object.hasOwn(v, key) || !PLAIN_TEXT_KEYS.has(key)) return false
    n++
  }
  const p = v as Record<string, unknown>
  if (p.kind !== 'text' || n !== (Object.hasOwn(p, 'prev') ? 8 : 7)) return false
  const { conferenceId, author, seq, lamport, sentAt, body, prev } = p
  return typeof conferenceId === 'string' && CONFERENCE_ID.test(conferenceId) &&
    typeof author === 'string' && author.length >= 40 && author.length <= 64 &&
    Number.isSafeInteger(seq) && (seq as number) >= 1 &&
    Number.isSafeInteger(lamport) && (lamport as number) >= 1 &&
    Number.isSafeInteger(sentAt) && (sentAt as number) >= 0 && (sentAt as number) <= LATEST_SENT_AT &&
    typeof body === 'string' && body.length <= MAX_CHAT_BODY_BYTES && (body.length * 3 <= MAX_CHAT_BODY_BYTES || Buffer.byteLength(body) <= MAX_CHAT_BODY_BYTES) &&
    (prev === undefined ? !Object.hasOwn(p, 'prev') : typeof prev === 'string' && CHAIN_HASH.test(prev) && (seq as number) > 1)
}

acceptQuickly(chatPayloadSchema, isPlainTextPayload)

export { compareMessages, messageKey } from '../../shared/message-order'

/** The author and sequence an envelope claims, unverified; undefined when it does not parse. */
export function peekAuthorSeq (envelope: string): { author: string, seq: number } | undefined {
  return claimOf(peekPayload(envelope))
}

/** The author and sequence a parsed (unverified) payload claims; undefined when it claims none. */
export function claimOf (payload: unknown): { author: string, seq: number } | undefined {
  const p = payload as { author?: unknown, seq?: unknown } | undefined
  if (typeof p?.author === 'string' && Number.isSafeInteger(p?.seq)) return { author: p.author, seq: p.seq as number }
  return undefined
}

/** The message as the UI sees it; `pending` only for my own (not yet acknowledged by a participant). */
export function toChatMessage (m: HeldMessage, authorName: string, pending?: boolean): ChatMessage {
  const p = m.payload
  return {
    conferenceId: p.conferenceId,
    author: p.author,
    authorName,
    seq: p.seq,
    lamport: p.lamport,
    sentAt: p.sentAt,
    kind: p.kind,
    body: p.body,
    ...(p.code != null ? { code: p.code } : {}),
    ...(p.target != null ? { target: { author: p.target.author, seq: p.target.seq } } : {}),
    ...(p.emoji != null ? { emoji: p.emoji } : {}),
    ...(p.on != null ? { on: p.on } : {}),
    ...(p.replyTo != null ? { replyTo: { author: p.replyTo.author, seq: p.replyTo.seq } } : {}),
    ...(p.mentions != null ? { mentions: [...p.mentions] } : {}),
    ...(m.equivocated === true || m.forked === true ? { equivocated: true } : {}),
    ...(pending != null ? { pending } : {})
  }
}
