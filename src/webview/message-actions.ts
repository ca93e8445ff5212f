// Replies, reactions, edits and deletes on the chat page. The records arrive like any message;
// this module keeps those that act on another one and folds them with the same rules as every
// peer and the transcript (src/shared/message-effects.ts). Everything from peers is set as
// textContent. The buttons only ask the extension, which signs the record.
import type { ChatMessage, MessageRef } from '../core/api'
import type { WebviewToHost } from '../shared/chat-messages'
import { applyEffects, isEffect, quoteOf, targetKey, type ShownMessage } from '../shared/message-effects'
import { messageKey } from '../shared/message-order'
import { COMMON_REACTIONS } from '../shared/reactions'
import { visibleLine } from '../shared/shown-text'
import { pageText } from './page-text'

/** The page's records, by the message they act on. */
export class MessageEffectsOnPage {
  private readonly originals = new Map<string, ChatMessage>()
  private readonly effects = new Map<string, ChatMessage[]>()

  /** Forgets everything (a new 'init'). */
  clear (): void {
    this.originals.clear()
    this.effects.clear()
  }

  /**
   * Keeps a record. For one that acts on another message: the keys of the messages to draw again
   * (its target and the replies quoting it). For a message of its own: undefined.
   */
  add (m: ChatMessage): string[] | undefined {
    const key = messageKey(m.author, m.seq)
    if (!isEffect(m)) {
      this.originals.set(key, m)
      return undefined
    }
    const target = targetKey(m)
    if (target == null) return []
    const list = this.effects.get(target) ?? []
    // the same record again (a re-sent equivocation mark) replaces the one held
    this.effects.set(target, [...list.filter(e => messageKey(e.author, e.seq) !== key), m])
    const replies = [...this.originals.values()].filter(o => o.replyTo != null && messageKey(o.replyTo.author, o.replyTo.seq) === target)
    return [target, ...replies.map(r => messageKey(r.author, r.seq))]
  }

  original (key: string): ChatMessage | undefined {
    return this.originals.get(key)
  }

  /** A message as shown now: its latest text, tombstone, reactions and the quote it answers. */
  shownOf (m: ChatMessage): ShownMessage {
    const applied = applyEffects(m, this.effects.get(messageKey(m.author, m.seq)) ?? [])
    if (m.replyTo == null) return applied
    const to = this.originals.get(messageKey(m.replyTo.author, m.replyTo.seq))
    return { ...applied, replyTo: quoteOf(m.replyTo, to == null ? undefined : applyEffects(to, this.effects.get(messageKey(to.author, to.seq)) ?? [])) }
  }
}

export interface MessageActions {
  reply(s: ShownMessage): void
  edit(s: ShownMessage): void
  post(msg: WebviewToHost): void
}

function button (doc: Document, label: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = doc.createElement('button')
  b.type = 'button'
  b.textContent = text
  b.title = label
  b.setAttribute('aria-label', label)
  b.addEventListener('click', onClick)
  return b
}

function refOf (m: ChatMessage): MessageRef {
  return { author: m.author, seq: m.seq }
}

/** The quote above a reply: who wrote the message it answers and how it begins. */
export function quoteElement (doc: Document, s: ShownMessage): HTMLElement | undefined {
  const q = s.replyTo
  if (q == null) return undefined
  const el = doc.createElement('blockquote')
  el.className = 'reply-quote'
  const who = q.authorName != null ? visibleLine(q.authorName) : pageText('a message not held here')
  el.textContent = q.deleted === true ? `↪ ${who}: ${pageText('This message was deleted.')}` : q.excerpt != null ? `↪ ${who}: ${q.excerpt}` : `↪ ${who}`
  return el
}

/** The tombstone in place of a deleted message's body. */
export function tombstoneElement (doc: Document): HTMLElement {
  const p = doc.createElement('p')
  p.className = 'tombstone'
  p.textContent = pageText('This message was deleted.')
  return p
}

