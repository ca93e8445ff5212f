import * as vscode from 'vscode'
import type { ConferenceView } from '../../core/api'
import { formatInZone, formatLocal, formatRelative, formatDuration, localTimeZone } from '../../core/time-parse'
import type { DevMeetHost } from '../host'
import { conferencesOf } from './core-access'
import {
  GROUP_LABELS, agendaMarkdown, conferencesIn, contextValueOf, descriptionOf, groupOf, iconOf, oneLine,
  peopleOf, personLabel, shortId, RSVP_WORDS, type ConferenceGroup, type PersonRow
} from './conference-rows'

export const CONFERENCES_VIEW_ID = 'devmeet.conferences'

/** Rows of the Conferences view. Conference rows are what the item commands receive as argument. */
export type ConferenceNode =
  | { kind: 'group', group: ConferenceGroup }
  | { kind: 'conference', conferenceId: string }
  | { kind: 'person', conferenceId: string, peerId: string }

const GROUPS: ConferenceGroup[] = ['invitations', 'upcoming', 'past']
const REFRESH_EVERY_MS = 60_000

const STATE_COLORS: Record<string, string | undefined> = {
  check: 'testing.iconPassed',
  close: 'testing.iconFailed',
  question: 'testing.iconQueued',
  clock: 'disabledForeground'
}

