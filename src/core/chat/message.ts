import * as z from 'zod'
import type { ChatMessage, CodeRef } from '../api'
import { MAX_CHAT_BODY_BYTES } from '../api'
import { peekPayload } from '../wire/envelope'

/** What an author signs: the message without any local state. */
export interface ChatPayload {
  conferenceId: string
  author: string
  seq: number
  lamport: number
  sentAt: number
  kind: 'text' | 'code'
  body: string
  code?: CodeRef
}

/** A verified message with the exact envelope its author signed (what we store and forward). */
export interface HeldMessage {
  payload: ChatPayload
  envelope: string
  /** its author signed another version with the same sequence (this one is the version every peer keeps) */
  equivocated?: boolean
}

const codeRefSchema = z.strictObject({
  path: z.string().min(1).max(1024),
  startLine: z.number().int().min(1).max(10_000_000),
  endLine: z.number().int().min(1).max(10_000_000),
  languageId: z.string().max(64)
})

export const chatPayloadSchema: z.ZodType<ChatPayload> = z.strictObject({
  conferenceId: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  author: z.string().min(40).max(64),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  lamport: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  sentAt: z.number().int().min(0).max(Date.UTC(2100, 0, 1)),
  kind: z.enum(['text', 'code']),
  body: z.string().max(MAX_CHAT_BODY_BYTES).refine(b => Buffer.byteLength(b) <= MAX_CHAT_BODY_BYTES, 'body over 16 KiB'),
  code: codeRefSchema.optional()
}).refine(p => p.kind === 'code' ? p.code != null : p.code == null, 'code messages carry a code reference, text messages none')

export { compareMessages, messageKey } from '../../shared/message-order'

/** The author and sequence an envelope claims, unverified; undefined when it does not parse. */
export function peekAuthorSeq (envelope: string): { author: string, seq: number } | undefined {
  const p = peekPayload(envelope) as { author?: unknown, seq?: unknown } | undefined
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
    ...(m.equivocated === true ? { equivocated: true } : {}),
    ...(pending != null ? { pending } : {})
  }
}
