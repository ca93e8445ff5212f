// "Cancel This Meeting…" and "Move This Meeting…" on a series the user organizes: from a meeting's
// row (that meeting), the series' row (a pick of its next meetings) or the palette (a pick of the
// series, then of the meeting). A cancel always asks; a move asks for the new start. The core
// signs the exception and every invitee converges through the invite outbox.
import * as vscode from 'vscode'
import type { ConferenceView, Occurrence } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { formatInputTime, formatLocal, localTimeZone } from '../../shared/time'
import { findConference, requireCore } from '../core-access'
import type { DevMeetHost } from '../host'
import { conferenceIdOf, occurrenceOf } from '../command-args'
import { pickConference } from './conference-picker'
import { describeStartInput } from './create-conference-args'
import { nextOccurrences } from './occurrence-rows'
import { untrusted } from '../../shared/shown-text'
import { errorShown, titleOf } from '../notification-texts'
import { localized, askText, confirmModal, pickOne, setStatusMessage, showError, showInfo, showWarning, type ShownPickItem } from '../user-messages'

type Register = (id: string, fn: (...args: any[]) => unknown) => void

const isMySeries = (v: ConferenceView): boolean => v.mine && v.context.status !== 'cancelled' && v.context.recurrence != null

export function registerOccurrenceCommands (reg: Register, host: DevMeetHost): void {
  /** The series and the meeting a command is about; asks for what the argument does not name. */
  async function target (arg: unknown, verb: 'cancel' | 'move'): Promise<{ devmeet: DevMeet, view: ConferenceView, occurrence: Occurrence } | undefined> {
    const devmeet = await requireCore(host)
    if (devmeet == null) return undefined
    const id = conferenceIdOf(arg) ?? await pickConference(devmeet, {
      filter: isMySeries,
      placeHolder: verb === 'cancel' ? localized`Cancel a meeting of which series?` : localized`Move a meeting of which series?`,
      none: localized`You organize no open series.`
    })
    if (id == null) return undefined
    const view = findConference(devmeet, id)
    if (view == null) return undefined
    if (!view.mine || view.context.recurrence == null) {
      void showWarning(localized`Only the organizer of a series can cancel or move one of its meetings.`)
      return undefined
    }
    const coming = nextOccurrences(view, (from, to, max) => devmeet.conferences.occurrences(id, from, to, max), Date.now())
      .filter(o => o.status !== 'cancelled')
    const named = occurrenceOf(arg)
    if (named != null) {
      const occurrence = coming.find(o => o.occurrence === named) ??
        devmeet.conferences.occurrences(id, named - 1, named + 1, 5).find(o => o.occurrence === named && o.status !== 'cancelled')
      if (occurrence == null) void showWarning(localized`That meeting is not in the series, or is cancelled already.`)
      return occurrence == null ? undefined : { devmeet, view, occurrence }
    }
    if (coming.length === 0) {
      void showWarning(localized`"${titleOf(view)}" has no meetings left.`)
      return undefined
    }
    type Item = ShownPickItem & { occurrence: Occurrence }
    const items: Item[] = coming.map(o => ({
      label: localized`${untrusted(formatLocal(o.start))}`,
      ...(o.moved ? { description: localized`moved from ${untrusted(formatLocal(o.occurrence))}` } : {}),
      occurrence: o
    }))
    const chosen = await pickOne(items, {
      title: localized`"${titleOf(view, 60)}"`,
      placeHolder: verb === 'cancel' ? localized`Cancel which meeting?` : localized`Move which meeting?`
    })
    return chosen == null ? undefined : { devmeet, view, occurrence: chosen.occurrence }
  }

  reg('devmeet.cancelOccurrence', async (arg?: unknown) => {
    const t = await target(arg, 'cancel')
    if (t == null) return undefined
    // Always asked, whatever the argument: a command can be run from a link.
    const confirm = { title: localized`Cancel This Meeting` }
    const keep = { title: localized`Keep It`, isCloseAffordance: true }
    const answer = await confirmModal(
      localized`Cancel the meeting of "${titleOf(t.view)}" on ${untrusted(formatLocal(t.occurrence.start))}?`,
      localized`The other meetings of the series stay. Every invitee is told.`,
      confirm, keep)
    if (answer !== confirm) return undefined
    try {
      await t.devmeet.conferences.cancelOccurrence(t.view.context.id, t.occurrence.occurrence)
      setStatusMessage(localized`DevMeet: cancelled the meeting on ${untrusted(formatLocal(t.occurrence.start))}`, 5000)
      return t.occurrence.occurrence
    } catch (err) {
      void showError(localized`Could not cancel the meeting: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.moveOccurrence', async (arg?: unknown) => {
    const t = await target(arg, 'move')
    if (t == null) return undefined
    const zone = localTimeZone()
    const text = await askText({
      title: localized`Move the meeting of "${titleOf(t.view, 60)}"`,
      prompt: localized`New start of this meeting only (now ${untrusted(formatLocal(t.occurrence.start, zone))}); at most 31 days away. E.g. 14:30, tomorrow 9:00, 2026-12-01 10:00`,
      value: formatInputTime(t.occurrence.start, zone),
      ignoreFocusOut: true,
      validateInput: value => {
        if (value.trim() === '') return { message: vscode.l10n.t('Type the new start time.'), severity: vscode.InputBoxValidationSeverity.Error }
        const d = describeStartInput(value, new Date(), zone)
        if (d.error != null) return { message: d.error, severity: vscode.InputBoxValidationSeverity.Error }
        return { message: d.note ?? '', severity: vscode.InputBoxValidationSeverity.Info }
      }
    })
    if (text == null) return undefined
    const start = describeStartInput(text, new Date(), zone).start
    if (start == null) return undefined
    try {
      await t.devmeet.conferences.rescheduleOccurrence(t.view.context.id, t.occurrence.occurrence, start)
      void showInfo(localized`The meeting of "${titleOf(t.view)}" now starts ${untrusted(formatLocal(start))}; every invitee is told.`)
      return start
    } catch (err) {
      void showError(localized`Could not move the meeting: ${errorShown(err)}`)
      return undefined
    }
  })
}
