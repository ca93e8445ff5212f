// Notifications about conferences: a new invitation, a change to one I take part in, an answer to
// one I organize. Names and titles come from outside: the texts are built in notification-texts.ts
// with untrusted(), so they cannot become links; this module only decides when to say what.
import * as vscode from 'vscode'
import type { ConferenceView, RsvpEvent, Rsvp } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { Disposable, toDisposable } from '../disposable'
import { ourArgument } from '../command-args'
import { cancelledText, invitationText, movedText, renamedText, rsvpText } from '../notification-texts'
import { localized, showInfo, showWarning } from '../user-messages'

/** What a participant is told about when it changes. */
interface Snapshot {
  sequence: number
  start: number
  durationMinutes: number
  status: string
  title: string
}

function snapshotOf (view: ConferenceView): Snapshot {
  const c = view.context
  return { sequence: c.sequence, start: c.start, durationMinutes: c.durationMinutes, status: c.status, title: c.title }
}

const ACCEPT = localized`Accept`
const DECLINE = localized`Decline`
const TENTATIVE = localized`Tentative`
const SHOW = localized`Show`

export class ConferenceNotifications extends Disposable {
  private readonly seen = new Map<string, Snapshot>()
  private readonly invited = new Set<string>()
  private readonly answers = new Map<string, Rsvp>()

  constructor (
    private readonly devmeet: DevMeet,
    private readonly reveal: (conferenceId: string) => Promise<void>
  ) {
    super()
    // What is already known when the window opens is not news.
    for (const view of devmeet.conferences.list()) {
      this.seen.set(view.context.id, snapshotOf(view))
      if (!view.mine) this.invited.add(view.context.id)
      for (const i of view.context.invitees) this.answers.set(`${view.context.id}/${i.peerId}`, i.rsvp)
    }
    this._register(toDisposable(devmeet.events.on('invitation', view => { void this.onInvitation(view) })))
    this._register(toDisposable(devmeet.events.on('conference:update', view => { this.onUpdate(view) })))
    this._register(toDisposable(devmeet.events.on('rsvp', event => { this.onRsvp(event) })))
  }

  private async onInvitation (view: ConferenceView): Promise<void> {
    const id = view.context.id
    // The core may announce an invitation again (a resent copy); one notification is enough.
    if (this.invited.has(id) || view.mine) return
    this.invited.add(id)
    if (!this.seen.has(id)) this.seen.set(id, snapshotOf(view))
    // Cancelled before it reached me: the tree lists it under Past, nothing to answer.
    if (view.context.status === 'cancelled') return
    const choice = await showInfo(invitationText(view, Date.now()), ACCEPT, DECLINE, TENTATIVE, SHOW)
    const command = choice === ACCEPT
      ? 'devmeet.acceptInvitation'
      : choice === DECLINE ? 'devmeet.declineInvitation' : choice === TENTATIVE ? 'devmeet.tentativeInvitation' : undefined
    // The user chose the answer on our own notification: the command answers without asking again.
    if (command != null) await vscode.commands.executeCommand(command, ourArgument({ conferenceId: id }))
    else if (choice === SHOW) await this.reveal(id)
  }

  private onUpdate (view: ConferenceView): void {
    const id = view.context.id
    const before = this.seen.get(id)
    const after = snapshotOf(view)
    if (before != null && after.sequence <= before.sequence) return
    this.seen.set(id, after)
    if (before == null || view.mine) return
    // Only those who take part hear about changes; an unanswered invitation shows the new state in the tree.
    if (view.myRsvp !== 'accepted' && view.myRsvp !== 'tentative') return
    if (after.status === 'cancelled' && before.status !== 'cancelled') {
      void showWarning(cancelledText(view))
      return
    }
    if (after.start !== before.start || after.durationMinutes !== before.durationMinutes) {
      void showInfo(movedText(view, Date.now()), SHOW).then(choice => { if (choice === SHOW) void this.reveal(id) })
      return
    }
    if (after.title !== before.title) void showInfo(renamedText(before.title, view))
  }

  private onRsvp (event: RsvpEvent): void {
    const view = this.devmeet.conferences.get(event.conferenceId)
    if (view == null || !view.mine || event.rsvp === 'pending') return
    const key = `${event.conferenceId}/${event.peerId}`
    if (this.answers.get(key) === event.rsvp) return
    this.answers.set(key, event.rsvp)
    void showInfo(rsvpText(view, event.peerId, event.rsvp, event.comment))
  }
}
