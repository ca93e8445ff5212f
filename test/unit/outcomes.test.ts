import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseOutcome, outcomesOf, mattersForOutcomes, actionItemsFor, resolveAssignee, outcomeParticipants, MAX_OUTCOMES_SHOWN, MAX_OUTCOME_TEXT_CHARS, type OutcomeSource } from '../../src/shared/outcomes'

const BOB = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBob'
const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAlice'
const people = [{ peerId: ALICE, name: 'Alice' }, { peerId: BOB, name: 'Bob' }]

function msg (body: string, seq: number, kind: OutcomeSource['kind'] = 'text', extra: Partial<OutcomeSource> = {}): OutcomeSource {
  return { conferenceId: 'c', author: ALICE, authorName: 'Alice', seq, lamport: seq, sentAt: 1000 * seq, kind, body, ...extra }
}

describe('outcome parsing', () => {
  it('reads a todo with an assignee named by a participant, case-insensitive', () => {
    assert.deepEqual(parseOutcome('/todo @bob review the PR', people), { kind: 'todo', text: 'review the PR', assignee: BOB })
    assert.deepEqual(parseOutcome('/todo @BOB review', people), { kind: 'todo', text: 'review', assignee: BOB })
    assert.deepEqual(parseOutcome(`/todo @${BOB} by id`, people), { kind: 'todo', text: 'by id', assignee: BOB })
  })

  it('reads a decision and a todo without assignee', () => {
    assert.deepEqual(parseOutcome('/decision ship on Friday', people), { kind: 'decision', text: 'ship on Friday' })
    assert.deepEqual(parseOutcome('/todo write the notes', people), { kind: 'todo', text: 'write the notes' })
    assert.deepEqual(parseOutcome('/todo', people), { kind: 'todo', text: '' })
  })

  it('is not an outcome unless the body starts with the command as a word', () => {
    assert.equal(parseOutcome(' /todo x', people), undefined)
    assert.equal(parseOutcome('/todos x', people), undefined)
    assert.equal(parseOutcome('/decisions', people), undefined)
    assert.equal(parseOutcome('please /todo @bob', people), undefined)
  })

  it('leaves an item unassigned when the name is no participant, or ambiguous', () => {
    assert.deepEqual(parseOutcome('/todo @carol notes', people), { kind: 'todo', text: '@carol notes' })
    const twins = [{ peerId: 'a', name: 'Sam' }, { peerId: 'b', name: 'sam' }]
    assert.equal(resolveAssignee('sam', twins), undefined)
  })

  it('a markdown command link as the assignee stays inert text, unassigned', () => {
    const o = parseOutcome('/todo @[x](command:workbench.action.terminal.sendSequence?%7B%7D) do it', people)
    assert.equal(o?.assignee, undefined)
    assert.equal(o?.text, '@[x](command:workbench.action.terminal.sendSequence?%7B%7D) do it')
  })

  it('10,000 @s are parsed quickly and assign nobody', () => {
    const t = Date.now()
    const o = parseOutcome('/todo ' + '@'.repeat(10_000), people)
    assert.ok(Date.now() - t < 100)
    assert.equal(o?.assignee, undefined)
    assert.ok(o!.text.length <= MAX_OUTCOME_TEXT_CHARS)
    const spaced = parseOutcome('/todo ' + '@ '.repeat(10_000), people)
    assert.equal(spaced?.assignee, undefined)
  })

  it('a name hiding bidi or zero-width characters does not resolve; the text drops them', () => {
    assert.equal(parseOutcome('/todo @b\u202eob x', people)?.assignee, undefined)
    assert.equal(parseOutcome('/todo @bob\u200b x', people)?.assignee, undefined)
    assert.equal(parseOutcome('/todo @\u2066bob\u2069 x', people)?.assignee, undefined)
    assert.equal(parseOutcome('/decision ab\u202ecd\nnext line', people)?.text, 'abcd next line')
  })

  it('a huge body is cut to a bounded text', () => {
    const o = parseOutcome('/decision ' + 'x'.repeat(16_000), people)
    assert.equal(o?.text.length, MAX_OUTCOME_TEXT_CHARS)
  })
})

