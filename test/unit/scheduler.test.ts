import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceView } from '../../src/core/api'
import type { Clock } from '../../src/core/clock'
import { Scheduler, type ScheduleEvent } from '../../src/core/scheduler'

const MIN = 60_000
const T0 = Date.UTC(2026, 10, 25, 9, 0)

/** A clock whose time moves only when told; `jump` moves it without running timers, as a sleeping laptop. */
class FakeClock implements Clock {
  private timers = new Map<number, { at: number, fn: () => void }>()
  private nextId = 1
  constructor (public time = T0) {}
  now (): number { return this.time }
  setTimeout (fn: () => void, ms: number): unknown {
    if (ms > 2 ** 31 - 1) throw new Error('a Node timer this long fires at once')
    const id = this.nextId++
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn })
    return id
  }

  clearTimeout (handle: unknown): void { this.timers.delete(handle as number) }
  /** Runs every timer due up to now + ms, in time order. */
  advance (ms: number): void {
    const until = this.time + ms
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (due == null) break
      this.timers.delete(due[0])
      this.time = Math.max(this.time, due[1].at)
      due[1].fn()
    }
    this.time = until
  }

  jump (ms: number): void { this.time += ms }
}

function view (over: Partial<ConferenceView['context']> = {}, me: Partial<ConferenceView> = { mine: true }): ConferenceView {
  return {
    context: {
      id: 'conf-aaaaaaaaaaaaaaaaaaaaaa',
      title: 'Design review',
      agenda: '',
      start: T0 + 60 * MIN,
      timeZone: 'UTC',
      durationMinutes: 30,
      organizer: { peerId: 'me', displayName: 'Me', addrs: [] },
      invitees: [],
      sequence: 1,
      status: 'scheduled',
      createdAt: T0,
      updatedAt: T0,
      ...over
    } as ConferenceView['context'],
    delivery: {},
    mine: false,
    ...me
  }
}

/** Stands in for conference/participation.ts: the organizer or an accepted/tentative answer, never cancelled. */
function takesPartByView (v: ConferenceView | undefined): boolean {
  return v != null && v.context.status !== 'cancelled' && (v.mine || v.myRsvp === 'accepted' || v.myRsvp === 'tentative')
}

function setup (views: ConferenceView[], reminderMinutes = 5, clock = new FakeClock(), takesPart = (id: string) => takesPartByView(views.find(v => v.context.id === id))): { clock: FakeClock, fired: Array<[ScheduleEvent, number]>, scheduler: Scheduler, views: ConferenceView[] } {
  const fired: Array<[ScheduleEvent, number]> = []
  const source = { list: () => views, get: (id: string) => views.find(v => v.context.id === id), takesPart }
  const scheduler = new Scheduler(clock, source, (e) => fired.push([e, clock.now()]), reminderMinutes)
  scheduler.start()
  return { clock, fired, scheduler, views }
}

