// The commands on a conference: answer an invitation, invite more, reschedule, cancel, export, copy.
// Each takes a tree row, `{ conferenceId }` or a bare conference id; from the palette it asks which.
// A `command:` link can run any of them with any argument: what sends to the network on the
// strength of an argument asks first (confirm-texts.ts); what an argument cannot do is noted.
import * as vscode from 'vscode'
import * as path from 'node:path'
import * as os from 'node:os'
import type { ConferenceView, RsvpAnswer } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { conferenceToIcs, icsFileName } from '../../shared/ics'
import { formatInputTime, formatLocal, localTimeZone, parseDurationMinutes } from '../../shared/time'
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, isValidDuration } from '../../shared/limits'
import { findConference, requireCore } from '../core-access'
import type { DevMeetHost } from '../host'
import { conferenceIdOf, isOurArgument } from '../command-args'
import { pickConference, type ConferenceQuestion } from './conference-picker'
import { answerQuestion, inviteQuestion, rescheduleQuestion, type Question } from './confirm-texts'
import { describeStartInput } from './create-conference-args'
import { MultiStepInput } from './multi-step-input'
import { pickPeers } from './peer-picker'
import { detailsText, groupOf } from './conference-rows'
import { untrusted, type ShownText } from '../../shared/shown-text'
import { errorShown, titleOf } from '../notification-texts'
import { localized, plural, askText, confirmModal, setStatusMessage, showError, showInfo, showWarning } from '../user-messages'

type Register = (id: string, fn: (...args: any[]) => unknown) => void

/** Asks a Question in a modal dialog; true when the user goes ahead. */
export async function confirmed (question: Question): Promise<boolean> {
  const go = { title: question.go }
  return await confirmModal(question.message, question.detail, go) === go
}

const ANSWER_WORDS: Record<RsvpAnswer, ShownText> = { accepted: localized`Accepted`, declined: localized`Declined`, tentative: localized`Tentatively accepted` }