describe('outcomes of a conference', () => {
  it('keeps the order of the messages, skips code and ordinary text', () => {
    const list = outcomesOf([msg('/todo @bob a', 1), msg('hello', 2), msg('/todo @bob code', 3, 'code'), msg('/decision b', 4)], people)
    assert.deepEqual(list.map(o => [o.kind, o.text, o.seq]), [['todo', 'a', 1], ['decision', 'b', 4]])
  })

  it('shows at most the newest N', () => {
    const many = Array.from({ length: MAX_OUTCOMES_SHOWN + 50 }, (_, i) => msg(`/decision ${i + 1}`, i + 1))
    const list = outcomesOf(many, people)
    assert.equal(list.length, MAX_OUTCOMES_SHOWN)
    assert.equal(list[0].text, '51')
    assert.equal(list.at(-1)?.text, String(MAX_OUTCOMES_SHOWN + 50))
  })

  it("follows its author's edits and deletes; nobody else's", () => {
    const target = { author: ALICE, seq: 1 }
    const records = [
      msg('/todo @bob first', 1), msg('/todo @bob second', 2), msg('/decision third', 3),
      msg('/todo @alice first, reworded', 4, 'edit', { target }),
      msg('', 5, 'delete', { target: { author: ALICE, seq: 2 } }),
      msg('not a decision any more', 6, 'edit', { target: { author: ALICE, seq: 3 } }),
      msg('', 7, 'delete', { author: BOB, target }),
      msg('/todo hijacked', 8, 'edit', { author: BOB, target })
    ]
    assert.deepEqual(outcomesOf(records, people).map(o => [o.text, o.assignee]), [['first, reworded', ALICE]])
  })

  it('knows which records an index keeps', () => {
    const held = new Set([`${ALICE}#1`])
    assert.equal(mattersForOutcomes(msg('/todo x', 1), k => held.has(k)), true)
    assert.equal(mattersForOutcomes(msg('hello', 2), k => held.has(k)), false)
    assert.equal(mattersForOutcomes(msg('', 3, 'delete', { target: { author: ALICE, seq: 1 } }), k => held.has(k)), true)
    assert.equal(mattersForOutcomes(msg('', 4, 'delete', { target: { author: ALICE, seq: 2 } }), k => held.has(k)), false)
    assert.equal(mattersForOutcomes(msg('', 5, 'reaction', { target: { author: ALICE, seq: 1 }, emoji: '👍', on: true }), k => held.has(k)), false)
  })

  it('my action items are the todos assigned to me', () => {
    const list = outcomesOf([msg('/todo @bob a', 1), msg('/todo @alice b', 2), msg('/decision @bob c', 3)], people)
    assert.deepEqual(actionItemsFor(list, BOB).map(o => o.text), ['a'])
  })

  it('assignees come from participants only, named as the context names them', () => {
    const ctx = { organizer: { peerId: ALICE, displayName: 'Alice' }, invitees: [{ peerId: BOB, displayName: 'Bob' }, { peerId: 'x', displayName: 'Declined' }] }
    assert.deepEqual(outcomeParticipants(ctx, [ALICE, BOB]).map(p => p.name), ['Alice', 'Bob'])
  })
})

describe('outcomes in the transcript', () => {
  it('lists decisions and action items as escaped lines before the messages', async () => {
    const { transcriptMarkdown } = await import('../../src/shared/transcript')
    const ctx = {
      id: 'q1w2e3r4t5y6u7i8o9p0aA', title: 'Sync', agenda: '', start: 0, timeZone: 'UTC', durationMinutes: 30,
      organizer: { peerId: ALICE, displayName: 'Alice', addrs: [] },
      invitees: [{ peerId: BOB, displayName: 'Bob', addrs: [], rsvp: 'accepted' }],
      sequence: 1, status: 'scheduled', createdAt: 0, updatedAt: 0
    } as any
    const messages = [msg('/todo @bob fix [x](command:evil) <b>', 1), msg('/decision ship', 2), msg('hello', 3)] as any
    const md = transcriptMarkdown(ctx, messages, { now: 0, timeZone: 'UTC' })
    const section = md.slice(md.indexOf('## Outcomes'), md.indexOf('## Messages'))
    assert.match(section, /- Action item for Bob: fix \\\[x\\\]\\\(command:evil\\\) &lt;b\\> \(Alice\)/)
    assert.match(section, /- Decision: ship \(Alice\)/)
    assert.equal(transcriptMarkdown(ctx, [msg('hi', 1)] as any, { now: 0, timeZone: 'UTC' }).includes('## Outcomes'), false)
  })
})

describe('outcomes in the transcript, edited and deleted', () => {
  it('shows the final text of an edited outcome and none of a deleted one', async () => {
    const { transcriptMarkdown } = await import('../../src/shared/transcript')
    const ctx = {
      id: 'q1w2e3r4t5y6u7i8o9p0aA', title: 'Sync', agenda: '', start: 0, timeZone: 'UTC', durationMinutes: 30,
      organizer: { peerId: ALICE, displayName: 'Alice', addrs: [] }, invitees: [], sequence: 1, status: 'scheduled', createdAt: 0, updatedAt: 0
    } as any
    const md = transcriptMarkdown(ctx, [
      msg('/decision old', 1), msg('/decision new', 2, 'edit', { target: { author: ALICE, seq: 1 } }),
      msg('/decision gone', 3), msg('', 4, 'delete', { target: { author: ALICE, seq: 3 } })
    ], { now: 0, timeZone: 'UTC' })
    const section = md.slice(md.indexOf('## Outcomes'), md.indexOf('## Messages'))
    assert.match(section, /- Decision: new \(Alice\)/)
    assert.doesNotMatch(section, /old|gone/)
  })
})
