import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import { makePeer, startAll, connectAll, eventually, cleanup, reincarnate, stopPeer } from '../helpers/peers'
import type { DevMeet } from '../../src/core/devmeet'

after(cleanup)

const DAY = 24 * 60 * 60_000
const WEEK = 7 * DAY

describe('a recurring conference between three real peers', () => {
  it('a weekly series: an exception made while an invitee was offline reaches it, and all converge on the same occurrences', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    let ben = makePeer('Ben')
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    // Tomorrow at this minute, every week, ten times, in Berlin.
    const start = Math.ceil((Date.now() + DAY) / 60_000) * 60_000
    const created = await org.conferences.create({
      title: 'Weekly review',
      start,
      durationMinutes: 30,
      timeZone: 'Europe/Berlin',
      invitees: [ann.peerId!, ben.peerId!],
      recurrence: { freq: 'weekly', interval: 1, count: 10 }
    })
    const id = created.context.id
    for (const p of [ann, ben]) await eventually('the series arrives', () => p.conferences.get(id) != null)
    await ann.conferences.respond(id, 'accepted')
    await ben.conferences.respond(id, 'accepted')
    await eventually('both answers are in everyone\'s context', () => [org, ann, ben].every(p =>
      p.conferences.get(id)!.context.invitees.every(i => i.rsvp === 'accepted')))
    const allTen = org.conferences.occurrences(id, 0, start + 100 * WEEK)
    assert.equal(allTen.length, 10)

    // Ben is offline while the organizer cancels the second occurrence and moves the third.
    const benId = ben.peerId!
    await stopPeer(ben)
    const second = allTen[1].occurrence
    const third = allTen[2].occurrence
    await org.conferences.cancelOccurrence(id, second)
    await org.conferences.rescheduleOccurrence(id, third, third + 2 * 60 * 60_000, 45)
    const finalSequence = org.conferences.get(id)!.context.sequence
    await eventually('Ann has both exceptions', () => ann.conferences.get(id)!.context.sequence === finalSequence)

    ben = reincarnate(ben, 'Ben')
    await startAll(ben)
    assert.equal(ben.peerId, benId)
    await eventually('Ben, back online, gets the exceptions', () => ben.conferences.get(id)?.context.sequence === finalSequence, 20_000)

    const listed = (p: DevMeet): string => JSON.stringify(p.conferences.occurrences(id, 0, start + 100 * WEEK))
    assert.equal(listed(ann), listed(org))
    assert.equal(listed(ben), listed(org))
    const seen = org.conferences.occurrences(id, 0, start + 100 * WEEK)
    assert.deepEqual(seen.map(o => o.status), ['scheduled', 'cancelled', ...Array(8).fill('scheduled')])
    const bothAccepted = { [ann.peerId!]: 'accepted', [benId]: 'accepted' }
    assert.deepEqual(seen[2], { occurrence: third, start: third + 2 * 60 * 60_000, durationMinutes: 45, status: 'scheduled', moved: true, answers: bothAccepted })
    // Each peer's view names the next occurrence (the tree shows it, and keeps the series upcoming).
    for (const p of [org, ann, ben]) assert.deepEqual(p.conferences.get(id)!.nextOccurrence, seen[0])
    // An exception is the organizer's alone, and only for a start the rule gives.
    await assert.rejects(ann.conferences.cancelOccurrence(id, third), { name: 'ConferenceInputError' })
    await assert.rejects(org.conferences.cancelOccurrence(id, third + 60_000), { name: 'ConferenceInputError' })
    // Participation still rests on each invitee's signed answer, for the series as a whole.
    for (const p of [org, ann, ben]) assert.equal(p.conferences.participants(id).length, 3)
  })

  it('exports the series as .ics on an invitee, and ical.js expands it to the occurrences the organizer lists', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    await startAll(org, ann)
    await connectAll(org, ann)
    const start = Math.ceil((Date.now() + DAY) / 60_000) * 60_000
    const { context } = await org.conferences.create({
      title: 'Stand-up', start, durationMinutes: 15, timeZone: 'America/New_York', invitees: [ann.peerId!],
      recurrence: { freq: 'daily', interval: 1, count: 5 }
    })
    await org.conferences.cancelOccurrence(context.id, start + 2 * DAY)
    await eventually('Ann has the exception', () => ann.conferences.get(context.id)?.context.exceptions?.length === 1)
    const { conferenceToIcs } = await import('../../src/core/ics')
    const calendar = new ICAL.Component(ICAL.parse(conferenceToIcs(ann.conferences.get(context.id)!.context)))
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone))
    try {
      const iterator = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!).iterator()
      const starts: number[] = []
      for (let next = iterator.next(); next != null && starts.length < 20; next = iterator.next()) starts.push(next.toUnixTime() * 1000)
      const ours = org.conferences.occurrences(context.id, 0, start + 10 * DAY).filter(o => o.status === 'scheduled').map(o => o.start)
      assert.deepEqual(starts, ours)
      assert.equal(ours.length, 4)
    } finally {
      ICAL.TimezoneService.reset()
    }
  })
})
