// One peer's clock an hour ahead (injected through DevMeetOptions.clock): chat order stays the same
// everywhere (Lamport, not wall clock), each peer honours start times by its own clock, and nothing
// is rejected for skew alone.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, transcript } from '../helpers/peers'
import { systemClock, type Clock } from '../../src/core/clock'
import type { DevMeet } from '../../src/core/devmeet'

after(cleanup)

const HOUR = 3_600_000

/** The system clock moved by `offsetMs`; timers still run in real time. */
function skewed (offsetMs: number): Clock {
  return { ...systemClock, now: () => Date.now() + offsetMs }
}

/** Creates a conference from `org` (start and duration as given), has everyone accept, and waits until all agree. */
async function acceptedConference (org: DevMeet, invitees: DevMeet[], start: number, durationMinutes: number): Promise<string> {
  const { context } = await org.conferences.create({ title: 'Skewed', start, durationMinutes, invitees: invitees.map(p => p.peerId!) })
  for (const p of invitees) await eventually('the invitation arrives', () => p.conferences.get(context.id) != null)
  for (const p of invitees) await p.conferences.respond(context.id, 'accepted')
  const all = [org, ...invitees]
  await eventually('everyone sees everyone accepted', () => all.every(p => p.conferences.get(context.id)!.context.invitees.every(i => i.rsvp === 'accepted')))
  return context.id
}

