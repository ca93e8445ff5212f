import * as vscode from 'vscode'
import type { PeerInfo } from '../core/devmeet'
import type { ExtensionHost } from './extension-host'
import { shortId } from './peers-tree'

/** Accepts a tree item ({peer}), a PeerInfo, or a peer ID string. */
function peerIdOf (arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg
  if (arg != null && typeof arg === 'object') {
    const a = arg as { peer?: PeerInfo, peerId?: unknown }
    if (a.peer != null && typeof a.peer.peerId === 'string') return a.peer.peerId
    if (typeof a.peerId === 'string') return a.peerId
  }
  return undefined
}

/** Waits for the core and a running node, or tells the user why not. */
async function runningCore (host: ExtensionHost) {
  const devmeet = await host.ready
  if (devmeet.status.state !== 'running') {
    const why = devmeet.status.state === 'locked' ? 'it runs in another window' : devmeet.status.state === 'failed' ? `it failed to start: ${devmeet.status.error}` : 'it is still starting'
    void vscode.window.showWarningMessage(`The DevMeet node is not running here: ${why}.`)
    return undefined
  }
  return devmeet
}

export function registerPeerCommands (host: ExtensionHost): void {
  const reg = (id: string, fn: (...args: any[]) => unknown): void => {
    host.context.subscriptions.push(vscode.commands.registerCommand(id, fn))
  }

  reg('devmeet.copyMyAddress', async () => {
    const devmeet = await runningCore(host)
    if (devmeet == null) return
    const address = devmeet.address()
    await vscode.env.clipboard.writeText(address)
    void vscode.window.showInformationMessage('Your DevMeet address is on the clipboard. Send it to a peer; they paste it into "DevMeet: Connect to Peer…".')
    return address
  })

  reg('devmeet.connectPeer', async (arg?: unknown) => {
    const devmeet = await runningCore(host)
    if (devmeet == null) return
    const core = host.core!
    let text = typeof arg === 'string' ? arg : undefined
    if (text == null) {
      text = await vscode.window.showInputBox({
        title: 'DevMeet: Connect to Peer',
        prompt: 'Paste a DevMeet address (from "Copy My Address"), a multiaddr, or a peer ID',
        placeHolder: '12D3KooW… /ip4/192.168.1.20/tcp/40123',
        ignoreFocusOut: true,
        validateInput: value => {
          if (value.trim() === '') return undefined
          try {
            const parsed = core.parsePeerAddress(value)
            if (parsed.peerId === devmeet.peerId) return 'That is your own address.'
            return undefined
          } catch (err: any) {
            return err.message
          }
        }
      })
      if (text == null || text.trim() === '') return
    }
    try {
      const peer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'DevMeet: connecting…', cancellable: false },
        () => devmeet.connect(text!))
      void vscode.window.showInformationMessage(`Connected to ${peer.label} (${shortId(peer.peerId)}).`)
      return peer
    } catch (err: any) {
      void vscode.window.showErrorMessage(`Could not connect: ${err?.message ?? err}`)
      return undefined
    }
  })

  reg('devmeet.showPeers', async () => {
    const devmeet = await host.ready
    const peers = devmeet.peers().filter(p => p.isDevMeet)
    if (peers.length === 0) {
      const choice = await vscode.window.showInformationMessage('No DevMeet peers yet. Peers on your LAN appear by themselves; others need your address.', 'Copy My Address', 'Connect to Peer…')
      if (choice === 'Copy My Address') await vscode.commands.executeCommand('devmeet.copyMyAddress')
      if (choice === 'Connect to Peer…') await vscode.commands.executeCommand('devmeet.connectPeer')
      return
    }
    const picked = await vscode.window.showQuickPick(peers.map(p => ({
      label: `$(${p.online ? 'circle-filled' : 'circle-outline'}) ${p.label}`,
      description: shortId(p.peerId),
      detail: p.online ? 'online' : `last seen ${p.lastSeen > 0 ? new Date(p.lastSeen).toLocaleString() : 'never'}`,
      peer: p
    })), { title: 'DevMeet peers', placeHolder: 'Choose a peer' })
    if (picked == null) return
    const action = await vscode.window.showQuickPick(['Copy Peer ID', 'Rename…', 'Forget'], { title: picked.peer.label })
    if (action === 'Copy Peer ID') await vscode.env.clipboard.writeText(picked.peer.peerId)
    if (action === 'Rename…') await vscode.commands.executeCommand('devmeet.renamePeer', picked.peer.peerId)
    if (action === 'Forget') await vscode.commands.executeCommand('devmeet.forgetPeer', picked.peer.peerId)
  })

  reg('devmeet.renamePeer', async (arg?: unknown) => {
    const devmeet = await host.ready
    const peerId = peerIdOf(arg)
    if (peerId == null) return
    const peer = devmeet.peerInfo(peerId)
    const name = await vscode.window.showInputBox({
      title: `Rename ${peer.label} (${shortId(peerId)})`,
      prompt: 'A name only you see. Leave empty to use the name the peer gives itself.',
      value: peer.petname ?? '',
      validateInput: v => v.length > 64 ? 'At most 64 characters.' : undefined
    })
    if (name == null) return
    devmeet.rename(peerId, name.trim() === '' ? undefined : name.trim())
  })

  reg('devmeet.forgetPeer', async (arg?: unknown) => {
    const devmeet = await host.ready
    const peerId = peerIdOf(arg)
    if (peerId == null) return
    const peer = devmeet.peerInfo(peerId)
    const choice = await vscode.window.showWarningMessage(
      `Forget ${peer.label} (${shortId(peerId)})? DevMeet disconnects and stops reconnecting to this peer.`,
      { modal: true }, 'Forget')
    if (choice === 'Forget') await devmeet.forget(peerId)
  })
}
