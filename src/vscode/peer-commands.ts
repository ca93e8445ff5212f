import * as vscode from 'vscode'
import type { PeerInfo } from '../core/devmeet'
import type { ExtensionHost } from './extension-host'
import { shortPeerId } from '../shared/peer-id'
import { shown, untrusted } from '../shared/shown-text'
import { errorShown } from './notification-texts'
import { askText, confirmModal, pickOne, showError, showInfo, showWarning } from './user-messages'

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
    const why = devmeet.status.state === 'locked' ? shown`it runs in another window` : devmeet.status.state === 'failed' ? shown`it failed to start: ${untrusted(devmeet.status.error, 300)}` : shown`it is still starting`
    void showWarning(shown`The DevMeet node is not running here: ${why}.`)
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
    void showInfo(shown`Your DevMeet address is on the clipboard. Send it to a peer; they paste it into "DevMeet: Connect to Peer…".`)
    return address
  })

  reg('devmeet.connectPeer', async (arg?: unknown) => {
    const devmeet = await runningCore(host)
    if (devmeet == null) return
    const core = host.core!
    let text = typeof arg === 'string' ? arg : undefined
    if (text == null) {
      text = await askText({
        title: shown`DevMeet: Connect to Peer`,
        prompt: shown`Paste a DevMeet address (from "Copy My Address"), a multiaddr, or a peer ID`,
        placeHolder: shown`12D3KooW… /ip4/192.168.1.20/tcp/40123`,
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
      void showInfo(shown`Connected to ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peer.peerId))}).`)
      return peer
    } catch (err: any) {
      void showError(shown`Could not connect: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.showPeers', async () => {
    const devmeet = await host.ready
    const peers = devmeet.peers().filter(p => p.isDevMeet)
    if (peers.length === 0) {
      const copy = shown`Copy My Address`
      const connect = shown`Connect to Peer…`
      const choice = await showInfo(shown`No DevMeet peers yet. Peers on your LAN appear by themselves; others need your address.`, copy, connect)
      if (choice === copy) await vscode.commands.executeCommand('devmeet.copyMyAddress')
      if (choice === connect) await vscode.commands.executeCommand('devmeet.connectPeer')
      return
    }
    const picked = await pickOne(peers.map(p => ({
      label: shown`${p.online ? shown`$(circle-filled)` : shown`$(circle-outline)`} ${untrusted(p.label, 64)}`,
      description: shown`${untrusted(shortPeerId(p.peerId))}`,
      detail: p.online ? shown`online` : shown`last seen ${untrusted(p.lastSeen > 0 ? new Date(p.lastSeen).toLocaleString() : 'never')}`,
      peer: p
    })), { title: shown`DevMeet peers`, placeHolder: shown`Choose a peer` })
    if (picked == null) return
    const action = await pickOne([shown`Copy Peer ID`, shown`Rename…`, shown`Forget`].map(label => ({ label })), { title: shown`${untrusted(picked.peer.label, 64)}` })
    if (action?.label === 'Copy Peer ID') await vscode.env.clipboard.writeText(picked.peer.peerId)
    if (action?.label === 'Rename…') await vscode.commands.executeCommand('devmeet.renamePeer', picked.peer.peerId)
    if (action?.label === 'Forget') await vscode.commands.executeCommand('devmeet.forgetPeer', picked.peer.peerId)
  })

  reg('devmeet.renamePeer', async (arg?: unknown) => {
    const devmeet = await host.ready
    const peerId = peerIdOf(arg)
    if (peerId == null) return
    const peer = devmeet.peerInfo(peerId)
    const name = await askText({
      title: shown`Rename ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peerId))})`,
      prompt: shown`A name only you see. Leave empty to use the name the peer gives itself.`,
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
    const forget = { title: shown`Forget` }
    const choice = await confirmModal(
      shown`Forget ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peerId))})? DevMeet disconnects and stops reconnecting to this peer.`,
      undefined, forget)
    if (choice === forget) await devmeet.forget(peerId)
  })
}
