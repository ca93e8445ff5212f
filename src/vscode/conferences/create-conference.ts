// "DevMeet: Create Conference…": five steps (title, start, duration, agenda, invitees), or none
// when the command gets an argument object (tests, the API, other extensions).
import * as vscode from 'vscode'
import type { ConferenceApi, CreateConferenceInput } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import {
  parseStartTime, parseDurationMinutes, formatLocal, formatRelative, localTimeZone, MAX_START_AHEAD_MS
} from '../../core/time-parse'
import { MultiStepInput, type InputStep } from './multi-step-input'
import { pickPeers } from './peer-picker'
import { errorText, type ConferenceAccess } from './core-access'
import { oneLine } from './conference-rows'

export const CREATE_TITLE = 'Create Conference'
const TOTAL_STEPS = 5
export const MAX_TITLE_CHARS = 200
export const MAX_AGENDA_CHARS = 8000
const START_EXAMPLES = 'in 15m, 14:30, tomorrow 9:00, 2026-12-01 10:00'
/** An argument's start may lie this far in the past: it was computed a moment before the call. */
const ARGUMENT_START_GRACE_MS = 60_000

/** The command's argument form: asks nothing. */
export interface CreateConferenceArgs {
  title: string
  /** ISO 8601 (or epoch ms) */
  start: string | number
  durationMinutes?: number
  agenda?: string
  /** peer IDs */
  invitees?: string[]
}

/** What the steps collect. */
interface CreateState {
  title: string
  startText: string
  start?: number
  durationText: string
  agenda: string
  invitees: string[]
}

export function checkTitle (value: string): string | undefined {
  const title = oneLine(value, Number.MAX_SAFE_INTEGER)
  if (title === '') return 'Give the conference a title.'
  if (Array.from(title).length > MAX_TITLE_CHARS) return `A title has at most ${MAX_TITLE_CHARS} characters.`
  return undefined
}

/** "\n" typed in the one-line agenda box starts a new line. */
function agendaFromInput (value: string): string {
  return value.replace(/\\n/g, '\n').trim()
}

/**
 * Runs the command. With an argument object it creates directly and returns the context id
 * (throwing on invalid input); otherwise it asks step by step.
 */
export async function createConference (access: ConferenceAccess, reveal: (id: string) => Promise<void>, arg?: unknown): Promise<string | undefined> {
  if (arg != null && typeof arg === 'object' && !Array.isArray(arg) && 'title' in arg) {
    const input = createInputFromArgs(arg as Record<string, unknown>, Date.now())
    const core = await access.require()
    if (core == null) throw new Error('DevMeet is still starting; try again in a moment.')
    return await submit(core.api, input, reveal)
  }
  const core = await access.require()
  if (core == null) return undefined
  const state: CreateState = { title: '', startText: '', durationText: '30', agenda: '', invitees: [] }
  const finished = await MultiStepInput.run(input => askTitle(input, state, core.devmeet))
  if (!finished || state.start == null) return undefined
  return await submit(core.api, {
    title: oneLine(state.title, MAX_TITLE_CHARS),
    start: state.start,
    durationMinutes: (parseDurationMinutes(state.durationText) as { minutes: number }).minutes,
    agenda: state.agenda,
    invitees: state.invitees,
    timeZone: localTimeZone()
  }, reveal).catch(err => {
    void vscode.window.showErrorMessage(`Could not create the conference: ${errorText(err)}`)
    return undefined
  })
}

async function submit (api: ConferenceApi, input: CreateConferenceInput, reveal: (id: string) => Promise<void>): Promise<string> {
  const view = await api.create(input)
  const n = view.context.invitees.length
  void vscode.window.showInformationMessage(`Invitations sent to ${n} ${n === 1 ? 'peer' : 'peers'}.`)
  void reveal(view.context.id)
  return view.context.id
}

