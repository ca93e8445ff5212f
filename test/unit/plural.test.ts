// The plural form a count takes, by the CLDR rules built into Intl: the one helper both the
// extension and the chat page choose "one" or "other" texts with.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { pluralForm } from '../../src/shared/plural'

describe('plural forms', () => {
  it('follow the language: English 1 is singular, French 0 and 1, Japanese none', () => {
    assert.deepEqual([0, 1, 2].map(n => pluralForm(n, 'en')), ['other', 'one', 'other'])
    assert.deepEqual([0, 1, 2].map(n => pluralForm(n, 'fr')), ['one', 'one', 'other'])
    assert.deepEqual([0, 1, 2].map(n => pluralForm(n, 'ja')), ['other', 'other', 'other'])
  })

  it('give a language with more forms its "other" text for them (Russian 21 is "one", 22 "few")', () => {
    assert.equal(pluralForm(21, 'ru'), 'one')
    assert.equal(pluralForm(22, 'ru'), 'other')
    assert.equal(pluralForm(5, 'ru'), 'other')
  })

  it('fall back to the runtime\'s rules for a language tag Intl refuses, without throwing', () => {
    assert.doesNotThrow(() => pluralForm(1, 'not a tag!'))
    assert.equal(pluralForm(1, undefined), new Intl.PluralRules().select(1) === 'one' ? 'one' : 'other')
  })
})
