// The commands on a conference: answer an invitation, invite more, reschedule, cancel, export, copy.
// Each takes a tree row, `{ conferenceId }` or a bare conference id; from the palette it asks which.
import * as vscode from 'vscode'
import * as path from 'node:path'
import * as os from 'node:os'
import type { ConferenceApi, ConferenceView, RsvpAnswer } from '../../core/api'
import { conferenceToIcs, icsFileName } from '../../shared/ics'
import { formatLocal, formatRelative, localTimeZone, parseDurationMinutes } from '../../shared/time'
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, isValidDuration } from '../../shared/limits'
import type { ConferenceAccess } from './core-access'
import { describeStartInput } from './create-conference-args'
import { MultiStepInput } from './multi-step-input'
import { pickPeers } from './peer-picker'
import { detailsText, groupOf } from './conference-rows'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { errorShown, personLabel, titleOf } from '../notification-texts'
import { askText, confirmModal, pickOne, setStatusMessage, showError, showInfo, showWarning, type ShownPickItem } from '../user-messages'

type Register = (id: string, fn: (...args: any[]) => unknown) => void

/** The conference id inside a command argument: a tree row, `{conferenceId}`, a ConferenceView, or a string. */
export function conferenceIdOf (arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg
  if (arg == null || typeof arg !== 'object') return undefined
  const a = arg as { conferenceId?: unknown, context?: { id?: unknown } }
  if (typeof a.conferenceId === 'string') return a.conferenceId
  if (typeof a.context?.id === 'string') return a.context.id
  return undefined
}

type ConferencePickItem = ShownPickItem & { conferenceId: string }

/** Asks for one conference among those `filter` allows; undefined when none or cancelled. */
async function pickConference (api: ConferenceApi, filter: (v: ConferenceView) => boolean, placeHolder: ShownText, none: ShownText): Promise<string | undefined> {
  const now = Date.now()
  const views = api.list().filter(filter).sort((a, b) => a.context.start - b.context.start)
  if (views.length === 0) {
    void showInfo(none)
    return undefined
  }
  const items: ConferencePickItem[] = views.map(v => ({
    label: shown`${titleOf(v)}`,
    description: shown`${untrusted(formatLocal(v.context.start))} · ${untrusted(formatRelative(v.context.start, now, { durationMinutes: v.context.durationMinutes }))}`,
    detail: shown`organized by ${personLabel(v.context.organizer.displayName, v.context.organizer.peerId)}`,
    conferenceId: v.context.id
  }))
  const picked = await pickOne(items, { placeHolder, matchOnDescription: true, matchOnDetail: true })
  return picked?.conferenceId
}

const ANSWER_WORDS: Record<RsvpAnswer, ShownText> = { accepted: shown`Accepted`, declined: shown`Declined`, tentative: shown`Tentatively accepted` }

