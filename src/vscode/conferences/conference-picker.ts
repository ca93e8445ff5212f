// Asking which conference a command is about, when its argument does not say.
import type { ConferenceView } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { formatLocal, formatRelative } from '../../shared/time'
import { untrusted, type ShownText } from '../../shared/shown-text'
import { personLabel, titleOf } from '../notification-texts'
import { localized, pickOne, showInfo, type ShownPickItem } from '../user-messages'

export interface ConferenceQuestion {
  /** which conferences may be chosen */
  filter: (view: ConferenceView) => boolean
  placeHolder: ShownText
  /** said when there is none to choose */
  none: ShownText
  /** with exactly one to choose, take it without asking (for commands that do no harm) */
  takeSoleChoice?: boolean
}

type ConferencePickItem = ShownPickItem & { conferenceId: string }

/** Asks for one conference, soonest first; undefined when there is none or the user cancels. */
export async function pickConference (devmeet: DevMeet, question: ConferenceQuestion): Promise<string | undefined> {
  const now = Date.now()
  const views = devmeet.conferences.list().filter(question.filter).sort((a, b) => a.context.start - b.context.start)
  if (views.length === 0) {
    void showInfo(question.none)
    return undefined
  }
  if (views.length === 1 && question.takeSoleChoice === true) return views[0].context.id
  const items: ConferencePickItem[] = views.map(v => ({
    label: localized`${titleOf(v)}`,
    description: localized`${untrusted(formatLocal(v.context.start))} · ${untrusted(formatRelative(v.context.start, now, { durationMinutes: v.context.durationMinutes }))}`,
    detail: localized`organized by ${personLabel(v.context.organizer.displayName, v.context.organizer.peerId)}`,
    conferenceId: v.context.id
  }))
  const picked = await pickOne(items, { placeHolder: question.placeHolder, matchOnDescription: true, matchOnDetail: true })
  return picked?.conferenceId
}
