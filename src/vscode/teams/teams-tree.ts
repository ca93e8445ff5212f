// The Teams view: each team with its members. Refreshed when a team changes and when peers come
// and go (the online counts). Rows are what the team commands receive as their argument.
import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import type { DevMeet } from '../../core/devmeet'
import { Disposable, toDisposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { showWhileStarting } from '../starting-message'
import { ourArgument } from '../command-args'
import { localized, shownTreeItem } from '../user-messages'
import { memberRow, teamDescription, teamLabel, type KnownPeer } from './team-rows'

export const TEAMS_VIEW_ID = 'devmeet.teams'

export type TeamNode =
  | { kind: 'team', teamId: string }
  | { kind: 'member', teamId: string, peerId: string }

/** What the UI knows about a peer now, for the team rows. */
export function knownPeer (devmeet: DevMeet): KnownPeer {
  return peerId => {
    try {
      const p = devmeet.peerInfo(peerId)
      return { label: p.label, online: p.online, known: p.contact || p.online }
    } catch {
      return { label: peerId, online: false, known: false }
    }
  }
}

export class TeamsTree extends Disposable implements vscode.TreeDataProvider<TeamNode> {
  private readonly changed = this._register(new vscode.EventEmitter<TeamNode | undefined>())
  readonly onDidChangeTreeData = this.changed.event
  private readonly nodes = new Map<string, TeamNode>()

  constructor (private readonly host: DevMeetHost) {
    super()
  }

  refresh (): void {
    this.changed.fire(undefined)
  }

  getChildren (node?: TeamNode): TeamNode[] {
    const devmeet = this.host.devmeet
    if (devmeet == null) return []
    if (node == null) return devmeet.teams.list().map(t => this.node({ kind: 'team', teamId: t.id }))
    if (node.kind === 'team') return (devmeet.teams.get(node.teamId)?.members ?? []).map(m => this.node({ kind: 'member', teamId: node.teamId, peerId: m.peerId }))
    return []
  }

  getTreeItem (node: TeamNode): vscode.TreeItem {
    const devmeet = this.host.devmeet
    const team = devmeet?.teams.get(node.teamId)
    if (devmeet == null || team == null) return shownTreeItem(localized`(no longer known)`, vscode.TreeItemCollapsibleState.None)
    const known = knownPeer(devmeet)
    if (node.kind === 'team') {
      const item = shownTreeItem(teamLabel(team), team.members.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None, {
        description: teamDescription(team, known),
        tooltip: localized`${teamLabel(team)}: ${teamDescription(team, known)}. Only you see your teams; "Copy Team" shares one as a line.`
      })
      item.id = `team:${team.id}`
      item.contextValue = 'team'
      item.iconPath = new vscode.ThemeIcon('organization')
      return item
    }
    const member = team.members.find(m => m.peerId === node.peerId)
    if (member == null) return shownTreeItem(localized`(no longer in the team)`, vscode.TreeItemCollapsibleState.None)
    const row = memberRow(member, known)
    const item = shownTreeItem(row.label, vscode.TreeItemCollapsibleState.None, { description: row.description, tooltip: row.tooltip })
    item.id = `team:${team.id}/peer:${member.peerId}`
    item.contextValue = 'team.member'
    item.iconPath = new vscode.ThemeIcon(known(member.peerId).online ? 'person' : 'circle-outline')
    return item
  }

  private node (n: TeamNode): TeamNode {
    const key = n.kind === 'team' ? n.teamId : `${n.teamId}/${n.peerId}`
    let node = this.nodes.get(key)
    // Marked as ours: the team commands act on a row at once, and ask about any other argument.
    if (node == null) this.nodes.set(key, node = ourArgument<TeamNode>(n))
    return node
  }
}

export class TeamsView extends Disposable {
  readonly tree: TeamsTree

  constructor (host: DevMeetHost) {
    super()
    this.tree = this._register(new TeamsTree(host))
    const view = this._register(vscode.window.createTreeView(TEAMS_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true }))
    showWhileStarting(view, host, d => this._register(d))
    whenCoreLoaded(host, devmeet => {
      this._register(toDisposable(devmeet.teams.onChange(() => this.tree.refresh())))
      this._register(toDisposable(devmeet.events.on('peers', () => this.tree.refresh())))
      this._register(toDisposable(devmeet.events.on('status', () => this.tree.refresh())))
      this.tree.refresh()
    })
  }
}
