// "DevMeet: Create Conference…": six steps (title, start, duration, repeats, agenda, invitees), or, when the
// command gets an argument object (another extension; or a `command:` link, which anyone can
// write), one modal that shows everything the argument asks for and creates only if the user says
// so. Decision: no argument skips that question, not even for tests; a test (or an extension that
// has the user's consent some other way) uses the API instead, `activate()`'s
// `devmeet().conferences.create(…)`, which no link can reach.
import type { ConferenceApi, CreateConferenceInput } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { formatDuration, parseDurationMinutes, localTimeZone } from '../../shared/time'
import { agendaFromInput, agendaPreview, agendaToInput } from './agenda-input'
import { MultiStepInput, type InputStep } from './multi-step-input'
import { pickPeers } from './peer-picker'
import { askRepeats, repeatRule, type RepeatState } from './repeats-step'
import type { DevMeetHost } from '../host'
import { requireCore } from '../core-access'
import { oneLine } from './conference-rows'
import { confirmed } from './conference-commands'
import { createQuestion } from './confirm-texts'
import { untrusted, type ShownText } from '../../shared/shown-text'
import { seriesSummary } from './series-summary'
import { errorShown } from '../notification-texts'
import { localized, plural, showError, showInfo, showWarning } from '../user-messages'
import { START_EXAMPLES, MAX_TITLE_CHARS, checkAgenda, checkTitle, createInputFromArgs, describeStartInput } from './create-conference-args'

export const CREATE_TITLE = localized`Create Conference`
const TOTAL_STEPS = 6

/** What the steps collect. */
interface CreateState {
  title: string
  startText: string
  start?: number
  durationText: string
  agenda: string
  invitees: string[]
  repeats: RepeatState
}

/** "\n" typed in the one-line agenda box starts a new line. */
/**
 * Runs the command. With an argument object it shows what it would create and, once the user
 * confirms, creates it and returns the context id (throwing on invalid input); otherwise it asks
 * step by step.
 */
export async function createConference (host: DevMeetHost, reveal: (id: string) => Promise<void>, arg?: unknown): Promise<string | undefined> {
  if (arg != null && typeof arg === 'object' && !Array.isArray(arg) && 'title' in arg) {
    const input = createInputFromArgs(arg as Record<string, unknown>, Date.now())
    const devmeet = await requireCore(host)
    if (devmeet == null) throw new Error('DevMeet is still starting; try again in a moment.')
    if (!await confirmed(createQuestion(input, id => devmeet.peerInfo(id).label, Date.now()))) return undefined
    return await submit(devmeet.conferences, input, reveal)
  }
  const devmeet = await requireCore(host)
  if (devmeet == null) return undefined
  const state: CreateState = { title: '', startText: '', durationText: '30', agenda: '', invitees: [], repeats: { choice: { kind: 'never' } } }
  const finished = await MultiStepInput.run(input => askTitle(input, state, devmeet))
  if (!finished || state.start == null) return undefined
  const timeZone = localTimeZone()
  const recurrence = repeatRule(state.repeats, state.start, timeZone)
  return await submit(devmeet.conferences, {
    title: oneLine(state.title, MAX_TITLE_CHARS),
    start: state.start,
    durationMinutes: (parseDurationMinutes(state.durationText) as { minutes: number }).minutes,
    agenda: state.agenda,
    invitees: state.invitees,
    timeZone,
    ...(recurrence != null ? { recurrence } : {})
  }, reveal).catch(err => {
    void showError(localized`Could not create the conference: ${errorShown(err)}`)
    return undefined
  })
}

async function submit (api: ConferenceApi, input: CreateConferenceInput, reveal: (id: string) => Promise<void>): Promise<string> {
  const view = await api.create(input)
  const n = view.context.invitees.length
  void showInfo(plural(n, localized`Invitations sent to ${n} peer.`, localized`Invitations sent to ${n} peers.`))
  void reveal(view.context.id)
  return view.context.id
}

async function askTitle (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  state.title = await input.showInputBox({
    title: CREATE_TITLE,
    step: 1,
    totalSteps: TOTAL_STEPS,
    value: state.title,
    prompt: localized`Title of the conference`,
    placeholder: localized`e.g. Sprint planning`,
    required: localized`Give the conference a title.`,
    check: value => value === '' ? {} : { error: checkTitle(value) }
  })
  return i => askStart(i, state, devmeet)
}

