import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceContext, ConferenceView } from '../../src/core/api'
import { occurrences } from '../../src/core/conference/recurrence'
import { MAX_PAST_SHOWN, meetingsOf, nextOccurrences, occurrenceRow, pastOccurrences, type ListOccurrences } from '../../src/vscode/conferences/occurrence-rows'
import { contextValueOf, descriptionOf } from '../../src/vscode/conferences/conference-rows'
import { formatInputTime, setDisplayLocale } from '../../src/shared/time'

setDisplayLocale('en-US')

const ME = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const BERLIN = 'Europe/Berlin'
const DAY = 24 * 3_600_000
// A daily 09:00 Berlin stand-up that began 2027-01-04; "now" is 2027-03-01 12:00 Berlin, 56 meetings later.
const FIRST = Date.parse('2027-01-04T08:00:00Z')
const NOW = Date.parse('2027-03-01T11:00:00Z')

function series (over: Partial<ConferenceContext> = {}, mine = true): ConferenceView {
  return {
    context: {
      id: 'series-abcdefghijklmnopqrstuv',
      nonce: 'n0nce-n0nce-n0nce-n0nce',
      title: 'Stand-up',
      agenda: '',
      start: FIRST,
      timeZone: BERLIN,
      durationMinutes: 15,
      organizer: { peerId: ME, displayName: 'Me', addrs: [] },
      invitees: [],
      sequence: 3,
      status: 'scheduled',
      createdAt: FIRST - DAY,
      updatedAt: FIRST - DAY,
      recurrence: { freq: 'daily', interval: 1 },
      ...over
    },
    mine,
    delivery: {}
  }
}

/** The real core expansion, counting how much each refresh asks for. */
function lister (view: ConferenceView, asked: number[] = []): ListOccurrences {
  return (from, to, max) => {
    const got = occurrences(view.context, from, to, max)
    asked.push(got.length)
    return got
  }
}

const berlin = (t: number): string => formatInputTime(t, BERLIN)

describe('a series\' meetings under its row', () => {
  it('lists the last 10 past meetings, latest first, from a bounded window however long the series has run', () => {
    const view = series()
    const asked: number[] = []
    const past = pastOccurrences(view, lister(view, asked), NOW)
    assert.equal(past.length, MAX_PAST_SHOWN)
    assert.equal(berlin(past[0].start), '2027-03-01 09:00')
    assert.equal(berlin(past[9].start), '2027-02-20 09:00')
    assert.ok(asked.every(n => n <= 30), `asked for ${asked.join(', ')}`)
  })

  it('lists both with one call to the core, the same meetings as asked apart', () => {
    for (const view of [series(), series({ recurrence: { freq: 'weekly', interval: 2, byDay: ['MO', 'TH'] } }), series({ recurrence: { freq: 'monthly', interval: 1, byDay: ['MO'], bySetPos: [1] } })]) {
      const asked: number[] = []
      const both = meetingsOf(view, lister(view, asked), NOW)
      assert.equal(asked.length, 1)
      assert.deepEqual(both.next, nextOccurrences(view, lister(view), NOW))
      assert.deepEqual(both.past, pastOccurrences(view, lister(view), NOW))
    }
  })

  it('lists the next meetings soonest first, and none before the first meeting is past', () => {
    const view = series()
    const next = nextOccurrences(view, lister(view), NOW)
    assert.deepEqual(next.map(o => berlin(o.start)), ['2027-03-02 09:00', '2027-03-03 09:00', '2027-03-04 09:00', '2027-03-05 09:00', '2027-03-06 09:00'])
    assert.deepEqual(pastOccurrences(view, lister(view), FIRST - DAY), [])
  })

  it('marks cancelled and moved meetings; only the organizer\'s coming ones can be cancelled or moved', () => {
    const cancelled = Date.parse('2027-03-02T08:00:00Z')
    const moved = Date.parse('2027-03-03T08:00:00Z')
    const view = series({ exceptions: [{ occurrence: cancelled, cancelled: true }, { occurrence: moved, start: moved + 4 * 3_600_000 }] })
    const next = nextOccurrences(view, lister(view), NOW)
    const rows = next.map(o => occurrenceRow(view, o, NOW, BERLIN))
    assert.equal(rows[0].description, 'cancelled')
    assert.equal(rows[0].icon, 'circle-slash')
    assert.equal(rows[0].contextValue, 'occurrence.cancelled')
    assert.match(rows[1].description, /moved from Wed 9:00 AM/)
    assert.equal(rows[1].contextValue, 'occurrence.own')
    assert.equal(rows[2].contextValue, 'occurrence.own')
    const invitee = series({}, false)
    assert.equal(occurrenceRow(invitee, next[2], NOW, BERLIN).contextValue, 'occurrence')
    const past = pastOccurrences(view, lister(view), NOW)
    assert.equal(occurrenceRow(view, past[0], NOW, BERLIN).contextValue, 'occurrence', 'a past meeting is not moved')
  })

  it('an invitee who takes part answers one meeting; their answer and the organizer\'s count of absences show on the rows', () => {
    const friday = Date.parse('2027-03-05T08:00:00Z')
    const ANNA = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
    const o = { occurrence: friday, start: friday, durationMinutes: 15, status: 'scheduled' as const, moved: false, answers: { [ANNA]: 'declined' as const } }
    const asInvitee: ConferenceView = { ...series({}, false), myRsvp: 'accepted' }
    const row = occurrenceRow(asInvitee, o, NOW, BERLIN, ANNA)
    assert.equal(row.contextValue, 'occurrence.invited')
    assert.match(row.description, /you: not attending$/)
    assert.doesNotMatch(occurrenceRow(asInvitee, { ...o, answers: { [ANNA]: 'accepted' } }, NOW, BERLIN, ANNA).description, /you:/, 'the series answer is not repeated')
    assert.equal(occurrenceRow({ ...asInvitee, myRsvp: 'declined' }, o, NOW, BERLIN, ANNA).contextValue, 'occurrence', 'one who declined the series does not answer its meetings')
    assert.match(occurrenceRow(series(), o, NOW, BERLIN, ME).description, /1 not attending$/)
  })

  it('the series row says how it repeats, and offers the meeting commands to its organizer only', () => {
    const view = { ...series({ recurrence: { freq: 'weekly', interval: 1, byDay: ['MO', 'TH'] } }), nextOccurrence: { occurrence: NOW + DAY, start: NOW + DAY, durationMinutes: 15, status: 'scheduled' as const, moved: false } }
    assert.match(String(descriptionOf(view, NOW, BERLIN, ME)), / · Weekly on Mon, Thu$/)
    assert.equal(contextValueOf(view, ME), 'conference.own.series')
    assert.equal(contextValueOf(series({ recurrence: undefined })), 'conference.own')
  })
})
