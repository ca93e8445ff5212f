// The order and identity of chat messages, the same in the core's log and on the chat page.
import type { ChatMessage } from '../core/api'

/** Display order, the same on every peer: Lamport time, then author, then sequence. */
export function compareMessages (a: Pick<ChatMessage, 'lamport' | 'author' | 'seq'>, b: Pick<ChatMessage, 'lamport' | 'author' | 'seq'>): number {
  if (a.lamport !== b.lamport) return a.lamport - b.lamport
  if (a.author !== b.author) return a.author < b.author ? -1 : 1
  return a.seq - b.seq
}

/** A message's identity as one string: (author, sequence). */
export function messageKey (author: string, seq: number): string {
  return `${author}#${seq}`
}
