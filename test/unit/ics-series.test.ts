import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import type { ConferenceContext } from '../../src/core/api'
import { conferenceToIcs } from '../../src/core/ics'
import { occurrences } from '../../src/core/conference/recurrence'
import { offsetChanges } from '../../src/shared/vtimezone'

const ORG = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ANN = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const DAY = 24 * 3_600_000
// Monday 8 March 2027, 09:00 in Berlin: the weekly review runs across the change to summer time (28 March).
const FIRST = Date.parse('2027-03-08T08:00:00Z')

function weekly (over: Partial<ConferenceContext> = {}): ConferenceContext {
  return {
    id: 'q3X1eZ0bVnTq9u7sYk2mWg',
    nonce: 'n0nce-n0nce-n0nce-n0nce',
    title: 'Weekly review',
    agenda: '',
    start: FIRST,
    timeZone: 'Europe/Berlin',
    durationMinutes: 60,
    organizer: { peerId: ORG, displayName: 'Olga', addrs: [] },
    invitees: [{ peerId: ANN, displayName: 'Ann', addrs: [], rsvp: 'accepted' }],
    sequence: 4,
    status: 'scheduled',
    createdAt: FIRST - 10 * DAY,
    updatedAt: FIRST - DAY,
    recurrence: { freq: 'weekly', interval: 1, byDay: ['MO', 'TH'], count: 12 },
    exceptions: [
      { occurrence: FIRST + 7 * DAY, cancelled: true },
      // Thursday 1 April (summer time), moved from 09:00 to 14:30 Berlin, 90 minutes.
      { occurrence: Date.parse('2027-04-01T07:00:00Z'), start: Date.parse('2027-04-01T12:30:00Z'), durationMinutes: 90 }
    ],
    ...over
  }
}

/** The scheduled occurrences a calendar app finds in the file: ical.js with the file's own VTIMEZONE. */
function expandWithIcalJs (ics: string): Array<{ start: number, minutes: number, recurrenceId: number }> {
  const calendar = new ICAL.Component(ICAL.parse(ics))
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone))
  try {
    const [main, ...overrides] = calendar.getAllSubcomponents('vevent')
    const event = new ICAL.Event(main, { exceptions: overrides })
    const iterator = event.iterator()
    const out: Array<{ start: number, minutes: number, recurrenceId: number }> = []
    for (let next = iterator.next(); next != null && out.length < 100; next = iterator.next()) {
      const details = event.getOccurrenceDetails(next)
      out.push({
        start: details.startDate.toUnixTime() * 1000,
        minutes: (details.endDate.toUnixTime() - details.startDate.toUnixTime()) / 60,
        recurrenceId: details.recurrenceId.toUnixTime() * 1000
      })
    }
    return out.sort((a, b) => a.start - b.start)
  } finally {
    ICAL.TimezoneService.reset()
  }
}

const devmeetOccurrences = (ctx: ConferenceContext): Array<{ start: number, minutes: number, recurrenceId: number }> =>
  occurrences(ctx, 0, Date.parse('2030-01-01')).filter(o => o.status === 'scheduled')
    .map(o => ({ start: o.start, minutes: o.durationMinutes, recurrenceId: o.occurrence }))

