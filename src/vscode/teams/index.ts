import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import { Disposable } from '../disposable'
import { TeamsView } from './teams-tree'
import { registerTeamCommands } from './team-commands'

/** The Teams view and the commands on teams. */
export class TeamsUi extends Disposable {
  constructor (host: DevMeetHost) {
    super()
    this._register(new TeamsView(host))
    registerTeamCommands((id, fn) => { this._register(vscode.commands.registerCommand(id, fn)) }, host)
  }
}
