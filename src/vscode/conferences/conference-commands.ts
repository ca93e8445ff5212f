// The commands on a conference: answer an invitation, invite more, reschedule, cancel, export, copy.
// Each takes a tree row, `{ conferenceId }` or a bare conference id; from the palette it asks which.
import * as vscode from 'vscode'
import * as path from 'node:path'
import * as os from 'node:os'
import type { ConferenceApi, ConferenceView, RsvpAnswer } from '../../core/api'
import { conferenceToIcs, icsFileName } from '../../core/ics'
import { formatLocal, formatRelative, localTimeZone, parseDurationMinutes } from '../../core/time-parse'
import { errorText, type ConferenceAccess } from './core-access'
import { describeStartInput } from './create-conference-args'
import { MultiStepInput } from './multi-step-input'
import { pickPeers } from './peer-picker'
import { detailsText, groupOf, plainText, shortId } from './conference-rows'

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

interface ConferencePickItem extends vscode.QuickPickItem {
  conferenceId: string
}

/** Asks for one conference among those `filter` allows; undefined when none or cancelled. */
async function pickConference (api: ConferenceApi, filter: (v: ConferenceView) => boolean, placeHolder: string, none: string): Promise<string | undefined> {
  const now = Date.now()
  const views = api.list().filter(filter).sort((a, b) => a.context.start - b.context.start)
  if (views.length === 0) {
    void vscode.window.showInformationMessage(none)
    return undefined
  }
  const items: ConferencePickItem[] = views.map(v => ({
    label: plainText(v.context.title),
    description: `${formatLocal(v.context.start)} · ${formatRelative(v.context.start, now, { durationMinutes: v.context.durationMinutes })}`,
    detail: `organized by ${plainText(v.context.organizer.displayName, 64)} (${shortId(v.context.organizer.peerId)})`,
    conferenceId: v.context.id
  }))
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true })
  return picked?.conferenceId
}

const ANSWER_WORDS: Record<RsvpAnswer, string> = { accepted: 'Accepted', declined: 'Declined', tentative: 'Tentatively accepted' }

