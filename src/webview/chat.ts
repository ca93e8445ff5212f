// The chat page. It talks to the extension only through postMessage; it never fetches anything.
import type { ChatMessage } from '../core/api'
import type { HostToWebview, PanelState, WebviewToHost } from '../shared/chat-messages'
import { renderMarkdown, codeBlock, equivocationNote } from './render'
import { MAX_CHAT_BODY_BYTES, utf8Bytes } from '../shared/limits'
import { compareMessages, messageKey } from '../shared/message-order'
import { shortPeerId } from '../shared/peer-id'
import { visibleLine } from '../shared/shown-text'
import { formatClock, formatDuration, formatLocal } from '../shared/time'
import { authorColour, parseColour, type Rgb } from '../shared/author-colour'
import { setUpSideToggle } from './side-toggle'
import { OutcomesOnPage } from './outcomes-view'
import { HistorySearch } from './search'
import { setUpAccessibility } from './accessibility'
import { actionsElement, ComposerMode, MessageEffectsOnPage, quoteElement, tombstoneElement } from './message-actions'
import { loadPageTexts, pageText } from './page-text'
import type { PageTextKey } from '../shared/page-text'

declare function acquireVsCodeApi (): { postMessage(msg: WebviewToHost): void, setState(s: unknown): void, getState(): unknown }

const vscode = acquireVsCodeApi()
// Before anything is drawn: every word the page shows comes from here.
loadPageTexts(document)
const COLLAPSE_CHARS = 3000

const list = document.getElementById('messages')!
const composer = document.getElementById('composer') as HTMLTextAreaElement
const counter = document.getElementById('counter')!
const reason = document.getElementById('readonly')!
const side = document.getElementById('side')!
const titleEl = document.getElementById('title')!

let state: PanelState | undefined
const outcomes = new OutcomesOnPage()
const search = new HistorySearch(document, list, document.getElementById('search') as HTMLInputElement, document.getElementById('search-count')!)
const shown = new Map<string, HTMLElement>()
const effects = new MessageEffectsOnPage()
const composerMode = new ComposerMode(document, composer)
let dividerPlaced = false
let stickToBottom = true

list.addEventListener('scroll', () => {
  stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40
})

