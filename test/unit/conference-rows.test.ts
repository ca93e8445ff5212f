import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceView } from '../../src/core/api'
import {
  groupOf, conferencesIn, contextValueOf, iconOf, descriptionOf, peopleOf, detailsText, oneLine, isUninvited, refusalOf
} from '../../src/vscode/conferences/conference-rows'
import { untrusted } from '../../src/shared/shown-text'
import { setDisplayLocale } from '../../src/shared/time'

setDisplayLocale('en-US')
import { createInputFromArgs, describeStartInput, checkTitle } from '../../src/vscode/conferences/create-conference-args'

const ME = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ANNA = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const BEN = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const NOW = Date.parse('2026-11-25T07:00:00Z')

function view (overrides: { mine?: boolean, myRsvp?: ConferenceView['myRsvp'], start?: string, status?: 'scheduled' | 'cancelled', id?: string, delivery?: ConferenceView['delivery'] } = {}): ConferenceView {
  const mine = overrides.mine ?? false
  return {
    context: {
      id: overrides.id ?? 'c1',
      nonce: 'n0nce-n0nce-n0nce-n0nce',
      title: 'Design review',
      agenda: '1. Demo',
      start: Date.parse(overrides.start ?? '2026-11-25T09:00:00Z'),
      timeZone: 'Europe/Berlin',
      durationMinutes: 30,
      organizer: { peerId: mine ? ME : ANNA, displayName: mine ? 'Me' : 'Anna', addrs: [] },
      invitees: [
        { peerId: mine ? ANNA : ME, displayName: mine ? 'Anna' : 'Me', addrs: [], rsvp: overrides.myRsvp ?? 'pending' },
        { peerId: BEN, displayName: 'Ben', addrs: [], rsvp: 'pending' }
      ],
      sequence: 1,
      status: overrides.status ?? 'scheduled',
      createdAt: NOW - 1000,
      updatedAt: NOW - 1000
    },
    mine,
    myRsvp: mine ? undefined : overrides.myRsvp ?? 'pending',
    delivery: overrides.delivery ?? {}
  }
}

