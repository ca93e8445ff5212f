import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceContext, ConferenceView } from '../../src/core/api'
import type { Clock } from '../../src/core/clock'
import { Scheduler, type ScheduleEvent } from '../../src/core/scheduler'

const MIN = 60_000
const DAY = 24 * 60 * MIN
// Friday 26 March 2027, 07:00 in Berlin; the stand-up is at 09:00 Berlin, and summer time begins on Sunday the 28th.
const T0 = Date.parse('2027-03-26T06:00:00Z')
const FIRST = Date.parse('2027-03-26T08:00:00Z')

/** Time moves only when told; timers run in time order. */
class FakeClock implements Clock {
  readonly timers = new Map<number, { at: number, fn: () => void }>()
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
}

function seriesView (over: Partial<ConferenceContext> = {}): ConferenceView {
  return {
    context: {
      id: 'conf-aaaaaaaaaaaaaaaaaaaaaa',
      nonce: 'n0nce-n0nce-n0nce-n0nce',
      title: 'Stand-up',
      agenda: '',
      start: FIRST,
      timeZone: 'Europe/Berlin',
      durationMinutes: 15,
      organizer: { peerId: 'me', displayName: 'Me', addrs: [] },
      invitees: [],
      sequence: 1,
      status: 'scheduled',
      createdAt: T0,
      updatedAt: T0,
      recurrence: { freq: 'daily', interval: 1 },
      ...over
    },
    delivery: {},
    mine: true
  }
}

function setup (views: ConferenceView[], declined: number[] = []): { clock: FakeClock, fired: Array<{ event: ScheduleEvent, at: string, id: string, occurrence?: number }> } {
  const clock = new FakeClock()
  const fired: Array<{ event: ScheduleEvent, at: string, id: string, occurrence?: number }> = []
  const source = { list: () => views, get: (id: string) => views.find(v => v.context.id === id), takesPart: () => true, takesPartIn: (_id: string, occurrence: number) => !declined.includes(occurrence) }
  const scheduler = new Scheduler(clock, source, (event, view) => fired.push({ event, at: new Date(clock.now()).toISOString().slice(0, 16), id: view.context.id, occurrence: view.occurrence?.occurrence }), 5)
  scheduler.start()
  return { clock, fired }
}

describe('scheduler: a series', () => {
  it('reminds and starts every occurrence at 09:00 Berlin across the change to summer time, under the one conference id', () => {
    const { clock, fired } = setup([seriesView()])
    clock.advance(3 * DAY)
    const starts = fired.filter(f => f.event === 'conference:start')
    assert.deepEqual(starts.map(f => f.at), ['2027-03-26T08:00', '2027-03-27T08:00', '2027-03-28T07:00'])
    assert.deepEqual(fired.filter(f => f.event === 'conference:reminder').map(f => f.at), ['2027-03-26T07:55', '2027-03-27T07:55', '2027-03-28T06:55'])
    assert.equal(fired.filter(f => f.event === 'conference:end').length, 3, 'each started occurrence ends')
    assert.ok(starts.every(f => f.id === 'conf-aaaaaaaaaaaaaaaaaaaaaa'), 'every occurrence is announced under the series\' id')
    assert.deepEqual(starts.map(f => f.occurrence), [FIRST, FIRST + DAY, FIRST + 2 * DAY - 3_600_000])
  })

  it('holds one timer plus the wake-up poll, however long the series', () => {
    const { clock } = setup([seriesView()])
    clock.advance(10 * MIN)
    assert.ok(clock.timers.size <= 2, `${clock.timers.size} timers`)
  })

  it('skips a cancelled occurrence and starts a moved one at its new time', () => {
    const { clock, fired } = setup([seriesView({
      exceptions: [
        { occurrence: FIRST + DAY, cancelled: true },
        { occurrence: FIRST, start: FIRST + 2 * 60 * MIN, durationMinutes: 30 }
      ]
    })])
    clock.advance(2 * DAY + 2 * 60 * MIN)
    assert.deepEqual(fired.filter(f => f.event === 'conference:start').map(f => f.at), ['2027-03-26T10:00', '2027-03-28T07:00'])
  })

  it('neither reminds nor starts an occurrence I declined on its own ("not on Saturday"), and goes on with the next', () => {
    const { clock, fired } = setup([seriesView()], [FIRST + DAY])
    clock.advance(3 * DAY)
    assert.deepEqual(fired.filter(f => f.event === 'conference:start').map(f => f.at), ['2027-03-26T08:00', '2027-03-28T07:00'])
    assert.deepEqual(fired.filter(f => f.event === 'conference:reminder').map(f => f.at), ['2027-03-26T07:55', '2027-03-28T06:55'])
  })

  it('announces nothing after the last occurrence (count) and nothing for a cancelled series', () => {
    const counted = setup([seriesView({ recurrence: { freq: 'daily', interval: 1, count: 2 } })])
    counted.clock.advance(5 * DAY)
    assert.equal(counted.fired.filter(f => f.event === 'conference:start').length, 2)
    const cancelled = setup([seriesView({ status: 'cancelled' })])
    cancelled.clock.advance(5 * DAY)
    assert.deepEqual(cancelled.fired, [])
  })
})
