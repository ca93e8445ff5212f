// Per-occurrence answers, "this and following" and each occurrence's own chat, between three real
// peers (libp2p over TCP on localhost, real files).
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, reincarnate, stopPeer } from '../helpers/peers'
import type { DevMeet } from '../../src/core/devmeet'
import { systemClock, type Clock } from '../../src/core/clock'

after(cleanup)

const HOUR = 60 * 60_000
const DAY = 24 * HOUR

describe('a series\' single occurrences between three real peers', () => {
  it('answers to single occurrences converge on all three, and "this and following" reaches an invitee that was offline', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    let ben = makePeer('Ben')
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    // Tomorrow at this minute, every day, eight times, in Berlin.
    const start = Math.ceil((Date.now() + DAY) / 60_000) * 60_000
    const { context } = await org.conferences.create({
      title: 'Stand-up', start, durationMinutes: 15, timeZone: 'Europe/Berlin', invitees: [ann.peerId!, ben.peerId!],
      recurrence: { freq: 'daily', interval: 1, count: 8 }
    })
    const id = context.id
    for (const p of [ann, ben]) await eventually('the series arrives', () => p.conferences.get(id) != null)
    await ann.conferences.respond(id, 'accepted')
    await ben.conferences.respond(id, 'accepted')
    const all = org.conferences.occurrences(id, 0, start + 30 * DAY)
    assert.equal(all.length, 8)
    const [, second, third, fourth] = all.map(o => o.occurrence)

    // "Not on the second day": Ann's answer to one occurrence; her series answer stands.
    await ann.conferences.respondToOccurrence(id, second, 'declined')
    // Ben answers the fourth tentatively; an answer to a time the rule does not give is refused at once.
    await ben.conferences.respondToOccurrence(id, fourth, 'tentative')
    await assert.rejects(ben.conferences.respondToOccurrence(id, fourth + 60_000, 'declined'), { name: 'ConferenceInputError' })
    const answersOn = (p: DevMeet, occurrence: number): unknown => p.conferences.occurrences(id, 0, start + 30 * DAY).find(o => o.occurrence === occurrence)?.answers
    await eventually('every peer shows both answers to single occurrences', () => [org, ann, ben].every(p =>
      JSON.stringify(answersOn(p, second)) === JSON.stringify({ [ann.peerId!]: 'declined', [ben.peerId!]: 'accepted' }) &&
      JSON.stringify(answersOn(p, fourth)) === JSON.stringify({ [ann.peerId!]: 'accepted', [ben.peerId!]: 'tentative' }) &&
      p.conferences.get(id)!.context.invitees.every(i => i.rsvp === 'accepted')))
    await eventually('the organizer acknowledged both', () => ann.conferences.get(id)!.rsvpPending === false && ben.conferences.get(id)!.rsvpPending === false)
    for (const p of [org, ann, ben]) {
      assert.deepEqual(answersOn(p, third), { [ann.peerId!]: 'accepted', [ben.peerId!]: 'accepted' }, 'the other occurrences keep the series answers')
      assert.equal(p.conferences.participants(id).length, 3, 'the series answers alone decide who takes part')
    }
    // Ann's reminder and start skip the occurrence she declined; the others are hers.
    const annService = (ann as any).conferences
    assert.equal(annService.takesPartIn(id, second), false)
    assert.equal(annService.takesPartIn(id, third), true)

    // Ben goes offline; the organizer moves the third day and every later one two hours later, for 30 minutes.
    const benId = ben.peerId!
    await stopPeer(ben)
    await org.conferences.rescheduleFollowing(id, third, third + 2 * HOUR, 30)
    const finalSequence = org.conferences.get(id)!.context.sequence
    await eventually('Ann has the change', () => ann.conferences.get(id)!.context.sequence === finalSequence)
    ben = reincarnate(ben, 'Ben')
    await startAll(ben)
    assert.equal(ben.peerId, benId)
    await eventually('Ben, back online, gets "this and following"', () => ben.conferences.get(id)?.context.sequence === finalSequence, 20_000)

    const listed = (p: DevMeet): string => JSON.stringify(p.conferences.occurrences(id, 0, start + 30 * DAY))
    assert.equal(listed(ann), listed(org))
    assert.equal(listed(ben), listed(org))
    const seen = org.conferences.occurrences(id, 0, start + 30 * DAY)
    assert.deepEqual(seen.slice(0, 2).map(o => [o.start, o.durationMinutes, o.moved]), [[start, 15, false], [second, 15, false]])
    for (const o of seen.slice(2)) {
      // Two hours later on Berlin's wall clock (no daylight-saving change within eight days here, or the same wall time after it).
      const wall = (t: number): string => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(t)
      assert.equal(wall(o.start), wall(o.occurrence + 2 * HOUR))
      assert.equal(o.durationMinutes, 30)
      assert.equal(o.moved, true)
    }
    // The answers to single occurrences survived the change (they name the occurrences the rule gives).
    assert.deepEqual(answersOn(ben, fourth), { [ann.peerId!]: 'accepted', [ben.peerId!]: 'tentative' })
    // Only the organizer changes the series.
    await assert.rejects(ann.conferences.rescheduleFollowing(id, fourth, fourth + HOUR), { name: 'ConferenceInputError' })
  })

  it('an answer to one occurrence made while the organizer is offline survives the invitee\'s restart and reaches the organizer', async () => {
    let org = makePeer('Olga')
    const ann = makePeer('Ann')
    await startAll(org, ann)
    await connectAll(org, ann)
    const start = Math.ceil((Date.now() + DAY) / 60_000) * 60_000
    const { context } = await org.conferences.create({
      title: 'Retro', start, durationMinutes: 60, timeZone: 'Europe/Berlin', invitees: [ann.peerId!],
      recurrence: { freq: 'weekly', interval: 2, count: 6 }
    })
    const id = context.id
    await eventually('the series arrives', () => ann.conferences.get(id) != null)
    await ann.conferences.respond(id, 'accepted')
    await eventually('the answer is in', () => org.conferences.get(id)!.context.invitees[0].rsvp === 'accepted')
    const orgId = org.peerId!
    await stopPeer(org)
    const third = start + 4 * 7 * DAY
    await ann.conferences.respondToOccurrence(id, third, 'declined')
    assert.equal(ann.conferences.get(id)!.rsvpPending, true)
    // Ann's own answer counts for her at once.
    assert.equal(ann.conferences.occurrences(id, third, third + 1)[0].answers?.[ann.peerId!], 'declined')
    // Ann restarts too: the answer is on disk, and so is what still waits for the organizer.
    await stopPeer(ann)
    const annAgain = reincarnate(ann, 'Ann')
    org = reincarnate(org, 'Olga')
    await startAll(org, annAgain)
    assert.equal(org.peerId, orgId)
    await connectAll(org, annAgain)
    await eventually('the organizer gets it, and Ann the context that carries it', () =>
      org.conferences.occurrences(id, third, third + 1)[0]?.answers?.[annAgain.peerId!] === 'declined' &&
      annAgain.conferences.get(id)?.context.invitees[0].occurrenceAnswers?.[0]?.occurrence === third &&
      annAgain.conferences.get(id)?.rsvpPending === false, 20_000)
    assert.equal(org.conferences.occurrences(id, start, start + 1)[0].answers?.[annAgain.peerId!], 'accepted', 'the other occurrences keep her series answer')
  })

  it('two occurrences open two chats, each with its own messages, on every peer', async () => {
    // One clock for the three peers, moved a day on between the occurrences (timers still run in real time).
    let offset = 0
    const clock: Clock = { ...systemClock, now: () => Date.now() + offset }
    const [org, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n, { clock }))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const starts: Array<{ id: string, occurrence?: number }> = []
    ann.events.on('conference:start', v => starts.push({ id: v.context.id, occurrence: v.occurrence?.occurrence }))
    const start = Math.ceil((Date.now() + 2 * 60_000) / 60_000) * 60_000
    const { context } = await org.conferences.create({
      title: 'Daily', start, durationMinutes: 30, timeZone: 'Europe/Berlin', invitees: [ann.peerId!, ben.peerId!],
      recurrence: { freq: 'daily', interval: 1, count: 3 }
    })
    const id = context.id
    for (const p of [ann, ben]) await eventually('the series arrives', () => p.conferences.get(id) != null)
    for (const p of [ann, ben]) await p.conferences.respond(id, 'accepted')
    await eventually('everyone takes part', () => [org, ann, ben].every(p => p.conferences.participants(id).length === 3))
    for (const p of [org, ann, ben]) await p.chat.join(id)

    // The first day: five minutes into the first occurrence.
    offset = start + 5 * 60_000 - Date.now()
    ;(ann as any).scheduler.check()
    await org.chat.send(id, { kind: 'text', body: 'day one: hello' })
    await eventually('Ann holds it', async () => (await ann.chat.history(id)).length === 1)
    const first = await ann.chat.send(id, { kind: 'text', body: 'day one: my update' })
    // Between the occurrences: a message belongs to the next one.
    offset = start + 3 * HOUR - Date.now()
    await ben.chat.send(id, { kind: 'text', body: 'for tomorrow: the agenda' })
    // The second day, in the occurrence; Ben reacts to Ann's message of the first day.
    offset = start + DAY + 10 * 60_000 - Date.now()
    ;(ann as any).scheduler.check()
    await ann.chat.send(id, { kind: 'text', body: 'day two: my update' })
    await ben.chat.send(id, { kind: 'reaction', body: '', target: { author: first.author, seq: first.seq }, emoji: '👍', on: true })

    const bodies = async (p: DevMeet, occurrence: number): Promise<string[]> =>
      (await p.chat.history(id, occurrence)).map(m => m.kind === 'reaction' ? `${m.emoji ?? ''} on ${m.target?.seq ?? 0}` : m.body)
    await eventually('every peer holds the five records', async () => (await Promise.all([org, ann, ben].map(async p => (await p.chat.history(id)).length))).every(n => n === 5))
    for (const p of [org, ann, ben]) {
      assert.deepEqual(await bodies(p, start), ['day one: hello', 'day one: my update', `👍 on ${first.seq}`])
      assert.deepEqual(await bodies(p, start + DAY), ['for tomorrow: the agenda', 'day two: my update'])
      assert.deepEqual(await bodies(p, start + 2 * DAY), [])
    }
    // Each occurrence's start names its occurrence, so the chat page opens that occurrence's chat.
    await eventually('both starts announced', () => starts.length >= 2)
    assert.deepEqual(starts.map(s => s.occurrence), [start, start + DAY])
    assert.ok(starts.every(s => s.id === id))
  })
})
