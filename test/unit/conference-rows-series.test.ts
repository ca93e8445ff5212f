import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceView, Occurrence } from '../../src/core/api'
import { conferencesIn, descriptionOf, groupOf } from '../../src/vscode/conferences/conference-rows'
import { setDisplayLocale } from '../../src/shared/time'

setDisplayLocale('en-US')

const ME = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const NOW = Date.parse('2027-01-20T07:00:00Z')
const HOUR = 3_600_000

function seriesView (next: Occurrence | undefined, id = 'series'): ConferenceView {
  return {
    context: {
      id,
      nonce: 'n0nce-n0nce-n0nce-n0nce',
      title: 'Stand-up',
      agenda: '',
      // The first occurrence was two weeks ago.
      start: NOW - 14 * 24 * HOUR,
      timeZone: 'Europe/Berlin',
      durationMinutes: 15,
      organizer: { peerId: ME, displayName: 'Me', addrs: [] },
      invitees: [],
      sequence: 3,
      status: 'scheduled',
      createdAt: NOW - 20 * 24 * HOUR,
      updatedAt: NOW - 20 * 24 * HOUR,
      recurrence: { freq: 'daily', interval: 1 }
    },
    mine: true,
    delivery: {},
    ...(next != null ? { nextOccurrence: next } : {})
  }
}

const occurrenceAt = (start: number): Occurrence => ({ occurrence: start, start, durationMinutes: 15, status: 'scheduled', moved: false })

describe('conference rows: a series', () => {
  it('stays upcoming after its first occurrence while another is to come, and says when the next one starts', () => {
    const view = seriesView(occurrenceAt(NOW + 2 * HOUR))
    assert.equal(groupOf(view, NOW, ME), 'upcoming')
    assert.match(String(descriptionOf(view, NOW, 'Europe/Berlin', ME)), /in 2 hours|in 2 h/)
  })

  it('is past once no occurrence is left', () => {
    assert.equal(groupOf(seriesView(undefined), NOW, ME), 'past')
  })

  it('sorts upcoming series by their next occurrence, not their first start', () => {
    const later = seriesView(occurrenceAt(NOW + 5 * HOUR), 'later')
    const sooner = seriesView(occurrenceAt(NOW + 1 * HOUR), 'sooner')
    assert.deepEqual(conferencesIn('upcoming', [later, sooner], NOW, ME).map(v => v.context.id), ['sooner', 'later'])
  })
})
