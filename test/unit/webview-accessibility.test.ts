import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { announcementOf, nextIndex, EXCERPT_CHARS } from '../../src/webview/accessibility'

describe('the chat page for screen readers and keyboards', () => {
  it('announces the author and a short excerpt, as one visible line', () => {
    assert.equal(announcementOf({ authorName: 'Bob', body: 'Hello\nthere', kind: 'text' as any, code: undefined }), 'Bob: Hello there')
    const long = announcementOf({ authorName: 'Bob', body: 'x'.repeat(500), kind: 'text' as any, code: undefined })
    assert.equal(Array.from(long.slice('Bob: '.length)).length, EXCERPT_CHARS)
    assert.ok(long.endsWith('…'))
  })

  it('strips what would reorder or hide the announced text, and says what shared code is', () => {
    assert.equal(announcementOf({ authorName: 'Ev\u202eil', body: 'a\u200bb', kind: 'text' as any, code: undefined }), 'Evil: ab')
    assert.equal(announcementOf({ authorName: 'Bob', body: 'code', kind: 'code' as any, code: { path: 'src/api.ts', startLine: 1, endLine: 3 } as any }), 'Bob shared code src/api.ts:1-3')
  })

  it('moves through the messages with the arrows, Home and End, and stops at the ends', () => {
    assert.equal(nextIndex('ArrowDown', 2, 5), 3)
    assert.equal(nextIndex('ArrowDown', 4, 5), 4)
    assert.equal(nextIndex('ArrowUp', 0, 5), 0)
    assert.equal(nextIndex('Home', 3, 5), 0)
    assert.equal(nextIndex('End', 0, 5), 4)
    assert.equal(nextIndex('PageUp', 12, 20), 2)
    assert.equal(nextIndex('a', 1, 5), undefined)
    assert.equal(nextIndex('End', -1, 0), undefined)
  })
})