/** The Conferences view: "Invitations", "Upcoming" and "Past", each conference expanding to its people. */
export class ConferencesTree implements vscode.TreeDataProvider<ConferenceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConferenceNode | undefined>()
  readonly onDidChangeTreeData = this.changed.event
  // Nodes are kept so that reveal() and getParent() hand VS Code the same objects it got before.
  private readonly groupNodes = new Map<ConferenceGroup, ConferenceNode>()
  private readonly conferenceNodes = new Map<string, ConferenceNode>()
  private readonly personNodes = new Map<string, ConferenceNode>()

  constructor (private readonly host: DevMeetHost, private readonly now: () => number = Date.now) {}

  dispose (): void {
    this.changed.dispose()
  }

  refresh (): void {
    this.changed.fire(undefined)
  }

  private views (): ConferenceView[] {
    try {
      return conferencesOf(this.host.devmeet)?.list() ?? []
    } catch {
      return []
    }
  }

  /** How many invitations wait for my answer. */
  invitationCount (): number {
    const now = this.now()
    return this.views().filter(v => groupOf(v, now) === 'invitations').length
  }

  getChildren (node?: ConferenceNode): ConferenceNode[] {
    const views = this.views()
    const now = this.now()
    if (node == null) {
      // Empty groups are left out; with no conference at all the view's welcome text shows.
      return GROUPS.filter(g => conferencesIn(g, views, now).length > 0).map(g => this.groupNode(g))
    }
    if (node.kind === 'group') return conferencesIn(node.group, views, now).map(v => this.conferenceNode(v.context.id))
    if (node.kind === 'conference') {
      const view = views.find(v => v.context.id === node.conferenceId)
      if (view == null) return []
      return peopleOf(view, this.host.devmeet?.peerId).map(p => this.personNode(node.conferenceId, p.peerId))
    }
    return []
  }

  getParent (node: ConferenceNode): ConferenceNode | undefined {
    if (node.kind === 'group') return undefined
    if (node.kind === 'person') return this.conferenceNode(node.conferenceId)
    const view = this.views().find(v => v.context.id === node.conferenceId)
    return view == null ? undefined : this.groupNode(groupOf(view, this.now()))
  }

  getTreeItem (node: ConferenceNode): vscode.TreeItem {
    try {
      return this.treeItem(node)
    } catch (err) {
      // One malformed record must not blank the whole view.
      this.host.log.warn(`cannot show conference row: ${(err as Error)?.stack ?? err}`)
      return new vscode.TreeItem('(cannot show this conference)')
    }
  }

  private treeItem (node: ConferenceNode): vscode.TreeItem {
    if (node.kind === 'group') return this.groupItem(node.group)
    const view = this.views().find(v => v.context.id === node.conferenceId)
    if (view == null) return new vscode.TreeItem('(no longer known)')
    if (node.kind === 'conference') return this.conferenceItem(view)
    const person = peopleOf(view, this.host.devmeet?.peerId).find(p => p.peerId === node.peerId)
    if (person == null) return new vscode.TreeItem('(no longer invited)')
    return this.personItem(view, person)
  }

  /** The row of a conference, for reveal(); undefined when it is not in the list. */
  nodeFor (conferenceId: string): ConferenceNode | undefined {
    return this.views().some(v => v.context.id === conferenceId) ? this.conferenceNode(conferenceId) : undefined
  }

  private groupItem (group: ConferenceGroup): vscode.TreeItem {
    const count = conferencesIn(group, this.views(), this.now()).length
    const item = new vscode.TreeItem(GROUP_LABELS[group], group === 'past' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded)
    item.id = `group:${group}`
    item.description = String(count)
    item.contextValue = `group.${group}`
    return item
  }

  private conferenceItem (view: ConferenceView): vscode.TreeItem {
    const { context } = view
    const now = this.now()
    const item = new vscode.TreeItem(oneLine(context.title), vscode.TreeItemCollapsibleState.Collapsed)
    item.id = `conference:${context.id}`
    item.description = descriptionOf(view, now)
    item.contextValue = contextValueOf(view)
    item.iconPath = new vscode.ThemeIcon(iconOf(view))
    item.tooltip = this.tooltip(view, now)
    const role = view.mine ? 'you organize it' : `your answer: ${RSVP_WORDS[view.myRsvp ?? 'pending']}`
    item.accessibilityInformation = { label: `${oneLine(context.title)}, ${descriptionOf(view, now)}, ${role}` }
    return item
  }

  private tooltip (view: ConferenceView, now: number): vscode.MarkdownString {
    const { context } = view
    const tip = new vscode.MarkdownString()
    tip.isTrusted = false
    tip.supportHtml = false
    const zone = localTimeZone()
    tip.appendMarkdown('**')
    tip.appendText(oneLine(context.title, 200))
    tip.appendMarkdown('**')
    if (context.status === 'cancelled') tip.appendMarkdown(' — *cancelled*')
    tip.appendMarkdown('\n\n')
    tip.appendText(`Your time: ${formatLocal(context.start, zone)} ${zone} (${formatRelative(context.start, now, { durationMinutes: context.durationMinutes })})`)
    tip.appendMarkdown('  \n')
    tip.appendText(`Organizer's time: ${formatInZone(context.start, context.timeZone)}`)
    tip.appendMarkdown('  \n')
    tip.appendText(`Duration: ${formatDuration(context.durationMinutes)}`)
    tip.appendMarkdown('  \n')
    tip.appendText(`Organizer: ${personLabel(context.organizer.displayName, context.organizer.peerId)}`)
    tip.appendMarkdown('\n\n')
    if (context.invitees.length > 0) {
      tip.appendText('Participants:')
      for (const i of context.invitees) {
        tip.appendMarkdown('\n- ')
        tip.appendText(`${personLabel(i.displayName, i.peerId)}: ${RSVP_WORDS[i.rsvp]}`)
      }
      tip.appendMarkdown('\n\n')
    }
    if (context.agenda.trim() !== '') {
      tip.appendMarkdown('---\n\n')
      tip.appendMarkdown(agendaMarkdown(context.agenda))
    }
    return tip
  }

  private personItem (view: ConferenceView, person: PersonRow): vscode.TreeItem {
    const label = person.isMe ? `${oneLine(person.name, 64)} (you)` : oneLine(person.name, 64)
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None)
    item.id = `conference:${view.context.id}/peer:${person.peerId}`
    item.description = `${shortId(person.peerId)} · ${person.state}`
    const color = STATE_COLORS[person.icon]
    item.iconPath = new vscode.ThemeIcon(person.icon, color == null ? undefined : new vscode.ThemeColor(color))
    // Deliberately not "conference.…": the conference menus must not show on people.
    item.contextValue = `participant.${person.role}`
    item.tooltip = `${oneLine(person.name, 64)}\nPeer ID: ${person.peerId}\n${person.state}`
    item.accessibilityInformation = { label: `${oneLine(person.name, 64)}, peer ${shortId(person.peerId)}, ${person.state}` }
    return item
  }

  private groupNode (group: ConferenceGroup): ConferenceNode {
    let node = this.groupNodes.get(group)
    if (node == null) this.groupNodes.set(group, node = { kind: 'group', group })
    return node
  }

  private conferenceNode (conferenceId: string): ConferenceNode {
    let node = this.conferenceNodes.get(conferenceId)
    if (node == null) this.conferenceNodes.set(conferenceId, node = { kind: 'conference', conferenceId })
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
export class ConferencesView implements vscode.Disposable {
  readonly tree: ConferencesTree
  private readonly view: vscode.TreeView<ConferenceNode>
  private readonly disposables: vscode.Disposable[] = []
  private ticker: ReturnType<typeof setInterval> | undefined

  constructor (private readonly host: DevMeetHost) {
    this.tree = new ConferencesTree(host)
    this.view = vscode.window.createTreeView(CONFERENCES_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true })
    this.disposables.push(this.tree, this.view)
    this.disposables.push(this.view.onDidChangeVisibility(() => this.tick()))
    this.tick()
    void host.ready.then(devmeet => {
      for (const event of ['conference:update', 'invitation', 'rsvp', 'status', 'conference:start', 'conference:end'] as const) {
        this.disposables.push({ dispose: devmeet.events.on(event, () => this.refresh()) })
      }
      this.refresh()
    }, () => {})
  }

  refresh (): void {
    this.tree.refresh()
    const count = this.tree.invitationCount()
    this.view.badge = count === 0
      ? undefined
      : { value: count, tooltip: count === 1 ? '1 conference invitation waits for your answer' : `${count} conference invitations wait for your answer` }
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
    } else if (!this.view.visible && this.ticker != null) {
      clearInterval(this.ticker)
      this.ticker = undefined
    }
  }

  dispose (): void {
    if (this.ticker != null) clearInterval(this.ticker)
    this.ticker = undefined
    for (const d of this.disposables.splice(0)) d.dispose()
  }
}
