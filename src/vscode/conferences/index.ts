import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import { Disposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { ConferencesView } from './conferences-tree'
import { createConference } from './create-conference'
import { registerConferenceCommands } from './conference-commands'
import { registerOccurrenceCommands } from './occurrence-commands'
import { ConferenceNotifications } from './notifications'
import type { ChatUnread } from '../chat/unread-tracker'

/** The Conferences view, its commands and notifications. */
export class ConferencesUi extends Disposable {
  constructor (host: DevMeetHost, unread: ChatUnread) {
    super()
    const reg = (id: string, fn: (...args: any[]) => unknown): void => { this._register(vscode.commands.registerCommand(id, fn)) }
    const view = this._register(new ConferencesView(host, unread))
    const reveal = (id: string): Promise<void> => view.reveal(id)
    reg('devmeet.createConference', (arg?: unknown) => createConference(host, reveal, arg))
    registerConferenceCommands(reg, host)
    registerOccurrenceCommands(reg, host)
    whenCoreLoaded(host, devmeet => { this._register(new ConferenceNotifications(devmeet, reveal)) })
  }
}
