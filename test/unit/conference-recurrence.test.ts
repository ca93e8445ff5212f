import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceContext, RecurrenceRule } from '../../src/core/api'
import { conferenceContextSchema } from '../../src/core/conference/model'
import { MAX_EXPANSION_STEPS, MAX_OCCURRENCES_LISTED, nextOccurrence, occurrences, withException } from '../../src/core/conference/recurrence'
import { checkRecurrence } from '../../src/core/conference/input-checks'
import { ConferenceInputError } from '../../src/core/errors'

const ORG = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ANN = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const DAY = 24 * 3_600_000

function series (start: string, recurrence: RecurrenceRule, over: Partial<ConferenceContext> = {}): ConferenceContext {
  return {
    id: 'q3X1eZ0bVnTq9u7sYk2mWg',
    nonce: 'n0nce-n0nce-n0nce-n0nce',
    title: 'Stand-up',
    agenda: '',
    start: Date.parse(start),
    timeZone: 'Europe/Berlin',
    durationMinutes: 15,
    organizer: { peerId: ORG, displayName: 'Olga', addrs: [] },
    invitees: [{ peerId: ANN, displayName: 'Ann', addrs: [], rsvp: 'pending' }],
    sequence: 1,
    status: 'scheduled',
    createdAt: Date.parse('2026-11-01T00:00:00Z'),
    updatedAt: Date.parse('2026-11-01T00:00:00Z'),
    recurrence,
    ...over
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16)
const startsOf = (ctx: ConferenceContext, from: string, to: string): string[] =>
  occurrences(ctx, Date.parse(from), Date.parse(to)).map(o => iso(o.start))
const rejects = (value: unknown): boolean => !conferenceContextSchema.safeParse(value).success

describe('recurring conferences: expansion', () => {
  it('keeps a 09:00 Berlin daily at 09:00 in Berlin when summer time begins (UTC moves an hour earlier)', () => {
    const daily = series('2027-03-26T08:00:00Z', { freq: 'daily', interval: 1 })
    assert.deepEqual(startsOf(daily, '2027-03-26T00:00:00Z', '2027-03-30T00:00:00Z'),
      ['2027-03-26T08:00', '2027-03-27T08:00', '2027-03-28T07:00', '2027-03-29T07:00'])
  })

  it('keeps it at 09:00 in Berlin when summer time ends (UTC moves an hour later)', () => {
    const daily = series('2027-10-29T07:00:00Z', { freq: 'daily', interval: 1 })
    assert.deepEqual(startsOf(daily, '2027-10-29T00:00:00Z', '2027-11-02T00:00:00Z'),
      ['2027-10-29T07:00', '2027-10-30T07:00', '2027-10-31T08:00', '2027-11-01T08:00'])
  })

  it('follows New York\'s change dates, not Europe\'s', () => {
    const weekly = series('2027-03-08T14:00:00Z', { freq: 'weekly', interval: 1 }, { timeZone: 'America/New_York' })
    // 09:00 EST is 14:00Z; after 14 March 2027 09:00 EDT is 13:00Z.
    assert.deepEqual(startsOf(weekly, '2027-03-01T00:00:00Z', '2027-03-23T00:00:00Z'), ['2027-03-08T14:00', '2027-03-15T13:00', '2027-03-22T13:00'])
  })

  it('reads a wall time that a forward change skips with the offset before it (02:30 becomes 03:30)', () => {
    const daily = series('2027-03-27T01:30:00Z', { freq: 'daily', interval: 1 })
    assert.deepEqual(startsOf(daily, '2027-03-27T00:00:00Z', '2027-03-29T12:00:00Z'), ['2027-03-27T01:30', '2027-03-28T01:30', '2027-03-29T00:30'])
  })

  it('skips months that have no 31st and counts from the end with -1', () => {
    const on31st = series('2027-01-31T08:00:00Z', { freq: 'monthly', interval: 1, byMonthDay: [31] })
    assert.deepEqual(startsOf(on31st, '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z').map(s => s.slice(0, 10)), ['2027-01-31', '2027-03-31', '2027-05-31'])
    const lastDay = series('2027-01-31T08:00:00Z', { freq: 'monthly', interval: 1, byMonthDay: [-1] })
    assert.deepEqual(startsOf(lastDay, '2027-01-01T00:00:00Z', '2027-05-01T00:00:00Z').map(s => s.slice(0, 10)), ['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30'])
  })

  it('finds the fifth Friday only in months that have one, and the second Tuesday in every month', () => {
    const fifthFriday = series('2027-01-29T09:00:00Z', { freq: 'monthly', interval: 1, byDay: ['FR'], bySetPos: [5] })
    assert.deepEqual(startsOf(fifthFriday, '2027-01-01T00:00:00Z', '2027-08-01T00:00:00Z').map(s => s.slice(0, 10)), ['2027-01-29', '2027-04-30', '2027-07-30'])
    const secondTuesday = series('2027-01-12T09:00:00Z', { freq: 'monthly', interval: 1, byDay: ['TU'], bySetPos: [2] })
    assert.deepEqual(startsOf(secondTuesday, '2027-01-01T00:00:00Z', '2027-04-01T00:00:00Z').map(s => s.slice(0, 10)), ['2027-01-12', '2027-02-09', '2027-03-09'])
  })

  it('repeats on working days only, every other week when asked', () => {
    const workdays = series('2027-01-04T08:00:00Z', { freq: 'weekly', interval: 2, byDay: ['MO', 'WE', 'FR'] })
    assert.deepEqual(startsOf(workdays, '2027-01-01T00:00:00Z', '2027-01-23T00:00:00Z').map(s => s.slice(0, 10)),
      ['2027-01-04', '2027-01-06', '2027-01-08', '2027-01-18', '2027-01-20', '2027-01-22'])
  })

  it('ends after count occurrences, or at until (inclusive)', () => {
    const counted = series('2027-01-04T08:00:00Z', { freq: 'daily', interval: 1, count: 3 })
    assert.equal(occurrences(counted, 0, Date.parse('2030-01-01')).length, 3)
    const untilThird = series('2027-01-04T08:00:00Z', { freq: 'daily', interval: 1, until: Date.parse('2027-01-06T08:00:00Z') })
    assert.deepEqual(startsOf(untilThird, '2027-01-01T00:00:00Z', '2030-01-01T00:00:00Z').map(s => s.slice(0, 10)), ['2027-01-04', '2027-01-05', '2027-01-06'])
  })

  it('lists cancelled occurrences with their status and moved ones at their new time', () => {
    const start = Date.parse('2027-01-04T08:00:00Z')
    const daily = series('2027-01-04T08:00:00Z', { freq: 'daily', interval: 1, count: 4 }, {
      exceptions: [
        { occurrence: start + DAY, cancelled: true },
        { occurrence: start + 2 * DAY, start: start + 3 * DAY + 3_600_000, durationMinutes: 45 }
      ]
    })
    const listed = occurrences(daily, 0, Date.parse('2030-01-01'))
    assert.deepEqual(listed.map(o => [iso(o.start), o.status, o.moved, o.durationMinutes]), [
      ['2027-01-04T08:00', 'scheduled', false, 15],
      ['2027-01-05T08:00', 'cancelled', false, 15],
      ['2027-01-07T08:00', 'scheduled', false, 15],
      ['2027-01-07T09:00', 'scheduled', true, 45]
    ])
    assert.equal(listed[3].occurrence, start + 2 * DAY, 'a moved occurrence keeps its RECURRENCE-ID')
    assert.equal(nextOccurrence(daily, start + 20 * 60_000)?.start, start + 2 * DAY + DAY, 'the cancelled and moved-away occurrences are skipped')
  })

  it('lists the same occurrences for a late window as the full expansion does (steps before it are skipped as wall times)', () => {
    const weekly = series('2027-01-04T08:00:00Z', { freq: 'weekly', interval: 1, byDay: ['MO', 'TH'], count: 300 })
    const all = occurrences(weekly, 0, Date.parse('2031-01-01'))
    const from = Date.parse('2028-03-20T00:00:00Z')
    const to = Date.parse('2028-11-10T00:00:00Z')
    assert.deepEqual(occurrences(weekly, from, to), all.filter(o => o.start < to && o.start + 15 * 60_000 > from))
    assert.equal(all.length, 300)
    assert.equal(nextOccurrence(weekly, from)?.start, all.find(o => o.start >= from)?.start)
  })

  it('gives a one-off conference exactly one occurrence', () => {
    const once = series('2027-01-04T08:00:00Z', { freq: 'daily', interval: 1 })
    delete once.recurrence
    assert.deepEqual(startsOf(once, '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z'), ['2027-01-04T08:00'])
    assert.equal(nextOccurrence(once, Date.parse('2027-01-05T00:00:00Z')), undefined)
  })

  it('bounds what a query costs whatever the rule or the caller asks', () => {
    const endless = series('2027-01-04T08:00:00Z', { freq: 'daily', interval: 1 })
    assert.equal(occurrences(endless, 0, Number.MAX_SAFE_INTEGER, 1e9).length, MAX_OCCURRENCES_LISTED)
    assert.equal(occurrences(endless, 0, Number.MAX_SAFE_INTEGER, Number.NaN).length, 0)
    const farAway = occurrences(endless, Date.parse('2099-01-01'), Date.parse('2099-02-01'))
    assert.equal(farAway.length, 0, `beyond ${MAX_EXPANSION_STEPS} steps the series is not expanded`)
    // A rule that never matches (the 31st of every February) ends instead of spinning.
    const never = series('2027-01-31T08:00:00Z', { freq: 'monthly', interval: 12, byMonthDay: [31] })
    const began = Date.now()
    occurrences(never, Date.parse('2028-01-01'), Date.parse('2040-01-01'))
    assert.ok(Date.now() - began < 2000)
  })
})

describe('recurring conferences: the schema refuses hostile rules', () => {
  const base = (rule: unknown, over: Record<string, unknown> = {}): unknown => ({ ...series('2027-01-04T08:00:00Z', { freq: 'daily', interval: 1 }), recurrence: rule, ...over })

  it('accepts a well-formed series with exceptions', () => {
    const start = Date.parse('2027-01-04T08:00:00Z')
    assert.equal(rejects(base({ freq: 'weekly', interval: 1, byDay: ['MO'], count: 10 }, { exceptions: [{ occurrence: start, cancelled: true }] })), false)
    assert.equal(rejects(base({ freq: 'monthly', interval: 1, byDay: ['TU'], bySetPos: [2], until: start + 300 * DAY })), false)
  })

  it('refuses interval 0, interval 53, count 10^9, until in year 9999 or over two years ahead', () => {
    assert.ok(rejects(base({ freq: 'daily', interval: 0 })))
    assert.ok(rejects(base({ freq: 'daily', interval: 53 })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, count: 1e9 })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, until: Date.UTC(9999, 0, 1) })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, until: Date.parse('2029-06-01T00:00:00Z') })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, until: Date.parse('2026-12-01T00:00:00Z') })), 'until before the start')
  })

  it('refuses unknown frequencies, extra keys, both count and until, and odd combinations', () => {
    assert.ok(rejects(base({ freq: 'secondly', interval: 1 })))
    assert.ok(rejects(base({ freq: 'yearly', interval: 1 })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, wkst: 'MO' })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, __proto__: { polluted: true }, constructor: 1 })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, count: 3, until: Date.parse('2027-02-01T00:00:00Z') })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1, byMonthDay: [1] })))
    assert.ok(rejects(base({ freq: 'weekly', interval: 1, byDay: ['MO'], bySetPos: [1] })))
    assert.ok(rejects(base({ freq: 'weekly', interval: 1, byDay: ['MO', 'MO'] })))
    assert.ok(rejects(base({ freq: 'weekly', interval: 1, byDay: ['XX'] })))
    assert.ok(rejects(base({ freq: 'monthly', interval: 1, byMonthDay: [0] })))
    assert.ok(rejects(base({ freq: 'monthly', interval: 1, byMonthDay: [32] })))
    assert.ok(rejects(base({ freq: 'monthly', interval: 1, byDay: ['TU'], bySetPos: [6] })))
    assert.ok(rejects(base({ freq: 'monthly', interval: 1, byMonthDay: Array.from({ length: 40 }, (_, i) => (i % 31) + 1) })))
    assert.ok(rejects(base({ freq: 'daily', interval: 1 }, { timeZone: 'Mars/Olympus_Mons' })), 'a series needs a zone the platform knows')
  })

  it('refuses exceptions without a series, twice for one occurrence, half-made, moved too far, or too many', () => {
    const start = Date.parse('2027-01-04T08:00:00Z')
    const rule = { freq: 'daily', interval: 1 }
    assert.ok(rejects(base(undefined, { exceptions: [{ occurrence: start, cancelled: true }] })))
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start, cancelled: true }, { occurrence: start, start: start + 60_000 }] })))
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start }] })))
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start, cancelled: true, start: start + 60_000 }] })))
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start, start: start + 60 * DAY }] })))
    assert.ok(rejects(base(rule, { exceptions: Array.from({ length: 101 }, (_, i) => ({ occurrence: start + i * DAY, cancelled: true })) })))
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start, cancelled: true, range: 'thisAndFuture' }] })), 'this and following is ended by until, not cancelled')
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start, start: start + 60 * DAY, range: 'thisAndFuture' }] })), 'this and following moved too far')
    assert.ok(rejects(base(rule, { exceptions: [{ occurrence: start, start: start + 60_000, range: 'everything' }] })))
  })
})

