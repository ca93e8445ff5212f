import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { envelopeSchema, isEnvelope } from '../../src/core/wire/envelope'

// isEnvelope spares zod's cost on every envelope read; it may never accept what envelopeSchema
// (the definition) refuses, and must take the envelopes we send.

const valid = { k: 'devmeet/chat/1', s: '12D3KooWGzZ4Zxo2J7q9gSqvLj4VgrwRvp6E3j3vA1rY2mX8wQbC', p: '{"a":1}', g: 'x'.repeat(86) }
const hostile: unknown[] = [undefined, null, 0, 1, true, '', 'x', 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(256), 'x'.repeat(257),
  'x'.repeat(512 * 1024), 'x'.repeat(512 * 1024 + 1), [], ['x'], {}, Object.create(null), new String('x')]

function variants (): unknown[] {
  const out: unknown[] = [valid]
  for (const key of Object.keys(valid)) {
    const { [key]: _, ...without } = valid as Record<string, unknown>
    out.push(without)
    for (const value of hostile) out.push({ ...valid, [key]: value })
  }
  for (const key of ['x', '__proto__', 'constructor', 'toString', 'K', 'signer']) {
    out.push({ ...valid, [key]: 'x' }, { ...valid, [key]: undefined })
    out.push(JSON.parse(JSON.stringify(valid).replace(/^\{/, `{"${key}":{"polluted":true},`)))
  }
  out.push(...hostile, [valid], Object.assign(Object.create({ inherited: 1 }), valid), Object.assign(Object.create(null), valid))
  return out
}

describe('the quick test of an envelope', () => {
  it('never accepts what the schema refuses, and takes what it takes from JSON', () => {
    let refused = 0
    for (const v of variants()) {
      const schemaSays = envelopeSchema.safeParse(v).success
      if (!schemaSays) refused++
      if (isEnvelope(v)) assert.equal(schemaSays, true, `quickly accepted what the schema refuses: ${JSON.stringify(v)?.slice(0, 200)}`)
    }
    assert.ok(refused > 60, `the variants are hostile (${refused} refused)`)
    assert.equal(isEnvelope(valid), true)
    assert.equal(isEnvelope(JSON.parse(JSON.stringify(valid))), true)
  })
})
