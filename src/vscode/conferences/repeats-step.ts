// The "Repeats" step of Create Conference: how often (one pick, with sub-steps for chosen days and
// "every N weeks"), then when the series ends (never, on a date, after N). The choice is kept in
// the caller's state across Back; the rule itself is made from it at the end (repeat-choice.ts),
// against the start as finally given.
import type { RecurrenceRule, Weekday } from '../../core/api'
import type { ShownPickItem } from '../user-messages'
import { localized } from '../localized'
import { untrusted } from '../../shared/shown-text'
import { formatInputTime } from '../../shared/time'
import type { InputStep, MultiStepInput, StepTitle } from './multi-step-input'
import { WEEKDAYS_FROM_MONDAY, parseCount, parseWeeks, ruleOf, startPlace, type RepeatChoice, type RepeatKind } from './repeat-choice'
import { dayName, seriesSummary } from './series-summary'

/** What the step keeps across Back. */
export interface RepeatState {
  choice: RepeatChoice
}

type KindItem = ShownPickItem & { repeat: RepeatKind, weeks?: 'ask', days?: 'ask' }
type EndItem = ShownPickItem & { end: 'never' | 'onDate' | 'after' }
type DayItem = ShownPickItem & { day: Weekday }

/** The rule for the state and start: undefined for a one-off conference, null when the start does not fit the choice. */
export function repeatRule (state: RepeatState, start: number, timeZone: string): RecurrenceRule | undefined | null {
  const r = ruleOf(state.choice, start, timeZone)
  return r.ok ? r.rule : null
}

function kindItems (start: number, timeZone: string): KindItem[] {
  const place = startPlace(start, timeZone)
  const day = dayName(place.weekday)
  const nth = ruleOf({ kind: 'monthlyOnWeekday' }, start, timeZone)
  const monthlyWeekday = nth.ok && nth.rule != null ? seriesSummary(nth.rule, timeZone) : localized`Monthly on the same weekday`
  return [
    { repeat: 'never', label: localized`Does not repeat` },
    { repeat: 'daily', label: localized`Daily` },
    { repeat: 'weekdays', label: localized`Every weekday`, description: localized`Mon to Fri` },
    { repeat: 'weekly', label: localized`Weekly on ${day}` },
    { repeat: 'weekly', days: 'ask', label: localized`Weekly on chosen days…` },
    { repeat: 'weekly', weeks: 'ask', label: localized`Every N weeks on ${day}…` },
    { repeat: 'monthlyOnDay', label: localized`Monthly on day ${place.dayOfMonth}` },
    { repeat: 'monthlyOnWeekday', label: monthlyWeekday }
  ]
}

/**
 * Asks how the conference repeats, then how the series ends; `next` is the step after. `start`
 * is the first meeting, in `timeZone` (the organizer's).
 */
export async function askRepeats (input: MultiStepInput, step: StepTitle, state: RepeatState, start: number, timeZone: string, next: InputStep): Promise<InputStep> {
  const items = kindItems(start, timeZone)
  const current = state.choice
  const weeklyAsks = (current.interval ?? 1) > 1 ? 'weeks' : (current.days?.length ?? 1) > 1 ? 'days' : undefined
  const active = items.find(i => i.repeat === current.kind &&
    (i.repeat !== 'weekly' || (weeklyAsks === 'weeks' ? i.weeks != null : weeklyAsks === 'days' ? i.days != null : i.weeks == null && i.days == null)))
  const chosen = await input.showPickOne<KindItem>({
    ...step,
    items,
    active,
    placeholder: localized`Repeats? Times stay in your time zone (${untrusted(timeZone)}) across daylight-saving changes`
  })
  const end = state.choice.end
  if (chosen.repeat === 'never') {
    state.choice = { kind: 'never' }
    return next
  }
  if (chosen.weeks === 'ask') return async i => await askWeeks(i, step, state, start, timeZone, next)
  if (chosen.days === 'ask') return async i => await askDays(i, step, state, 1, start, timeZone, next)
  state.choice = { kind: chosen.repeat, ...(end != null ? { end } : {}) }
  return async i => await askEnd(i, step, state, start, timeZone, next)
}

