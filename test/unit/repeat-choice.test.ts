import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as ui from '../../src/vscode/conferences/repeat-choice'
import { ruleOf, startPlace, endOfDay, parseCount, parseWeeks, type RepeatChoice } from '../../src/vscode/conferences/repeat-choice'
import { seriesSummary } from '../../src/vscode/conferences/series-summary'
import { recurrenceSchema } from '../../src/core/conference/model'
import * as core from '../../src/core/conference/recurrence'
import { ruleStarts } from '../../src/core/conference/recurrence'
import type { RecurrenceRule } from '../../src/core/api'
import { formatInputTime } from '../../src/shared/time'

const BERLIN = 'Europe/Berlin'
// Tuesday 2027-01-12, 09:00 in Berlin: the second Tuesday of January.
const TUE_0900 = Date.parse('2027-01-12T08:00:00Z')
const DAY = 24 * 3_600_000

function rule (choice: RepeatChoice, start = TUE_0900, zone = BERLIN): RecurrenceRule | undefined {
  const r = ruleOf(choice, start, zone)
  assert.ok(r.ok, r.ok ? '' : r.reason)
  return r.rule
}

/** The first n starts the core's expansion (ical.js) gives for the rule, as Berlin wall times. */
function firstStarts (r: RecurrenceRule, n: number, start = TUE_0900, zone = BERLIN): string[] {
  const out: string[] = []
  for (const s of ruleStarts(start, zone, r, start + 800 * DAY)) {
    out.push(formatInputTime(s, zone))
    if (out.length === n) break
  }
  return out
}

describe('Repeats step: a choice becomes the core rule', () => {
  it('checks the core\'s bounds (kept apart so the extension bundle does not load ical.js)', () => {
    assert.equal(ui.MAX_RECURRENCE_INTERVAL, core.MAX_RECURRENCE_INTERVAL)
    assert.equal(ui.MAX_RECURRENCE_COUNT, core.MAX_RECURRENCE_COUNT)
    assert.equal(ui.MAX_SERIES_SPAN_MS, core.MAX_SERIES_SPAN_MS)
  })

  it('reads where the start falls in its zone, not in UTC', () => {
    assert.deepEqual(startPlace(TUE_0900, BERLIN), { weekday: 'TU', dayOfMonth: 12, nth: 2, isLast: false })
    // 00:30 Wednesday in Berlin is still Tuesday in UTC
    assert.equal(startPlace(Date.parse('2027-01-12T23:30:00Z'), BERLIN).weekday, 'WE')
    assert.deepEqual(startPlace(Date.parse('2027-01-26T08:00:00Z'), BERLIN), { weekday: 'TU', dayOfMonth: 26, nth: 4, isLast: true })
  })

  it('never gives no rule; every other choice gives a rule the core schema accepts and whose first start is the start', () => {
    assert.deepEqual(ruleOf({ kind: 'never' }, TUE_0900, BERLIN), { ok: true })
    const choices: RepeatChoice[] = [
      { kind: 'daily' },
      { kind: 'weekdays', end: { kind: 'after', count: 10 } },
      { kind: 'weekly', days: ['TH', 'TU'], end: { kind: 'onDate', date: '2027-03-01' } },
      { kind: 'weekly', interval: 2 },
      { kind: 'monthlyOnDay' },
      { kind: 'monthlyOnWeekday', end: { kind: 'after', count: 12 } }
    ]
    for (const choice of choices) {
      const r = rule(choice)!
      assert.ok(recurrenceSchema.safeParse(r).success, JSON.stringify(r))
      assert.equal(firstStarts(r, 1)[0], '2027-01-12 09:00', JSON.stringify(choice))
    }
  })

  it('maps each choice onto the RRULE a calendar would write', () => {
    assert.deepEqual(rule({ kind: 'daily' }), { freq: 'daily', interval: 1 })
    assert.deepEqual(rule({ kind: 'weekdays' }), { freq: 'weekly', interval: 1, byDay: ['MO', 'TU', 'WE', 'TH', 'FR'] })
    assert.deepEqual(rule({ kind: 'weekly', days: ['TH', 'TU'] }), { freq: 'weekly', interval: 1, byDay: ['TU', 'TH'] })
    assert.deepEqual(rule({ kind: 'weekly' }), { freq: 'weekly', interval: 1, byDay: ['TU'] })
    assert.deepEqual(rule({ kind: 'weekly', interval: 3 }), { freq: 'weekly', interval: 3, byDay: ['TU'] })
    assert.deepEqual(rule({ kind: 'monthlyOnDay' }), { freq: 'monthly', interval: 1, byMonthDay: [12] })
    assert.deepEqual(rule({ kind: 'monthlyOnWeekday' }), { freq: 'monthly', interval: 1, byDay: ['TU'], bySetPos: [2] })
    assert.deepEqual(rule({ kind: 'daily', end: { kind: 'after', count: 5 } }), { freq: 'daily', interval: 1, count: 5 })
  })

  it('expands as a person expects: weekly on Tue and Thu at 09:00 Berlin across the March DST change, the second Tuesday each month', () => {
    const weekly = rule({ kind: 'weekly', days: ['TU', 'TH'], end: { kind: 'onDate', date: '2027-04-01' } })!
    const starts = firstStarts(weekly, 100)
    assert.equal(starts[0], '2027-01-12 09:00')
    assert.equal(starts[1], '2027-01-14 09:00')
    assert.equal(starts.at(-1), '2027-04-01 09:00', 'until is the end of the last day, in the organizer\'s zone')
    assert.ok(starts.every(s => s.endsWith(' 09:00')), 'stays at 09:00 in Berlin after 2027-03-28')
    assert.deepEqual(firstStarts(rule({ kind: 'monthlyOnWeekday' })!, 3), ['2027-01-12 09:00', '2027-02-09 09:00', '2027-03-09 09:00'])
  })

  it('a fifth weekday repeats as the last one (not every month has a fifth)', () => {
    const fifthFriday = Date.parse('2027-01-29T08:00:00Z')
    const r = rule({ kind: 'monthlyOnWeekday' }, fifthFriday)!
    assert.deepEqual(r.bySetPos, [-1])
    assert.deepEqual(firstStarts(r, 3, fifthFriday), ['2027-01-29 09:00', '2027-02-26 09:00', '2027-03-26 09:00'])
  })

  it('refuses choices the core would refuse, saying why', () => {
    const saturday = Date.parse('2027-01-16T08:00:00Z')
    const refused: Array<[RepeatChoice, number, RegExp]> = [
      [{ kind: 'weekdays' }, saturday, /weekend/],
      [{ kind: 'weekly', days: ['MO', 'WE'] }, TUE_0900, /own day/],
      [{ kind: 'weekly', interval: 0 }, TUE_0900, /1 to 52/],
      [{ kind: 'weekly', interval: 53 }, TUE_0900, /1 to 52/],
      [{ kind: 'weekly', interval: 1.5 }, TUE_0900, /1 to 52/],
      [{ kind: 'daily', end: { kind: 'after', count: 0 } }, TUE_0900, /1 to 1000/],
      [{ kind: 'daily', end: { kind: 'after', count: 1001 } }, TUE_0900, /1 to 1000/],
      [{ kind: 'daily', end: { kind: 'onDate', date: '2027-01-11' } }, TUE_0900, /before/],
      [{ kind: 'daily', end: { kind: 'onDate', date: '2029-06-01' } }, TUE_0900, /two years/],
      [{ kind: 'daily', end: { kind: 'onDate', date: '2027-02-30' } }, TUE_0900, /YYYY-MM-DD/],
      [{ kind: 'daily', end: { kind: 'onDate', date: 'next friday' } }, TUE_0900, /YYYY-MM-DD/],
      [{ kind: 'bogus' as 'daily' }, TUE_0900, /Unknown/]
    ]
    for (const [choice, start, reason] of refused) {
      const r = ruleOf(choice, start, BERLIN)
      assert.equal(r.ok, false, JSON.stringify(choice))
      assert.match((r as { reason: string }).reason, reason)
    }
  })

  it('the last day ends at 23:59:59 in the zone, and the typed numbers are bounded', () => {
    assert.equal(endOfDay('2027-03-01', BERLIN), Date.parse('2027-03-01T22:59:59Z'))
    assert.equal(endOfDay('2027-07-01', BERLIN), Date.parse('2027-07-01T21:59:59Z'))
    assert.equal(endOfDay('27-03-01', BERLIN), undefined)
    assert.deepEqual(parseCount(' 10 '), { count: 10 })
    for (const bad of ['1', '1001', '-3', '1e3', '', '99999']) assert.ok(parseCount(bad).reason != null, bad)
    assert.deepEqual(parseWeeks('2'), { weeks: 2 })
    for (const bad of ['1', '53', 'two', '']) assert.ok(parseWeeks(bad).reason != null, bad)
  })
})

