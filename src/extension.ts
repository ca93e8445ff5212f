import * as vscode from 'vscode'
// First: loading the gate installs the translator, before any module words a message as it loads.
import { createOutputLog } from './vscode/user-messages'
import { ExtensionHost, type Timings } from './vscode/extension-host'
import { StatusBar } from './vscode/status-bar'
import { PeersUi } from './vscode/peers'
import { TeamsUi } from './vscode/teams'
import { ConferencesUi } from './vscode/conferences'
import { ChatUi } from './vscode/chat'
import { ChatUnread } from './vscode/chat/unread-tracker'
import type { DevMeet, NodeStatus, PeerInfo } from './core/devmeet'
import { setDisplayLocale } from './shared/time'

/** What activate() returns: for tests and other extensions. */
export interface DevMeetApi {
  version: string
  status(): NodeStatus
  peerId(): string | undefined
  peers(): PeerInfo[]
  address(): string
  connect(address: string): Promise<PeerInfo>
  /** the core object (conferences, chat, events) once loaded */
  devmeet(): DevMeet | undefined
  /** resolves once the core is loaded */
  ready: Promise<void>
  timings: Timings
}

let host: ExtensionHost | undefined

export function activate (context: vscode.ExtensionContext): DevMeetApi {
  const started = performance.now()
  // Dates in VS Code's display language, not the extension host process's locale.
  setDisplayLocale(vscode.env.language)
  const { channel, log } = createOutputLog(() => h.settings().logLevel)
  context.subscriptions.push(channel)
  const h: ExtensionHost = new ExtensionHost(context, log)
  host = h

  // Each UI part owns its views, commands and listeners; VS Code disposes them after deactivate().
  // Unread counts are read by both the chat panels and the Conferences view: one object for both.
  const unread = new ChatUnread(h)
  context.subscriptions.push(h, unread, new StatusBar(h), new PeersUi(h), new TeamsUi(h), new ConferencesUi(h, unread), new ChatUi(h, unread))

  // The core (libp2p) loads after activate() returns, so activation stays fast.
  setTimeout(() => { void h.load() }, 0)

  const ready = h.ready.then(() => {})
  // a load failure is reported in the log and a notification; callers that await ready still see it
  ready.catch(() => {})
  const api: DevMeetApi = {
    version: context.extension.packageJSON.version,
    status: () => h.devmeet?.status ?? { state: 'starting' },
    peerId: () => h.devmeet?.peerId,
    peers: () => h.devmeet?.peers() ?? [],
    address: () => h.devmeet?.address() ?? '',
    connect: async address => await (await h.ready).connect(address),
    devmeet: () => h.devmeet,
    ready,
    timings: h.timings
  }
  h.timings.activateMs = performance.now() - started
  return api
}

export async function deactivate (): Promise<void> {
  await host?.stopNode()
  host = undefined
}
