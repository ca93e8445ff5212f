import * as vscode from 'vscode'
import type { PeerInfo } from '../../core/devmeet'
import type { DevMeetHost } from '../host'
import { Disposable, toDisposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { showWhileStarting } from '../starting-message'
import { shortPeerId } from '../../shared/peer-id'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { localized, ShownMarkdown, shownTreeItem } from '../user-messages'
import { routeText } from './route-text'
import { formatLocal } from '../../shared/time'

type PeerGroup = 'online' | 'contacts' | 'nearby'
type PeerNode = { kind: 'group', group: PeerGroup } | { kind: 'peer', peer: PeerInfo }

/** Which group a peer is listed in: strangers seen on the network apart from the contacts, online or not. */
export function groupOf (peer: Pick<PeerInfo, 'online' | 'contact'>): PeerGroup {
  if (!peer.contact) return 'nearby'
  return peer.online ? 'online' : 'contacts'
}

const GROUP_ORDER: PeerGroup[] = ['online', 'contacts', 'nearby']

/** The Peers view: "Online" and "Contacts" groups, and "Nearby" for DevMeet peers met on the network but not dealt with. */
export class PeersTree extends Disposable implements vscode.TreeDataProvider<PeerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<PeerNode | undefined>())
  readonly onDidChangeTreeData = this.changed.event

  constructor (private readonly host: DevMeetHost) {
    super()
  }

  refresh (): void {
    this.changed.fire(undefined)
  }

  /** direct, WebRTC, or relayed through whom */
  private route (peerId: string): ShownText {
    const devmeet = this.host.devmeet
    if (devmeet == null) return localized`not connected`
    return routeText(devmeet.superPeer.routeTo(peerId), id => devmeet.peerInfo(id).label)
  }

  getChildren (node?: PeerNode): PeerNode[] {
    const devmeet = this.host.devmeet
    if (devmeet == null) return []
    const peers = devmeet.peers().filter(p => p.isDevMeet)
    if (node == null) {
      if (peers.length === 0) return []
      return GROUP_ORDER.filter(g => peers.some(p => groupOf(p) === g)).map(group => ({ kind: 'group', group }))
    }
    if (node.kind === 'group') {
      return peers.filter(p => groupOf(p) === node.group).map(peer => ({ kind: 'peer', peer }))
    }
    return []
  }

  getTreeItem (node: PeerNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = shownTreeItem(groupLabel(node.group), vscode.TreeItemCollapsibleState.Expanded, node.group === 'nearby'
        ? { tooltip: new ShownMarkdown().text(localized`DevMeet peers found on your network that you have not dealt with yet. They are not saved; connecting, inviting, answering or renaming one makes it a contact.`) }
        : {})
      item.id = `group:${node.group}`
      item.contextValue = `group.${node.group}`
      return item
    }
    const p = node.peer
    const label = untrusted(p.label, 64)
    const tip = new ShownMarkdown()
      .text(localized`${label}${p.petname != null && p.displayName != null ? localized` (calls itself ${untrusted(p.displayName, 64)})` : shown``}`).paragraph()
      .text(localized`Peer ID: ${untrusted(p.peerId)}`).paragraph()
      .text(p.online ? localized`Online now: ${this.route(p.peerId)}` : localized`Last seen: ${untrusted(p.lastSeen > 0 ? formatLocal(p.lastSeen) : 'never')}`).paragraph()
    if (p.addrs.length > 0) {
      tip.text(localized`Addresses:`)
      for (const a of p.addrs.slice(0, 8)) tip.bullet(localized`${untrusted(a, 300)}`)
    }
    const item = shownTreeItem(localized`${label}`, vscode.TreeItemCollapsibleState.None, {
      description: localized`${untrusted(shortPeerId(p.peerId))}`,
      tooltip: tip,
      accessibilityLabel: localized`${label}, ${p.online ? localized`online` : localized`offline`}, peer ${untrusted(shortPeerId(p.peerId))}`
    })
    item.id = `peer:${p.peerId}`
    item.iconPath = p.online
      ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('circle-outline')
    item.contextValue = !p.contact ? 'peer.nearby' : p.online ? 'peer.online' : 'peer.offline'
    return item
  }
}

function groupLabel (group: PeerGroup): ShownText {
  if (group === 'online') return localized`Online`
  if (group === 'contacts') return localized`Contacts`
  return localized`Nearby`
}

/** The Peers view, refreshed by the core's peer events. */
export class PeersView extends Disposable {
  constructor (host: DevMeetHost) {
    super()
    const tree = this._register(new PeersTree(host))
    const view = this._register(vscode.window.createTreeView('devmeet.peers', { treeDataProvider: tree, showCollapseAll: false }))
    showWhileStarting(view, host, d => this._register(d))
    whenCoreLoaded(host, devmeet => {
      tree.refresh()
      for (const event of ['status', 'peers', 'peer:connect', 'peer:disconnect', 'peer:route'] as const) {
        this._register(toDisposable(devmeet.events.on(event, () => tree.refresh())))
      }
    })
  }
}