/** Reactions (toggle mine by clicking), the picker and the Reply, Edit and Delete buttons. */
export function actionsElement (doc: Document, s: ShownMessage, me: string | undefined, actions: MessageActions, canWrite: boolean): HTMLElement {
  const bar = doc.createElement('div')
  bar.className = 'message-actions'
  const m = s.message
  const react = (emoji: string, on: boolean): void => actions.post({ type: 'react', target: refOf(m), emoji, on })
  if (s.deleted) return bar
  const reactions = doc.createElement('div')
  reactions.className = 'reactions'
  for (const r of s.reactions) {
    const mine = me != null && r.by.includes(me)
    const b = button(doc, mine ? pageText('{0} {1}, yours: click to withdraw', r.emoji, r.by.length) : `${r.emoji} ${r.by.length}`, `${r.emoji} ${r.by.length}`, () => { if (canWrite) react(r.emoji, !mine) })
    b.className = mine ? 'reaction mine' : 'reaction'
    b.setAttribute('aria-pressed', String(mine))
    reactions.appendChild(b)
  }
  bar.appendChild(reactions)
  if (!canWrite) return bar
  const picker = doc.createElement('div')
  picker.className = 'reaction-picker'
  picker.hidden = true
  for (const emoji of COMMON_REACTIONS) {
    const mine = me != null && s.reactions.some(r => r.emoji === emoji && r.by.includes(me))
    picker.appendChild(button(doc, pageText('React with {0}', emoji), emoji, () => { picker.hidden = true; react(emoji, !mine) }))
  }
  const add = button(doc, pageText('Add a reaction'), '☺+', () => { picker.hidden = !picker.hidden })
  add.setAttribute('aria-haspopup', 'true')
  bar.append(add, button(doc, pageText('Reply'), pageText('Reply'), () => actions.reply(s)))
  if (me != null && m.author === me) {
    if (m.kind === 'text') bar.appendChild(button(doc, pageText('Edit'), pageText('Edit'), () => actions.edit(s)))
    bar.appendChild(button(doc, pageText('Delete'), pageText('Delete'), () => actions.post({ type: 'delete', target: refOf(m) })))
  }
  bar.appendChild(picker)
  return bar
}

/**
 * What the composer is doing: a new message, a reply (quoted above it), or an edit of my own
 * message (its text in the box). Escape goes back to a new message.
 */
export class ComposerMode {
  private mode: { kind: 'reply' | 'edit', target: MessageRef } | undefined
  private readonly bar: HTMLElement

  constructor (private readonly doc: Document, private readonly composer: HTMLTextAreaElement) {
    this.bar = doc.createElement('div')
    this.bar.className = 'composer-mode'
    this.bar.hidden = true
    composer.before(this.bar)
    composer.addEventListener('keydown', e => {
      if (e.key === 'Escape' && this.mode != null) {
        if (this.mode.kind === 'edit') composer.value = ''
        this.clear()
      }
    })
  }

  reply (s: ShownMessage): void {
    this.set('reply', s, pageText('Replying to {0}: {1}', visibleLine(s.message.authorName), visibleLine(s.body).slice(0, 80)))
  }

  edit (s: ShownMessage): void {
    this.set('edit', s, pageText('Editing your message'))
    this.composer.value = s.body
  }

  /** The request for what was typed, in the current mode. */
  outgoing (text: string): WebviewToHost {
    if (this.mode?.kind === 'edit') return { type: 'edit', target: this.mode.target, text }
    if (this.mode?.kind === 'reply') return { type: 'send', text, replyTo: this.mode.target }
    return { type: 'send', text }
  }

  clear (): void {
    this.mode = undefined
    this.bar.hidden = true
    this.bar.replaceChildren()
  }

  private set (kind: 'reply' | 'edit', s: ShownMessage, label: string): void {
    this.mode = { kind, target: refOf(s.message) }
    const text = this.doc.createElement('span')
    text.textContent = label
    this.bar.replaceChildren(text, button(this.doc, pageText('Cancel (Escape)'), '✕', () => { if (kind === 'edit') this.composer.value = ''; this.clear() }))
    this.bar.hidden = false
    this.composer.focus()
  }
}
