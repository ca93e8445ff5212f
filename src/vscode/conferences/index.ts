import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import { ConferenceAccess } from './core-access'
import { ConferencesView } from './conferences-tree'
import { createConference } from './create-conference'
import { registerConferenceCommands } from './conference-commands'
import { ConferenceNotifications } from './notifications'

/** Registers the Conferences view, its commands and notifications. */
export function registerConferenceUi (host: DevMeetHost): void {
  const subscriptions = host.context.subscriptions
  const reg = (id: string, fn: (...args: any[]) => unknown): void => {
    subscriptions.push(vscode.commands.registerCommand(id, fn))
  }
  const access = new ConferenceAccess(host)
  const view = new ConferencesView(host)
  subscriptions.push(view)
  const reveal = (id: string): Promise<void> => view.reveal(id)

  reg('devmeet.createConference', (arg?: unknown) => createConference(access, reveal, arg))
  registerConferenceCommands(reg, access)

  void host.ready.then(devmeet => {
    subscriptions.push(new ConferenceNotifications(devmeet, reveal))
  }, () => {})
}
