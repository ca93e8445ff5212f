import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { UnreadCounts, countsAsUnread, parseSnapshot, titleWithUnread, MAX_UNREAD_COUNTED } from '../../src/shared/unread'
import { findMatches, stepMatch, normalizeQuery, MAX_QUERY_CHARS } from '../../src/shared/search-match'

describe('unread counts', () => {
  it('counts messages from others while the panel is not seen, and not my own', () => {
    assert.equal(countsAsUnread({ author: 'bob', kind: 'text' }, 'me', false), true)
    assert.equal(countsAsUnread({ author: 'bob', kind: 'code' }, 'me', false), true)
    assert.equal(countsAsUnread({ author: 'me', kind: 'text' }, 'me', false), false)
    assert.equal(countsAsUnread({ author: 'bob', kind: 'text' }, 'me', true), false)
  })

  it('does not count reactions, edits or deletes', () => {
    for (const kind of ['reaction', 'edit', 'delete']) assert.equal(countsAsUnread({ author: 'bob', kind }, 'me', false), false)
  })

  it('keeps a count and the first unread per conference, until read', () => {
    const changed: string[] = []
    const u = new UnreadCounts(undefined, id => changed.push(id))
    u.message({ conferenceId: 'c1', author: 'bob', seq: 4, kind: 'text' }, 'me', false)
    u.message({ conferenceId: 'c1', author: 'ann', seq: 2, kind: 'text' }, 'me', false)
    u.message({ conferenceId: 'c1', author: 'me', seq: 9, kind: 'text' }, 'me', false)
    u.message({ conferenceId: 'c2', author: 'bob', seq: 5, kind: 'text' }, 'me', true)
    assert.equal(u.count('c1'), 2)
    assert.deepEqual(u.firstUnread('c1'), { author: 'bob', seq: 4 })
    assert.equal(u.count('c2'), 0)
    u.read('c1')
    assert.equal(u.count('c1'), 0)
    assert.deepEqual(changed, ['c1', 'c1', 'c1'])
  })

  it('survives a save and restore; damaged saved state is dropped and counts are clamped', () => {
    const u = new UnreadCounts()
    u.message({ conferenceId: 'c1', author: 'bob', seq: 1, kind: 'text' }, 'me', false)
    assert.equal(new UnreadCounts(JSON.parse(JSON.stringify(u.snapshot()))).count('c1'), 1)
    const parsed = parseSnapshot({ a: { count: 1e12 }, b: { count: -1 }, c: 'x', d: { count: 2, first: { author: 5, seq: 1 } } })
    assert.deepEqual(parsed, { a: { count: MAX_UNREAD_COUNTED }, d: { count: 2 } })
    assert.deepEqual(parseSnapshot([1, 2]), {})
  })

  it('titles the panel with the count', () => {
    assert.equal(titleWithUnread('Sync', 0), 'Sync')
    assert.equal(titleWithUnread('Sync', 3), '(3) Sync')
    assert.equal(titleWithUnread('Sync', 120), '(99+) Sync')
  })
})

describe('search matching', () => {
  it('finds every case-insensitive occurrence without overlaps', () => {
    assert.deepEqual(findMatches('Relay relay RELAY', 'relay'), [{ start: 0, end: 5 }, { start: 6, end: 11 }, { start: 12, end: 17 }])
    assert.deepEqual(findMatches('aaaa', 'aa'), [{ start: 0, end: 2 }, { start: 2, end: 4 }])
    assert.deepEqual(findMatches('anything', '   '), [])
  })

  it('treats the query as text, not a pattern', () => {
    assert.deepEqual(findMatches('a.b a+b', 'a+b'), [{ start: 4, end: 7 }])
    assert.deepEqual(findMatches('<b>x</b>', '<b>'), [{ start: 0, end: 3 }])
  })

  it('keeps offsets right when lowercasing changes the length', () => {
    const text = 'İstanbul relay'
    assert.deepEqual(findMatches(text, 'relay').map(r => text.slice(r.start, r.end)), ['relay'])
  })

  it('bounds the query and the hits', () => {
    assert.equal(normalizeQuery('x'.repeat(1000)).length, MAX_QUERY_CHARS)
    assert.equal(findMatches('a'.repeat(100_000), 'a', 50).length, 50)
  })

  it('steps to the next and previous hit, wrapping around', () => {
    assert.equal(stepMatch(-1, 3, 1), 0)
    assert.equal(stepMatch(-1, 3, -1), 2)
    assert.equal(stepMatch(2, 3, 1), 0)
    assert.equal(stepMatch(0, 3, -1), 2)
    assert.equal(stepMatch(0, 0, 1), -1)
  })
})
