import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  parseStartTime, formatLocal, formatInputTime, formatRelative, formatInZone, parseDurationMinutes, formatDuration,
  wallTimeToInstant, type StartTimeResult
} from '../../src/core/time-parse'
import { setDisplayLocale } from '../../src/shared/time'

setDisplayLocale('en-US')

const NOW = new Date('2026-11-25T07:00:00Z')

function startOf (result: StartTimeResult): string {
  assert.ok(result.ok, `expected a time, got: ${result.ok ? '' : result.reason}`)
  return new Date(result.start).toISOString()
}

function reasonOf (result: StartTimeResult): string {
  assert.ok(!result.ok, `expected a rejection, got ${result.ok ? new Date(result.start).toISOString() : ''}`)
  return result.reason
}

describe('parseStartTime: the accepted forms', () => {
  it('reads relative times from now', () => {
    assert.equal(startOf(parseStartTime('in 15m', NOW, 'UTC')), '2026-11-25T07:15:00.000Z')
    assert.equal(startOf(parseStartTime('in 2h', NOW, 'UTC')), '2026-11-25T09:00:00.000Z')
    assert.equal(startOf(parseStartTime('in 1h30m', NOW, 'UTC')), '2026-11-25T08:30:00.000Z')
    assert.equal(startOf(parseStartTime('  in   90 minutes ', NOW, 'UTC')), '2026-11-25T08:30:00.000Z')
    assert.equal(startOf(parseStartTime('15m', NOW, 'UTC')), '2026-11-25T07:15:00.000Z')
    assert.equal(startOf(parseStartTime('+1h30m', NOW, 'UTC')), '2026-11-25T08:30:00.000Z')
  })

  it('reads a bare clock time as today, or tomorrow once it has passed', () => {
    assert.equal(startOf(parseStartTime('14:30', NOW, 'UTC')), '2026-11-25T14:30:00.000Z')
    assert.equal(startOf(parseStartTime('06:00', NOW, 'UTC')), '2026-11-26T06:00:00.000Z')
  })

  it('reads "tomorrow 9:00" and a calendar date with a time', () => {
    assert.equal(startOf(parseStartTime('tomorrow 9:00', NOW, 'UTC')), '2026-11-26T09:00:00.000Z')
    assert.equal(startOf(parseStartTime('2026-12-01 10:00', NOW, 'UTC')), '2026-12-01T10:00:00.000Z')
  })

  it('reads ISO 8601 with an offset or Z as that instant, whatever the zone', () => {
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      assert.equal(startOf(parseStartTime('2026-12-01T10:00:00+01:00', NOW, zone)), '2026-12-01T09:00:00.000Z')
      assert.equal(startOf(parseStartTime('2026-12-01T10:00:00Z', NOW, zone)), '2026-12-01T10:00:00.000Z')
    }
  })
})

describe('parseStartTime: zones other than the machine\'s', () => {
  // 03:00 UTC is 22:00 on the 24th in New York and 08:30 on the 25th in Kolkata.
  const now = new Date('2026-11-25T03:00:00Z')

  it('reads wall-clock times in America/New_York, with "today" being New York\'s date', () => {
    assert.equal(startOf(parseStartTime('2026-12-01 10:00', now, 'America/New_York')), '2026-12-01T15:00:00.000Z')
    assert.equal(startOf(parseStartTime('tomorrow 9:00', now, 'America/New_York')), '2026-11-25T14:00:00.000Z')
    assert.equal(startOf(parseStartTime('23:30', now, 'America/New_York')), '2026-11-25T04:30:00.000Z')
    assert.equal(startOf(parseStartTime('14:30', now, 'America/New_York')), '2026-11-25T19:30:00.000Z')
  })

  it('reads wall-clock times in Asia/Kolkata (a half-hour offset)', () => {
    assert.equal(startOf(parseStartTime('2026-12-01 10:00', now, 'Asia/Kolkata')), '2026-12-01T04:30:00.000Z')
    assert.equal(startOf(parseStartTime('tomorrow 9:00', now, 'Asia/Kolkata')), '2026-11-26T03:30:00.000Z')
    assert.equal(startOf(parseStartTime('14:30', now, 'Asia/Kolkata')), '2026-11-25T09:00:00.000Z')
    assert.equal(startOf(parseStartTime('06:00', now, 'Asia/Kolkata')), '2026-11-26T00:30:00.000Z')
  })

  it('keeps relative times absolute in any zone', () => {
    assert.equal(startOf(parseStartTime('in 2h', now, 'America/New_York')), '2026-11-25T05:00:00.000Z')
    assert.equal(startOf(parseStartTime('in 2h', now, 'Asia/Kolkata')), '2026-11-25T05:00:00.000Z')
  })
})

