import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { compareMessages } from '../../src/core/chat/message'
import { planSync, contiguousHigh } from '../../src/core/chat/sync'

describe('chat order', () => {
  it('orders by Lamport time, then author, then sequence, whatever the arrival order', () => {
    const msgs = [
      { lamport: 2, author: 'B', seq: 1 },
      { lamport: 1, author: 'B', seq: 1 },
      { lamport: 2, author: 'A', seq: 2 },
      { lamport: 3, author: 'A', seq: 3 },
      { lamport: 2, author: 'A', seq: 1 }
    ]
    const expected = ['1B1', '2A1', '2A2', '2B1', '3A3']
    for (let i = 0; i < 20; i++) {
      const shuffled = [...msgs].sort(() => Math.random() - 0.5)
      assert.deepEqual(shuffled.sort(compareMessages).map(m => `${m.lamport}${m.author}${m.seq}`), expected)
    }
  })

  it('puts a reply after the message it answers even when the replier\'s clock is behind', () => {
    // Lamport on send is max seen + 1: B saw A's lamport 7, so B's reply carries 8 whatever B's wall clock says.
    const question = { lamport: 7, author: 'Z', seq: 1, sentAt: 2000 }
    const reply = { lamport: Math.max(7, 0) + 1, author: 'A', seq: 1, sentAt: 1000 }
    assert.ok(compareMessages(question, reply) < 0)
  })
})

describe('sync planning', () => {
  it('sends what the other side lacks above its contiguous mark, oldest first per author', () => {
    const held = new Map([['A', new Set([1, 2, 3, 4])], ['B', new Set([1, 2])], ['C', new Set([1])]])
    assert.deepEqual(planSync(held, { A: 2, B: 2 }), [
      { author: 'A', seq: 3 }, { author: 'A', seq: 4 },
      { author: 'C', seq: 1 }
    ])
  })

  it('sends nothing to a side that holds everything, and everything to an empty one', () => {
    const held = new Map([['A', new Set([2, 1])]])
    assert.deepEqual(planSync(held, { A: 2, Z: 9 }), [])
    assert.deepEqual(planSync(held, {}), [{ author: 'A', seq: 1 }, { author: 'A', seq: 2 }])
  })

  it('fills the other side\'s gap: its mark stops below the hole, so the hole and what we hold above are sent', () => {
    // They hold A 1,2,4 (mark 2); we hold 1..5.
    const held = new Map([['A', new Set([1, 2, 3, 4, 5])]])
    assert.deepEqual(planSync(held, { A: contiguousHigh(new Set([1, 2, 4])) }).map(x => x.seq), [3, 4, 5])
  })

  it('counts the contiguous mark from 1 and stops at the first hole', () => {
    assert.equal(contiguousHigh(new Set()), 0)
    assert.equal(contiguousHigh(new Set([2, 3])), 0)
    assert.equal(contiguousHigh(new Set([1, 2, 3, 5])), 3)
    assert.equal(contiguousHigh(new Set([1, 2, 3, 4, 5]), 3), 5)
  })
})
