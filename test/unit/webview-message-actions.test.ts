// The chat page's replies, reactions, edits and deletes: folded like every peer, shown as text.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseHTML } from 'linkedom'
import type { ChatMessage } from '../../src/core/api'
import type { WebviewToHost } from '../../src/shared/chat-messages'
import { actionsElement, ComposerMode, MessageEffectsOnPage, quoteElement } from '../../src/webview/message-actions'

const ANN = '12D3KooWAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnn'
const BEN = '12D3KooWBenBenBenBenBenBenBenBenBenBenBenBenBen'
function rec (author: string, seq: number, lamport: number, fields: Partial<ChatMessage>): ChatMessage {
  return { conferenceId: 'c', author, authorName: author === ANN ? 'Ann <img src=x onerror=alert(1)>' : 'Ben', seq, lamport, sentAt: 0, kind: 'text', body: '', ...fields }
}
const hello = rec(ANN, 1, 1, { body: 'hello' })
const target = { author: ANN, seq: 1 }

describe('the chat page folds replies, reactions, edits and deletes', () => {
  it('a record acting on a message asks to redraw it and the replies quoting it', () => {
    const page = new MessageEffectsOnPage()
    assert.equal(page.add(hello), undefined)
    assert.equal(page.add(rec(BEN, 1, 2, { body: 'hi', replyTo: target })), undefined)
    assert.deepEqual(page.add(rec(ANN, 2, 3, { kind: 'edit', target, body: 'hello all' })), [`${ANN}#1`, `${BEN}#1`])
    assert.equal(page.shownOf(hello).body, 'hello all')
    assert.equal(page.shownOf(page.original(`${BEN}#1`)!).replyTo?.excerpt, 'hello all')
  })

  it('shows the quote as text, my reactions pressed, and Edit and Delete only on my own messages', () => {
    const { document } = parseHTML('<!DOCTYPE html><html><body><textarea id="c"></textarea></body></html>')
    const page = new MessageEffectsOnPage()
    page.add(hello)
    page.add(rec(BEN, 1, 2, { kind: 'reaction', target, emoji: '👍', on: true }))
    const posted: WebviewToHost[] = []
    const actions = { reply: () => {}, edit: () => {}, post: (m: WebviewToHost) => posted.push(m) }
    const onAnns = actionsElement(document as unknown as Document, page.shownOf(hello), BEN, actions, true)
    const labels = [...onAnns.querySelectorAll('button')].map(b => b.getAttribute('aria-label'))
    assert.ok(!labels.includes('Edit') && !labels.includes('Delete'), 'not on someone else\'s message')
    const mine = onAnns.querySelector('.reaction.mine') as HTMLButtonElement
    assert.equal(mine.textContent, '👍 1')
    mine.click()
    assert.deepEqual(posted, [{ type: 'react', target, emoji: '👍', on: false }])
    const own = actionsElement(document as unknown as Document, page.shownOf(hello), ANN, actions, true)
    assert.ok([...own.querySelectorAll('button')].some(b => b.getAttribute('aria-label') === 'Delete'))
    const quote = quoteElement(document as unknown as Document, page.shownOf(rec(BEN, 2, 3, { body: 'yes', replyTo: target })))!
    assert.equal(quote.querySelector('img'), null)
    assert.match(quote.textContent ?? '', /Ann <img src=x onerror=alert\(1\)>: hello/)
  })

  it('the composer sends a reply or an edit in its mode, and a plain message after Escape', () => {
    const { document } = parseHTML('<!DOCTYPE html><html><body><div><textarea id="c"></textarea></div></body></html>')
    const composer = document.getElementById('c') as unknown as HTMLTextAreaElement
    const mode = new ComposerMode(document as unknown as Document, composer)
    const page = new MessageEffectsOnPage()
    page.add(hello)
    mode.reply(page.shownOf(hello))
    assert.deepEqual(mode.outgoing('yes'), { type: 'send', text: 'yes', replyTo: target })
    mode.edit(page.shownOf(hello))
    assert.equal(composer.value, 'hello')
    assert.deepEqual(mode.outgoing('hello!'), { type: 'edit', target, text: 'hello!' })
    mode.clear()
    assert.deepEqual(mode.outgoing('x'), { type: 'send', text: 'x' })
  })
})