async function askWeeks (input: MultiStepInput, step: StepTitle, state: RepeatState, start: number, timeZone: string, next: InputStep): Promise<InputStep> {
  const previous = state.choice.kind === 'weekly' && (state.choice.interval ?? 1) > 1 ? String(state.choice.interval) : '2'
  const value = await input.showInputBox({
    ...step,
    value: previous,
    prompt: localized`Every how many weeks? (2 for every other week)`,
    required: localized`Type a number of weeks.`,
    check: v => {
      const parsed = parseWeeks(v)
      return parsed.reason != null ? { error: parsed.reason } : { note: String(seriesSummary({ freq: 'weekly', interval: parsed.weeks!, byDay: [startPlace(start, timeZone).weekday] }, timeZone)) }
    }
  })
  const weeks = parseWeeks(value).weeks ?? 2
  return async i => await askDays(i, step, state, weeks, start, timeZone, next)
}

async function askDays (input: MultiStepInput, step: StepTitle, state: RepeatState, weeks: number, start: number, timeZone: string, next: InputStep): Promise<InputStep> {
  const own = startPlace(start, timeZone).weekday
  const items: DayItem[] = WEEKDAYS_FROM_MONDAY.map(day => ({ day, label: dayName(day), ...(day === own ? { description: localized`the first meeting's day` } : {}) }))
  const before = state.choice.kind === 'weekly' && state.choice.days != null ? state.choice.days : [own]
  const outcome = await input.showQuickPick<DayItem>({
    ...step,
    items,
    selected: items.filter(i => before.includes(i.day) || i.day === own),
    placeholder: localized`On which days? Space selects, Enter continues`,
    checkSelection: selected => selected.some(i => i.day === own) ? undefined : localized`Keep the first meeting's own day selected.`
  })
  const days = outcome.kind === 'chosen' ? outcome.items.map(i => i.day) : [own]
  const end = state.choice.end
  state.choice = { kind: 'weekly', interval: weeks, days, ...(end != null ? { end } : {}) }
  return async i => await askEnd(i, step, state, start, timeZone, next)
}

async function askEnd (input: MultiStepInput, step: StepTitle, state: RepeatState, start: number, timeZone: string, next: InputStep): Promise<InputStep> {
  const often = ruleOf({ ...state.choice, end: { kind: 'never' } }, start, timeZone)
  const summary = often.ok && often.rule != null ? seriesSummary(often.rule, timeZone) : localized`Repeats`
  const items: EndItem[] = [
    { end: 'never', label: localized`Never ends`, description: localized`${summary}` },
    { end: 'onDate', label: localized`Ends on a date…` },
    { end: 'after', label: localized`Ends after a number of meetings…` }
  ]
  const chosen = await input.showPickOne<EndItem>({
    ...step,
    items,
    active: items.find(i => i.end === (state.choice.end?.kind ?? 'never')),
    placeholder: localized`${summary}: until when?`
  })
  if (chosen.end === 'never') {
    state.choice = { ...state.choice, end: { kind: 'never' } }
    return next
  }
  const onDate = chosen.end === 'onDate'
  const previous = state.choice.end
  const value = await input.showInputBox({
    ...step,
    value: onDate
      ? previous?.kind === 'onDate' ? previous.date : formatInputTime(start + 90 * 24 * 60 * 60_000, timeZone).slice(0, 10)
      : previous?.kind === 'after' ? String(previous.count) : '10',
    prompt: onDate ? localized`The last day (YYYY-MM-DD), within two years` : localized`How many meetings in all? (2 to 1000)`,
    required: onDate ? localized`Type the last day, e.g. 2027-03-01.` : localized`Type a number of meetings.`,
    check: v => {
      const end = onDate ? { kind: 'onDate' as const, date: v } : { kind: 'after' as const, count: parseCount(v).count ?? NaN }
      if (!onDate && parseCount(v).reason != null) return { error: parseCount(v).reason }
      const r = ruleOf({ ...state.choice, end }, start, timeZone)
      return r.ok ? { note: r.rule != null ? String(seriesSummary(r.rule, timeZone)) : undefined } : { error: r.reason }
    }
  })
  state.choice = { ...state.choice, end: onDate ? { kind: 'onDate', date: value.trim() } : { kind: 'after', count: parseCount(value).count ?? 10 } }
  return next
}