export function registerConferenceCommands (reg: Register, host: DevMeetHost): void {
  /** The conference a command is about: from its argument, the view's selection, or a quick pick. */
  async function target (arg: unknown, question: ConferenceQuestion): Promise<{ devmeet: DevMeet, view: ConferenceView } | undefined> {
    const devmeet = await requireCore(host)
    if (devmeet == null) return undefined
    const id = conferenceIdOf(arg) ?? await pickConference(devmeet, question)
    if (id == null) return undefined
    const view = findConference(devmeet, id)
    return view == null ? undefined : { devmeet, view }
  }

  const isPendingInvitation = (v: ConferenceView): boolean => groupOf(v, Date.now(), host.devmeet?.peerId) === 'invitations'
  const isMineAndOpen = (v: ConferenceView): boolean => v.mine && v.context.status !== 'cancelled'

  for (const [command, answer] of [
    ['devmeet.acceptInvitation', 'accepted'],
    ['devmeet.declineInvitation', 'declined'],
    ['devmeet.tentativeInvitation', 'tentative']
  ] as const) {
    reg(command, async (arg?: unknown) => {
      const t = await target(arg, { filter: isPendingInvitation, placeHolder: localized`${ANSWER_WORDS[answer]}: which invitation?`, none: localized`No invitations wait for your answer.` })
      if (t == null) return undefined
      if (t.view.mine) {
        void showWarning(localized`You organize this conference; there is nothing to answer.`)
        return undefined
      }
      if (t.view.context.status === 'cancelled') {
        void showWarning(localized`"${titleOf(t.view)}" was cancelled.`)
        return undefined
      }
      // Chosen in our tree, notification or quick pick: answer at once. Named by anyone else's argument: ask.
      if (arg != null && !isOurArgument(arg) && !await confirmed(answerQuestion(t.view, answer, Date.now()))) return undefined
      try {
        const view = await t.devmeet.conferences.respond(t.view.context.id, answer)
        setStatusMessage(localized`DevMeet: ${ANSWER_WORDS[answer]} "${titleOf(view, 60)}"`, 5000)
        return view.context.id
      } catch (err) {
        void showError(localized`Could not send your answer: ${errorShown(err)}`)
        return undefined
      }
    })
  }

  reg('devmeet.inviteMore', async (arg?: unknown) => {
    const t = await target(arg, { filter: isMineAndOpen, placeHolder: localized`Invite more peers to which conference?`, none: localized`You organize no open conference.` })
    if (t == null) return undefined
    if (!t.view.mine) {
      void showWarning(localized`Only the organizer can invite more peers.`)
      return undefined
    }
    const already = [t.view.context.organizer.peerId, ...t.view.context.invitees.map(i => i.peerId)]
    let peerIds = Array.isArray((arg as { invitees?: unknown } | undefined)?.invitees)
      ? ((arg as { invitees: unknown[] }).invitees.filter(i => typeof i === 'string') as string[])
      : undefined
    if (peerIds == null) {
      let chosen: string[] = []
      const done = await MultiStepInput.run(async input => {
        chosen = await pickPeers(input, t.devmeet, {
          title: localized`Invite More to "${titleOf(t.view, 60)}"`,
          step: 1,
          totalSteps: 1,
          placeholder: localized`Invite whom? Space selects, Enter sends the invitations`,
          exclude: already,
          requireOne: true
        }, [])
        return undefined
      })
      if (!done) return undefined
      peerIds = chosen.filter(id => !already.includes(id))
    } else {
      peerIds = [...new Set(peerIds)].filter(id => !already.includes(id))
      if (peerIds.length > 0 && !await confirmed(inviteQuestion(t.view, peerIds, id => t.devmeet.peerInfo(id).label))) return undefined
    }
    if (peerIds.length === 0) return t.view.context.id
    try {
      const view = await t.devmeet.conferences.invite(t.view.context.id, peerIds)
      void showInfo(plural(peerIds.length, localized`Invitations sent to ${peerIds.length} more peer.`, localized`Invitations sent to ${peerIds.length} more peers.`))
      return view.context.id
    } catch (err) {
      void showError(localized`Could not invite: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.reschedule', async (arg?: unknown) => {
    const t = await target(arg, { filter: isMineAndOpen, placeHolder: localized`Reschedule which conference?`, none: localized`You organize no open conference.` })
    if (t == null) return undefined
    if (!t.view.mine) {
      void showWarning(localized`Only the organizer can reschedule.`)
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
      if (!await confirmed(rescheduleQuestion(t.view, start, durationMinutes ?? t.view.context.durationMinutes, Date.now()))) return undefined
    } else {
      const zone = localTimeZone()
      const current = formatInputTime(t.view.context.start, zone)
      const text = await askText({
        title: localized`Reschedule "${titleOf(t.view, 60)}"`,
        prompt: localized`New start time (now ${untrusted(formatLocal(t.view.context.start, zone))}). E.g. in 15m, 14:30, tomorrow 9:00, 2026-12-01 10:00`,
        value: current,
        ignoreFocusOut: true,
        validateInput: value => {
          const d = describeStartInput(value, new Date(), zone)
          if (d.error != null) return { message: d.error, severity: vscode.InputBoxValidationSeverity.Error }
          if (value.trim() === '') return { message: localized`Type the new start time.`, severity: vscode.InputBoxValidationSeverity.Error }
          return { message: d.note ?? '', severity: vscode.InputBoxValidationSeverity.Info }
        }
      })
      if (text == null) return undefined
      start = describeStartInput(text, new Date(), zone).start
      if (start == null) return undefined
      const durationText = await askText({
        title: localized`Reschedule "${titleOf(t.view, 60)}": duration`,
        prompt: localized`How long? Minutes ("45") or hours ("1h", "1h30m"); Enter keeps it`,
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
      const view = await t.devmeet.conferences.reschedule(t.view.context.id, start, durationMinutes)
      void showInfo(localized`"${titleOf(view)}" now starts ${untrusted(formatLocal(view.context.start))}; every invitee is told.`)
      return view.context.id
    } catch (err) {
      void showError(localized`Could not reschedule: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.cancelConference', async (arg?: unknown) => {
    const t = await target(arg, { filter: isMineAndOpen, placeHolder: localized`Cancel which conference?`, none: localized`You organize no open conference.` })
    if (t == null) return undefined
    if (!t.view.mine) {
      void showWarning(localized`Only the organizer can cancel a conference.`)
      return undefined
    }
    // Always asked: no argument skips the question, since a command can be run from a link.
    // "Keep It" replaces the dialog's own "Cancel" button, which would read as the opposite here.
    const confirm = { title: localized`Cancel Conference` }
    const keep = { title: localized`Keep It`, isCloseAffordance: true }
    const answer = await confirmModal(
      localized`Cancel "${titleOf(t.view)}" at ${untrusted(formatLocal(t.view.context.start))}?`,
      localized`Every invitee is told it is cancelled. This cannot be undone.`,
      confirm, keep)
    if (answer !== confirm) return undefined
    try {
      const view = await t.devmeet.conferences.cancel(t.view.context.id)
      setStatusMessage(localized`DevMeet: cancelled "${titleOf(view, 60)}"`, 5000)
      return view.context.id
    } catch (err) {
      void showError(localized`Could not cancel: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.exportIcs', async (arg?: unknown) => {
    const t = await target(arg, { filter: () => true, placeHolder: localized`Export which conference as .ics?`, none: localized`There are no conferences to export.` })
    if (t == null) return undefined
    // Where to write comes only from the save dialog, never from the argument: a command can be run
    // from a link, and a link must not choose a file to overwrite.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir())
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Conference as .ics'),
      defaultUri: vscode.Uri.joinPath(folder, icsFileName(t.view.context)),
      filters: { [vscode.l10n.t('iCalendar files')]: ['ics'] },
      saveLabel: vscode.l10n.t('Export')
    })
    if (uri == null) return undefined
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(conferenceToIcs(t.view.context), 'utf8'))
      void showInfo(localized`Saved ${untrusted(path.basename(uri.fsPath))}: open it with your calendar app to add the conference.`)
      return uri.toString()
    } catch (err) {
      void showError(localized`Could not save the .ics file: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.copyConferenceDetails', async (arg?: unknown) => {
    const t = await target(arg, { filter: () => true, placeHolder: localized`Copy the details of which conference?`, none: localized`There are no conferences.` })
    if (t == null) return undefined
    const text = detailsText(t.view, Date.now())
    await vscode.env.clipboard.writeText(text)
    setStatusMessage(localized`DevMeet: conference details copied`, 4000)
    return text
  })
}
