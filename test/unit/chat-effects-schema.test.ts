// The signed record's schema refuses oversized or misshapen replies, reactions, edits, deletes and mentions.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { chatPayloadSchema, type ChatPayload } from '../../src/core/chat/message'
import { inputProblem } from '../../src/core/chat/outgoing'

const ANN = '12D3KooWAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnn'
const BEN = '12D3KooWBenBenBenBenBenBenBenBenBenBenBenBenBen'
const base: ChatPayload = { conferenceId: 'conf_AAAAAAAAAAAAAAAAAAAAAA', author: ANN, seq: 2, lamport: 2, sentAt: 1_700_000_000_000, kind: 'text', body: 'hi' }
const target = { author: BEN, seq: 1 }
const ok = (p: object): boolean => chatPayloadSchema.safeParse({ ...base, ...p }).success

describe('the chat record schema for replies, reactions, edits, deletes and mentions', () => {
  it('accepts each kind with exactly its fields', () => {
    assert.ok(ok({ replyTo: target, mentions: [BEN] }))
    assert.ok(ok({ kind: 'reaction', body: '', target, emoji: '👍', on: true }))
    assert.ok(ok({ kind: 'edit', body: 'better', target }))
    assert.ok(ok({ kind: 'delete', body: '', target }))
  })

  it('refuses a reaction with a 10 KB "emoji", a word, or text in its body', () => {
    assert.equal(ok({ kind: 'reaction', body: '', target, emoji: '😀'.repeat(2500), on: true }), false)
    assert.equal(ok({ kind: 'reaction', body: '', target, emoji: 'lol', on: true }), false)
    assert.equal(ok({ kind: 'reaction', body: 'hidden words', target, emoji: '👍', on: true }), false)
  })

  it('refuses 1,000 mentions, a repeated one, and mentions on a reaction', () => {
    assert.equal(ok({ mentions: Array.from({ length: 1000 }, (_, i) => `${BEN.slice(0, -4)}${String(i).padStart(4, '0')}`) }), false)
    assert.equal(ok({ mentions: [BEN, BEN] }), false)
    assert.equal(ok({ kind: 'reaction', body: '', target, emoji: '👍', on: true, mentions: [BEN] }), false)
  })

  it('refuses fields that do not fit the kind, and unknown fields', () => {
    assert.equal(ok({ kind: 'edit', body: 'x' }), false, 'an edit without a target')
    assert.equal(ok({ kind: 'edit', body: ' ', target }), false, 'an edit to nothing (delete is for that)')
    assert.equal(ok({ kind: 'delete', body: '', target, emoji: '👍' }), false)
    assert.equal(ok({ target }), false, 'a text with a target')
    assert.equal(ok({ kind: 'edit', body: 'x', target, replyTo: target }), false)
    assert.equal(ok({ replyTo: { ...target, extra: 1 } }), false)
    assert.equal(ok({ kind: 'reaction', body: '', target: { author: BEN, seq: 0 }, emoji: '👍', on: true }), false)
  })

  it('explains what cannot be sent before anything is taken', () => {
    assert.match(inputProblem({ kind: 'edit', body: 'x' }) ?? '', /acts on/)
    assert.match(inputProblem({ kind: 'delete', body: 'x', target }) ?? '', /no text/)
    assert.equal(inputProblem({ kind: 'reaction', body: '', target, emoji: '👍' }), undefined)
  })
})
