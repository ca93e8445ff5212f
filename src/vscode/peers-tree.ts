import * as vscode from 'vscode'
import type { PeerInfo } from '../core/devmeet'
import type { ExtensionHost } from './extension-host'

type PeerNode = { kind: 'group', group: 'online' | 'contacts' } | { kind: 'peer', peer: PeerInfo }

/** The short form of a peer ID shown beside every name. */
export function shortId (peerId: string): string {
  return peerId.length <= 12 ? peerId : `…${peerId.slice(-8)}`
}

/** The Peers view: "Online" and "Contacts" groups. */
export class PeersTree implements vscode.TreeDataProvider<PeerNode> {
  private readonly changed = new vscode.EventEmitter<PeerNode | undefined>()
  readonly onDidChangeTreeData = this.changed.event

  constructor (private readonly host: ExtensionHost) {}

  refresh (): void {
    this.changed.fire(undefined)
  }

  getChildren (node?: PeerNode): PeerNode[] {
    const devmeet = this.host.devmeet
    if (devmeet == null) return []
    const peers = devmeet.peers().filter(p => p.isDevMeet)
    if (node == null) {
      if (peers.length === 0) return []
      const groups: PeerNode[] = []
      if (peers.some(p => p.online)) groups.push({ kind: 'group', group: 'online' })
      if (peers.some(p => !p.online)) groups.push({ kind: 'group', group: 'contacts' })
      return groups
    }
    if (node.kind === 'group') {
      return peers.filter(p => p.online === (node.group === 'online')).map(peer => ({ kind: 'peer', peer }))
    }
    return []
  }

  getTreeItem (node: PeerNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group === 'online' ? 'Online' : 'Contacts', vscode.TreeItemCollapsibleState.Expanded)
      item.id = `group:${node.group}`
      item.contextValue = `group.${node.group}`
      return item
    }
    const p = node.peer
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None)
    item.id = `peer:${p.peerId}`
    item.description = shortId(p.peerId)
    item.iconPath = p.online
      ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('circle-outline')
    item.contextValue = p.online ? 'peer.online' : 'peer.offline'
    const tip = new vscode.MarkdownString()
    tip.isTrusted = false
    tip.supportHtml = false
    tip.appendText(`${p.label}${p.petname != null && p.displayName != null ? ` (calls itself ${p.displayName})` : ''}\n\n`)
    tip.appendText(`Peer ID: ${p.peerId}\n\n`)
    tip.appendText(p.online ? 'Online now\n\n' : `Last seen: ${p.lastSeen > 0 ? new Date(p.lastSeen).toLocaleString() : 'never'}\n\n`)
    if (p.addrs.length > 0) {
      tip.appendText('Addresses:')
      for (const a of p.addrs.slice(0, 8)) tip.appendText(`\n- ${a}`)
    }
    item.tooltip = tip
    item.accessibilityInformation = { label: `${p.label}, ${p.online ? 'online' : 'offline'}, peer ${shortId(p.peerId)}` }
    return item
  }
}

export function registerPeersTree (host: ExtensionHost): PeersTree {
  const tree = new PeersTree(host)
  const view = vscode.window.createTreeView('devmeet.peers', { treeDataProvider: tree, showCollapseAll: false })
  host.context.subscriptions.push(view)
  void host.ready.then(devmeet => {
    tree.refresh()
    for (const event of ['status', 'peers', 'peer:connect', 'peer:disconnect'] as const) {
      host.context.subscriptions.push({ dispose: devmeet.events.on(event, () => tree.refresh()) })
    }
  }, () => {})
  return tree
}
