import * as vscode from 'vscode'
import type { ConferenceView, Occurrence } from '../../core/api'
import { formatInZone, formatLocal, formatRelative, formatDuration, localTimeZone } from '../../shared/time'
import type { DevMeetHost } from '../host'
import { Disposable, toDisposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { showWhileStarting } from '../starting-message'
import { ourArgument } from '../command-args'
import {
  groupLabel, REFUSED_ICON, conferencesIn, contextValueOf, descriptionOf, groupOf, iconOf,
  peopleOf, personLabel, refusalOf, rsvpWords, type ConferenceGroup, type PersonRow
} from './conference-rows'
import { shortPeerId } from '../../shared/peer-id'
import { shown, untrusted, untrustedLines } from '../../shared/shown-text'
import { localized, plural, ShownMarkdown, shownTreeItem } from '../user-messages'
import type { ChatUnread } from '../chat/unread-tracker'
import { unreadLabel } from '../../shared/unread'
import { ActionItemIndex, actionItemTreeItem } from './action-items'
import { MAX_NEXT_SHOWN, MAX_PAST_SHOWN, meetingsOf, occurrenceRow, type ListOccurrences } from './occurrence-rows'
import { seriesSummary } from './series-summary'

export const CONFERENCES_VIEW_ID = 'devmeet.conferences'

/** Rows of the Conferences view. Conference rows are what the item commands receive as argument. */
export type ConferenceNode =
  | { kind: 'group', group: ConferenceGroup }
  | { kind: 'conference', conferenceId: string }
  | { kind: 'person', conferenceId: string, peerId: string }
  | { kind: 'actions' }
  | { kind: 'action', conferenceId: string, author: string, seq: number }
  | { kind: 'meetings', conferenceId: string, when: 'next' | 'past' }
  | { kind: 'occurrence', conferenceId: string, occurrence: number }

const GROUPS: ConferenceGroup[] = ['invitations', 'upcoming', 'past']
const REFRESH_EVERY_MS = 60_000

const STATE_COLORS: Record<string, string | undefined> = {
  check: 'testing.iconPassed',
  close: 'testing.iconFailed',
  question: 'testing.iconQueued',
  clock: 'disabledForeground',
  [REFUSED_ICON]: 'problemsWarningIcon.foreground'
}

/** The Conferences view: "Invitations", "Upcoming" and "Past", each conference expanding to its people. */
export class ConferencesTree extends Disposable implements vscode.TreeDataProvider<ConferenceNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ConferenceNode | undefined>())
  readonly onDidChangeTreeData = this.changed.event
  // Nodes are kept so that reveal() and getParent() hand VS Code the same objects it got before.
  private readonly groupNodes = new Map<ConferenceGroup, ConferenceNode>()
  private readonly conferenceNodes = new Map<string, ConferenceNode>()
  private readonly personNodes = new Map<string, ConferenceNode>()
  private readonly actionsNode: ConferenceNode = { kind: 'actions' }
  private readonly actionNodes = new Map<string, ConferenceNode>()
  private readonly meetingsNodes = new Map<string, ConferenceNode>()
  private readonly occurrenceNodes = new Map<string, ConferenceNode>()
  /** each series' meetings as last listed, by conference id, until the next refresh */
  private readonly meetings = new Map<string, { key: string, next: Occurrence[], past: Occurrence[] }>()

  constructor (private readonly host: DevMeetHost, private readonly unread: ChatUnread, private readonly actions: ActionItemIndex, private readonly now: () => number = Date.now) {
    super()
  }

  private get me (): string | undefined {
    return this.host.devmeet?.peerId
  }

  refresh (): void {
    this.meetings.clear()
    this.changed.fire(undefined)
  }

  private views (): ConferenceView[] {
    try {
      return this.host.devmeet?.conferences.list() ?? []
    } catch {
      return []
    }
  }

  /** How many invitations wait for my answer. */
  invitationCount (): number {
    const now = this.now()
    return this.views().filter(v => groupOf(v, now, this.me) === 'invitations').length
  }

  getChildren (node?: ConferenceNode): ConferenceNode[] {
    const views = this.views()
    const now = this.now()
    if (node == null) {
      // Empty groups are left out; with no conference at all the view's welcome text shows.
      const groups = GROUPS.filter(g => conferencesIn(g, views, now, this.me).length > 0).map(g => this.groupNode(g))
      return this.actions.items().length > 0 ? [this.actionsNode, ...groups] : groups
    }
    if (node.kind === 'actions') return this.actions.items().map(o => this.actionNode(o.conferenceId, o.author, o.seq))
    if (node.kind === 'group') return conferencesIn(node.group, views, now, this.me).map(v => this.conferenceNode(v.context.id))
    if (node.kind === 'conference') {
      const view = views.find(v => v.context.id === node.conferenceId)
      if (view == null) return []
      const people = peopleOf(view, this.me).map(p => this.personNode(node.conferenceId, p.peerId))
      if (view.context.recurrence == null) return people
      const meetings = (['next', 'past'] as const)
        .filter(when => this.occurrencesOf(view, when).length > 0)
        .map(when => this.meetingsNode(node.conferenceId, when))
      return [...meetings, ...people]
    }
    if (node.kind === 'meetings') {
      const view = views.find(v => v.context.id === node.conferenceId)
      if (view == null) return []
      return this.occurrencesOf(view, node.when).map(o => this.occurrenceNode(node.conferenceId, o.occurrence))
    }
    return []
  }

  getParent (node: ConferenceNode): ConferenceNode | undefined {
    if (node.kind === 'group' || node.kind === 'actions') return undefined
    if (node.kind === 'action') return this.actionsNode
    if (node.kind === 'person' || node.kind === 'meetings') return this.conferenceNode(node.conferenceId)
    if (node.kind === 'occurrence') {
      const view = this.views().find(v => v.context.id === node.conferenceId)
      const past = view != null && this.occurrencesOf(view, 'past').some(o => o.occurrence === node.occurrence)
      return this.meetingsNode(node.conferenceId, past ? 'past' : 'next')
    }
    const view = this.views().find(v => v.context.id === node.conferenceId)
    return view == null ? undefined : this.groupNode(groupOf(view, this.now(), this.me))
  }

  getTreeItem (node: ConferenceNode): vscode.TreeItem {
    try {
      return this.treeItem(node)
    } catch (err) {
      // One malformed record must not blank the whole view.
      this.host.log.warn(`cannot show conference row: ${(err as Error)?.stack ?? err}`)
      return shownTreeItem(localized`(cannot show this conference)`, vscode.TreeItemCollapsibleState.None)
    }
  }

  private treeItem (node: ConferenceNode): vscode.TreeItem {
    if (node.kind === 'group') return this.groupItem(node.group)
    if (node.kind === 'actions') return this.actionsItem()
    const view = this.views().find(v => v.context.id === node.conferenceId)
    if (view == null) return shownTreeItem(localized`(no longer known)`, vscode.TreeItemCollapsibleState.None)
    if (node.kind === 'conference') return this.conferenceItem(view)
    if (node.kind === 'meetings') return this.meetingsItem(view, node.when)
    if (node.kind === 'occurrence') return this.occurrenceItem(view, node)
    if (node.kind === 'action') {
      const item = this.actions.items().find(o => o.conferenceId === node.conferenceId && o.author === node.author && o.seq === node.seq)
      if (item == null) return shownTreeItem(localized`(no longer assigned to you)`, vscode.TreeItemCollapsibleState.None)
      return actionItemTreeItem(item, view.context.title, node)
    }
    const person = peopleOf(view, this.me).find(p => p.peerId === node.peerId)
    if (person == null) return shownTreeItem(localized`(no longer invited)`, vscode.TreeItemCollapsibleState.None)
    return this.personItem(view, person)
  }

  /** The row of a conference, for reveal(); undefined when it is not in the list. */
  nodeFor (conferenceId: string): ConferenceNode | undefined {
    return this.views().some(v => v.context.id === conferenceId) ? this.conferenceNode(conferenceId) : undefined
  }

  /**
   * A series' next or last meetings, from the core, asked once per series until the next refresh
   * (every row of the series asks again while VS Code draws it); never throws into the tree.
   */
  private occurrencesOf (view: ConferenceView, when: 'next' | 'past'): Occurrence[] {
    const devmeet = this.host.devmeet
    if (devmeet == null) return []
    const key = `${view.context.sequence}`
    let cached = this.meetings.get(view.context.id)
    if (cached?.key !== key) {
      const list: ListOccurrences = (from, to, max) => devmeet.conferences.occurrences(view.context.id, from, to, max)
      try {
        cached = { key, ...meetingsOf(view, list, this.now()) }
      } catch (err) {
        this.host.log.debug(`listing occurrences of ${view.context.id}: ${err}`)
        cached = { key, next: [], past: [] }
      }
      this.meetings.set(view.context.id, cached)
    }
    return cached[when]
  }

  private meetingsItem (view: ConferenceView, when: 'next' | 'past'): vscode.TreeItem {
    const count = this.occurrencesOf(view, when).length
    const item = shownTreeItem(when === 'next' ? localized`Next meetings` : localized`Past meetings`, when === 'next' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed, {
      description: shown`${count}`,
      accessibilityLabel: when === 'next' ? localized`Next meetings, ${count}` : localized`Past meetings, ${count}`,
      tooltip: when === 'next' ? localized`The next ${MAX_NEXT_SHOWN} meetings of the series at most` : localized`The last ${MAX_PAST_SHOWN} meetings of the series at most; each opens its own chat`
    })
    item.id = `conference:${view.context.id}/meetings:${when}`
    item.contextValue = `meetings.${when}`
    item.iconPath = new vscode.ThemeIcon(when === 'next' ? 'calendar' : 'history')
    return item
  }

  private occurrenceItem (view: ConferenceView, node: ConferenceNode & { kind: 'occurrence' }): vscode.TreeItem {
    const now = this.now()
    const o = [...this.occurrencesOf(view, 'next'), ...this.occurrencesOf(view, 'past')].find(x => x.occurrence === node.occurrence)
    if (o == null) return shownTreeItem(localized`(no longer listed)`, vscode.TreeItemCollapsibleState.None)
    const row = occurrenceRow(view, o, now, undefined, this.me)
    const item = shownTreeItem(row.label, vscode.TreeItemCollapsibleState.None, {
      description: row.description,
      tooltip: row.tooltip,
      accessibilityLabel: String(row.description) === '' ? row.label : shown`${row.label}, ${row.description}`
    })
    item.id = `conference:${view.context.id}/occurrence:${o.occurrence}`
    item.contextValue = row.contextValue
    item.iconPath = new vscode.ThemeIcon(row.icon)
    // Each meeting opens its own chat and transcript (the panel per occurrence, docs/RECURRING.md).
    if (o.status !== 'cancelled') item.command = { command: 'devmeet.openChat', title: localized`Open Chat`, arguments: [node] }
    return item
  }

  private groupItem (group: ConferenceGroup): vscode.TreeItem {
    const count = conferencesIn(group, this.views(), this.now(), this.me).length
    const item = shownTreeItem(groupLabel(group), group === 'past' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded, {
      description: shown`${count}`
    })
    item.id = `group:${group}`
    item.contextValue = `group.${group}`
    return item
  }

  private actionsItem (): vscode.TreeItem {
    const item = shownTreeItem(localized`My action items`, vscode.TreeItemCollapsibleState.Expanded, {
      description: shown`${this.actions.items().length}`,
      tooltip: localized`Every /todo assigned to you in a conference's chat`
    })
    item.id = 'group:actions'
    item.contextValue = 'group.actions'
    return item
  }

  private conferenceItem (view: ConferenceView): vscode.TreeItem {
    const { context } = view
    const now = this.now()
    const title = untrusted(context.title, 120)
    const role = view.mine
      ? localized`you organize it`
      : view.myRsvp == null ? localized`you are no longer invited` : localized`your answer: ${rsvpWords(view.myRsvp)}`
    // The unread count goes first: a narrow view clips the end of the description.
    const unread = this.unread.count(context.id)
    const description = unread > 0
      ? localized`${untrusted(unreadLabel(unread))} unread · ${descriptionOf(view, now, undefined, this.me)}`
      : descriptionOf(view, now, undefined, this.me)
    const item = shownTreeItem(shown`${title}`, vscode.TreeItemCollapsibleState.Collapsed, {
      description,
      tooltip: this.tooltip(view, now),
      accessibilityLabel: shown`${title}, ${description}, ${role}`
    })
    item.id = `conference:${context.id}`
    item.contextValue = contextValueOf(view, this.me)
    const icon = iconOf(view, this.me)
    const color = STATE_COLORS[icon]
    item.iconPath = new vscode.ThemeIcon(icon, icon === REFUSED_ICON && color != null ? new vscode.ThemeColor(color) : undefined)
    return item
  }

  private tooltip (view: ConferenceView, now: number): ShownMarkdown {
    const { context } = view
    const zone = localTimeZone()
    const tip = new ShownMarkdown().bold(shown`${untrusted(context.title, 200)}`)
    if (context.status === 'cancelled') tip.text(shown` — `).italic(localized`cancelled`)
    tip.paragraph()
      .text(localized`Your time: ${untrusted(formatLocal(context.start, zone))} ${untrusted(zone)} (${untrusted(formatRelative(context.start, now, { durationMinutes: context.durationMinutes }))})`).lineBreak()
      .text(localized`Organizer's time: ${untrusted(formatInZone(context.start, context.timeZone))}`).lineBreak()
      .text(localized`Duration: ${untrusted(formatDuration(context.durationMinutes))}`).lineBreak()
      .text(localized`Organizer: ${personLabel(context.organizer.displayName, context.organizer.peerId)}`)
      .paragraph()
    if (context.recurrence != null) {
      // "Your time" above is the series' first meeting; the rule runs on the organizer's clock.
      tip.text(localized`Repeats: ${seriesSummary(context.recurrence, zone)} (${untrusted(context.timeZone)} time)`).lineBreak()
      const next = view.nextOccurrence
      tip.text(next != null ? localized`Next meeting: ${untrusted(formatLocal(next.start, zone))}` : localized`No meetings left in the series`).paragraph()
    }
    const myRefusal = this.me == null ? undefined : refusalOf(view, this.me, this.me)
    if (myRefusal != null) tip.italic(myRefusal).paragraph()
    if (context.invitees.length > 0) {
      tip.text(localized`Participants:`)
      for (const i of context.invitees) {
        const refusal = view.mine ? refusalOf(view, i.peerId, this.me) : undefined
        tip.bullet(refusal != null ? localized`${personLabel(i.displayName, i.peerId)}: ${rsvpWords(i.rsvp)} (${refusal})` : localized`${personLabel(i.displayName, i.peerId)}: ${rsvpWords(i.rsvp)}`)
      }
      tip.paragraph()
    }
    if (context.agenda.trim() !== '') {
      // The agenda is the organizer's markdown: shown as plain lines here, rendered (sanitized) in the chat panel.
      tip.rule()
      for (const line of untrustedLines(context.agenda, 40, 200)) tip.text(shown`${line}`).lineBreak()
    }
    return tip
  }

  private personItem (view: ConferenceView, person: PersonRow): vscode.TreeItem {
    const name = untrusted(person.name, 64)
    const state = person.state
    const refusal = person.refusal != null ? shown`\n${person.refusal}` : shown``
    const item = shownTreeItem(person.isMe ? localized`${name} (you)` : shown`${name}`, vscode.TreeItemCollapsibleState.None, {
      description: shown`${untrusted(shortPeerId(person.peerId))} · ${state}`,
      tooltip: localized`${name}\nPeer ID: ${untrusted(person.peerId)}\n${state}${refusal}`,
      accessibilityLabel: person.refusal != null ? localized`${name}, peer ${untrusted(shortPeerId(person.peerId))}, ${state}, ${person.refusal}` : localized`${name}, peer ${untrusted(shortPeerId(person.peerId))}, ${state}`
    })
    item.id = `conference:${view.context.id}/peer:${person.peerId}`
    const color = STATE_COLORS[person.icon]
    item.iconPath = new vscode.ThemeIcon(person.icon, color == null ? undefined : new vscode.ThemeColor(color))
    // Deliberately not "conference.…": the conference menus must not show on people.
    item.contextValue = `participant.${person.role}`
    return item
  }

  private groupNode (group: ConferenceGroup): ConferenceNode {
    let node = this.groupNodes.get(group)
    if (node == null) this.groupNodes.set(group, node = { kind: 'group', group })
    return node
  }

  private conferenceNode (conferenceId: string): ConferenceNode {
    let node = this.conferenceNodes.get(conferenceId)
    // Rows are what the item commands receive: marked as ours, so they act without asking again.
    if (node == null) this.conferenceNodes.set(conferenceId, node = ourArgument<ConferenceNode>({ kind: 'conference', conferenceId }))
    return node
  }

  private actionNode (conferenceId: string, author: string, seq: number): ConferenceNode {
    const key = `${conferenceId}/${author}/${seq}`
    let node = this.actionNodes.get(key)
    // What devmeet.openChat receives on a click: marked as ours, like the conference rows.
    if (node == null) this.actionNodes.set(key, node = ourArgument<ConferenceNode>({ kind: 'action', conferenceId, author, seq }))
    return node
  }

  private meetingsNode (conferenceId: string, when: 'next' | 'past'): ConferenceNode {
    const key = `${conferenceId}/${when}`
    let node = this.meetingsNodes.get(key)
    if (node == null) this.meetingsNodes.set(key, node = { kind: 'meetings', conferenceId, when })
    return node
  }

  private occurrenceNode (conferenceId: string, occurrence: number): ConferenceNode {
    const key = `${conferenceId}/${occurrence}`
    let node = this.occurrenceNodes.get(key)
    // What the occurrence commands and devmeet.openChat receive: marked as ours, like the conference rows.
    if (node == null) this.occurrenceNodes.set(key, node = ourArgument<ConferenceNode>({ kind: 'occurrence', conferenceId, occurrence }))
    return node
  }

  private personNode (conferenceId: string, peerId: string): ConferenceNode {
    const key = `${conferenceId}/${peerId}`
    let node = this.personNodes.get(key)
    if (node == null) this.personNodes.set(key, node = { kind: 'person', conferenceId, peerId })
    return node
  }
}

