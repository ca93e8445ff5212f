import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { chatPayloadSchema, isPlainTextPayload } from '../../src/core/chat/message'
import { MAX_CHAT_BODY_BYTES } from '../../src/core/api'

// isPlainTextPayload spares zod's cost on the common message; it may never accept what the
// schema (the definition) refuses. Every variant below is put to both.

const author = '12D3KooWGzZ4Zxo2J7q9gSqvLj4VgrwRvp6E3j3vA1rY2mX8wQbC'
const valid = {
  conferenceId: 'AbCdEfGhIjKlMnOpQrStUv',
  author,
  seq: 2,
  lamport: 7,
  sentAt: 1_800_000_000_000,
  kind: 'text',
  body: 'hello',
  prev: 'A'.repeat(43)
}

const hostileValues: unknown[] = [
  undefined, null, true, false, 0, -0, -1, 1, 1.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e308, Number.NaN, Number.POSITIVE_INFINITY,
  '', ' ', '1', 'text', 'code', 'reaction', 'A'.repeat(42), 'A'.repeat(43), 'A'.repeat(44), 'A'.repeat(42) + '=', 'A'.repeat(42) + '+',
  'x'.repeat(21), 'x'.repeat(22), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(39), 'x'.repeat(40), 'ä'.repeat(30), 'a b'.repeat(10),
  'x'.repeat(MAX_CHAT_BODY_BYTES), 'x'.repeat(MAX_CHAT_BODY_BYTES + 1), 'é'.repeat(MAX_CHAT_BODY_BYTES / 2), 'é'.repeat(MAX_CHAT_BODY_BYTES / 2 + 1),
  '€'.repeat(Math.floor(MAX_CHAT_BODY_BYTES / 3)), '€'.repeat(Math.floor(MAX_CHAT_BODY_BYTES / 3) + 1), '\ud800'.repeat(6000),
  '😀'.repeat(MAX_CHAT_BODY_BYTES / 4), '😀'.repeat(MAX_CHAT_BODY_BYTES / 4 + 1), 'AbCdEfGhIjKlMnOpQrStUv\n',
  Date.UTC(2100, 0, 1), Date.UTC(2100, 0, 1) + 1, [], ['text'], {}, { toString: 'x' }, Object.create(null), new String('text'), 7n
]

const extraKeys = ['code', 'target', 'emoji', 'on', 'replyTo', 'mentions', 'x', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']

function variants (): unknown[] {
  const out: unknown[] = [valid, { ...valid, prev: undefined }, (({ prev, ...rest }) => ({ ...rest }))(valid), { ...valid, seq: 1 }, (({ prev, ...rest }) => ({ ...rest, seq: 1 }))(valid)]
  for (const key of Object.keys(valid)) {
    const { [key]: _, ...without } = valid as Record<string, unknown>
    out.push(without)
    for (const value of hostileValues) {
      out.push({ ...valid, [key]: value })
      out.push({ ...without, seq: 1, [key]: value })
    }
  }
  for (const key of extraKeys) {
    for (const value of [undefined, null, 1, 'x', {}, [author], { author, seq: 1 }, { path: 'a', startLine: 1, endLine: 1, languageId: 'ts' }, '👍', true]) {
      out.push({ ...valid, [key]: value })
    }
    out.push(JSON.parse(JSON.stringify(valid).replace(/^\{/, `{"${key}":{"polluted":true},`)))
  }
  for (const kind of ['code', 'reaction', 'edit', 'delete']) out.push({ ...valid, kind }, { ...valid, kind, body: '' })
  out.push(null, undefined, 'string', 42, [valid], Object.assign(Object.create({ inherited: 1 }), valid), Object.assign(Object.create(null), valid))
  const withSymbol = { ...valid, [Symbol('s')]: 1 }
  out.push(withSymbol)
  return out
}

describe('the quick test of a plain text chat payload', () => {
  it('never accepts a payload the schema refuses, on hundreds of hostile variants', () => {
    let quick = 0
    let refusedBySchema = 0
    for (const v of variants()) {
      const schemaSays = chatPayloadSchema.safeParse(v).success
      if (!schemaSays) refusedBySchema++
      if (isPlainTextPayload(v)) {
        quick++
        assert.equal(schemaSays, true, `quickly accepted what the schema refuses: ${JSON.stringify(v)?.slice(0, 200)}`)
      }
    }
    assert.ok(refusedBySchema > 500, `the variants are hostile (${refusedBySchema} refused)`)
    assert.ok(quick > 20, `the quick test takes the common case (${quick} taken)`)
  })

  it('takes the messages this peer sends and receives every moment: text, with or without the link to the previous one', () => {
    assert.equal(isPlainTextPayload(valid), true)
    assert.equal(isPlainTextPayload({ ...valid, seq: 1, prev: undefined }), false, 'an explicit undefined is left to the schema')
    const { prev, ...first } = valid
    assert.equal(isPlainTextPayload({ ...first, seq: 1 }), true)
    assert.equal(isPlainTextPayload(JSON.parse(JSON.stringify(valid))), true)
  })

  it('refuses a first message that names a previous one, and a body over 16 KiB in UTF-8 though short in characters', () => {
    assert.equal(isPlainTextPayload({ ...valid, seq: 1 }), false)
    assert.equal(chatPayloadSchema.safeParse({ ...valid, seq: 1 }).success, false)
    const body = '€'.repeat(Math.floor(MAX_CHAT_BODY_BYTES / 3) + 1)
    assert.ok(body.length < MAX_CHAT_BODY_BYTES)
    assert.equal(isPlainTextPayload({ ...valid, body }), false)
  })
})
