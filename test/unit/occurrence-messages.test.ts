import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ChatMessage, Occurrence } from '../../src/core/api'
import { messagesOfOccurrence } from '../../src/shared/occurrence-messages'
import { occurrenceAtTime } from '../../src/core/conference/recurrence'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const FIRST = Date.parse('2027-03-01T08:00:00Z')
const A = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'

const occurrence = (start: number, minutes = 30): Occurrence => ({ occurrence: start, start, durationMinutes: minutes, status: 'scheduled', moved: false })

function message (seq: number, occ: number | undefined, over: Partial<ChatMessage> = {}): ChatMessage {
  return { conferenceId: 'c', author: A, authorName: 'Ann', seq, lamport: seq, sentAt: 0, kind: 'text', body: `m${seq}`, ...(occ != null ? { occurrence: occ } : {}), ...over }
}

describe('which occurrence a moment belongs to', () => {
  it('is the one in progress, else the next; before the first the first, after the last the last, and a moved one where it now is', () => {
    const list = [occurrence(FIRST), { ...occurrence(FIRST + DAY), start: FIRST + DAY + 2 * HOUR, moved: true }, occurrence(FIRST + 2 * DAY)]
    const at = (t: number): number | undefined => occurrenceAtTime(list, t)?.occurrence
    assert.equal(at(FIRST - 5 * DAY), FIRST)
    assert.equal(at(FIRST + 10 * 60_000), FIRST, 'in progress')
    assert.equal(at(FIRST + 30 * 60_000), FIRST + DAY, 'at its end, the next')
    assert.equal(at(FIRST + DAY + HOUR), FIRST + DAY, 'before the moved one starts, still its time')
    assert.equal(at(FIRST + DAY + 2 * HOUR + 29 * 60_000), FIRST + DAY, 'in the moved one')
    assert.equal(at(FIRST + 3 * DAY), FIRST + 2 * DAY, 'after the last, the last')
    assert.equal(occurrenceAtTime([], FIRST), undefined)
  })
})

describe('one occurrence\'s transcript', () => {
  it('holds its messages and the reactions, edits and deletes of them, whenever made', () => {
    const messages = [
      message(1, FIRST),
      message(2, FIRST + DAY),
      message(3, FIRST + DAY, { kind: 'reaction', body: '', emoji: '👍', on: true, target: { author: A, seq: 1 } }),
      message(4, FIRST + DAY, { kind: 'edit', body: 'fixed', target: { author: A, seq: 2 } }),
      message(5, FIRST, { kind: 'delete', body: '', target: { author: A, seq: 9 } }),
      message(6, undefined)
    ]
    assert.deepEqual(messagesOfOccurrence(messages, FIRST).map(m => m.seq), [1, 3])
    assert.deepEqual(messagesOfOccurrence(messages, FIRST + DAY).map(m => m.seq), [2, 4])
    assert.deepEqual(messagesOfOccurrence(messages, FIRST + 2 * DAY), [])
  })
})