/** The view with its badge, kept fresh by the core's events and, while visible, once a minute. */
export class ConferencesView extends Disposable {
  readonly tree: ConferencesTree
  private readonly view: vscode.TreeView<ConferenceNode>
  private ticker: ReturnType<typeof setInterval> | undefined

  constructor (private readonly host: DevMeetHost, unread: ChatUnread) {
    super()
    const actions = this._register(new ActionItemIndex(host))
    this.tree = this._register(new ConferencesTree(host, unread, actions))
    this._register(unread.onDidChange(() => this.refresh()))
    this._register(actions.onDidChange(() => this.refresh()))
    this.view = this._register(vscode.window.createTreeView(CONFERENCES_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true }))
    this._register(this.view.onDidChangeVisibility(() => this.tick()))
    showWhileStarting(this.view, host, d => this._register(d))
    this._register(toDisposable(() => this.stopTicker()))
    this.tick()
    whenCoreLoaded(host, devmeet => {
      for (const event of ['conference:update', 'invitation', 'rsvp', 'status', 'conference:start', 'conference:end'] as const) {
        this._register(toDisposable(devmeet.events.on(event, () => this.refresh())))
      }
      this.refresh()
    })
  }

  refresh (): void {
    this.tree.refresh()
    const count = this.tree.invitationCount()
    this.view.badge = count === 0
      ? undefined
      : { value: count, tooltip: plural(count, localized`${count} conference invitation waits for your answer`, localized`${count} conference invitations wait for your answer`) }
  }

  /** Shows a conference's row, opening the view if needed. */
  async reveal (conferenceId: string, options: { focus?: boolean } = {}): Promise<void> {
    const node = this.tree.nodeFor(conferenceId)
    if (node == null) return
    try {
      if (!this.view.visible) await vscode.commands.executeCommand(`${CONFERENCES_VIEW_ID}.focus`)
      await this.view.reveal(node, { select: true, focus: options.focus ?? false, expand: false })
    } catch (err) {
      this.host.log.debug(`revealing conference ${conferenceId}: ${err}`)
    }
  }

  private tick (): void {
    // Relative times ("in 2 h") only need refreshing while someone can see them.
    if (this.view.visible && this.ticker == null) {
      this.ticker = setInterval(() => this.refresh(), REFRESH_EVERY_MS)
      this.refresh()
    } else if (!this.view.visible) {
      this.stopTicker()
    }
  }

  private stopTicker (): void {
    if (this.ticker != null) clearInterval(this.ticker)
    this.ticker = undefined
  }
}
