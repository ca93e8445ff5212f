// The messages between the chat panel (webview) and the extension, declared once for both sides.
// Everything from the webview is validated against this fixed union before the extension acts.
import type { ChatMessage, ConferenceContext, MessageRef, Rsvp } from '../core/api'
import { isReactionEmoji } from './reactions'

export interface ParticipantView {
  peerId: string
  name: string
  role: 'organizer' | 'invitee'
  rsvp: Rsvp | 'organizer'
  online: boolean
  typing: boolean
}

export interface PanelState {
  conference: ConferenceContext
  me: string
  /** why the composer is disabled, if it is */
  readOnly?: string
  participants: ParticipantView[]
  /** a series: the occurrence whose chat the panel shows (the page saves it, so a reload restores that panel) */
  occurrence?: number
}

export type HostToWebview =
  // firstUnread: where the page puts its "New messages" divider (the first message that arrived unseen)
  | { type: 'init', state: PanelState, messages: ChatMessage[], firstUnread?: { author: string, seq: number } }
  // sent again for a message already shown when it changes (its `equivocated` mark): the page replaces it
  | { type: 'message', message: ChatMessage }
  | { type: 'status', author: string, seq: number, pending: boolean }
  | { type: 'state', state: PanelState }
  | { type: 'error', text: string }

export type WebviewToHost =
  | { type: 'ready' }
  // replyTo: the message this one answers (quoted); @names are resolved by the extension
  | { type: 'send', text: string, replyTo?: MessageRef }
  | { type: 'react', target: MessageRef, emoji: string, on: boolean }
  | { type: 'edit', target: MessageRef, text: string }
  | { type: 'delete', target: MessageRef }
  | { type: 'typing', typing: boolean }
  | { type: 'openCode', author: string, seq: number }
  | { type: 'openLink', href: string }

const MAX_TEXT = 64 * 1024

/** A message reference from the page: exactly author and seq, bounded. */
function messageRef (value: unknown): MessageRef | undefined {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const r = value as Record<string, unknown>
  if (Object.keys(r).sort().join(',') !== 'author,seq') return undefined
  if (typeof r.author !== 'string' || r.author.length < 1 || r.author.length > 64 || !Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return undefined
  return { author: r.author, seq: r.seq as number }
}

function isText (v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT
}

/**
 * Validates a message from the webview against the fixed union: known type, exactly its fields,
 * bounded sizes; undefined for anything else. Written out by hand rather than with zod, which
 * would add about 400 KiB to the extension bundle that VS Code loads at start-up.
 */
export function parseWebviewMessage (value: unknown): WebviewToHost | undefined {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  const keys = Object.keys(v).sort().join(',')
  switch (v.type) {
    case 'ready':
      return keys === 'type' ? { type: 'ready' } : undefined
    case 'send': {
      if (!isText(v.text)) return undefined
      if (keys === 'text,type') return { type: 'send', text: v.text }
      const replyTo = messageRef(v.replyTo)
      return keys === 'replyTo,text,type' && replyTo != null ? { type: 'send', text: v.text, replyTo } : undefined
    }
    case 'react': {
      const target = messageRef(v.target)
      return keys === 'emoji,on,target,type' && target != null && isReactionEmoji(v.emoji) && typeof v.on === 'boolean' ? { type: 'react', target, emoji: v.emoji, on: v.on } : undefined
    }
    case 'edit': {
      const target = messageRef(v.target)
      return keys === 'target,text,type' && target != null && isText(v.text) ? { type: 'edit', target, text: v.text } : undefined
    }
    case 'delete': {
      const target = messageRef(v.target)
      return keys === 'target,type' && target != null ? { type: 'delete', target } : undefined
    }
    case 'typing':
      return keys === 'type,typing' && typeof v.typing === 'boolean' ? { type: 'typing', typing: v.typing } : undefined
    case 'openCode':
      return keys === 'author,seq,type' && typeof v.author === 'string' && v.author.length <= 64 && Number.isSafeInteger(v.seq) && (v.seq as number) >= 1
        ? { type: 'openCode', author: v.author, seq: v.seq as number }
        : undefined
    case 'openLink':
      return keys === 'href,type' && typeof v.href === 'string' && v.href.length <= 2048 ? { type: 'openLink', href: v.href } : undefined
    default:
      return undefined
  }
}

/** Only web links open, and only after the user confirms; everything else is refused. */
export function isOpenableLink (href: string): boolean {
  try {
    const url = new URL(href)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/**
 * Resolves a path from a code message inside a workspace folder; undefined when it is absolute,
 * escapes the folder, or is otherwise unusable.
 */
export function resolveInWorkspace (folder: string, relative: string): string | undefined {
  if (relative === '' || relative.includes('\0') || relative.startsWith('/') || /^[a-zA-Z]:/.test(relative) || relative.startsWith('\\')) return undefined
  const parts = relative.replace(/\\/g, '/').split('/')
  if (parts.some(p => p === '..')) return undefined
  const base = folder.replace(/[\\/]+$/, '')
  return `${base}/${parts.filter(p => p !== '' && p !== '.').join('/')}`
}