describe('recurring conferences: "this and following"', () => {
  it('replaces the "this and following" changes after it and the exception of its own occurrence; single exceptions after it stay', () => {
    const at = (d: number): number => Date.parse('2027-03-01T08:00:00Z') + d * DAY
    const before = [
      { occurrence: at(1), cancelled: true as const },
      { occurrence: at(3), start: at(3) + 3_600_000 },
      { occurrence: at(5), start: at(5) + 7_200_000, range: 'thisAndFuture' as const },
      { occurrence: at(6), cancelled: true as const },
      { occurrence: at(8), start: at(8) - 3_600_000, range: 'thisAndFuture' as const }
    ]
    const following = { occurrence: at(3), start: at(3) + 1_800_000, durationMinutes: 45, range: 'thisAndFuture' as const }
    assert.deepEqual(withException(before, following).map(e => e.occurrence), [at(1), at(3), at(6)])
    assert.deepEqual(withException(before, following)[1], following)
    // A single change does not touch the "this and following" ones.
    assert.deepEqual(withException(before, { occurrence: at(4), cancelled: true }).map(e => e.occurrence), [at(1), at(3), at(4), at(5), at(6), at(8)])
    // A later "this and following" change keeps the earlier ones: they still hold before it.
    assert.deepEqual(withException(before, { ...following, occurrence: at(9), start: at(9) }).map(e => e.occurrence), [at(1), at(3), at(5), at(6), at(8), at(9)])
  })

  it('moves that occurrence and every later one by the same wall-clock shift; a single exception after it still wins, and the next occurrence follows', () => {
    const rule: RecurrenceRule = { freq: 'daily', interval: 1, count: 12 }
    // From Friday 26 March (09:00 CET) on, the stand-up is at 10:00 for 30 minutes, also after summer time begins on the 28th.
    const ctx = series('2027-03-22T08:00:00Z', rule, {
      exceptions: [
        { occurrence: Date.parse('2027-03-26T08:00:00Z'), start: Date.parse('2027-03-26T09:00:00Z'), durationMinutes: 30, range: 'thisAndFuture' },
        { occurrence: Date.parse('2027-03-30T07:00:00Z'), cancelled: true },
        { occurrence: Date.parse('2027-03-31T07:00:00Z'), start: Date.parse('2027-03-31T12:00:00Z') }
      ]
    })
    const listed = occurrences(ctx, Date.parse('2027-03-22T00:00:00Z'), Date.parse('2027-04-10T00:00:00Z'))
    assert.deepEqual(listed.map(o => `${iso(o.start)} ${o.durationMinutes} ${o.status}`), [
      '2027-03-22T08:00 15 scheduled', '2027-03-23T08:00 15 scheduled', '2027-03-24T08:00 15 scheduled', '2027-03-25T08:00 15 scheduled',
      '2027-03-26T09:00 30 scheduled', '2027-03-27T09:00 30 scheduled', '2027-03-28T08:00 30 scheduled', '2027-03-29T08:00 30 scheduled',
      '2027-03-30T07:00 15 cancelled', '2027-03-31T12:00 15 scheduled', '2027-04-01T08:00 30 scheduled', '2027-04-02T08:00 30 scheduled'
    ])
    assert.ok(listed.slice(4).every(o => o.moved || o.status === 'cancelled'))
    assert.equal(iso(nextOccurrence(ctx, Date.parse('2027-03-29T08:10:00Z'))!.start), '2027-03-29T08:00', 'the one in progress (at its moved time)')
    assert.equal(iso(nextOccurrence(ctx, Date.parse('2027-03-29T08:31:00Z'))!.start), '2027-03-31T12:00')
  })
})

describe('recurring conferences: the organizer\'s input', () => {
  const start = Date.parse('2027-01-04T08:00:00Z') // a Monday, 09:00 in Berlin

  it('takes a rule whose first occurrence is the start', () => {
    assert.deepEqual(checkRecurrence({ freq: 'weekly', interval: 1, byDay: ['MO', 'TH'] }, start, 'Europe/Berlin'), { freq: 'weekly', interval: 1, byDay: ['MO', 'TH'] })
  })

  it('refuses a start on a day the series does not repeat on, an unknown zone and a malformed rule', () => {
    assert.throws(() => checkRecurrence({ freq: 'weekly', interval: 1, byDay: ['TU'] }, start, 'Europe/Berlin'), ConferenceInputError)
    assert.throws(() => checkRecurrence({ freq: 'daily', interval: 1 }, start, 'Nowhere/Else'), ConferenceInputError)
    assert.throws(() => checkRecurrence({ freq: 'daily', interval: -1 }, start, 'Europe/Berlin'), ConferenceInputError)
    assert.throws(() => checkRecurrence({ freq: 'daily', interval: 1, until: start + 800 * DAY }, start, 'Europe/Berlin'), ConferenceInputError)
  })
})
