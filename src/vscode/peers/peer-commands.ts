// The commands on peers: copy my address, connect to one, list, rename and forget them.
import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import { requireCore } from '../core-access'
import { peerIdOf } from '../command-args'
import { shortPeerId } from '../../shared/peer-id'
import { untrusted } from '../../shared/shown-text'
import { errorShown } from '../notification-texts'
import { localized, askText, confirmModal, pickOne, showError, showInfo } from '../user-messages'
import { formatLocal } from '../../shared/time'

type Register = (id: string, fn: (...args: any[]) => unknown) => void

/** The longest address the connect box takes. */
const MAX_ADDRESS_CHARS = 4096

export function registerPeerCommands (reg: Register, host: DevMeetHost): void {
  reg('devmeet.copyMyAddress', async () => {
    const devmeet = await requireCore(host, 'running')
    if (devmeet == null) return
    const address = devmeet.address()
    await vscode.env.clipboard.writeText(address)
    void showInfo(localized`Your DevMeet address is on the clipboard. Send it to a peer; they paste it into "DevMeet: Connect to Peer…".`)
    return address
  })

  // An address in the argument only fills the box: dialling reveals this machine's addresses to
  // whoever the address names, and a `command:` link can pass any argument, so the user sees the
  // address and presses Enter (or Escape). Nothing dials on the strength of an argument alone.
  reg('devmeet.connectPeer', async (arg?: unknown) => {
    const devmeet = await requireCore(host, 'running')
    if (devmeet == null) return
    const core = host.core!
    const suggested = typeof arg === 'string' ? arg.slice(0, MAX_ADDRESS_CHARS) : ''
    const text = await askText({
      title: localized`DevMeet: Connect to Peer`,
      prompt: localized`Paste a DevMeet address (from "Copy My Address"), a multiaddr, or a peer ID`,
      placeHolder: localized`12D3KooW… /ip4/192.168.1.20/tcp/40123`,
      value: suggested,
      ignoreFocusOut: true,
      validateInput: value => {
        if (value.trim() === '') return undefined
        if (value.length > MAX_ADDRESS_CHARS) return vscode.l10n.t('That is too long for an address.')
        try {
          const parsed = core.parsePeerAddress(value)
          if (parsed.peerId === devmeet.peerId) return vscode.l10n.t('That is your own address.')
          return undefined
        } catch (err: any) {
          return err.message
        }
      }
    })
    if (text == null || text.trim() === '') return
    try {
      const peer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('DevMeet: connecting…'), cancellable: false },
        () => devmeet.connect(text))
      void showInfo(localized`Connected to ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peer.peerId))}).`)
      return peer
    } catch (err: any) {
      void showError(localized`Could not connect: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.showPeers', async () => {
    const devmeet = await requireCore(host, 'loaded')
    if (devmeet == null) return
    const peers = devmeet.peers().filter(p => p.isDevMeet)
    if (peers.length === 0) {
      const copy = localized`Copy My Address`
      const connect = localized`Connect to Peer…`
      const choice = await showInfo(localized`No DevMeet peers yet. Peers on your LAN appear by themselves; others need your address.`, copy, connect)
      if (choice === copy) await vscode.commands.executeCommand('devmeet.copyMyAddress')
      if (choice === connect) await vscode.commands.executeCommand('devmeet.connectPeer')
      return
    }
    const picked = await pickOne(peers.map(p => ({
      label: localized`${p.online ? localized`$(circle-filled)` : localized`$(circle-outline)`} ${untrusted(p.label, 64)}`,
      description: localized`${untrusted(shortPeerId(p.peerId))}`,
      detail: p.online ? localized`online` : localized`last seen ${untrusted(p.lastSeen > 0 ? formatLocal(p.lastSeen) : 'never')}`,
      peer: p
    })), { title: localized`DevMeet peers`, placeHolder: localized`Choose a peer` })
    if (picked == null) return
    // The choice is told by which item came back, not by its label: the labels are translated.
    const actions = [
      { label: localized`Copy Peer ID`, run: async () => { await vscode.env.clipboard.writeText(picked.peer.peerId) } },
      { label: localized`Rename…`, run: async () => { await vscode.commands.executeCommand('devmeet.renamePeer', picked.peer.peerId) } },
      { label: localized`Forget`, run: async () => { await vscode.commands.executeCommand('devmeet.forgetPeer', picked.peer.peerId) } }
    ]
    const action = await pickOne(actions, { title: localized`${untrusted(picked.peer.label, 64)}` })
    await action?.run()
  })

  // Renaming asks for the new name and forgetting asks to confirm: an argument only names the peer.
  reg('devmeet.renamePeer', async (arg?: unknown) => {
    const peerId = peerIdOf(arg)
    if (peerId == null) return
    const devmeet = await requireCore(host, 'loaded')
    if (devmeet == null) return
    const peer = devmeet.peerInfo(peerId)
    const name = await askText({
      title: localized`Rename ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peerId))})`,
      prompt: localized`A name only you see. Leave empty to use the name the peer gives itself.`,
      value: peer.petname ?? '',
      validateInput: v => v.length > 64 ? vscode.l10n.t('At most 64 characters.') : undefined
    })
    if (name == null) return
    devmeet.rename(peerId, name.trim() === '' ? undefined : name.trim())
  })

  reg('devmeet.forgetPeer', async (arg?: unknown) => {
    const peerId = peerIdOf(arg)
    if (peerId == null) return
    const devmeet = await requireCore(host, 'loaded')
    if (devmeet == null) return
    const peer = devmeet.peerInfo(peerId)
    const forget = { title: localized`Forget` }
    const choice = await confirmModal(
      localized`Forget ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peerId))})? DevMeet disconnects and stops reconnecting to this peer.`,
      undefined, forget)
    if (choice === forget) await devmeet.forget(peerId)
  })
}