describe('a peer whose clock is an hour ahead', () => {
  it('is noticed when it connects: one warning on each side, none between peers whose clocks agree', async () => {
    const olga = makePeer('Olga')
    const sam = makePeer('Sam', { clock: skewed(HOUR) })
    const ann = makePeer('Ann')
    const warnings = new Map<DevMeet, string[]>()
    for (const p of [olga, sam, ann]) {
      const seen: string[] = []
      warnings.set(p, seen)
      p.events.on('warning', m => { if (/clock/.test(m)) seen.push(m) })
    }
    await startAll(olga, sam, ann)
    await connectAll(olga, sam, ann)
    await eventually('both of Sam\'s peers warned', () => warnings.get(olga)!.length > 0 && warnings.get(ann)!.length > 0)
    await eventually('Sam warned about both', () => warnings.get(sam)!.length === 2)
    assert.match(warnings.get(olga)![0], /Sam's clock is 60 minutes ahead of yours/)
    assert.ok(warnings.get(sam)!.every(m => /clock is 60 minutes behind yours/.test(m)), warnings.get(sam)!.join('; '))
    assert.ok(warnings.get(olga)!.every(m => m.includes('Sam')), 'no warning about Ann, whose clock agrees')
    assert.equal(warnings.get(olga)!.length, 1, 'once per peer')
  })

  it('chats in one causal order everywhere, though its sent-at times are an hour off', async () => {
    const olga = makePeer('Olga')
    const sam = makePeer('Sam', { clock: skewed(HOUR) })
    const ann = makePeer('Ann')
    const all = [olga, sam, ann]
    await startAll(...all)
    await connectAll(...all)
    const id = await acceptedConference(olga, [sam, ann], Date.now(), 180)
    for (const p of all) await p.chat.join(id)

    const has = (p: DevMeet, body: string) => async () => (await p.chat.history(id)).some(m => m.body === body)
    const q1 = await olga.chat.send(id, { kind: 'text', body: 'q1' })
    await eventually('Sam has q1', has(sam, 'q1'))
    const a1 = await sam.chat.send(id, { kind: 'text', body: 'a1' })
    await eventually('Olga has a1', has(olga, 'a1'))
    const q2 = await olga.chat.send(id, { kind: 'text', body: 'q2' })
    await eventually('Ann has q2', has(ann, 'q2'))
    const a2 = await ann.chat.send(id, { kind: 'text', body: 'a2' })
    assert.ok(a1.sentAt > q2.sentAt + HOUR / 2, 'Sam\'s reply carries a wall-clock time after the message that answers it')
    assert.ok(q1.lamport < a1.lamport && a1.lamport < q2.lamport && q2.lamport < a2.lamport, 'Lamport times follow causality')

    // Then everyone at once.
    await Promise.all(all.map(async (p, i) => { for (let n = 0; n < 20; n++) await p.chat.send(id, { kind: 'text', body: `${i}-${n}` }) }))
    await eventually('all hold all 64', async () => (await Promise.all(all.map(p => p.chat.history(id)))).every(h => h.length === 64))
    const first = await transcript(olga, id)
    for (const p of [sam, ann]) assert.deepEqual(await transcript(p, id), first, 'the same order on every peer')
    const bodies = (await olga.chat.history(id)).map(m => m.body)
    const at = ['q1', 'a1', 'q2', 'a2'].map(b => bodies.indexOf(b))
    assert.deepEqual([...at].sort((x, y) => x - y), at, `a reply always shows after what it answers: ${at}`)
    await eventually('every message acknowledged: none refused for its time', async () =>
      (await Promise.all(all.map(p => p.chat.history(id)))).every(h => h.every(m => m.pending !== true)))
  })

  it('honours start times by each peer\'s own clock, and accepts a conference an hour ahead of its own', async () => {
    const olga = makePeer('Olga')
    const sam = makePeer('Sam', { clock: skewed(HOUR) })
    const ann = makePeer('Ann')
    const all = [olga, sam, ann]
    const starts: Array<{ who: string, id: string, at: number }> = []
    for (const [who, p] of [['Olga', olga], ['Sam', sam], ['Ann', ann]] as const) {
      p.events.on('conference:start', v => starts.push({ who, id: v.context.id, at: Date.now() }))
    }
    await startAll(...all)
    await connectAll(...all)

    // Olga's conference, once all accepted, is moved to 2 s from now: for Sam's clock it began an hour ago and still runs.
    const c1 = await acceptedConference(olga, [sam, ann], Date.now() + 2 * HOUR, 180)
    assert.equal(starts.length, 0, 'nobody starts a conference two hours away')
    const soon = Date.now() + 2000
    await olga.conferences.reschedule(c1, soon)
    await eventually('Sam starts it', () => starts.some(s => s.who === 'Sam' && s.id === c1))
    const samStarted = starts.find(s => s.who === 'Sam' && s.id === c1)
    assert.ok(samStarted != null && samStarted.at < soon, 'Sam\'s clock says it runs: his chat opens at once')
    await eventually('Olga and Ann start at the real start time', () => ['Olga', 'Ann'].every(w => starts.some(s => s.who === w && s.id === c1)), 10_000)
    for (const s of starts.filter(s => s.id === c1 && s.who !== 'Sam')) assert.ok(s.at >= soon, `${s.who} did not start early`)

    // Sam's conference starts 2 s from now by his clock: an hour ahead of the others'. It is accepted, not refused.
    const c2 = await acceptedConference(sam, [olga, ann], sam.clock.now() + 2000, 30)
    for (const p of [olga, ann]) {
      const ctx = p.conferences.get(c2)!.context
      assert.ok(ctx.start > Date.now() + HOUR / 2, 'the others see it an hour ahead')
      assert.equal(ctx.status, 'scheduled')
    }
    await eventually('Sam starts it by his clock', () => starts.some(s => s.who === 'Sam' && s.id === c2), 10_000)
    // Olga and Ann check their schedules at the same moment: for them it is an hour away.
    for (const p of [olga, ann]) p.setReminderMinutes(5)
    assert.deepEqual(starts.filter(s => s.id === c2 && s.who !== 'Sam'), [], 'the others do not start it an hour early')
    // Sam writes in it; the others, who accepted, take his messages though the meeting has not begun on their clocks.
    await sam.chat.send(c2, { kind: 'text', body: 'early bird' })
    for (const p of [olga, ann]) await p.chat.join(c2)
    await eventually('Olga and Ann hold Sam\'s message', async () => (await Promise.all([olga, ann].map(p => p.chat.history(c2)))).every(h => h.some(m => m.body === 'early bird')))
  })
})
