import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ChatMessage, ConferenceContext } from '../../src/core/api'
import { transcriptMarkdown } from '../../src/shared/transcript'
import { foldMessages, TOMBSTONE_TEXT } from '../../src/shared/message-effects'
import { isReactionEmoji } from '../../src/shared/reactions'

const CONF = 'conf_AAAAAAAAAAAAAAAAAAAAAA'
const ANN = '12D3KooWAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnn'
const BEN = '12D3KooWBenBenBenBenBenBenBenBenBenBenBenBenBen'

function rec (author: string, seq: number, lamport: number, fields: Partial<ChatMessage>): ChatMessage {
  return { conferenceId: CONF, author, authorName: author === ANN ? 'Ann' : 'Ben', seq, lamport, sentAt: 0, kind: 'text', body: '', ...fields }
}
const hello = rec(ANN, 1, 1, { body: 'hello' })
const target = { author: ANN, seq: 1 }

describe('folding replies, reactions, edits and deletes into what is shown', () => {
  it('the latest edit by Lamport time wins, whatever order the records arrived in', () => {
    const edits = [rec(ANN, 3, 9, { kind: 'edit', target, body: 'third' }), rec(ANN, 2, 5, { kind: 'edit', target, body: 'second' })]
    for (const records of [[hello, ...edits], [...edits].reverse().concat(hello)]) {
      const [shown] = foldMessages(records)
      assert.equal(shown.body, 'third')
      assert.equal(shown.edited, true)
    }
  })

  it("refuses an edit or a delete of someone else's message", () => {
    const [shown] = foldMessages([hello, rec(BEN, 1, 2, { kind: 'edit', target, body: 'forged' }), rec(BEN, 2, 3, { kind: 'delete', target })])
    assert.equal(shown.body, 'hello')
    assert.equal(shown.edited, false)
    assert.equal(shown.deleted, false)
  })

  it('a deleted message leaves a tombstone: later edits and reactions no longer show', () => {
    const [shown] = foldMessages([hello, rec(ANN, 2, 2, { kind: 'delete', target }), rec(ANN, 3, 3, { kind: 'edit', target, body: 'back' }), rec(BEN, 1, 4, { kind: 'reaction', target, emoji: '👍', on: true })])
    assert.equal(shown.deleted, true)
    assert.equal(shown.body, '')
    assert.deepEqual(shown.reactions, [])
    assert.ok(TOMBSTONE_TEXT.length > 0)
  })

  it('counts each reactor once per emoji; the latest record says on or off', () => {
    const [shown] = foldMessages([hello,
      rec(BEN, 1, 2, { kind: 'reaction', target, emoji: '👍', on: true }),
      rec(BEN, 2, 3, { kind: 'reaction', target, emoji: '👍', on: true }),
      rec(ANN, 2, 4, { kind: 'reaction', target, emoji: '🎉', on: true }),
      rec(ANN, 3, 5, { kind: 'reaction', target, emoji: '🎉', on: false })])
    assert.deepEqual(shown.reactions, [{ emoji: '👍', by: [BEN] }])
  })

  it('a reply quotes the current text of the message it answers, or says it was deleted', () => {
    const reply = rec(BEN, 1, 3, { body: 'hi', replyTo: target })
    let [, shown] = foldMessages([hello, rec(ANN, 2, 2, { kind: 'edit', target, body: 'hello all' }), reply])
    assert.deepEqual(shown.replyTo, { to: target, authorName: 'Ann', excerpt: 'hello all' })
    ;[, shown] = foldMessages([hello, rec(ANN, 2, 2, { kind: 'delete', target }), reply])
    assert.deepEqual(shown.replyTo, { to: target, authorName: 'Ann', deleted: true })
    ;[shown] = foldMessages([reply])
    assert.deepEqual(shown.replyTo, { to: target })
  })

  it('an edit of an edit, or a record aimed at nothing held, changes nothing', () => {
    const shown = foldMessages([hello, rec(ANN, 2, 2, { kind: 'edit', target, body: 'x' }), rec(ANN, 3, 3, { kind: 'delete', target: { author: ANN, seq: 2 } }), rec(ANN, 4, 4, { kind: 'delete', target: { author: ANN, seq: 99 } })])
    assert.equal(shown.length, 1)
    assert.equal(shown[0].body, 'x')
    assert.equal(shown[0].deleted, false)
  })
})

describe('reaction emoji', () => {
  it('accepts the picker, single emoji and ZWJ sequences; refuses words, long text and hidden characters', () => {
    for (const ok of ['👍', '❤️', '🏳️‍🌈', '👩‍💻']) assert.equal(isReactionEmoji(ok), true, ok)
    for (const bad of ['', 'ok', '👍👍', 'x'.repeat(10_000), '🤷🏽‍♀️', '😀'.repeat(5), '\u202e', '1', ' ', '👍\u200b', 42]) assert.equal(isReactionEmoji(bad), false, String(bad))
  })
})

describe('the transcript with replies, reactions, edits and deletes', () => {
  const ctx = {
    id: 'q1w2e3r4t5y6u7i8o9p0aA', title: 'T', agenda: '', start: 0, timeZone: 'UTC', durationMinutes: 30,
    organizer: { peerId: ANN, displayName: 'Ann', addrs: [] }, invitees: [], sequence: 1, status: 'scheduled', createdAt: 0, updatedAt: 0
  } as unknown as ConferenceContext

  it('shows the final text, marks edited and deleted messages, quotes replies and counts reactions', () => {
    const md = transcriptMarkdown(ctx, [hello,
      rec(ANN, 2, 2, { kind: 'edit', target, body: 'hello all' }),
      rec(BEN, 1, 3, { body: 'hi', replyTo: target }),
      rec(BEN, 2, 4, { kind: 'reaction', target, emoji: '👍', on: true }),
      rec(BEN, 3, 5, { body: 'oops' }),
      rec(BEN, 4, 6, { kind: 'delete', target: { author: BEN, seq: 3 } }),
      rec(BEN, 5, 7, { kind: 'edit', target, body: 'forged' })], { now: 0, timeZone: 'UTC' })
    assert.match(md, /\(edited\):\n```text\nhello all\n```\nReactions: 👍 1/)
    assert.match(md, /> In reply to Ann: hello all/)
    assert.match(md, /\(deleted\): _This message was deleted\._/)
    assert.doesNotMatch(md, /oops|forged|kind/)
  })
})