describe('conference rows in the Conferences view', () => {
  it('puts unanswered invitations in Invitations, my own and answered ones in Upcoming, ended and cancelled in Past', () => {
    assert.equal(groupOf(view(), NOW), 'invitations')
    assert.equal(groupOf(view({ myRsvp: 'accepted' }), NOW), 'upcoming')
    assert.equal(groupOf(view({ myRsvp: 'declined' }), NOW), 'upcoming')
    assert.equal(groupOf(view({ mine: true }), NOW), 'upcoming')
    assert.equal(groupOf(view({ start: '2026-11-25T06:40:00Z', myRsvp: 'accepted' }), NOW), 'upcoming', 'running now')
    assert.equal(groupOf(view({ start: '2026-11-25T06:00:00Z' }), NOW), 'past', 'ended')
    assert.equal(groupOf(view({ status: 'cancelled' }), NOW), 'past')
  })

  it('sorts coming conferences soonest first and past ones latest first', () => {
    const views = [view({ id: 'late', start: '2026-11-26T09:00:00Z', mine: true }), view({ id: 'soon', start: '2026-11-25T08:00:00Z', mine: true }),
      view({ id: 'old', start: '2026-11-20T09:00:00Z', mine: true }), view({ id: 'older', start: '2026-11-10T09:00:00Z', mine: true })]
    assert.deepEqual(conferencesIn('upcoming', views, NOW).map(v => v.context.id), ['soon', 'late'])
    assert.deepEqual(conferencesIn('past', views, NOW).map(v => v.context.id), ['old', 'older'])
  })

  it('gives each row the contextValue that package.json\'s menus key on', () => {
    assert.equal(contextValueOf(view()), 'conference.invitation')
    assert.equal(contextValueOf(view({ mine: true })), 'conference.own')
    assert.equal(contextValueOf(view({ myRsvp: 'accepted' })), 'conference.invited.accepted')
    assert.equal(contextValueOf(view({ myRsvp: 'tentative' })), 'conference.invited.tentative')
    assert.equal(contextValueOf(view({ myRsvp: 'declined' })), 'conference.invited.declined')
    assert.equal(contextValueOf(view({ mine: true, status: 'cancelled' })), 'conference.cancelled.own')
    assert.doesNotMatch(contextValueOf(view({ mine: true, status: 'cancelled' })), /^conference\.own/, 'no reschedule or cancel on a cancelled one')
  })

  it('shows an icon for my answer', () => {
    assert.equal(iconOf(view()), 'mail')
    assert.equal(iconOf(view({ myRsvp: 'accepted' })), 'check')
    assert.equal(iconOf(view({ myRsvp: 'declined' })), 'close')
    assert.equal(iconOf(view({ myRsvp: 'tentative' })), 'question')
    assert.equal(iconOf(view({ mine: true })), 'organization')
  })

  it('describes a row by local start time and relative time, or as cancelled', () => {
    assert.equal(descriptionOf(view(), NOW, 'Europe/Berlin'), 'in 2 h · Wed 10:00 AM')
    assert.equal(descriptionOf(view({ status: 'cancelled' }), NOW, 'UTC'), 'cancelled · Wed 9:00 AM')
    assert.equal(descriptionOf(view({ start: '2026-11-25T06:00:00Z' }), NOW, 'UTC'), 'ended 30 min ago · Wed 6:00 AM')
  })

  it('shows the organizer each invitee\'s delivery state until they answer', () => {
    const v = view({ mine: true, delivery: { [ANNA]: 'delivered', [BEN]: 'pending' } })
    v.context.invitees[0].rsvp = 'accepted'
    const rows = peopleOf(v, ME)
    assert.deepEqual(rows.map(r => [r.name, r.state, r.isMe]), [['Me', 'organizer', true], ['Anna', 'accepted', false], ['Ben', 'not yet delivered', false]])
    v.delivery[BEN] = 'delivered'
    assert.equal(peopleOf(v, ME)[2].state, 'delivered')
    v.delivery[ANNA] = 'pending'
    assert.equal(peopleOf(v, ME)[1].state, 'accepted · update not yet delivered')
  })

  it('shows an invitee the others\' answers without delivery states', () => {
    assert.deepEqual(peopleOf(view(), ME).map(r => r.state), ['organizer', 'no answer yet', 'no answer yet'])
  })

  it('shows my own answer at once, marked as sending until the organizer has it', () => {
    const v = { ...view(), myRsvp: 'accepted' as const, rsvpPending: true }
    assert.deepEqual(peopleOf(v, ME).map(r => r.state), ['organizer', 'accepted · sending…', 'no answer yet'])
    assert.equal(peopleOf({ ...v, rsvpPending: false }, ME)[1].state, 'accepted')
  })

  it('copies the details as plain text with both time zones', () => {
    const text = detailsText(view(), NOW, 'UTC')
    assert.match(text, /^Design review\n/)
    assert.match(text, /When: Wed, Nov 25, 2026, 9:00 AM \(your time, in 2 h\)/)
    assert.match(text, /Organizer's time: Wed, Nov 25, 2026, 10:00 AM Europe\/Berlin \(UTC\+01:00\)/)
    assert.match(text, /Organizer: Anna \(…NbQ2zYiG\)/)
    assert.match(text, /- Ben \(…kSCVe2Xo\): no answer yet/)
    assert.match(text, /Agenda:\n1\. Demo/)
  })

  it('keeps outside text from turning into links, icons or remote images', () => {
    assert.equal(untrusted('[click](command:workbench.action.terminal.new) $(zap)\nnext'), '[click] (command:workbench.action.terminal.new) $ (zap) next')
    assert.equal(untrusted('see ![pixel](https://tracker.example/p.png)'), 'see ![pixel] (https://tracker.example/p.png)')
  })

  it('copies outside text to the clipboard without bidi overrides or zero-width characters', () => {
    assert.equal(oneLine('Pay\u202eKCOL\u202c\u200b now'), 'PayKCOL now')
    const base = view()
    const text = detailsText({ ...base, context: { ...base.context, title: 'Re\u202eview', agenda: '1. De\u200bmo\n   2. Q\u2066A' } }, NOW, 'UTC')
    assert.match(text, /^Review\n/)
    assert.match(text, /Agenda:\n1\. Demo\n {3}2\. QA/)
  })
})

describe('refusals and removals in the Conferences view', () => {
  const EVIL = 'no \u202Eevil [x](command:devmeet.cancelConference) $(zap)'

  it('shows an invitee who refused the invitation as refused, not pending, with the reason as inert text', () => {
    const v = { ...view({ mine: true, delivery: { [ANNA]: 'refused' } }), refusals: { [ANNA]: EVIL } }
    const anna = peopleOf(v, ME).find(p => p.peerId === ANNA)!
    assert.equal(anna.state, 'refused')
    assert.equal(anna.icon, 'warning')
    assert.ok(anna.refusal != null)
    assert.doesNotMatch(anna.refusal, /\]\(|\$\(|\u202E/)
    assert.match(anna.refusal, /refused the invitation: no evil/)
    const ben = peopleOf(v, ME).find(p => p.peerId === BEN)!
    assert.equal(ben.state, 'not yet delivered')
    assert.equal(ben.refusal, undefined)
  })

  it('says when an invitee who had answered refused the latest update', () => {
    const v = view({ mine: true, delivery: { [ANNA]: 'refused' } })
    v.context.invitees[0].rsvp = 'accepted'
    assert.equal(peopleOf(v, ME).find(p => p.peerId === ANNA)!.state, 'accepted · update refused')
  })

  it('shows my answer refused by the organizer on the row, my person row and in words', () => {
    const v = { ...view({ myRsvp: 'accepted' }), rsvpRefused: EVIL, rsvpPending: false }
    assert.equal(iconOf(v, ME), 'warning')
    assert.match(descriptionOf(v, NOW, 'UTC', ME), /your answer was refused$/)
    const me = peopleOf(v, ME).find(p => p.isMe)!
    assert.equal(me.state, 'accepted · refused by the organizer')
    assert.match(refusalOf(v, ME, ME) ?? '', /^the organizer refused your answer: no evil \[x\] \(command/)
    assert.equal(refusalOf(v, ANNA, ME), undefined)
  })

  it('puts a conference that no longer lists me under Past, without answer buttons', () => {
    const removed: ConferenceView = { ...view(), myRsvp: undefined }
    removed.context.invitees = removed.context.invitees.filter(i => i.peerId !== ME)
    assert.equal(isUninvited(removed, ME), true)
    assert.equal(groupOf(removed, NOW, ME), 'past')
    assert.deepEqual(conferencesIn('invitations', [removed], NOW, ME), [])
    assert.equal(contextValueOf(removed, ME), 'conference.uninvited')
    assert.doesNotMatch(contextValueOf(removed, ME), /^conference\.(invitation|invited)/)
    assert.match(descriptionOf(removed, NOW, 'UTC', ME), /^no longer invited/)
    assert.equal(iconOf(removed, ME), 'debug-disconnect')
  })

  it('keeps invitations, answered ones and my own conferences where they were', () => {
    assert.equal(isUninvited(view(), ME), false)
    assert.equal(isUninvited(view({ myRsvp: 'declined' }), ME), false)
    assert.equal(isUninvited(view({ mine: true }), ME), false)
    assert.equal(groupOf(view(), NOW, ME), 'invitations')
  })
})

describe('devmeet.createConference argument form', () => {
  it('accepts a complete argument object', () => {
    const input = createInputFromArgs({ title: ' Sync\nnow ', start: '2026-11-25T08:00:00Z', durationMinutes: 45, agenda: 'a', invitees: [ANNA, ANNA, BEN] }, NOW)
    assert.equal(input.title, 'Sync now')
    assert.equal(input.start, Date.parse('2026-11-25T08:00:00Z'))
    assert.equal(input.durationMinutes, 45)
    assert.deepEqual(input.invitees, [ANNA, BEN])
    assert.equal(createInputFromArgs({ title: 'x', start: '2026-11-25T08:00:00Z' }, NOW).durationMinutes, 30)
  })

  it('refuses an argument object it cannot use, saying why', () => {
    assert.throws(() => createInputFromArgs({ title: '', start: '2026-11-25T08:00:00Z' }, NOW), /title/)
    assert.throws(() => createInputFromArgs({ title: 'x', start: 'tomorrow' }, NOW), /ISO 8601/)
    assert.throws(() => createInputFromArgs({ title: 'x', start: '2026-11-25T06:00:00Z' }, NOW), /in the past/)
    assert.throws(() => createInputFromArgs({ title: 'x', start: '2028-11-25T06:00:00Z' }, NOW), /more than a year/)
    assert.throws(() => createInputFromArgs({ title: 'x', start: '2026-11-25T08:00:00Z', durationMinutes: 0 }, NOW), /durationMinutes/)
    assert.throws(() => createInputFromArgs({ title: 'x', start: '2026-11-25T08:00:00Z', invitees: [1] }, NOW), /invitees/)
    assert.throws(() => createInputFromArgs({ title: 'x'.repeat(201), start: '2026-11-25T08:00:00Z' }, NOW), /at most 200/)
  })

  it('describes the typed start time in local time as the user types', () => {
    assert.deepEqual(describeStartInput('in 2h', new Date(NOW), 'Europe/Berlin'), { note: 'Starts Wed, Nov 25, 2026, 10:00 AM (in 2 h), your time Europe/Berlin', start: NOW + 2 * 3600_000 })
    assert.match(describeStartInput('yesterday 9:00', new Date(NOW), 'UTC').error ?? '', /in the past/)
    assert.match(describeStartInput('', new Date(NOW), 'UTC').note ?? '', /When does it start/)
    assert.equal(checkTitle('   '), 'Give the conference a title.')
  })
})