export function registerConferenceCommands (reg: Register, access: ConferenceAccess): void {
  /** The conference a command is about: from its argument, the view's selection, or a quick pick. */
  async function target (arg: unknown, filter: (v: ConferenceView) => boolean, placeHolder: string, none: string): Promise<{ api: ConferenceApi, view: ConferenceView } | undefined> {
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
      const t = await target(arg, isPendingInvitation, `${ANSWER_WORDS[answer]}: which invitation?`, 'No invitations wait for your answer.')
      if (t == null) return undefined
      if (t.view.mine) {
        void vscode.window.showWarningMessage('You organize this conference; there is nothing to answer.')
        return undefined
      }
      if (t.view.context.status === 'cancelled') {
        void vscode.window.showWarningMessage(`"${plainText(t.view.context.title)}" was cancelled.`)
        return undefined
      }
      try {
        const view = await t.api.respond(t.view.context.id, answer)
        vscode.window.setStatusBarMessage(`DevMeet: ${ANSWER_WORDS[answer]} "${plainText(view.context.title, 60)}"`, 5000)
        return view.context.id
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not send your answer: ${errorText(err)}`)
        return undefined
      }
    })
  }

  reg('devmeet.inviteMore', async (arg?: unknown) => {
    const t = await target(arg, isMineAndOpen, 'Invite more peers to which conference?', 'You organize no open conference.')
    if (t == null) return undefined
    if (!t.view.mine) {
      void vscode.window.showWarningMessage('Only the organizer can invite more peers.')
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
          title: `Invite More to "${plainText(t.view.context.title, 60)}"`,
          step: 1,
          totalSteps: 1,
          placeholder: 'Invite whom? Space selects, Enter sends the invitations',
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
      void vscode.window.showInformationMessage(`Invitations sent to ${peerIds.length} more ${peerIds.length === 1 ? 'peer' : 'peers'}.`)
      return view.context.id
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not invite: ${errorText(err)}`)
      return undefined
    }
  })

  reg('devmeet.reschedule', async (arg?: unknown) => {
    const t = await target(arg, isMineAndOpen, 'Reschedule which conference?', 'You organize no open conference.')
    if (t == null) return undefined
    if (!t.view.mine) {
      void vscode.window.showWarningMessage('Only the organizer can reschedule.')
      return undefined
    }
    const a = (arg ?? {}) as { start?: unknown, durationMinutes?: unknown }
    let start: number | undefined
    let durationMinutes: number | undefined
    if (a.start != null) {
      start = typeof a.start === 'number' ? a.start : Date.parse(String(a.start))
      if (!Number.isFinite(start)) throw new Error('devmeet.reschedule: start must be an ISO 8601 date-time string')
      if (a.durationMinutes != null) {
        if (typeof a.durationMinutes !== 'number' || !Number.isInteger(a.durationMinutes) || a.durationMinutes < 1 || a.durationMinutes > 1440) {
          throw new Error('devmeet.reschedule: durationMinutes must be a whole number from 1 to 1440')
        }
        durationMinutes = a.durationMinutes
      }
    } else {
      const zone = localTimeZone()
      const current = formatLocal(t.view.context.start, zone).replace(/^\w+ /, '')
      const text = await vscode.window.showInputBox({
        title: `Reschedule "${plainText(t.view.context.title, 60)}"`,
        prompt: `New start time (now ${formatLocal(t.view.context.start, zone)}). E.g. in 15m, 14:30, tomorrow 9:00, 2026-12-01 10:00`,
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
      const durationText = await vscode.window.showInputBox({
        title: `Reschedule "${plainText(t.view.context.title, 60)}": duration`,
        prompt: 'How long? Minutes ("45") or hours ("1h", "1h30m"); Enter keeps it',
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
      void vscode.window.showInformationMessage(`"${plainText(view.context.title)}" now starts ${formatLocal(view.context.start)}; every invitee is told.`)
      return view.context.id
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not reschedule: ${errorText(err)}`)
      return undefined
    }
  })

  reg('devmeet.cancelConference', async (arg?: unknown) => {
    const t = await target(arg, isMineAndOpen, 'Cancel which conference?', 'You organize no open conference.')
    if (t == null) return undefined
    if (!t.view.mine) {
      void vscode.window.showWarningMessage('Only the organizer can cancel a conference.')
      return undefined
    }
    if ((arg as { confirmed?: unknown } | undefined)?.confirmed !== true) {
      // "Keep It" replaces the dialog's own "Cancel" button, which would read as the opposite here.
      const confirm: vscode.MessageItem = { title: 'Cancel Conference' }
      const keep: vscode.MessageItem = { title: 'Keep It', isCloseAffordance: true }
      const answer = await vscode.window.showWarningMessage(
        `Cancel "${plainText(t.view.context.title)}" at ${formatLocal(t.view.context.start)}?`,
        { modal: true, detail: 'Every invitee is told it is cancelled. This cannot be undone.' },
        confirm, keep)
      if (answer !== confirm) return undefined
    }
    try {
      const view = await t.api.cancel(t.view.context.id)
      vscode.window.setStatusBarMessage(`DevMeet: cancelled "${plainText(view.context.title, 60)}"`, 5000)
      return view.context.id
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not cancel: ${errorText(err)}`)
      return undefined
    }
  })

  reg('devmeet.exportIcs', async (arg?: unknown) => {
    const t = await target(arg, () => true, 'Export which conference as .ics?', 'There are no conferences to export.')
    if (t == null) return undefined
    const given = (arg as { target?: unknown } | undefined)?.target
    let uri: vscode.Uri | undefined = given instanceof vscode.Uri ? given : typeof given === 'string' ? vscode.Uri.file(given) : undefined
    if (uri == null) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir())
      uri = await vscode.window.showSaveDialog({
        title: 'Export Conference as .ics',
        defaultUri: vscode.Uri.joinPath(folder, icsFileName(t.view.context)),
        filters: { 'iCalendar files': ['ics'] },
        saveLabel: 'Export'
      })
      if (uri == null) return undefined
    }
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(conferenceToIcs(t.view.context), 'utf8'))
      void vscode.window.showInformationMessage(`Saved ${path.basename(uri.fsPath)}: open it with your calendar app to add the conference.`)
      return uri.toString()
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not save the .ics file: ${errorText(err)}`)
      return undefined
    }
  })

  reg('devmeet.copyConferenceDetails', async (arg?: unknown) => {
    const t = await target(arg, () => true, 'Copy the details of which conference?', 'There are no conferences.')
    if (t == null) return undefined
    const text = detailsText(t.view, Date.now())
    await vscode.env.clipboard.writeText(text)
    vscode.window.setStatusBarMessage('DevMeet: conference details copied', 4000)
    return text
  })
}
