// "My action items" in the Conferences view: the `/todo @me …` messages of every conference.
// Kept cheap: each conference's history is read once (when the core knows it), then only message
// events update the index, and of those only the few that start an outcome (a body starting with
// `/todo` or `/decision`) or edit or delete one (src/shared/outcomes.ts decides what they say). Assignees are resolved again on each read, against
// the participants at that moment, so an RSVP change is reflected without re-reading anything.
import * as vscode from 'vscode'
import type { ChatMessage } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import type { DevMeetHost } from '../host'
import { Disposable, toDisposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { actionItemsFor, mattersForOutcomes, MAX_OUTCOMES_SHOWN, outcomeParticipants, outcomesOf, type Outcome, type OutcomeSource } from '../../shared/outcomes'
import { compareMessages, messageKey } from '../../shared/message-order'
import { shown, untrusted } from '../../shared/shown-text'
import { formatLocal } from '../../shared/time'
import { localized, shownTreeItem } from '../user-messages'

export class ActionItemIndex extends Disposable {
  /** per conference: outcome records (originals, their edits and deletes), by author and sequence */
  private readonly candidates = new Map<string, Map<string, OutcomeSource>>()
  /** conferences whose history was read (or is being read) once */
  private readonly loaded = new Set<string>()
  private readonly changed = this._register(new vscode.EventEmitter<void>())
  readonly onDidChange = this.changed.event
  private devmeet: DevMeet | undefined
  /** items() as last computed: the tree asks for them once per row, the answer changes only on events */
  private cached: Outcome[] | undefined

  constructor (private readonly host: DevMeetHost) {
    super()
    whenCoreLoaded(host, devmeet => {
      this.devmeet = devmeet
      this._register(toDisposable(devmeet.events.on('message', m => { if (this.add(m)) this.touch() })))
      // A conference known later (an invitation, the store read at start) is read once then.
      this._register(toDisposable(devmeet.events.on('conference:update', v => { this.loadOnce(v.context.id); this.touch() })))
      // My peer ID is known once the node runs; the stored conferences may be read only then too.
      this._register(toDisposable(devmeet.events.on('status', () => { this.loadAll(); this.touch() })))
      this.loadAll()
    })
  }

  /** The todos assigned to me, in every conference, grouped by conference in the list's order. */
  items (): Outcome[] {
    this.cached ??= this.compute()
    return this.cached
  }

  private touch (): void {
    this.cached = undefined
    this.changed.fire()
  }

  private compute (): Outcome[] {
    const devmeet = this.devmeet
    const me = devmeet?.peerId
    if (devmeet == null || me == null) return []
    const out: Outcome[] = []
    for (const view of this.views()) {
      const sources = this.candidates.get(view.context.id)
      if (sources == null || sources.size === 0) continue
      const ordered = [...sources.values()].sort(compareMessages)
      const participants = outcomeParticipants(view.context, devmeet.conferences.participants(view.context.id))
      out.push(...actionItemsFor(outcomesOf(ordered, participants), me))
    }
    return out
  }

  private loadAll (): void {
    for (const view of this.views()) this.loadOnce(view.context.id)
  }

  /** The conferences, or none while the core cannot list them (its services exist once the node runs). */
  private views (): ReturnType<DevMeet['conferences']['list']> {
    try {
      return this.devmeet?.conferences.list() ?? []
    } catch {
      return []
    }
  }

  private loadOnce (conferenceId: string): void {
    const devmeet = this.devmeet
    // The chat history is readable once the node runs (before, it answers with nothing, which
    // must not count as read): the 'status' event brings us back then.
    if (devmeet == null || devmeet.status.state !== 'running' || this.loaded.has(conferenceId)) return
    this.loaded.add(conferenceId)
    devmeet.chat.history(conferenceId).then(messages => {
      let any = false
      for (const m of messages) any = this.add(m) || any
      if (any) this.touch()
    }, err => {
      this.loaded.delete(conferenceId)
      this.host.log.debug(`action items: reading the history of ${conferenceId}: ${err}`)
    })
  }

  /** Keeps a message that may be an outcome; true when it was new. Bounded per conference. */
  private add (m: ChatMessage): boolean {
    let sources = this.candidates.get(m.conferenceId)
    if (!mattersForOutcomes(m, key => sources?.has(key) === true)) return false
    if (sources == null) this.candidates.set(m.conferenceId, sources = new Map())
    const key = messageKey(m.author, m.seq)
    const isNew = !sources.has(key)
    sources.set(key, m)
    if (sources.size > 2 * MAX_OUTCOMES_SHOWN) {
      // Only the newest MAX_OUTCOMES_SHOWN are ever shown: drop the oldest half.
      const keep = [...sources.entries()].sort((a, b) => compareMessages(a[1], b[1])).slice(-MAX_OUTCOMES_SHOWN)
      sources.clear()
      for (const [k, v] of keep) sources.set(k, v)
    }
    return isNew
  }
}

/** The row of one action item: its text, who asked and in which conference; a click opens that chat. */
export function actionItemTreeItem (item: Outcome, conferenceTitle: string, arg: object): vscode.TreeItem {
  const text = item.text === '' ? localized`(no text)` : untrusted(item.text, 200)
  const from = untrusted(item.authorName, 64)
  const title = untrusted(conferenceTitle, 120)
  const row = shownTreeItem(shown`${text}`, vscode.TreeItemCollapsibleState.None, {
    description: shown`${title} · ${from}`,
    tooltip: localized`${text}\nAsked by ${from} in ${title}, ${untrusted(formatLocal(item.sentAt))}`,
    accessibilityLabel: localized`Action item: ${text}, asked by ${from} in ${title}`
  })
  row.id = `action:${item.conferenceId}/${item.author}/${item.seq}`
  row.iconPath = new vscode.ThemeIcon('checklist')
  row.contextValue = 'actionItem'
  row.command = { command: 'devmeet.openChat', title: localized`Open Chat`, arguments: [arg] }
  return row
}
