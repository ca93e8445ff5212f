// The chat page for keyboard and screen-reader users: a polite live region that announces new
// messages from others (author and a short excerpt, set as text), the message list walked with the
// arrow keys (one tab stop: a roving tabindex on the messages, Home/End), and the composer as a
// form landmark that never submits. Everything works from the DOM chat.ts builds (elements with
// class "message" and data-author/data-seq) and the host's own messages, so chat.ts only calls
// setUpAccessibility once.
import type { ChatMessage } from '../core/api'
import type { HostToWebview } from '../shared/chat-messages'
import { isEffect } from '../shared/message-effects'
import { visibleLine } from '../shared/shown-text'
import { pageText } from './page-text'

/** How much of a message the live region reads out: enough to know what it is about. */
export const EXCERPT_CHARS = 120

/** What the live region says about a new message: "Bob: Hello there", or "Bob shared code src/a.ts:1-3". */
export function announcementOf (m: Pick<ChatMessage, 'authorName' | 'body' | 'kind' | 'code'>): string {
  const author = visibleLine(String(m.authorName ?? '')).slice(0, 64)
  if (m.kind === 'code' && m.code != null) return pageText('{0} shared code {1}', author, `${visibleLine(m.code.path).slice(0, 200)}:${m.code.startLine}-${m.code.endLine}`)
  const text = visibleLine(String(m.body ?? ''))
  const excerpt = Array.from(text).length > EXCERPT_CHARS ? Array.from(text).slice(0, EXCERPT_CHARS - 1).join('') + '…' : text
  return pageText('{0}: {1}', author, excerpt)
}

/** The next message to focus for a key, or undefined when the key is not ours. */
export function nextIndex (key: string, current: number, count: number): number | undefined {
  if (count === 0) return undefined
  switch (key) {
    case 'ArrowDown': return Math.min(count - 1, current + 1)
    case 'ArrowUp': return Math.max(0, current - 1)
    case 'Home': return 0
    case 'End': return count - 1
    case 'PageDown': return Math.min(count - 1, current + 10)
    case 'PageUp': return Math.max(0, current - 10)
    default: return undefined
  }
}

const keyOf = (el: HTMLElement): string => `${el.dataset.author ?? ''}#${el.dataset.seq ?? ''}`

/**
 * Wires the page. `list` holds the messages, `announcer` is the live region (in the HTML from the
 * start: a region added later is not always watched by screen readers).
 */
export function setUpAccessibility (doc: Document, list: HTMLElement, announcer: HTMLElement): void {
  let me: string | undefined
  /** the message that holds the list's one tab stop, by author#seq (elements are redrawn on edits) */
  let activeKey: string | undefined
  let focusInList = false
  const messages = (): HTMLElement[] => [...list.querySelectorAll<HTMLElement>(':scope > .message')]

  /** Exactly one message is in the tab order: the active one, else the newest. */
  const rove = (): void => {
    const all = messages()
    const active = all.find(el => keyOf(el) === activeKey) ?? all[all.length - 1]
    for (const el of all) {
      const tabIndex = el === active ? '0' : '-1'
      if (el.getAttribute('tabindex') !== tabIndex) el.setAttribute('tabindex', tabIndex)
    }
    // A redraw (an edit, a reaction) replaced the focused message: keep the focus on its new element.
    if (focusInList && active != null && (doc.activeElement == null || doc.activeElement === doc.body)) active.focus({ preventScroll: true })
  }
  new MutationObserver(rove).observe(list, { childList: true })
  list.addEventListener('focusin', e => {
    focusInList = true
    const message = (e.target as HTMLElement).closest<HTMLElement>('.message')
    if (message != null && message.parentElement === list) { activeKey = keyOf(message); rove() }
  })
  list.addEventListener('focusout', e => { focusInList = list.contains(e.relatedTarget as Node | null) })
  list.addEventListener('keydown', e => {
    const target = e.target as HTMLElement
    // Only on a message itself: inside one, keys belong to its links and buttons.
    if (!target.classList.contains('message') || e.altKey || e.ctrlKey || e.metaKey) return
    const all = messages()
    const next = nextIndex(e.key, all.indexOf(target), all.length)
    if (next == null) return
    e.preventDefault()
    activeKey = keyOf(all[next])
    rove()
    all[next].focus()
    all[next].scrollIntoView({ block: 'nearest' })
  })

  // The composer is a form (a landmark) only for assistive technology: Enter sends through chat.ts.
  doc.querySelector('form.composer')?.addEventListener('submit', e => e.preventDefault())

  doc.defaultView?.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
    const msg = event.data
    if (msg?.type === 'init' || msg?.type === 'state') me = msg.state.me
    if (msg?.type !== 'message') return
    const m = msg.message
    // Others' messages only: my own I just wrote, and reactions or edits are not new messages.
    if (m.author === me || isEffect(m)) return
    // A changed text is what makes the region speak: clear it first, so that the same words twice are read twice.
    announcer.textContent = ''
    setTimeout(() => { announcer.textContent = announcementOf(m) }, 50)
  })
  rove()
}
