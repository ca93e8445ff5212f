import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { recurrenceFromArg } from '../../src/vscode/conferences/recurrence-arg'
import { createInputFromArgs } from '../../src/vscode/conferences/create-conference-args'
import { createQuestion } from '../../src/vscode/conferences/confirm-texts'
import { recurrenceSchema } from '../../src/core/conference/model'

const NOW = Date.parse('2027-01-11T08:00:00Z')

describe('Create Conference argument form: recurrence', () => {
  it('reads a rule the core accepts, with until as ISO 8601, and the confirm question says how it repeats', () => {
    const rule = recurrenceFromArg({ freq: 'weekly', byDay: ['MO', 'TH'], until: '2027-03-01T22:59:59Z' })
    assert.deepEqual(rule, { freq: 'weekly', interval: 1, byDay: ['MO', 'TH'], until: Date.parse('2027-03-01T22:59:59Z') })
    assert.ok(recurrenceSchema.safeParse(rule).success)
    const input = createInputFromArgs({ title: 'Planning', start: '2027-01-11T09:00:00Z', recurrence: { freq: 'monthly', byDay: ['MO'], bySetPos: [2], count: 6 } }, NOW)
    assert.deepEqual(input.recurrence, { freq: 'monthly', interval: 1, byDay: ['MO'], bySetPos: [2], count: 6 })
    assert.match(String(createQuestion(input, id => id, NOW).message), /^Create the series "Planning" \(Monthly on the second Mon, 6 times\), first on /)
    assert.equal(createInputFromArgs({ title: 'One-off', start: '2027-01-11T09:00:00Z' }, NOW).recurrence, undefined)
  })

  it('refuses hostile or meaningless rules with a reason, never echoing the argument\'s words', () => {
    const refused: Array<[unknown, RegExp]> = [
      ['FREQ=DAILY', /must be an object/],
      [[], /must be an object/],
      [{ freq: 'yearly' }, /freq must be/],
      [{ freq: 'hourly' }, /freq must be/],
      [{ freq: 'daily', interval: 0 }, /interval/],
      [{ freq: 'daily', interval: 1e9 }, /interval/],
      [{ freq: 'daily', interval: '2' }, /interval/],
      [{ freq: 'daily', count: 1e9 }, /count/],
      [{ freq: 'daily', count: 5, until: '2027-02-01' }, /not both/],
      [{ freq: 'daily', until: 'next year' }, /until/],
      [{ freq: 'daily', until: 'x'.repeat(10_000) }, /until/],
      [{ freq: 'weekly', byDay: ['MO', 'MO'] }, /twice/],
      [{ freq: 'weekly', byDay: ['XX'] }, /weekdays/],
      [{ freq: 'weekly', byDay: new Array(10_000).fill('MO') }, /weekdays/],
      [{ freq: 'weekly', byMonthDay: [1] }, /monthly/],
      [{ freq: 'monthly', byMonthDay: [0] }, /out of range/],
      [{ freq: 'monthly', byMonthDay: [40] }, /out of range/],
      [{ freq: 'monthly', bySetPos: [2] }, /with byDay/],
      [{ freq: 'monthly', byDay: ['MO'], byMonthDay: [1] }, /together/],
      [JSON.parse('{"freq":"daily","__proto__":{"polluted":1}}'), /unknown field/],
      [{ freq: 'daily', '[x](command:workbench.action.terminal.new)': 1 }, /unknown field/]
    ]
    for (const [arg, reason] of refused) {
      assert.throws(() => recurrenceFromArg(arg), (err: Error) => {
        assert.match(err.message, reason, JSON.stringify(arg)?.slice(0, 80))
        assert.doesNotMatch(err.message, /command:|polluted/)
        return true
      })
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.throws(() => createInputFromArgs({ title: 'x', start: '2027-01-11T09:00:00Z', recurrence: { freq: 'yearly' } }, NOW), /^Error: devmeet.createConference: recurrence.freq/)
  })
})
