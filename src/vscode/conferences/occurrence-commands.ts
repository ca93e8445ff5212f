// The commands on one meeting of a series: for its organizer "Cancel This Meeting…" and "Move This
// Meeting…" (this one, or this and the following: RANGE=THISANDFUTURE); for an invitee who takes
// part, "Not Attending This Meeting" and "Attending This Meeting" (an answer to that occurrence
// only, "not on Friday"). From a meeting's row (that meeting), the series' row (a pick of its next
// meetings) or the palette (a pick of the series, then of the meeting). A cancel always asks; so
// does an answer named by an argument that is not one of our rows. The core signs the change and
// every peer converges through the outbox.
import * as vscode from 'vscode'
import type { ConferenceView, Occurrence } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { formatInputTime, formatLocal, localTimeZone } from '../../shared/time'
import { findConference, requireCore } from '../core-access'
import type { DevMeetHost } from '../host'
import { conferenceIdOf, isOurArgument, occurrenceOf } from '../command-args'
import { pickConference } from './conference-picker'
import { describeStartInput } from './create-conference-args'
import { nextOccurrences } from './occurrence-rows'
import { untrusted, type ShownText } from '../../shared/shown-text'
import { errorShown, titleOf } from '../notification-texts'
import { localized, askText, confirmModal, pickOne, setStatusMessage, showError, showInfo, showWarning, type ShownPickItem } from '../user-messages'

type Register = (id: string, fn: (...args: any[]) => unknown) => void

type Verb = 'cancel' | 'move' | 'attend' | 'skip'

const isMySeries = (v: ConferenceView): boolean => v.mine && v.context.status !== 'cancelled' && v.context.recurrence != null
/** An invitee's answer to one meeting changes its reminder and what the others see; only one who takes part in the series gives one. */
const isSeriesITakePart = (v: ConferenceView): boolean => !v.mine && v.context.status !== 'cancelled' && v.context.recurrence != null &&
  (v.myRsvp === 'accepted' || v.myRsvp === 'tentative')
const forOrganizer = (verb: Verb): boolean => verb === 'cancel' || verb === 'move'

function questions (verb: Verb): { series: ShownText, meeting: ShownText, none: ShownText } {
  switch (verb) {
    case 'cancel': return { series: localized`Cancel a meeting of which series?`, meeting: localized`Cancel which meeting?`, none: localized`You organize no open series.` }
    case 'move': return { series: localized`Move a meeting of which series?`, meeting: localized`Move which meeting?`, none: localized`You organize no open series.` }
    case 'attend': return { series: localized`Attend a meeting of which series?`, meeting: localized`Which meeting do you attend?`, none: localized`You take part in no series.` }
    case 'skip': return { series: localized`Skip a meeting of which series?`, meeting: localized`Which meeting do you not attend?`, none: localized`You take part in no series.` }
  }
}

export function registerOccurrenceCommands (reg: Register, host: DevMeetHost): void {
  /** The series and the meeting a command is about; asks for what the argument does not name. */
  async function target (arg: unknown, verb: Verb): Promise<{ devmeet: DevMeet, view: ConferenceView, occurrence: Occurrence } | undefined> {
    const devmeet = await requireCore(host)
    if (devmeet == null) return undefined
    const asked = questions(verb)
    const id = conferenceIdOf(arg) ?? await pickConference(devmeet, {
      filter: forOrganizer(verb) ? isMySeries : isSeriesITakePart,
      placeHolder: asked.series,
      none: asked.none
    })
    if (id == null) return undefined
    const view = findConference(devmeet, id)
    if (view == null) return undefined
    if (forOrganizer(verb) && !isMySeries(view)) {
      void showWarning(localized`Only the organizer of a series can cancel or move one of its meetings.`)
      return undefined
    }
    if (!forOrganizer(verb) && !isSeriesITakePart(view)) {
      void showWarning(localized`Only an invitee who takes part in a series answers for one of its meetings.`)
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
      placeHolder: asked.meeting
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
    type Scope = ShownPickItem & { following: boolean }
    const scopes: Scope[] = [
      { label: localized`This meeting only`, following: false },
      { label: localized`This and all following meetings`, description: localized`each moves by the same time of day`, following: true }
    ]
    const scope = await pickOne(scopes, { title: localized`Move the meeting on ${untrusted(formatLocal(t.occurrence.start))}`, placeHolder: localized`Move which meetings?` })
    if (scope == null) return undefined
    const zone = localTimeZone()
    const text = await askText({
      title: localized`Move the meeting of "${titleOf(t.view, 60)}"`,
      prompt: scope.following
        ? localized`New start of this meeting (now ${untrusted(formatLocal(t.occurrence.start, zone))}); the following ones move by as much. At most 31 days away. E.g. 14:30, tomorrow 9:00`
        : localized`New start of this meeting only (now ${untrusted(formatLocal(t.occurrence.start, zone))}); at most 31 days away. E.g. 14:30, tomorrow 9:00, 2026-12-01 10:00`,
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
      if (scope.following) {
        await t.devmeet.conferences.rescheduleFollowing(t.view.context.id, t.occurrence.occurrence, start)
        void showInfo(localized`The meetings of "${titleOf(t.view)}" from ${untrusted(formatLocal(start))} on have moved; every invitee is told.`)
      } else {
        await t.devmeet.conferences.rescheduleOccurrence(t.view.context.id, t.occurrence.occurrence, start)
        void showInfo(localized`The meeting of "${titleOf(t.view)}" now starts ${untrusted(formatLocal(start))}; every invitee is told.`)
      }
      return start
    } catch (err) {
      void showError(localized`Could not move the meeting: ${errorShown(err)}`)
      return undefined
    }
  })

  for (const [command, answer] of [['devmeet.attendOccurrence', 'accepted'], ['devmeet.skipOccurrence', 'declined']] as const) {
    reg(command, async (arg?: unknown) => {
      const t = await target(arg, answer === 'accepted' ? 'attend' : 'skip')
      if (t == null) return undefined
      const when = untrusted(formatLocal(t.occurrence.start))
      // Named by a link or another extension rather than chosen in our tree: asked.
      if (arg != null && !isOurArgument(arg)) {
        const go = { title: answer === 'accepted' ? localized`Attend` : localized`Not Attending` }
        const question = answer === 'accepted'
          ? localized`Tell the organizer of "${titleOf(t.view)}" you attend the meeting on ${when}?`
          : localized`Tell the organizer of "${titleOf(t.view)}" you do not attend the meeting on ${when}?`
        if (await confirmModal(question, localized`Your answer to the series stays as it is.`, go) !== go) return undefined
      }
      try {
        await t.devmeet.conferences.respondToOccurrence(t.view.context.id, t.occurrence.occurrence, answer)
        setStatusMessage(answer === 'accepted' ? localized`DevMeet: attending the meeting on ${when}` : localized`DevMeet: not attending the meeting on ${when}`, 5000)
        return t.occurrence.occurrence
      } catch (err) {
        void showError(localized`Could not send your answer: ${errorShown(err)}`)
        return undefined
      }
    })
  }
}
