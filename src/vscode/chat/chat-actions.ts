// What the chat page asks for, as the chat record the core signs: a message (with its reply and
// its @mentions resolved to participants' peer IDs now), a reaction, an edit or a delete.
import type { ChatMessageInput } from '../../core/api'
import type { WebviewToHost } from '../../shared/chat-messages'
import { mentionsIn, type Mentionable } from '../../shared/mentions'

export type ChatAction = Extract<WebviewToHost, { type: 'send' | 'react' | 'edit' | 'delete' }>

/** The record for a page's action; mentions name only the given participants. */
export function chatInputFor (action: ChatAction, participants: readonly Mentionable[]): ChatMessageInput {
  switch (action.type) {
    case 'send': {
      const mentions = mentionsIn(action.text, participants)
      return {
        kind: 'text',
        body: action.text,
        ...(action.replyTo != null ? { replyTo: action.replyTo } : {}),
        ...(mentions.length > 0 ? { mentions } : {})
      }
    }
    case 'react':
      return { kind: 'reaction', body: '', target: action.target, emoji: action.emoji, on: action.on }
    case 'edit':
      return { kind: 'edit', body: action.text, target: action.target }
    case 'delete':
      return { kind: 'delete', body: '', target: action.target }
  }
}