describe('series summary: one line for the steps, the confirm question and the tree', () => {
  const cases: Array<[RecurrenceRule, string]> = [
    [{ freq: 'weekly', interval: 1, byDay: ['TH', 'MO'], until: Date.parse('2027-03-01T22:59:59Z') }, 'Weekly on Mon, Thu until 2027-03-01'],
    [{ freq: 'daily', interval: 1 }, 'Daily'],
    [{ freq: 'daily', interval: 3, count: 10 }, 'Every 3 days, 10 times'],
    [{ freq: 'weekly', interval: 1, byDay: ['MO', 'TU', 'WE', 'TH', 'FR'], count: 20 }, 'Every weekday, 20 times'],
    [{ freq: 'weekly', interval: 2, byDay: ['TU'] }, 'Every 2 weeks on Tue'],
    [{ freq: 'monthly', interval: 1, byMonthDay: [15] }, 'Monthly on day 15'],
    [{ freq: 'monthly', interval: 1, byMonthDay: [-1] }, 'Monthly on the last day'],
    [{ freq: 'monthly', interval: 1, byDay: ['TU'], bySetPos: [2] }, 'Monthly on the second Tue'],
    [{ freq: 'monthly', interval: 2, byDay: ['FR'], bySetPos: [-1] }, 'Every 2 months on the last Fri']
  ]
  for (const [r, text] of cases) {
    it(`says "${text}"`, () => { assert.equal(seriesSummary(r, BERLIN), text) })
  }

  it('the same choice reads the same in the step and, from the rule, in the tree', () => {
    const r = rule({ kind: 'weekly', days: ['TU', 'TH'], end: { kind: 'onDate', date: '2027-03-01' } })!
    assert.equal(seriesSummary(r, BERLIN), 'Weekly on Tue, Thu until 2027-03-01')
  })
})