describe('scheduler', () => {
  it('asks whether I take part, not what the view says: an "accepted" the participation rules do not back fires nothing', () => {
    const { clock, fired } = setup([view({}, { mine: false, myRsvp: 'accepted' })], 5, new FakeClock(), () => false)
    clock.advance(3 * 60 * MIN)
    assert.deepEqual(fired, [])
  })

  it('reminds reminderMinutes before the start, then announces start and end on time, once each', () => {
    const { clock, fired } = setup([view()])
    clock.advance(3 * 60 * MIN)
    assert.deepEqual(fired, [
      ['conference:reminder', T0 + 55 * MIN],
      ['conference:start', T0 + 60 * MIN],
      ['conference:end', T0 + 90 * MIN]
    ])
  })

  it('ignores conferences I declined or have not answered, and cancelled ones', () => {
    const { clock, fired } = setup([
      view({ id: 'declined-aaaaaaaaaaaaaaaaaa' }, { mine: false, myRsvp: 'declined' }),
      view({ id: 'unanswered-aaaaaaaaaaaaaaa' }, { mine: false }),
      view({ id: 'cancelled-aaaaaaaaaaaaaaaa', status: 'cancelled' })
    ])
    clock.advance(3 * 60 * MIN)
    assert.deepEqual(fired, [])
  })

  it('follows a tentative acceptance like an acceptance', () => {
    const { clock, fired } = setup([view({}, { mine: false, myRsvp: 'tentative' })])
    clock.advance(61 * MIN)
    assert.deepEqual(fired.map(f => f[0]), ['conference:reminder', 'conference:start'])
  })

  it('sends no reminder when reminderMinutes is 0, and takes a new value at run time', () => {
    const { clock, fired, scheduler } = setup([view()], 0)
    clock.advance(30 * MIN)
    scheduler.setReminderMinutes(15)
    clock.advance(31 * MIN)
    assert.deepEqual(fired, [['conference:reminder', T0 + 45 * MIN], ['conference:start', T0 + 60 * MIN]])
  })

  it('moves the timers with a reschedule and announces the new start, not the old one', () => {
    const { clock, fired, scheduler, views } = setup([view()])
    clock.advance(56 * MIN) // reminder for the old time already shown
    views[0] = view({ start: T0 + 120 * MIN, sequence: 2 })
    scheduler.check()
    clock.advance(10 * MIN)
    assert.deepEqual(fired.map(f => f[0]), ['conference:reminder'], 'nothing at the old start')
    clock.advance(60 * MIN)
    assert.deepEqual(fired.slice(1), [['conference:reminder', T0 + 115 * MIN], ['conference:start', T0 + 120 * MIN]])
  })

  it('disarms a cancelled conference', () => {
    const { clock, fired, scheduler, views } = setup([view()])
    views[0] = view({ status: 'cancelled', sequence: 2 })
    scheduler.check()
    clock.advance(3 * 60 * MIN)
    assert.deepEqual(fired, [])
  })

  it('waits out a start 30 days away in steps without firing early', () => {
    const start = T0 + 30 * 24 * 60 * MIN
    const { clock, fired } = setup([view({ start })])
    clock.advance(start - T0 - 5 * MIN - 1)
    assert.deepEqual(fired, [])
    clock.advance(1)
    assert.deepEqual(fired, [['conference:reminder', start - 5 * MIN]])
    clock.advance(5 * MIN)
    assert.deepEqual(fired.map(f => f[0]), ['conference:reminder', 'conference:start'])
  })

  it('announces a start missed while the laptop slept as soon as it wakes', () => {
    const { clock, fired } = setup([view()])
    clock.advance(10 * MIN)
    // Asleep from T0+10 to T0+70: no timer ran meanwhile.
    clock.jump(60 * MIN)
    clock.advance(30_000)
    assert.deepEqual(fired.map(f => f[0]), ['conference:start'], 'no stale reminder, one start')
    assert.ok(fired[0][1] <= T0 + 70 * MIN + 30_000)
  })

  it('announces the start at once when started inside the conference, and then its end', () => {
    const clock = new FakeClock(T0 + 70 * MIN)
    const { fired } = setup([view()], 5, clock)
    assert.deepEqual(fired, [['conference:start', T0 + 70 * MIN]])
    clock.advance(20 * MIN)
    assert.deepEqual(fired.map(f => f[0]), ['conference:start', 'conference:end'])
  })

  it('announces nothing at launch for conferences that are over', () => {
    const clock = new FakeClock(T0 + 200 * MIN)
    const { fired } = setup([view()], 5, clock)
    clock.advance(60 * MIN)
    assert.deepEqual(fired, [])
  })

  it('stops firing once stopped', () => {
    const { clock, fired, scheduler } = setup([view()])
    scheduler.stop()
    clock.advance(3 * 60 * MIN)
    assert.deepEqual(fired, [])
  })
})