/** Checks the argument object; throws an Error that says what is wrong. */
export function createInputFromArgs (arg: Record<string, unknown>, now: number): CreateConferenceInput {
  const fail = (message: string): never => { throw new Error(`devmeet.createConference: ${message}`) }
  if (typeof arg.title !== 'string') fail('title must be a string')
  const titleError = checkTitle(arg.title as string)
  if (titleError != null) fail(titleError)
  const start = typeof arg.start === 'number' ? arg.start : typeof arg.start === 'string' ? Date.parse(arg.start) : NaN
  if (!Number.isFinite(start)) fail('start must be an ISO 8601 date-time string, e.g. 2026-12-01T10:00:00Z')
  if (start < now - ARGUMENT_START_GRACE_MS) fail('start is in the past')
  if (start - now > MAX_START_AHEAD_MS) fail('start is more than a year ahead')
  const durationMinutes = arg.durationMinutes ?? 30
  if (typeof durationMinutes !== 'number' || !Number.isInteger(durationMinutes) || durationMinutes < 1 || durationMinutes > 1440) {
    fail('durationMinutes must be a whole number from 1 to 1440')
  }
  const agenda = arg.agenda ?? ''
  if (typeof agenda !== 'string') fail('agenda must be a string')
  if ((agenda as string).length > MAX_AGENDA_CHARS) fail(`agenda has more than ${MAX_AGENDA_CHARS} characters`)
  const invitees = arg.invitees ?? []
  if (!Array.isArray(invitees) || !invitees.every(i => typeof i === 'string' && i.length > 0 && i.length < 200)) {
    fail('invitees must be an array of peer ID strings')
  }
  return {
    title: oneLine(arg.title as string, MAX_TITLE_CHARS),
    start,
    durationMinutes: durationMinutes as number,
    agenda: agenda as string,
    invitees: [...new Set(invitees as string[])],
    timeZone: localTimeZone()
  }
}

async function askTitle (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  state.title = await input.showInputBox({
    title: CREATE_TITLE,
    step: 1,
    totalSteps: TOTAL_STEPS,
    value: state.title,
    prompt: 'Title of the conference',
    placeholder: 'e.g. Sprint planning',
    required: 'Give the conference a title.',
    check: value => value === '' ? {} : { error: checkTitle(value) }
  })
  return i => askStart(i, state, devmeet)
}

/** What the start box says about a value: the parsed time in local time, or why it is refused. */
export function describeStartInput (value: string, now: Date, timeZone = localTimeZone()): { error?: string, note?: string, start?: number } {
  if (value.trim() === '') return { note: `When does it start? Type e.g. ${START_EXAMPLES}` }
  const parsed = parseStartTime(value, now, timeZone)
  if (!parsed.ok) return { error: parsed.reason }
  const when = `Starts ${formatLocal(parsed.start, timeZone)} (${formatRelative(parsed.start, now, { timeZone })}), your time ${timeZone}`
  return { note: parsed.note == null ? when : `${when}. ${parsed.note}`, start: parsed.start }
}

async function askStart (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  const value = await input.showInputBox({
    title: CREATE_TITLE,
    step: 2,
    totalSteps: TOTAL_STEPS,
    value: state.startText,
    prompt: `When does it start? Type e.g. ${START_EXAMPLES}`,
    placeholder: START_EXAMPLES,
    required: `Type a start time, e.g. ${START_EXAMPLES}`,
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
  const prompt = 'How long? Minutes ("45") or hours ("1h", "1h30m"), up to 24 h'
  state.durationText = await input.showInputBox({
    title: CREATE_TITLE,
    step: 3,
    totalSteps: TOTAL_STEPS,
    value: state.durationText,
    prompt,
    placeholder: '30',
    required: 'Type a duration, e.g. 30.',
    check: v => {
      const parsed = parseDurationMinutes(v)
      return parsed.ok ? { note: `${prompt}: ${parsed.minutes} min` } : { error: parsed.reason }
    }
  })
  return i => askAgenda(i, state, devmeet)
}

async function askAgenda (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep> {
  const value = await input.showInputBox({
    title: CREATE_TITLE,
    step: 4,
    totalSteps: TOTAL_STEPS,
    value: state.agenda.replace(/\n/g, '\\n'),
    prompt: 'Agenda (optional, markdown; type \\n for a new line). Enter to continue.',
    placeholder: 'e.g. 1. Demo\\n2. Questions',
    check: v => agendaFromInput(v).length > MAX_AGENDA_CHARS ? { error: `An agenda has at most ${MAX_AGENDA_CHARS} characters.` } : {}
  })
  state.agenda = agendaFromInput(value)
  return i => askInvitees(i, state, devmeet)
}

async function askInvitees (input: MultiStepInput, state: CreateState, devmeet: DevMeet): Promise<InputStep | undefined> {
  state.invitees = await pickPeers(input, devmeet, {
    title: CREATE_TITLE,
    step: 5,
    totalSteps: TOTAL_STEPS,
    placeholder: 'Invite whom? Space selects, Enter creates the conference',
    requireOne: true
  }, state.invitees)
  // The user may have lingered over the later steps: a start that has passed in the meantime is asked again.
  if (state.start != null && state.start < Date.now()) {
    void vscode.window.showWarningMessage('The start time has passed meanwhile; give it again.')
    state.start = undefined
    return i => askStart(i, state, devmeet)
  }
  return undefined
}
