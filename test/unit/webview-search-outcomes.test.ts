import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseHTML } from 'linkedom'
import { HistorySearch } from '../../src/webview/search'
import { OutcomesOnPage } from '../../src/webview/outcomes-view'
import type { PanelState } from '../../src/shared/chat-messages'

function page (bodies: string[]): { document: Document, input: HTMLInputElement, count: HTMLElement, list: HTMLElement } {
  const { document } = parseHTML(`<!DOCTYPE html><html><body><div id="messages"></div><input id="search"><span id="search-count"></span>
    <button id="search-next"></button><button id="search-prev"></button></body></html>`)
  const list = document.getElementById('messages')!
  for (const b of bodies) {
    const article = document.createElement('article')
    article.className = 'message'
    const body = document.createElement('div')
    body.className = 'body'
    body.textContent = b
    article.appendChild(body)
    list.appendChild(article)
  }
  return { document: document as unknown as Document, input: document.getElementById('search') as any, count: document.getElementById('search-count') as any, list: list as any }
}

function type (input: HTMLInputElement, text: string, doc: Document): void {
  input.value = text
  input.dispatchEvent(new (doc.defaultView as any).Event('input'))
}

describe('search on the chat page', () => {
  it('highlights every case-insensitive hit as text, steps through them, and clears', () => {
    const { document, input, count, list } = page(['Relay is down', 'the relay <img src=x onerror=alert(1)> relay'])
    const search = new HistorySearch(document, list, input, count)
    type(input, 'RELAY', document)
    const marks = list.querySelectorAll('mark.search-hit')
    assert.equal(marks.length, 3)
    assert.equal(count.textContent, '3 of 3')
    assert.equal(list.querySelectorAll('img').length, 0, 'the body stays text')
    document.getElementById('search-next')!.dispatchEvent(new (document.defaultView as any).Event('click'))
    assert.equal(count.textContent, '1 of 3')
    document.getElementById('search-prev')!.dispatchEvent(new (document.defaultView as any).Event('click'))
    assert.equal(count.textContent, '3 of 3')
    type(input, '', document)
    assert.equal(list.querySelectorAll('mark').length, 0)
    assert.equal(list.textContent, 'Relay is downthe relay <img src=x onerror=alert(1)> relay')
    type(input, 'nothing', document)
    assert.equal(count.textContent, 'No results')
    search.refresh()
  })
})

describe('outcomes in the side column', () => {
  const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAlice'
  const BOB = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBob'
  const state = {
    me: BOB,
    conference: { organizer: { peerId: ALICE, displayName: 'Alice' }, invitees: [{ peerId: BOB, displayName: 'Bob' }] },
    participants: [
      { peerId: ALICE, name: 'Alice', role: 'organizer', rsvp: 'organizer', online: true, typing: false },
      { peerId: BOB, name: 'Robert (my petname)', role: 'invitee', rsvp: 'accepted', online: true, typing: false }
    ]
  } as unknown as PanelState

  it('lists decisions and action items as text, assigned by the signed names, mine marked', () => {
    const { document } = page([])
    const o = new OutcomesOnPage()
    const m = (seq: number, body: string): any => ({ conferenceId: 'c', author: ALICE, authorName: 'Alice', seq, lamport: seq, sentAt: 0, kind: 'text', body })
    assert.equal(o.add(m(1, 'hello')), false)
    assert.equal(o.add(m(2, '/todo @bob <img src=x onerror=alert(1)>')), true)
    o.add(m(3, '/decision ship'))
    const section = o.render(document, state, () => {})!
    const items = [...section.querySelectorAll('li')]
    assert.equal(items.length, 2)
    assert.equal(items[0].classList.contains('mine'), true)
    assert.equal(items[0].textContent, 'To do · Robert (my petname)<img src=x onerror=alert(1)>')
    assert.equal(section.querySelectorAll('img').length, 0)
    assert.equal(items[1].textContent, 'Decisionship')
    o.clear()
    assert.equal(o.render(document, state, () => {}), undefined)
  })
})