describe('.ics export of a series', () => {
  it('writes RRULE, EXDATE, VTIMEZONE and the moved occurrence with RECURRENCE-ID', () => {
    const ics = conferenceToIcs(weekly()).replace(/\r\n /g, '')
    assert.match(ics, /\r\nDTSTART;TZID=Europe\/Berlin:20270308T090000\r\n/)
    assert.match(ics, /\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=12;BYDAY=MO,TH\r\n/)
    assert.match(ics, /\r\nEXDATE;TZID=Europe\/Berlin:20270315T090000\r\n/)
    assert.match(ics, /\r\nRECURRENCE-ID;TZID=Europe\/Berlin:20270401T090000\r\nDTSTART;TZID=Europe\/Berlin:20270401T143000\r\nDURATION:PT90M\r\n/)
    assert.match(ics, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin\r\n/)
    assert.match(ics, /BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200\r\nEND:DAYLIGHT/)
  })

  it('expands in ical.js to exactly DevMeet\'s own occurrences across the change to summer time', () => {
    const ctx = weekly()
    const fromFile = expandWithIcalJs(conferenceToIcs(ctx))
    const ours = devmeetOccurrences(ctx)
    assert.equal(ours.length, 11, 'twelve by the rule, one cancelled')
    assert.deepEqual(fromFile, ours)
    assert.ok(ours.some(o => new Date(o.start).toISOString() === '2027-03-29T07:00:00.000Z'), 'after the change 09:00 Berlin is 07:00 UTC')
  })

  it('agrees with ical.js for a monthly "second Tuesday" with until, across the change back to winter time, in New York', () => {
    const ctx = weekly({
      start: Date.parse('2027-09-14T13:00:00Z'),
      timeZone: 'America/New_York',
      recurrence: { freq: 'monthly', interval: 1, byDay: ['TU'], bySetPos: [2], until: Date.parse('2028-04-30T00:00:00Z') },
      exceptions: [{ occurrence: Date.parse('2027-12-14T14:00:00Z'), cancelled: true }]
    })
    const ours = devmeetOccurrences(ctx)
    assert.deepEqual(expandWithIcalJs(conferenceToIcs(ctx)), ours)
    assert.equal(ours.length, 7)
    assert.equal(new Date(ours[2].start).toISOString(), '2027-11-09T14:00:00.000Z', '09:00 EST after the change')
  })

  it('writes "this and following" as RECURRENCE-ID;RANGE=THISANDFUTURE, and ical.js expands it to DevMeet\'s occurrences across both daylight-saving changes', () => {
    // A daily 09:00 Berlin stand-up from 22 March 2027; from 25 March on it moves four days later
    // at 10:00 for 30 minutes, a shift across the start of summer time (28 March) that is 4 days
    // 1 hour on the wall clock but 4 days in UTC: every later one is at 10:00 in Berlin; a later
    // "this and following" from 5 April moves it to 08:30; one occurrence after it is moved alone (to 13:00) and one cancelled.
    // In autumn the same series shape crosses the change back (31 October).
    for (const [first, from, to, second] of [
      ['2027-03-22T08:00:00Z', '2027-03-25T08:00:00Z', '2027-03-29T08:00:00Z', '2027-04-05T07:00:00Z'],
      ['2027-10-25T07:00:00Z', '2027-10-27T07:00:00Z', '2027-11-01T09:00:00Z', '2027-11-05T08:00:00Z']
    ]) {
      const ctx = weekly({
        start: Date.parse(first),
        durationMinutes: 15,
        recurrence: { freq: 'daily', interval: 1, count: 30 },
        exceptions: [
          { occurrence: Date.parse(from), start: Date.parse(to), durationMinutes: 30, range: 'thisAndFuture' },
          { occurrence: Date.parse(second), start: Date.parse(second) - 30 * 60_000, range: 'thisAndFuture' },
          { occurrence: Date.parse(second) + 2 * DAY, start: Date.parse(second) + 2 * DAY + 4 * 3_600_000 },
          { occurrence: Date.parse(second) + 3 * DAY, cancelled: true }
        ]
      })
      const ics = conferenceToIcs(ctx).replace(/\r\n /g, '')
      assert.match(ics, /\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe\/Berlin:2027\d{4}T090000\r\nDTSTART;TZID=Europe\/Berlin:2027\d{4}T100000\r\nDURATION:PT30M\r\n/)
      const ours = devmeetOccurrences(ctx)
      assert.equal(ours.length, 29, 'thirty by the rule, one cancelled')
      assert.deepEqual(expandWithIcalJs(conferenceToIcs(ctx)), ours)
      const berlinTimes = new Set(ours.map(o => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(o.start)))
      assert.deepEqual([...berlinTimes].sort(), ['08:30', '09:00', '10:00', '13:00'], `${first}: every occurrence at a Berlin wall time the changes give`)
    }
  })

  it('finds a zone\'s offset changes to the second and none in a zone without them', () => {
    const berlin = offsetChanges('Europe/Berlin', Date.parse('2027-01-01'), Date.parse('2028-01-01'))
    assert.deepEqual(berlin.map(c => new Date(c.at).toISOString()), ['2027-03-28T01:00:00.000Z', '2027-10-31T01:00:00.000Z'])
    assert.deepEqual(offsetChanges('Asia/Tokyo', Date.parse('2027-01-01'), Date.parse('2028-01-01')), [])
  })

  it('writes a one-off conference in UTC as before, with no rule or zone', () => {
    const once = weekly()
    delete once.recurrence
    delete once.exceptions
    const ics = conferenceToIcs(once)
    assert.match(ics, /\r\nDTSTART:20270308T080000Z\r\n/)
    assert.doesNotMatch(ics, /RRULE|VTIMEZONE|EXDATE|RECURRENCE-ID/)
  })
})
