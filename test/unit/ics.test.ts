import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import { conferenceToIcs, foldLine, icsFileName, paramValue } from '../../src/core/ics'
import type { ConferenceContext } from '../../src/core/api'

const ORGANIZER = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ANNA = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const BEN = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const CHO = '12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE'
const DAN = '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq'

const TITLE = 'Design review; part 2, "final"\nwith Zoë, 日本語 and a \\ backslash 🎉'
const AGENDA = '# Agenda\n1. Intro, goals; scope\r\n2. Demo: `code`\n\n' + 'long line '.repeat(30)

function context (overrides: Partial<ConferenceContext> = {}): ConferenceContext {
  return {
    id: 'q1w2e3r4t5y6u7i8o9p0aA',
    nonce: 'n0nce-n0nce-n0nce-n0nce',
    title: TITLE,
    agenda: AGENDA,
    start: Date.parse('2026-12-01T09:00:00Z'),
    timeZone: 'Europe/Berlin',
    durationMinutes: 90,
    organizer: { peerId: ORGANIZER, displayName: 'Ada, "the host"; Lovelace', addrs: [] },
    invitees: [
      { peerId: ANNA, displayName: 'Anna Åström', addrs: [], rsvp: 'accepted', answeredAt: 1 },
      { peerId: BEN, displayName: 'Ben', addrs: [], rsvp: 'declined' },
      { peerId: CHO, displayName: 'Cho 趙', addrs: [], rsvp: 'tentative' },
      { peerId: DAN, displayName: 'Dan', addrs: [], rsvp: 'pending' }
    ],
    sequence: 7,
    status: 'scheduled',
    createdAt: Date.parse('2026-11-20T10:00:00Z'),
    updatedAt: Date.parse('2026-11-24T11:22:33Z'),
    ...overrides
  }
}

function parseEvent (ics: string): ICAL.Component {
  const calendar = new ICAL.Component(ICAL.parse(ics))
  const event = calendar.getFirstSubcomponent('vevent')
  assert.ok(event, 'has a VEVENT')
  return event
}

