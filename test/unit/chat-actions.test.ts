// The chat page's reply, reaction, edit and delete requests: validated, then turned into records.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ChatMessage } from '../../src/core/api'
import { parseWebviewMessage } from '../../src/shared/chat-messages'
import { mentionsIn, mentionsMe } from '../../src/shared/mentions'
import { chatInputFor } from '../../src/vscode/chat/chat-actions'

const ANN = '12D3KooWAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnn'
const BEN = '12D3KooWBenBenBenBenBenBenBenBenBenBenBenBenBen'
const target = { author: ANN, seq: 3 }
const people = [{ peerId: ANN, name: 'Ann' }, { peerId: BEN, name: 'Ann Lee' }]

describe('the page asks for replies, reactions, edits and deletes', () => {
  it('accepts exactly the declared shapes', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'yes', replyTo: target }), { type: 'send', text: 'yes', replyTo: target })
    assert.deepEqual(parseWebviewMessage({ type: 'react', target, emoji: '👍', on: true }), { type: 'react', target, emoji: '👍', on: true })
    assert.deepEqual(parseWebviewMessage({ type: 'edit', target, text: 'fixed' }), { type: 'edit', target, text: 'fixed' })
    assert.deepEqual(parseWebviewMessage({ type: 'delete', target }), { type: 'delete', target })
  })

  it('refuses a 10 KB emoji, extra fields, and references that are not (author, seq)', () => {
    assert.equal(parseWebviewMessage({ type: 'react', target, emoji: 'x'.repeat(10_000), on: true }), undefined)
    assert.equal(parseWebviewMessage({ type: 'react', target, emoji: '👍', on: 'yes' }), undefined)
    assert.equal(parseWebviewMessage({ type: 'delete', target, command: 'workbench.action.terminal.new' }), undefined)
    assert.equal(parseWebviewMessage({ type: 'delete', target: { author: ANN, seq: -1 } }), undefined)
    assert.equal(parseWebviewMessage({ type: 'edit', target: JSON.parse(`{"author":"${ANN}","seq":3,"__proto__":1}`), text: 'x' }), undefined)
    assert.equal(parseWebviewMessage({ type: 'send', text: 'x', replyTo: { author: 'a'.repeat(65), seq: 1 } }), undefined)
  })

  it('resolves @names to participants only, the longest name first, each once', () => {
    assert.deepEqual(mentionsIn('@Ann Lee and @ann, again @Ann; @Eve', people), [BEN, ANN])
    assert.deepEqual(mentionsIn('mail ann@example.org or @Annie', people), [])
    assert.deepEqual(chatInputFor({ type: 'send', text: 'hi @Ann', replyTo: target }, people), { kind: 'text', body: 'hi @Ann', replyTo: target, mentions: [ANN] })
    assert.deepEqual(chatInputFor({ type: 'react', target, emoji: '🎉', on: false }, people), { kind: 'reaction', body: '', target, emoji: '🎉', on: false })
    assert.deepEqual(chatInputFor({ type: 'delete', target }, people), { kind: 'delete', body: '', target })
  })

  it('announces a mention of me from someone else, once', () => {
    const m = { conferenceId: 'c', author: ANN, authorName: 'Ann', seq: 1, lamport: 1, sentAt: 0, kind: 'text', body: '@Ben', mentions: [BEN] } as ChatMessage
    assert.equal(mentionsMe(m, BEN), true)
    assert.equal(mentionsMe(m, ANN), false)
    assert.equal(mentionsMe({ ...m, equivocated: true }, BEN), false)
    assert.equal(mentionsMe({ ...m, mentions: undefined }, BEN), false)
  })
})