export function registerConferenceCommands (reg: Register, access: ConferenceAccess): void {
  /** The conference a command is about: from its argument, the view's selection, or a quick pick. */
  async function target (arg: unknown, filter: (v: ConferenceView) => boolean, placeHolder: ShownText, none: ShownText): Promise<{ api: ConferenceApi, view: ConferenceView } | undefined> {
    const core = await access.require()
    if (core == null) return undefined
    const { api } = core
    const id = conferenceIdOf(arg) ?? await pickConference(api, filter, placeHolder, none)
    if (id == null) return undefined
    const view = access.find(api, id)
    return view == null ? undefined : { api, view }
  }

  const isPendingInvitation = (v: ConferenceView): boolean => groupOf(v, Date.now()) === 'invitations'
  const isMineAndOpen = (v: ConferenceView): boolean => v.mine && v.context.status !== 'cancelled'

  for (const [command, answer] of [
    ['devmeet.acceptInvitation', 'accepted'],
    ['devmeet.declineInvitation', 'declined'],
    ['devmeet.tentativeInvitation', 'tentative']
  ] as const) {
    reg(command, async (arg?: unknown) => {
      const t = await target(arg, isPendingInvitation, shown`${ANSWER_WORDS[answer]}: which invitation?`, shown`No invitations wait for your answer.`)
      if (t == null) return undefined
      if (t.view.mine) {
        void showWarning(shown`You organize this conference; there is nothing to answer.`)
        return undefined
      }
      if (t.view.context.status === 'cancelled') {
        void showWarning(shown`"${titleOf(t.view)}" was cancelled.`)
        return undefined
      }
      try {
        const view = await t.api.respond(t.view.context.id, answer)
        setStatusMessage(shown`DevMeet: ${ANSWER_WORDS[answer]} "${titleOf(view, 60)}"`, 5000)
        return view.context.id
      } catch (err) {
        void showError(shown`Could not send your answer: ${errorShown(err)}`)
        return undefined
      }
    })
  }

  reg('devmeet.inviteMore', async (arg?: unknown) => {
    const t = await target(arg, isMineAndOpen, shown`Invite more peers to which conference?`, shown`You organize no open conference.`)
    if (t == null) return undefined
    if (!t.view.mine) {
      void showWarning(shown`Only the organizer can invite more peers.`)
      return undefined
    }
    const already = [t.view.context.organizer.peerId, ...t.view.context.invitees.map(i => i.peerId)]
    let peerIds = Array.isArray((arg as { invitees?: unknown } | undefined)?.invitees)
      ? ((arg as { invitees: unknown[] }).invitees.filter(i => typeof i === 'string') as string[])
      : undefined
    if (peerIds == null) {
      const core = await access.require()
      if (core == null) return undefined
      let chosen: string[] = []
      const done = await MultiStepInput.run(async input => {
        chosen = await pickPeers(input, core.devmeet, {
          title: shown`Invite More to "${titleOf(t.view, 60)}"`,
          step: 1,
          totalSteps: 1,
          placeholder: shown`Invite whom? Space selects, Enter sends the invitations`,
          exclude: already,
          requireOne: true
        }, [])
        return undefined
      })
      if (!done) return undefined
      peerIds = chosen
    }
    peerIds = peerIds.filter(id => !already.includes(id))
    if (peerIds.length === 0) return t.view.context.id
    try {
      const view = await t.api.invite(t.view.context.id, peerIds)
      void showInfo(shown`Invitations sent to ${peerIds.length} more ${peerIds.length === 1 ? shown`peer` : shown`peers`}.`)
      return view.context.id
    } catch (err) {
      void showError(shown`Could not invite: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.reschedule', async (arg?: unknown) => {
    const t = await target(arg, isMineAndOpen, shown`Reschedule which conference?`, shown`You organize no open conference.`)
    if (t == null) return undefined
    if (!t.view.mine) {
      void showWarning(shown`Only the organizer can reschedule.`)
      return undefined
    }
    const a = (arg ?? {}) as { start?: unknown, durationMinutes?: unknown }
    let start: number | undefined
    let durationMinutes: number | undefined
    if (a.start != null) {
      start = typeof a.start === 'number' ? a.start : Date.parse(String(a.start))
      if (!Number.isFinite(start)) throw new Error('devmeet.reschedule: start must be an ISO 8601 date-time string')
      if (a.durationMinutes != null) {
        if (!isValidDuration(a.durationMinutes)) {
          throw new Error(`devmeet.reschedule: durationMinutes must be a whole number from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}`)
        }
        durationMinutes = a.durationMinutes
      }
    } else {
      const zone = localTimeZone()
      const current = formatLocal(t.view.context.start, zone).replace(/^\w+ /, '')
      const text = await askText({
        title: shown`Reschedule "${titleOf(t.view, 60)}"`,
        prompt: shown`New start time (now ${untrusted(formatLocal(t.view.context.start, zone))}). E.g. in 15m, 14:30, tomorrow 9:00, 2026-12-01 10:00`,
        value: current,
        ignoreFocusOut: true,
        validateInput: value => {
          const d = describeStartInput(value, new Date(), zone)
          if (d.error != null) return { message: d.error, severity: vscode.InputBoxValidationSeverity.Error }
          if (value.trim() === '') return { message: 'Type the new start time.', severity: vscode.InputBoxValidationSeverity.Error }
          return { message: d.note ?? '', severity: vscode.InputBoxValidationSeverity.Info }
        }
      })
      if (text == null) return undefined
      start = describeStartInput(text, new Date(), zone).start
      if (start == null) return undefined
      const durationText = await askText({
        title: shown`Reschedule "${titleOf(t.view, 60)}": duration`,
        prompt: shown`How long? Minutes ("45") or hours ("1h", "1h30m"); Enter keeps it`,
        value: String(t.view.context.durationMinutes),
        ignoreFocusOut: true,
        validateInput: value => {
          const d = parseDurationMinutes(value)
          return d.ok ? undefined : d.reason
        }
      })
      if (durationText == null) return undefined
      const d = parseDurationMinutes(durationText)
      durationMinutes = d.ok ? d.minutes : undefined
    }
    try {
      const view = await t.api.reschedule(t.view.context.id, start, durationMinutes)
      void showInfo(shown`"${titleOf(view)}" now starts ${untrusted(formatLocal(view.context.start))}; every invitee is told.`)
      return view.context.id
    } catch (err) {
      void showError(shown`Could not reschedule: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.cancelConference', async (arg?: unknown) => {
    const t = await target(arg, isMineAndOpen, shown`Cancel which conference?`, shown`You organize no open conference.`)
    if (t == null) return undefined
    if (!t.view.mine) {
      void showWarning(shown`Only the organizer can cancel a conference.`)
      return undefined
    }
    // Always asked: no argument skips the question, since a command can be run from a link.
    // "Keep It" replaces the dialog's own "Cancel" button, which would read as the opposite here.
    const confirm = { title: shown`Cancel Conference` }
    const keep = { title: shown`Keep It`, isCloseAffordance: true }
    const answer = await confirmModal(
      shown`Cancel "${titleOf(t.view)}" at ${untrusted(formatLocal(t.view.context.start))}?`,
      shown`Every invitee is told it is cancelled. This cannot be undone.`,
      confirm, keep)
    if (answer !== confirm) return undefined
    try {
      const view = await t.api.cancel(t.view.context.id)
      setStatusMessage(shown`DevMeet: cancelled "${titleOf(view, 60)}"`, 5000)
      return view.context.id
    } catch (err) {
      void showError(shown`Could not cancel: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.exportIcs', async (arg?: unknown) => {
    const t = await target(arg, () => true, shown`Export which conference as .ics?`, shown`There are no conferences to export.`)
    if (t == null) return undefined
    // Where to write comes only from the save dialog, never from the argument: a command can be run
    // from a link, and a link must not choose a file to overwrite.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir())
    const uri = await vscode.window.showSaveDialog({
      title: 'Export Conference as .ics',
      defaultUri: vscode.Uri.joinPath(folder, icsFileName(t.view.context)),
      filters: { 'iCalendar files': ['ics'] },
      saveLabel: 'Export'
    })
    if (uri == null) return undefined
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(conferenceToIcs(t.view.context), 'utf8'))
      void showInfo(shown`Saved ${untrusted(path.basename(uri.fsPath))}: open it with your calendar app to add the conference.`)
      return uri.toString()
    } catch (err) {
      void showError(shown`Could not save the .ics file: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.copyConferenceDetails', async (arg?: unknown) => {
    const t = await target(arg, () => true, shown`Copy the details of which conference?`, shown`There are no conferences.`)
    if (t == null) return undefined
    const text = detailsText(t.view, Date.now())
    await vscode.env.clipboard.writeText(text)
    setStatusMessage(shown`DevMeet: conference details copied`, 4000)
    return text
  })
}