describe('conferenceToIcs', () => {
  it('writes every field so that an iCalendar parser reads them back', () => {
    const ics = conferenceToIcs(context())
    const calendar = new ICAL.Component(ICAL.parse(ics))
    assert.equal(calendar.name, 'vcalendar')
    assert.equal(calendar.getFirstPropertyValue('version'), '2.0')
    const event = parseEvent(ics)

    assert.equal(event.getFirstPropertyValue('uid'), 'q1w2e3r4t5y6u7i8o9p0aA@devmeet')
    assert.equal(event.getFirstPropertyValue('summary'), TITLE)
    assert.equal(event.getFirstPropertyValue('description'), AGENDA.replace(/\r\n/g, '\n'))
    assert.equal(event.getFirstPropertyValue('sequence'), 7)
    assert.equal(event.getFirstPropertyValue('status'), 'CONFIRMED')

    const start = event.getFirstPropertyValue('dtstart') as ICAL.Time
    assert.equal(start.zone?.tzid, 'UTC')
    assert.equal(start.toJSDate().toISOString(), '2026-12-01T09:00:00.000Z')
    const stamp = event.getFirstPropertyValue('dtstamp') as ICAL.Time
    assert.equal(stamp.toJSDate().toISOString(), '2026-11-24T11:22:33.000Z')
    const duration = event.getFirstPropertyValue('duration') as ICAL.Duration
    assert.equal(duration.toSeconds(), 90 * 60)
    assert.match(ics, /\r\nDTSTART:20261201T090000Z\r\n/)
    assert.match(ics, /\r\nDURATION:PT90M\r\n/)

    const wrapped = new ICAL.Event(event)
    assert.equal(wrapped.endDate.toJSDate().toISOString(), '2026-12-01T10:30:00.000Z')

    const organizer = event.getFirstProperty('organizer')!
    assert.equal(organizer.getFirstValue(), `urn:devmeet:peer:${ORGANIZER}`)
    assert.equal(organizer.getParameter('cn'), 'Ada, "the host"; Lovelace')

    const attendees = event.getAllProperties('attendee').map(p => ({
      address: p.getFirstValue(),
      cn: p.getParameter('cn'),
      partstat: p.getParameter('partstat')
    }))
    assert.deepEqual(attendees, [
      { address: `urn:devmeet:peer:${ANNA}`, cn: 'Anna Åström', partstat: 'ACCEPTED' },
      { address: `urn:devmeet:peer:${BEN}`, cn: 'Ben', partstat: 'DECLINED' },
      { address: `urn:devmeet:peer:${CHO}`, cn: 'Cho 趙', partstat: 'TENTATIVE' },
      { address: `urn:devmeet:peer:${DAN}`, cn: 'Dan', partstat: 'NEEDS-ACTION' }
    ])
  })

  it('escapes backslash, semicolon, comma and newline in text', () => {
    const ics = conferenceToIcs(context({ title: 'a\\b;c,d\ne' }))
    assert.match(ics, /\r\nSUMMARY:a\\\\b\\;c\\,d\\ne\r\n/)
  })

  it('marks a cancelled conference CANCELLED', () => {
    const event = parseEvent(conferenceToIcs(context({ status: 'cancelled', sequence: 9 })))
    assert.equal(event.getFirstPropertyValue('status'), 'CANCELLED')
    assert.equal(event.getFirstPropertyValue('sequence'), 9)
  })

  it('leaves DESCRIPTION out when there is no agenda', () => {
    const ics = conferenceToIcs(context({ agenda: '  ' }))
    assert.doesNotMatch(ics, /DESCRIPTION/)
    assert.equal(parseEvent(ics).getFirstPropertyValue('description'), null)
  })

  it('ends every line with CRLF and keeps lines within 75 octets without splitting characters', () => {
    const ics = conferenceToIcs(context({ title: '日本語のタイトル🎉'.repeat(20), agenda: 'é'.repeat(500) }))
    assert.ok(ics.endsWith('\r\n'))
    assert.doesNotMatch(ics.replace(/\r\n/g, ''), /[\r\n]/, 'no bare CR or LF')
    const lines = ics.split('\r\n').slice(0, -1)
    for (const line of lines) {
      assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `line too long: ${line}`)
      assert.ok(!line.includes('\uFFFD'), 'no split character')
    }
    assert.ok(lines.some(l => l.startsWith(' ')), 'long lines were folded')
    assert.equal(parseEvent(ics).getFirstPropertyValue('summary'), '日本語のタイトル🎉'.repeat(20))
  })

  it('keeps the peer address free of anything but the ID\'s characters', () => {
    const hostile = context({ invitees: [{ peerId: 'x:evil;PARTSTAT=ACCEPTED', displayName: 'Eve\r\nATTENDEE:x', addrs: [], rsvp: 'pending' }] })
    const event = parseEvent(conferenceToIcs(hostile))
    const attendees = event.getAllProperties('attendee')
    assert.equal(attendees.length, 1)
    assert.equal(attendees[0].getParameter('partstat'), 'NEEDS-ACTION')
    assert.equal(attendees[0].getFirstValue(), 'urn:devmeet:peer:xevilPARTSTATACCEPTED')
  })
})

describe('parameter values (RFC 6868)', () => {
  const NAMES = [
    'Ada "the host" Lovelace',
    'x^2 ^n ^^ ^\'',
    'two\nlines',
    'semi;colon:comma,',
    'Zoë 日本語 🎉 ^"\n^',
    '"'.repeat(3) + '^'.repeat(3)
  ]

  it('a display name with ^, a newline or a double quote survives a round trip through ical.js', () => {
    const ctx = context({
      organizer: { peerId: ORGANIZER, displayName: NAMES[0], addrs: [] },
      invitees: NAMES.slice(1).map((displayName, i) => ({ peerId: [ANNA, BEN, CHO, DAN, ORGANIZER.replace('D', 'E')][i], displayName, addrs: [], rsvp: 'pending' as const }))
    })
    const event = parseEvent(conferenceToIcs(ctx))
    assert.equal(event.getFirstProperty('organizer')!.getParameter('cn'), NAMES[0])
    assert.deepEqual(event.getAllProperties('attendee').map(p => p.getParameter('cn')), NAMES.slice(1))
  })

  it('encodes ^ as ^^, a newline as ^n and " as ^\' inside a quoted value', () => {
    assert.equal(paramValue('a^b\nc"d\r\ne'), '"a^^b^nc^\'d^ne"')
    assert.equal(paramValue('bell\u0007tab\t'), '"belltab"')
  })
})

describe('foldLine and icsFileName', () => {
  it('folds at exactly 75 octets for the first line and 74 after the leading space', () => {
    const folded = foldLine('x'.repeat(200)).split('\r\n')
    assert.deepEqual(folded.map(l => l.length), [75, 75, 52])
    assert.ok(folded.slice(1).every(l => l.startsWith(' ')))
  })
  it('names the file after the title without characters file systems refuse', () => {
    assert.equal(icsFileName(context({ title: 'Sprint: review / planning?' })), 'Sprint review planning.ics')
    assert.equal(icsFileName(context({ title: '../..' })), 'conference.ics')
  })
})
