import type { ConferenceView, Occurrence } from './api'
import type { Clock } from './clock'
import { NextOccurrenceCache } from './conference/recurrence'

/** setTimeout fires at once for delays over 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1
/** A laptop that slept misses timers; a periodic look at the wall clock catches up. */
const CHECK_EVERY_MS = 30_000
/** A series' occurrence that ended this recently is still looked at, so that its end is announced. */
const ENDED_LOOKBACK_MS = 2 * CHECK_EVERY_MS

export type ScheduleEvent = 'conference:reminder' | 'conference:start' | 'conference:end'

export interface SchedulerSource {
  list(): ConferenceView[]
  get(id: string): ConferenceView | undefined
  /** whether this peer takes part in the conference now (conference/participation.ts decides) */
  takesPart(id: string): boolean
  /** a series: whether this peer takes part in one occurrence (it did not decline that occurrence) */
  takesPartIn?(id: string, occurrence: number): boolean
}

/**
 * Reminders, start and end times for the conferences I take part in: I organize them, or accepted
 * them (tentatively too) with my own signed answer; never a cancelled one.
 * Each event fires once per scheduled time; a reschedule re-arms, a cancellation disarms.
 *
 * A series arms only its next occurrence (recurrence.ts), so a daily series over years holds one
 * timer and no list of dates. Each occurrence is announced as a view of the series whose start and
 * duration are the occurrence's, and which names the occurrence (ConferenceView.occurrence): each
 * occurrence's start opens that occurrence's chat. An occurrence I declined is skipped.
 */
export class Scheduler {
  private readonly fired = new Set<string>()
  private readonly nextOccurrences = new NextOccurrenceCache()
  /** starts announced by this process: only those get an end */
  private readonly started = new Set<string>()
  private timer: unknown
  private poll: unknown
  private running = false

  constructor (
    private readonly clock: Clock,
    private readonly source: SchedulerSource,
    private readonly emit: (event: ScheduleEvent, view: ConferenceView) => void,
    private reminderMinutes = 5
  ) {}

  start (): void {
    this.running = true
    this.check()
    const tick = (): void => {
      if (!this.running) return
      this.check()
      this.poll = this.clock.setTimeout(tick, CHECK_EVERY_MS)
    }
    this.poll = this.clock.setTimeout(tick, CHECK_EVERY_MS)
  }

  stop (): void {
    this.running = false
    if (this.timer != null) this.clock.clearTimeout(this.timer)
    if (this.poll != null) this.clock.clearTimeout(this.poll)
    this.timer = this.poll = undefined
  }

  setReminderMinutes (minutes: number): void {
    this.reminderMinutes = Math.max(0, minutes)
    this.check()
  }

  /** Re-evaluates every conference: fires what is due, arms a timer for the next one. */
  check (): void {
    if (!this.running) return
    const now = this.clock.now()
    let next = Infinity
    const views: ConferenceView[] = []
    for (const listed of this.source.list()) {
      const id = listed.context.id
      if (!this.source.takesPart(id)) continue
      // An occurrence I declined ("not on Friday") is neither reminded nor started for me.
      views.push(...this.dueViews(listed, now).filter(v => v.occurrence == null || this.source.takesPartIn?.(id, v.occurrence.occurrence) !== false))
    }
    for (const view of views) {
      for (const [event, at] of this.times(view)) {
        // Keyed by the time it is due, so a reschedule re-arms; a longer duration alone re-announces no start.
        const startKey = `conference:start|${view.context.id}|${view.context.start}`
        const key = event === 'conference:end' ? `${event}|${view.context.id}|${at}` : `${event}|${view.context.id}|${view.context.start}`
        if (this.fired.has(key)) continue
        if (at <= now) {
          this.fired.add(key)
          // A start missed while asleep still fires; a reminder for a conference that already began does not.
          if (event === 'conference:reminder' && now >= view.context.start) continue
          if (event === 'conference:start' && now >= endOf(view)) continue
          // An end is news only after a start this process announced, not for every past conference at launch.
          if (event === 'conference:end' && !this.started.has(startKey)) continue
          if (event === 'conference:start') this.started.add(startKey)
          this.emit(event, view)
        } else {
          next = Math.min(next, at)
        }
      }
    }
    if (this.timer != null) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    if (next !== Infinity) {
      this.timer = this.clock.setTimeout(() => { this.timer = undefined; this.check() }, Math.min(next - now, MAX_TIMER_MS))
    }
  }

  /** A one-off conference as it is; for a series, the occurrence now or next, and the one after once that has ended. */
  private dueViews (view: ConferenceView, now: number): ConferenceView[] {
    if (view.context.recurrence == null) return [view]
    const out: ConferenceView[] = []
    const watched = this.nextOccurrences.next(view.context, now - ENDED_LOOKBACK_MS)
    if (watched != null) out.push(occurrenceView(view, watched))
    if (watched != null && watched.start + watched.durationMinutes * 60_000 <= now) {
      const after = this.nextOccurrences.next(view.context, now)
      if (after != null) out.push(occurrenceView(view, after))
    }
    return out
  }

  private times (view: ConferenceView): Array<[ScheduleEvent, number]> {
    const out: Array<[ScheduleEvent, number]> = []
    if (this.reminderMinutes > 0) out.push(['conference:reminder', view.context.start - this.reminderMinutes * 60_000])
    out.push(['conference:start', view.context.start], ['conference:end', endOf(view)])
    return out
  }
}

function endOf (view: ConferenceView): number {
  return view.context.start + view.context.durationMinutes * 60_000
}

function occurrenceView (view: ConferenceView, occurrence: Occurrence): ConferenceView {
  return { ...view, context: { ...view.context, start: occurrence.start, durationMinutes: occurrence.durationMinutes }, occurrence }
}