describe('parseStartTime: days when the clocks change', () => {
  it('reads "tomorrow 9:00" in summer time when the clocks go forward overnight (Europe/Berlin, 2026-03-29)', () => {
    const saturdayNoon = new Date('2026-03-28T12:00:00Z') // 13:00 CET
    assert.equal(startOf(parseStartTime('tomorrow 9:00', saturdayNoon, 'Europe/Berlin')), '2026-03-29T07:00:00.000Z')
  })

  it('moves a skipped time (02:30 on 2026-03-29 in Berlin) forward to 03:30 and says so', () => {
    const result = parseStartTime('2026-03-29 02:30', new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin')
    assert.equal(startOf(result), '2026-03-29T01:30:00.000Z')
    assert.ok(result.ok && /does not exist/.test(result.note ?? ''), 'explains the skipped time')
  })

  it('counts "in 2h" across the change as two real hours', () => {
    assert.equal(startOf(parseStartTime('in 2h', new Date('2026-03-29T00:30:00Z'), 'Europe/Berlin')), '2026-03-29T02:30:00.000Z')
  })

  it('reads "tomorrow 9:00" in winter time when the clocks go back overnight (Europe/Berlin, 2026-10-25)', () => {
    const saturdayNoon = new Date('2026-10-24T12:00:00Z') // 14:00 CEST
    assert.equal(startOf(parseStartTime('tomorrow 9:00', saturdayNoon, 'Europe/Berlin')), '2026-10-25T08:00:00.000Z')
    // 02:00 CEST on the change day: "14:30" is already in winter time.
    assert.equal(startOf(parseStartTime('14:30', new Date('2026-10-25T00:00:00Z'), 'Europe/Berlin')), '2026-10-25T13:30:00.000Z')
  })

  it('takes the first of a repeated time (02:30 on 2026-10-25 in Berlin) and says so', () => {
    const result = parseStartTime('2026-10-25 02:30', new Date('2026-10-24T12:00:00Z'), 'Europe/Berlin')
    assert.equal(startOf(result), '2026-10-25T00:30:00.000Z')
    assert.ok(result.ok && /occurs twice/.test(result.note ?? ''), 'explains the repeated time')
  })

  it('reads New York\'s change day (2026-11-01) in standard time', () => {
    const saturdayNoon = new Date('2026-10-31T16:00:00Z') // 12:00 EDT
    assert.equal(startOf(parseStartTime('tomorrow 9:00', saturdayNoon, 'America/New_York')), '2026-11-01T14:00:00.000Z')
  })

  it('converts wall times exactly around a change', () => {
    assert.deepEqual(wallTimeToInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 59 }, 'Europe/Berlin'), { start: Date.parse('2026-03-29T00:59:00Z'), kind: 'exact' })
    assert.deepEqual(wallTimeToInstant({ year: 2026, month: 3, day: 29, hour: 3, minute: 0 }, 'Europe/Berlin'), { start: Date.parse('2026-03-29T01:00:00Z'), kind: 'exact' })
  })
})

describe('parseStartTime: what it rejects, with a reason a person can act on', () => {
  it('rejects past times', () => {
    assert.match(reasonOf(parseStartTime('2026-11-25 06:00', NOW, 'UTC')), /that is in the past/i)
    assert.match(reasonOf(parseStartTime('2026-11-25T06:59:00Z', NOW, 'UTC')), /in the past \(Wed, Nov 25, 2026, 6:59 AM\)/)
    assert.match(reasonOf(parseStartTime('2020-01-01 10:00', NOW, 'UTC')), /in the past/)
  })

  it('rejects times more than a year ahead', () => {
    assert.match(reasonOf(parseStartTime('2028-01-01 10:00', NOW, 'UTC')), /more than a year ahead/)
    assert.match(reasonOf(parseStartTime('9999-12-31T10:00:00Z', NOW, 'UTC')), /more than a year ahead/)
  })

  it('rejects garbage and says what to type', () => {
    for (const text of ['garbage', 'soon-ish', '<script>alert(1)</script>', '25:00', '2026-02-30 10:00', '9']) {
      assert.match(reasonOf(parseStartTime(text, NOW, 'UTC')), /not a time DevMeet understands\. Try "in 15m"/, text)
    }
    assert.match(reasonOf(parseStartTime('', NOW, 'UTC')), /Enter a start time/)
    assert.match(reasonOf(parseStartTime('   ', NOW, 'UTC')), /Enter a start time/)
    assert.match(reasonOf(parseStartTime('x'.repeat(10_000), NOW, 'UTC')), /too long/)
  })

  it('rejects text with words it cannot read instead of ignoring them', () => {
    assert.match(reasonOf(parseStartTime('14:30 banana', NOW, 'UTC')), /Could not read "banana"/)
    assert.match(reasonOf(parseStartTime('please 14:30', NOW, 'UTC')), /Could not read "please"/)
  })

  it('asks for a time of day when only a date is given', () => {
    assert.match(reasonOf(parseStartTime('tomorrow', NOW, 'UTC')), /Add a time of day, for example "tomorrow 9:00"/)
    assert.match(reasonOf(parseStartTime('2026-12-01', NOW, 'UTC')), /Add a time of day/)
  })

  it('rejects a range and an unknown zone', () => {
    assert.match(reasonOf(parseStartTime('14:00-15:00', NOW, 'UTC')), /only the start time/)
    assert.match(reasonOf(parseStartTime('14:30', NOW, 'Mars/Olympus')), /Unknown time zone/)
  })
})

