import * as vscode from 'vscode'
import type { NodeStatus } from '../core/devmeet'
import type { DevMeetHost } from './host'
import { Disposable, toDisposable } from './disposable'
import { requireCore, whenCoreLoaded } from './core-access'
import { untrusted, type ShownText } from '../shared/shown-text'
import { peerCountLabel } from './status-texts'
import { localized, plural, ShownMarkdown, confirmModal, showError, showInfo } from './user-messages'
import { relayStatusText, routeText } from './peers/route-text'

/** The status bar item (the number of connected DevMeet peers, or what the node is doing) and its commands. */
export class StatusBar extends Disposable {
  constructor (host: DevMeetHost) {
    super()
    render(this._register(vscode.window.createStatusBarItem('devmeet.status', vscode.StatusBarAlignment.Left, 50)), host, d => this._register(d))
    this._register(vscode.commands.registerCommand('devmeet.retryStart', async () => {
      const devmeet = await requireCore(host, 'loaded')
      if (devmeet == null) return
      await devmeet.stop()
      await devmeet.start()
    }))
    this._register(vscode.commands.registerCommand('devmeet.takeOver', async () => {
      const devmeet = await requireCore(host, 'loaded')
      if (devmeet == null) return
      if (devmeet.status.state !== 'locked') {
        void showInfo(localized`The DevMeet node already runs in this window.`)
        return
      }
      const takeOver = { title: localized`Take Over` }
      const choice = await confirmModal(localized`DevMeet runs in another window. Take it over here? The other window stops its node.`, undefined, takeOver)
      if (choice === takeOver) await devmeet.takeOver()
    }))
  }
}

function render (item: vscode.StatusBarItem, host: DevMeetHost, register: (d: vscode.Disposable) => void): void {
  item.name = 'DevMeet'
  item.text = '$(comment-discussion) DevMeet $(loading~spin)'
  item.tooltip = localized`DevMeet is loading…`
  item.show()

  let shownFailure: string | undefined
  /** why the data folder does not take writes, while it does not */
  let notSaving: string | undefined
  const update = (): void => {
    const devmeet = host.devmeet
    const status: NodeStatus = devmeet?.status ?? { state: 'starting' }
    item.backgroundColor = undefined
    item.accessibilityInformation = { label: localized`DevMeet: ${nodeStateWords(status.state)}` }
    // The views' welcome texts follow the node's state (locked in another window, failed).
    void vscode.commands.executeCommand('setContext', 'devmeet.nodeState', status.state)
    switch (status.state) {
      case 'starting':
        item.text = '$(comment-discussion) DevMeet $(loading~spin)'
        item.tooltip = localized`DevMeet: starting the peer-to-peer node…`
        item.command = undefined
        break
      case 'stopped':
        item.text = `$(comment-discussion) ${localized`DevMeet: stopped`}`
        item.tooltip = localized`The DevMeet node is stopped. Click to start it.`
        item.command = 'devmeet.retryStart'
        break
      case 'failed':
        item.text = `$(error) ${localized`DevMeet: not running`}`
        item.tooltip = localized`The DevMeet node failed to start: ${untrusted(status.error, 500)}. Click to retry.`
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground')
        item.command = 'devmeet.retryStart'
        if (shownFailure !== status.error) {
          shownFailure = status.error
          const retry = localized`Retry`
          const settings = localized`Open Settings`
          void showError(localized`DevMeet could not start its node: ${untrusted(status.error, 500)}`, retry, settings).then(choice => {
            if (choice === retry) void vscode.commands.executeCommand('devmeet.retryStart')
            if (choice === settings) void vscode.commands.executeCommand('workbench.action.openSettings', 'devmeet')
          })
        }
        break
      case 'locked':
        item.text = `$(comment-discussion) ${localized`DevMeet: in another window`}`
        item.tooltip = localized`DevMeet runs in another VS Code window (one node per identity). Click to take it over here.`
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground')
        item.command = 'devmeet.takeOver'
        break
      case 'running': {
        shownFailure = undefined
        const online = devmeet!.onlineDevMeetPeers().length
        // Words, not a bare number: a number beside a chat icon reads as unread messages.
        item.text = `$(comment-discussion) ${peerCountLabel(online)}`
        item.accessibilityInformation = { label: localized`DevMeet: ${peerCountLabel(online)} connected` }
        const md = new ShownMarkdown()
          .bold(localized`DevMeet`).text(plural(online, localized` · ${online} peer connected`, localized` · ${online} peers connected`)).paragraph()
          .text(localized`Name: ${untrusted(devmeet!.displayName, 64)}`).paragraph()
          .text(localized`Peer ID: ${untrusted(status.peerId)}`).paragraph()
          .text(localized`Listening on:`)
        // One address a line (hard breaks): a markdown list here showed its dashes on lines of their own.
        for (const a of devmeet!.listenAddrs()) md.lineBreak().text(localized`${untrusted(a, 300)}`)
        // Without its native module the node runs on TCP and relays only (issue 15): say so here.
        const webrtc = status.webrtc
        md.paragraph().text(localized`WebRTC: ${webrtc.state === 'unavailable' ? localized`unavailable (${untrusted(webrtc.reason, 300)})` : webrtc.state === 'on' ? localized`on` : localized`off (devmeet.webrtc.enabled)`}`)
        appendRoutes(md, devmeet!)
        if (notSaving != null) {
          // Sending is refused while nothing can be saved: say so where the user looks first.
          item.text = `$(warning) ${peerCountLabel(online)}`
          item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground')
          item.accessibilityInformation = { label: localized`DevMeet: not saving; ${peerCountLabel(online)} connected` }
          md.paragraph().text(localized`Not saving: ${untrusted(notSaving, 300)}`).paragraph()
            .text(localized`New messages and changes are refused until the data folder takes writes again (checked every 5 seconds).`)
        }
        item.tooltip = md.build()
        item.command = 'devmeet.showPeers'
        break
      }
    }
  }

  whenCoreLoaded(host, devmeet => {
    update()
    for (const event of ['status', 'peers', 'peer:connect', 'peer:disconnect', 'peer:route'] as const) {
      register(toDisposable(devmeet.events.on(event, () => update())))
    }
    register(toDisposable(devmeet.events.on('storage', s => {
      notSaving = s.writable ? undefined : (s.error ?? localized`the data folder does not take writes`)
      update()
    })))
  }, () => {
    item.text = `$(error) ${localized`DevMeet: failed to load`}`
    item.tooltip = localized`DevMeet failed to load; see the DevMeet output channel.`
    item.command = undefined
  })
}

/** The node's state for a screen reader. */
function nodeStateWords (state: NodeStatus['state']): ShownText {
  switch (state) {
    case 'starting': return localized`starting`
    case 'stopped': return localized`stopped`
    case 'failed': return localized`not running`
    case 'locked': return localized`in another window`
    case 'running': return localized`running`
  }
}

/** How each connected DevMeet peer is reached (direct, WebRTC, relayed through whom), and our part as a relay. */
function appendRoutes (md: ShownMarkdown, devmeet: NonNullable<DevMeetHost['devmeet']>): void {
  const nameOf = (peerId: string): string => devmeet.peerInfo(peerId).label
  md.paragraph().text(relayStatusText(devmeet.superPeer.status(), nameOf))
  const online = devmeet.onlineDevMeetPeers()
  for (const p of online.slice(0, 12)) {
    md.lineBreak().text(localized`${untrusted(p.label, 64)}: ${routeText(devmeet.superPeer.routeTo(p.peerId), nameOf)}`)
  }
  if (online.length > 12) md.lineBreak().text(localized`and ${online.length - 12} more`)
}
