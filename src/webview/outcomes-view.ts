// The "Outcomes" section of the chat's side column: decisions and action items from the messages
// on the page, parsed by the same function as the core's query and the transcript
// (src/shared/outcomes.ts), so every peer and every surface agree. Assignees resolve against the
// participants as the signed context names them (not my petnames, which differ per peer); the
// shown name is the page's. Everything is set as textContent.
import type { ChatMessage } from '../core/api'
import type { PanelState } from '../shared/chat-messages'
import { mattersForOutcomes, outcomeParticipants, outcomesOf, type OutcomeSource } from '../shared/outcomes'
import { compareMessages, messageKey } from '../shared/message-order'
import { visibleLine } from '../shared/shown-text'
import { pageText } from './page-text'

export class OutcomesOnPage {
  private readonly sources = new Map<string, OutcomeSource>()

  /** Forgets everything (a new 'init'). */
  clear (): void {
    this.sources.clear()
  }

  /** Keeps a record if it starts, edits or deletes an outcome; true when the section should be drawn again. */
  add (m: ChatMessage): boolean {
    if (!mattersForOutcomes(m, key => this.sources.has(key))) return false
    this.sources.set(messageKey(m.author, m.seq), m)
    return true
  }

  /** The section (a heading and a list), or undefined when the chat holds no outcome. */
  render (doc: Document, state: PanelState, reveal: (author: string, seq: number) => void): HTMLElement | undefined {
    const ids = state.participants.filter(p => p.rsvp === 'organizer' || p.rsvp === 'accepted' || p.rsvp === 'tentative').map(p => p.peerId)
    const outcomes = outcomesOf([...this.sources.values()].sort(compareMessages), outcomeParticipants(state.conference, ids))
    if (outcomes.length === 0) return undefined
    const shownName = (id: string): string => visibleLine(state.participants.find(p => p.peerId === id)?.name ?? '')
    const section = doc.createElement('section')
    section.className = 'outcomes'
    section.setAttribute('aria-label', pageText('Outcomes'))
    const h = doc.createElement('h2')
    h.textContent = pageText('Outcomes')
    const ul = doc.createElement('ul')
    for (const o of outcomes) {
      const li = doc.createElement('li')
      li.className = o.kind
      if (o.assignee === state.me) li.classList.add('mine')
      const label = doc.createElement('span')
      label.className = 'outcome-kind'
      label.textContent = o.kind === 'decision' ? pageText('Decision') : o.assignee != null ? pageText('To do · {0}', shownName(o.assignee)) : pageText('To do')
      const text = doc.createElement('span')
      text.className = 'outcome-text'
      text.textContent = o.text === '' ? pageText('(no text)') : o.text
      li.append(label, text)
      // A click (or Enter) scrolls to the message it came from.
      li.tabIndex = 0
      li.title = pageText('From {0}', visibleLine(o.authorName))
      li.addEventListener('click', () => reveal(o.author, o.seq))
      li.addEventListener('keydown', e => { if (e.key === 'Enter') reveal(o.author, o.seq) })
      ul.appendChild(li)
    }
    section.append(h, ul)
    return section
  }
}
