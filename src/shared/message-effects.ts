// What a conference's chat shows once replies, reactions, edits and deletes are applied. Those
// are ordinary signed chat records that act on an earlier message (their `target`); every peer
// holds the same records, and this pure fold turns them into the same result everywhere: the
// chat page and the transcript both use it.
//
// Rules (each peer applies them to the records in the one display order, so none depends on
// when a record arrived):
// - Only a message's author may edit or delete it; anyone else's edit or delete is refused here
//   (the record is still held and forwarded, so every peer keeps the same log).
// - Only a text or code message can be edited, deleted or reacted to (not another edit or reaction).
// - The latest edit by (Lamport, seq) wins.
// - A deleted message shows a tombstone: its body, edits and reactions are no longer shown.
// - A reaction is per (reactor, emoji): the latest of its records says whether it is on or off.
import type { ChatMessage, MessageRef } from '../core/api'
import { compareMessages, messageKey } from './message-order'
import { visibleLine } from './shown-text'

/** What a tombstone says in place of a deleted message. */
export const TOMBSTONE_TEXT = 'This message was deleted.'
/** How much of a replied-to message its quote shows, characters. */
export const QUOTE_CHARS = 140

export interface ShownReaction {
  emoji: string
  /** who reacted, peer IDs, sorted */
  by: string[]
}

export interface ReplyQuote {
  to: MessageRef
  /** undefined until the replied-to message is held here */
  authorName?: string
  /** one visible line of the replied-to message's current text */
  excerpt?: string
  deleted?: boolean
}

/** A text or code message as shown, with what later records did to it. */
export interface ShownMessage {
  message: ChatMessage
  /** the text shown: the latest edit's, or the original; empty when deleted */
  body: string
  edited: boolean
  deleted: boolean
  reactions: ShownReaction[]
  replyTo?: ReplyQuote
}

/** Whether a record acts on another one rather than being a message of its own. */
export function isEffect (m: Pick<ChatMessage, 'kind'>): boolean {
  return m.kind === 'reaction' || m.kind === 'edit' || m.kind === 'delete'
}

/** The key of the message a record acts on, or undefined for a message of its own. */
export function targetKey (m: ChatMessage): string | undefined {
  return isEffect(m) && m.target != null ? messageKey(m.target.author, m.target.seq) : undefined
}

/** Applies the records acting on `original` (any order; they are sorted here). */
export function applyEffects (original: ChatMessage, effects: readonly ChatMessage[]): Omit<ShownMessage, 'replyTo'> {
  let body = original.body
  let edited = false
  let deleted = false
  const reactions = new Map<string, Map<string, boolean>>()
  for (const e of [...effects].sort(compareMessages)) {
    if (e.target == null || e.target.author !== original.author || e.target.seq !== original.seq) continue
    if (e.kind === 'reaction' && e.emoji != null) {
      const byEmoji = reactions.get(e.emoji) ?? new Map<string, boolean>()
      byEmoji.set(e.author, e.on === true)
      reactions.set(e.emoji, byEmoji)
    } else if (e.author !== original.author) {
      continue // an edit or delete of someone else's message: refused
    } else if (e.kind === 'delete') {
      deleted = true
    } else if (e.kind === 'edit') {
      body = e.body
      edited = true
    }
  }
  if (deleted) return { message: original, body: '', edited, deleted, reactions: [] }
  const shown: ShownReaction[] = []
  for (const [emoji, byAuthor] of reactions) {
    const by = [...byAuthor].filter(([, on]) => on).map(([author]) => author).sort()
    if (by.length > 0) shown.push({ emoji, by })
  }
  shown.sort((a, b) => a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0)
  return { message: original, body, edited, deleted, reactions: shown }
}

/** The quote of a reply: who wrote the message it answers and the start of its current text. */
export function quoteOf (to: MessageRef, target: Omit<ShownMessage, 'replyTo'> | undefined): ReplyQuote {
  const ref = { author: to.author, seq: to.seq }
  if (target == null) return { to: ref }
  if (target.deleted) return { to: ref, authorName: target.message.authorName, deleted: true }
  const line = visibleLine(target.body)
  const chars = Array.from(line)
  const excerpt = chars.length > QUOTE_CHARS ? chars.slice(0, QUOTE_CHARS).join('') + '…' : line
  return { to: ref, authorName: target.message.authorName, excerpt }
}

/** Records grouped by the message they act on. */
export function effectsByTarget (records: readonly ChatMessage[]): Map<string, ChatMessage[]> {
  const byTarget = new Map<string, ChatMessage[]>()
  for (const r of records) {
    const key = targetKey(r)
    if (key == null) continue
    const list = byTarget.get(key) ?? []
    list.push(r)
    byTarget.set(key, list)
  }
  return byTarget
}

/** Every text and code message in display order, with the effects of all the records applied. */
export function foldMessages (records: readonly ChatMessage[]): ShownMessage[] {
  const byTarget = effectsByTarget(records)
  const applied = new Map<string, Omit<ShownMessage, 'replyTo'>>()
  const originals = records.filter(r => !isEffect(r)).sort(compareMessages)
  for (const m of originals) applied.set(messageKey(m.author, m.seq), applyEffects(m, byTarget.get(messageKey(m.author, m.seq)) ?? []))
  return originals.map(m => {
    const shown = applied.get(messageKey(m.author, m.seq))!
    if (m.replyTo == null) return shown
    return { ...shown, replyTo: quoteOf(m.replyTo, applied.get(messageKey(m.replyTo.author, m.replyTo.seq))) }
  })
}
