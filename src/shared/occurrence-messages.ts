// One occurrence's transcript out of a series' chat. A series has one chat log (sync and
// participation stay per conference); each message belongs to the occurrence in progress when its
// author signed it, else the next one (ChatMessage.occurrence, set by the core). Pure: the core's
// history and the chat page both use it.
import type { ChatMessage } from '../core/api'

const ACTING: ReadonlySet<ChatMessage['kind']> = new Set(['reaction', 'edit', 'delete'])

/**
 * The messages of one occurrence, in the order given: those that belong to it, and every
 * reaction, edit or delete whose target does (a reaction added the day after a meeting still shows
 * in that meeting's transcript), whenever it was made.
 */
export function messagesOfOccurrence (messages: ChatMessage[], occurrence: number): ChatMessage[] {
  const own = new Set<string>()
  for (const m of messages) if (!ACTING.has(m.kind) && m.occurrence === occurrence) own.add(`${m.author}/${m.seq}`)
  return messages.filter(m => ACTING.has(m.kind)
    ? m.target != null && own.has(`${m.target.author}/${m.target.seq}`)
    : m.occurrence === occurrence)
}
