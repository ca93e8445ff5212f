// Notifications about conferences: a new invitation, a change to one I take part in, an answer to
// one I organize. Names and titles come from outside: plainText() keeps them from becoming links.
import * as vscode from 'vscode'
import type { ConferenceView, RsvpEvent, Rsvp } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { formatLocal, formatRelative } from '../../core/time-parse'
import { conferencesOf } from './core-access'
import { plainText, shortId } from './conference-rows'

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

const RSVP_VERBS: Record<Rsvp, string> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentatively accepted',
  pending: 'has not answered'
}

export class ConferenceNotifications implements vscode.Disposable {
  private readonly seen = new Map<string, Snapshot>()
  private readonly invited = new Set<string>()
  private readonly answers = new Map<string, Rsvp>()
  private readonly offs: Array<() => void> = []

  constructor (
    private readonly devmeet: DevMeet,
    private readonly reveal: (conferenceId: string) => Promise<void>
  ) {
    // What is already known when the window opens is not news.
    for (const view of conferencesOf(devmeet)?.list() ?? []) {
      this.seen.set(view.context.id, snapshotOf(view))
      if (!view.mine) this.invited.add(view.context.id)
      for (const i of view.context.invitees) this.answers.set(`${view.context.id}/${i.peerId}`, i.rsvp)
    }
    this.offs.push(
      devmeet.events.on('invitation', view => { void this.onInvitation(view) }),
      devmeet.events.on('conference:update', view => { this.onUpdate(view) }),
      devmeet.events.on('rsvp', event => { this.onRsvp(event) })
    )
  }

  dispose (): void {
    for (const off of this.offs.splice(0)) off()
  }

  private async onInvitation (view: ConferenceView): Promise<void> {
    const id = view.context.id
    // The core may announce an invitation again (a resent copy); one notification is enough.
    if (this.invited.has(id) || view.mine) return
    this.invited.add(id)
    if (!this.seen.has(id)) this.seen.set(id, snapshotOf(view))
    // Cancelled before it reached me: the tree lists it under Past, nothing to answer.
    if (view.context.status === 'cancelled') return
    const c = view.context
    const who = `${plainText(c.organizer.displayName, 64)} (${shortId(c.organizer.peerId)})`
    const when = `${formatLocal(c.start)} (${formatRelative(c.start, Date.now())})`
    const choice = await vscode.window.showInformationMessage(
      `${who} invited you to "${plainText(c.title)}" at ${when}.`,
      'Accept', 'Decline', 'Tentative', 'Show')
    const command = choice === 'Accept'
      ? 'devmeet.acceptInvitation'
      : choice === 'Decline' ? 'devmeet.declineInvitation' : choice === 'Tentative' ? 'devmeet.tentativeInvitation' : undefined
    if (command != null) await vscode.commands.executeCommand(command, { conferenceId: id })
    else if (choice === 'Show') await this.reveal(id)
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
    const title = plainText(view.context.title)
    if (after.status === 'cancelled' && before.status !== 'cancelled') {
      void vscode.window.showWarningMessage(`"${title}" was cancelled by ${plainText(view.context.organizer.displayName, 64)}.`)
      return
    }
    if (after.start !== before.start || after.durationMinutes !== before.durationMinutes) {
      const show = 'Show'
      void vscode.window.showInformationMessage(
        `"${title}" was moved to ${formatLocal(after.start)} (${formatRelative(after.start, Date.now())}), ${after.durationMinutes} min.`, show)
        .then(choice => { if (choice === show) void this.reveal(id) })
      return
    }
    if (after.title !== before.title) {
      void vscode.window.showInformationMessage(`"${plainText(before.title)}" is now called "${title}".`)
    }
  }

  private onRsvp (event: RsvpEvent): void {
    const view = conferencesOf(this.devmeet)?.get(event.conferenceId)
    if (view == null || !view.mine || event.rsvp === 'pending') return
    const key = `${event.conferenceId}/${event.peerId}`
    if (this.answers.get(key) === event.rsvp) return
    this.answers.set(key, event.rsvp)
    const invitee = view.context.invitees.find(i => i.peerId === event.peerId)
    const name = `${plainText(invitee?.displayName ?? 'A peer', 64)} (${shortId(event.peerId)})`
    const comment = event.comment != null && event.comment.trim() !== '' ? `: "${plainText(event.comment, 200)}"` : ''
    void vscode.window.showInformationMessage(`${name} ${RSVP_VERBS[event.rsvp]} "${plainText(view.context.title)}"${comment}.`)
  }
}
