// Whether a "starts in N min" reminder is worth showing. Not for a conference the user has just
// created or accepted inside the reminder window: they know, they were looking at it. No 'vscode'
// import, so unit tests run it under Node.
import type { ConferenceView } from '../../core/api'

type Answer = 'mine' | ConferenceView['myRsvp']

function answerOf (view: ConferenceView): Answer {
  return view.mine ? 'mine' : view.myRsvp
}

/** Remembers when the user last created or accepted each conference, as seen from the core's events. */
export class ReminderGate {
  private readonly answers = new Map<string, Answer>()
  private readonly actedAt = new Map<string, number>()
  private baselineTaken = false

  /** The conferences known when the node started are not news: no "just acted" for them. */
  baseline (views: Iterable<ConferenceView>): void {
    if (this.baselineTaken) return
    this.baselineTaken = true
    for (const v of views) this.answers.set(v.context.id, answerOf(v))
  }

  /** Notes a conference as it is now: new to this window (created, received) or newly accepted counts as acted at `now`. */
  observe (view: ConferenceView, now: number): void {
    const id = view.context.id
    const answer = answerOf(view)
    const known = this.answers.has(id)
    const before = this.answers.get(id)
    this.answers.set(id, answer)
    if (!known) {
      if (this.baselineTaken) this.actedAt.set(id, now)
      return
    }
    if (before !== answer && (answer === 'accepted' || answer === 'tentative')) this.actedAt.set(id, now)
  }

  /** False when the user created or accepted the conference after its reminder window had opened. */
  shouldRemind (view: ConferenceView, now: number, reminderMinutes: number): boolean {
    this.observe(view, now)
    const acted = this.actedAt.get(view.context.id)
    return acted == null || acted < view.context.start - reminderMinutes * 60_000
  }
}
