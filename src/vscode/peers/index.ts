import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import { Disposable } from '../disposable'
import { PeersView } from './peers-tree'
import { registerPeerCommands } from './peer-commands'

/** The Peers view and the commands on peers. */
export class PeersUi extends Disposable {
  constructor (host: DevMeetHost) {
    super()
    this._register(new PeersView(host))
    registerPeerCommands((id, fn) => { this._register(vscode.commands.registerCommand(id, fn)) }, host)
  }
}