async function askStart (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  const value = await input.showInputBox({
    title: CREATE_TITLE,
    step: 2,
    totalSteps: TOTAL_STEPS,
    value: state.startText,
    prompt: localized`When does it start? Type e.g. ${untrusted(START_EXAMPLES, 500)}`,
    placeholder: localized`${untrusted(START_EXAMPLES, 500)}`,
    required: localized`Type a start time, e.g. ${untrusted(START_EXAMPLES)}`,
    check: v => {
      const d = describeStartInput(v, new Date())
      return v.trim() === '' ? { note: d.note } : d
    }
  })
  const parsed = describeStartInput(value, new Date())
  if (parsed.start == null) return i => askStart(i, state, devmeet)
  state.startText = value
  state.start = parsed.start
  return i => askDuration(i, state, devmeet)
}

async function askDuration (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  const prompt = localized`How long? Minutes ("45") or hours ("1h", "1h30m"), up to 24 h`
  state.durationText = await input.showInputBox({
    title: CREATE_TITLE,
    step: 3,
    totalSteps: TOTAL_STEPS,
    value: state.durationText,
    prompt,
    placeholder: localized`30`,
    required: localized`Type a duration, e.g. 30.`,
    check: v => {
      const parsed = parseDurationMinutes(v)
      // not "…up to 24 h: 30 min", which read as "24 h 30 min"
      return parsed.ok ? { note: localized`Duration: ${untrusted(formatDuration(parsed.minutes))}` } : { error: parsed.reason }
    }
  })
  return i => askRepeats(i, { title: CREATE_TITLE, step: 4, totalSteps: TOTAL_STEPS }, state.repeats, state.start ?? Date.now(), localTimeZone(), j => askAgenda(j, state, devmeet))
}

async function askAgenda (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  const value = await input.showInputBox({
    title: CREATE_TITLE,
    step: 5,
    totalSteps: TOTAL_STEPS,
    value: agendaToInput(state.agenda),
    prompt: localized`Agenda (optional, markdown). A list on one line becomes one item a line. Enter to continue.`,
    placeholder: localized`e.g. - Demo - Questions - Next steps`,
    check: v => {
      const agenda = agendaFromInput(v)
      const error = checkAgenda(agenda)
      return error != null ? { error } : { note: agendaPreview(agenda) }
    }
  })
  state.agenda = agendaFromInput(value)
  return i => askInvitees(i, state, devmeet)
}

async function askInvitees (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep | undefined> {
  state.invitees = await pickPeers(input, devmeet, {
    title: CREATE_TITLE,
    step: 6,
    totalSteps: TOTAL_STEPS,
    placeholder: repeatsPlaceholder(state),
    requireOne: true
  }, state.invitees)
  // The user may have lingered over the later steps: a start that has passed in the meantime is asked again.
  if (state.start != null && state.start < Date.now()) {
    void showWarning(localized`The start time has passed meanwhile; give it again.`)
    state.start = undefined
    return i => askStart(i, state, devmeet)
  }
  // A start changed after the Repeats step may no longer be one the rule gives (weekdays from a Saturday).
  if (state.start != null && repeatRule(state.repeats, state.start, localTimeZone()) === null) {
    void showWarning(localized`The start no longer fits how the conference repeats; choose again.`)
    return i => askRepeats(i, { title: CREATE_TITLE, step: 4, totalSteps: TOTAL_STEPS }, state.repeats, state.start ?? Date.now(), localTimeZone(), j => askAgenda(j, state, devmeet))
  }
  return undefined
}

/** The invitee step's placeholder; for a series it first says how it repeats, the nearest thing to a confirm step the flow has. */
function repeatsPlaceholder (state: CreateState): ShownText {
  const rule = state.start == null ? undefined : repeatRule(state.repeats, state.start, localTimeZone())
  return rule != null
    ? localized`${seriesSummary(rule)}. Invite whom? Space selects, Enter creates the series`
    : localized`Invite whom? Space selects, Enter creates the conference`
}
