import * as z from 'zod'
import type { ChatKind, ChatMessage, CodeRef, MessageRef } from '../api'
import { MAX_CHAT_BODY_BYTES } from '../api'
import { MAX_MENTIONS } from '../../shared/limits'
import { isReactionEmoji } from '../../shared/reactions'
import { peekPayload } from '../wire/envelope'

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