describe('formatting times for the tree and the input box', () => {
  it('formats an instant in a zone in the user\'s locale', () => {
    const t = Date.parse('2026-12-02T08:00:00Z')
    assert.equal(formatLocal(t, 'UTC'), 'Wed, Dec 2, 2026, 8:00 AM')
    assert.equal(formatLocal(t, 'Europe/Berlin'), 'Wed, Dec 2, 2026, 9:00 AM')
    assert.equal(formatLocal(t, 'Asia/Kolkata'), 'Wed, Dec 2, 2026, 1:30 PM')
    assert.equal(formatLocal(t, 'America/New_York'), 'Wed, Dec 2, 2026, 3:00 AM')
    assert.equal(formatLocal(t, 'Europe/Berlin', 'de-DE'), 'Mi., 2. Dez. 2026, 9:00')
    assert.equal(formatLocal(t, 'UTC', 'en-GB'), 'Wed, 2 Dec 2026, 8:00')
    assert.equal(formatInputTime(t, 'Europe/Berlin'), '2026-12-02 09:00')
    assert.equal(formatInZone(t, 'Asia/Kolkata'), 'Wed, Dec 2, 2026, 1:30 PM Asia/Kolkata (UTC+05:30)')
    assert.equal(formatInZone(t, 'America/New_York'), 'Wed, Dec 2, 2026, 3:00 AM America/New_York (UTC-05:00)')
  })

  it('says how far away a start is', () => {
    const now = Date.parse('2026-11-25T07:00:00Z')
    const at = (iso: string, opts = {}): string => formatRelative(Date.parse(iso), now, { timeZone: 'UTC', ...opts })
    assert.equal(at('2026-11-25T07:00:30Z'), 'in less than a minute')
    assert.equal(at('2026-11-25T07:15:00Z'), 'in 15 min')
    assert.equal(at('2026-11-25T09:00:00Z'), 'in 2 h')
    assert.equal(at('2026-11-25T08:30:00Z'), 'in 1 h 30 min')
    assert.equal(at('2026-11-25T18:00:00Z'), 'today 6:00 PM')
    assert.equal(at('2026-11-26T09:00:00Z'), 'tomorrow 9:00 AM')
    assert.equal(at('2026-11-28T09:00:00Z'), 'in 3 days')
    assert.equal(at('2026-12-24T09:00:00Z'), 'on Dec 24, 2026')
    assert.equal(at('2026-11-25T06:55:00Z'), 'started 5 min ago')
    assert.equal(at('2026-11-25T05:00:00Z', { durationMinutes: 30 }), 'ended 1 h ago')
    assert.equal(at('2026-11-25T06:50:00Z', { durationMinutes: 30 }), 'started 10 min ago')
  })

  it('uses the zone\'s calendar for "tomorrow"', () => {
    const now = Date.parse('2026-11-25T03:00:00Z') // 22:00 on the 24th in New York
    assert.equal(formatRelative(Date.parse('2026-11-25T14:00:00Z'), now, { timeZone: 'America/New_York' }), 'tomorrow 9:00 AM')
    assert.equal(formatRelative(Date.parse('2026-11-25T14:00:00Z'), now, { timeZone: 'Asia/Kolkata' }), 'today 7:30 PM')
  })
})

describe('parseDurationMinutes', () => {
  it('reads minutes and hours', () => {
    for (const [text, minutes] of [['45', 45], ['90m', 90], ['90 min', 90], ['1h', 60], ['1h30m', 90], ['1h 30', 90], ['1.5h', 90], ['2 hours', 120], ['1440', 1440], ['1', 1]] as const) {
      assert.deepEqual(parseDurationMinutes(text), { ok: true, minutes }, text)
    }
  })
  it('rejects what is out of range or unreadable, with the reason', () => {
    for (const text of ['0', '1441', '25h', '', 'abc', '-5', '1e3', '45 seconds']) {
      const r = parseDurationMinutes(text)
      assert.ok(!r.ok && /minute/.test(r.reason), text)
    }
  })
  it('formats a duration', () => {
    assert.equal(formatDuration(30), '30 min')
    assert.equal(formatDuration(60), '1 h')
    assert.equal(formatDuration(90), '1 h 30 min')
  })
})