/** The page's background as the theme paints it (light, dark or high contrast). */
function themeBackground (): Rgb | undefined {
  return parseColour(getComputedStyle(document.body).backgroundColor) ??
    parseColour(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background'))
}

function isDarkTheme (): boolean {
  const c = document.body.classList
  return !(c.contains('vscode-light') || c.contains('vscode-high-contrast-light'))
}

function colourOf (peerId: string): string {
  return authorColour(peerId, themeBackground(), isDarkTheme())
}

// VS Code changes the body's theme class when the user switches themes: colour the names anew.
new MutationObserver(() => {
  for (const el of document.querySelectorAll<HTMLElement>('.message')) {
    const name = el.querySelector<HTMLElement>('.author')
    if (name != null && el.dataset.author != null) name.style.color = colourOf(el.dataset.author)
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] })

/**
 * Names and titles come from peers. textContent interprets nothing, but bidi overrides, isolates
 * and zero-width characters would still reorder or hide what is shown: one visible line only.
 */
function plain (text: string): string {
  return visibleLine(String(text ?? ''))
}

/** A participant's answer in the side column. */
const RSVP_TEXT: Record<PanelState['participants'][number]['rsvp'], PageTextKey> = {
  organizer: 'organizer',
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
  pending: 'no answer yet'
}

function messageElement (m: ChatMessage): HTMLElement {
  // replies, reactions, edits and deletes folded in (the same on every peer)
  const s = effects.shownOf(m)
  const el = document.createElement('article')
  el.className = 'message'
  el.dataset.author = m.author
  el.dataset.seq = String(m.seq)
  el.setAttribute('aria-label', pageText('{0} at {1}', plain(m.authorName), formatLocal(m.sentAt)))
  const head = document.createElement('header')
  const name = document.createElement('span')
  name.className = 'author'
  name.textContent = plain(m.authorName)
  name.style.color = colourOf(m.author)
  const id = document.createElement('span')
  id.className = 'peer-id'
  id.textContent = shortPeerId(m.author)
  const time = document.createElement('time')
  time.textContent = formatClock(m.sentAt)
  time.title = formatLocal(m.sentAt)
  time.dateTime = new Date(m.sentAt).toISOString()
  const status = document.createElement('span')
  status.className = 'status'
  status.textContent = m.pending === true ? pageText('pending') : m.author === state?.me ? pageText('sent') : ''
  head.append(name, id, time, status)
  const body = document.createElement('div')
  body.className = 'body'
  if (s.deleted) {
    body.appendChild(tombstoneElement(document))
  } else if (m.kind === 'code' && m.code != null) {
    const block = codeBlock(document, s.body, `${plain(m.code.path)}:${m.code.startLine}-${m.code.endLine}`, m.code.languageId)
    const header = block.querySelector('.code-header') as HTMLElement
    header.setAttribute('role', 'button')
    header.setAttribute('tabindex', '0')
    header.title = pageText('Open this file and range in your workspace')
    const open = (): void => vscode.postMessage({ type: 'openCode', author: m.author, seq: m.seq })
    header.addEventListener('click', open)
    header.addEventListener('keydown', e => { if (e.key === 'Enter') open() })
    body.appendChild(block)
  } else if (s.body.length > COLLAPSE_CHARS) {
    body.appendChild(renderMarkdown(document, s.body.slice(0, COLLAPSE_CHARS) + '…'))
    const more = document.createElement('button')
    more.textContent = pageText('Show more')
    more.className = 'show-more'
    more.addEventListener('click', () => {
      body.replaceChildren(renderMarkdown(document, s.body))
    })
    body.appendChild(more)
  } else {
    body.appendChild(renderMarkdown(document, s.body))
  }
  if (s.edited && !s.deleted) head.appendChild(Object.assign(document.createElement('span'), { className: 'edited', textContent: pageText('(edited)') }))
  if (m.mentions?.includes(state?.me ?? '') === true) el.classList.add('mentions-me')
  const quote = quoteElement(document, s)
  el.append(head, ...(quote != null ? [quote] : []), body)
  el.append(actionsElement(document, s, state?.me, {
    reply: target => composerMode.reply(target),
    edit: target => composerMode.edit(target),
    post: msg => vscode.postMessage(msg)
  }, state?.readOnly == null))
  if (m.equivocated === true) el.append(equivocationNote(document))
  return el
}

function insert (m: ChatMessage, fresh: boolean): void {
  const redraw = effects.add(m)
  if (redraw != null) {
    // a record acting on another message: draw that one (and the replies quoting it) again
    for (const key of redraw) {
      const original = effects.original(key)
      if (original != null && shown.has(key)) insert(original, false)
    }
    return
  }
  const k = messageKey(m.author, m.seq)
  const existing = shown.get(k)
  const el = messageElement(m)
  // also on a replaced message (an equivocation's mark), which later ones are placed against
  el.dataset.lamport = String(m.lamport)
  if (existing != null) {
    existing.replaceWith(el)
    shown.set(k, el)
    return
  }
  const newDivider = fresh && !dividerPlaced && !document.hasFocus() && m.author !== state?.me
  // Keep the display order (the core's, from src/shared): new ones almost always go last.
  const after = [...shown.values()].reverse().find(e =>
    compareMessages({ lamport: Number(e.dataset.lamport), author: e.dataset.author ?? '', seq: Number(e.dataset.seq) }, m) < 0)
  if (after == null) list.prepend(el)
  else after.after(el)
  shown.set(k, el)
  if (newDivider) placeDivider(el, false)
  if (stickToBottom) list.scrollTop = list.scrollHeight
}

function renderState (): void {
  if (state == null) return
  const title = plain(state.conference.title)
  titleEl.textContent = title
  document.title = title
  composer.disabled = state.readOnly != null
  reason.textContent = state.readOnly ?? ''
  reason.hidden = state.readOnly == null
  side.replaceChildren()
  const when = document.createElement('p')
  // The same format as the Conferences view and the notifications (formatLocal, the user's locale).
  when.textContent = `${formatLocal(state.conference.start)} · ${formatDuration(state.conference.durationMinutes)}`
  side.appendChild(when)
  const heading = document.createElement('h2')
  heading.textContent = pageText('Participants')
  side.appendChild(heading)
  const ul = document.createElement('ul')
  ul.className = 'participants'
  for (const p of state.participants) {
    const li = document.createElement('li')
    li.className = p.online ? 'online' : 'offline'
    const dot = document.createElement('span')
    dot.className = 'dot'
    dot.setAttribute('aria-hidden', 'true')
    const name = document.createElement('span')
    name.textContent = `${plain(p.name)} ${shortPeerId(p.peerId)}`
    const info = document.createElement('span')
    info.className = 'rsvp'
    info.textContent = [pageText(RSVP_TEXT[p.rsvp]), pageText(p.peerId === state.me ? 'you' : p.online ? 'online' : 'offline'), p.typing ? pageText('typing…') : ''].filter(Boolean).join(' · ')
    li.setAttribute('aria-label', pageText('{0}, {1}', plain(p.name), info.textContent))
    li.append(dot, name, info)
    ul.appendChild(li)
  }
  side.appendChild(ul)
  if (state.conference.agenda.trim() !== '') {
    const h = document.createElement('h2')
    h.textContent = pageText('Agenda')
    const agenda = document.createElement('div')
    agenda.className = 'agenda'
    agenda.appendChild(renderMarkdown(document, state.conference.agenda))
    side.append(h, agenda)
  }
  const section = outcomes.render(document, state, (author, seq) => shown.get(messageKey(author, seq))?.scrollIntoView({ block: 'center' }))
  if (section != null) side.appendChild(section)
}

/** The "New messages" divider before `el`; `initial`: the one placed on opening, before the first unread. */
function placeDivider (el: HTMLElement, initial: boolean): void {
  const divider = document.createElement('div')
  divider.className = initial ? 'divider initial' : 'divider'
  divider.textContent = pageText('New messages')
  divider.setAttribute('role', 'separator')
  el.before(divider)
  dividerPlaced = true
}

function updateCounter (): void {
  const bytes = utf8Bytes(composer.value)
  counter.textContent = bytes > MAX_CHAT_BODY_BYTES * 0.8 ? pageText('{0} / {1} bytes', bytes, MAX_CHAT_BODY_BYTES) : ''
  counter.classList.toggle('over', bytes > MAX_CHAT_BODY_BYTES)
}

let typingSent = false
let typingTimer: ReturnType<typeof setTimeout> | undefined

composer.addEventListener('input', () => {
  updateCounter()
  if (!typingSent) {
    typingSent = true
    vscode.postMessage({ type: 'typing', typing: true })
  }
  if (typingTimer != null) clearTimeout(typingTimer)
  typingTimer = setTimeout(() => { typingSent = false; vscode.postMessage({ type: 'typing', typing: false }) }, 3000)
})

composer.addEventListener('keydown', e => {
  if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return
  e.preventDefault()
  const text = composer.value
  if (text.trim() === '' || utf8Bytes(text) > MAX_CHAT_BODY_BYTES) return
  vscode.postMessage(composerMode.outgoing(text))
  composerMode.clear()
  // The message ends the typing: say so now, not 3 s later.
  if (typingTimer != null) clearTimeout(typingTimer)
  if (typingSent) {
    typingSent = false
    vscode.postMessage({ type: 'typing', typing: false })
  }
  composer.value = ''
  // Writing means the user has caught up: the "New messages" divider goes.
  document.querySelector('.divider')?.remove()
  dividerPlaced = false
  updateCounter()
  stickToBottom = true
})

list.addEventListener('click', e => {
  const link = (e.target as HTMLElement).closest('.link') as HTMLElement | null
  if (link?.dataset.href != null) vscode.postMessage({ type: 'openLink', href: link.dataset.href })
})
list.addEventListener('keydown', e => {
  const link = (e.target as HTMLElement).closest('.link') as HTMLElement | null
  if (e.key === 'Enter' && link?.dataset.href != null) vscode.postMessage({ type: 'openLink', href: link.dataset.href })
})
window.addEventListener('focus', () => {
  // The divider placed on opening stays until the user writes: focusing the panel is how one gets to read it.
  if (document.querySelector('.divider.initial') != null) return
  document.querySelector('.divider')?.remove()
  dividerPlaced = false
})

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data
  switch (msg.type) {
    case 'init':
      state = msg.state
      vscode.setState({ ...((vscode.getState() as object | undefined) ?? {}), conferenceId: msg.state.conference.id, occurrence: msg.state.occurrence })
      list.replaceChildren()
      shown.clear()
      effects.clear()
      composerMode.clear()
      outcomes.clear()
      dividerPlaced = false
      for (const m of msg.messages) { insert(m, false); outcomes.add(m) }
      renderState()
      {
        const first = msg.firstUnread != null ? shown.get(messageKey(msg.firstUnread.author, msg.firstUnread.seq)) : undefined
        if (first != null) placeDivider(first, true)
        if (first != null) first.scrollIntoView({ block: 'start' })
        else list.scrollTop = list.scrollHeight
      }
      search.refresh()
      break
    case 'message': {
      insert(msg.message, true)
      if (outcomes.add(msg.message)) renderState()
      search.refresh()
      // Whoever wrote has stopped typing; the host's next state agrees.
      const writer = state?.participants.find(p => p.peerId === msg.message.author)
      if (writer?.typing === true) {
        writer.typing = false
        renderState()
      }
      break
    }
    case 'status': {
      const el = shown.get(messageKey(msg.author, msg.seq))
      const s = el?.querySelector('.status')
      if (s != null) s.textContent = msg.pending ? pageText('pending') : pageText('sent')
      break
    }
    case 'state':
      state = msg.state
      renderState()
      break
    case 'error':
      reason.textContent = msg.text
      reason.hidden = false
      break
  }
})

setUpSideToggle(document, () => (vscode.getState() as Record<string, unknown> | undefined) ?? {}, s => vscode.setState(s))
setUpAccessibility(document, list, document.getElementById('announcer')!)

vscode.postMessage({ type: 'ready' })
