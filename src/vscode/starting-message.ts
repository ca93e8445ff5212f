// While the core loads and the node starts (seconds after a window reload), a view says so
// instead of showing its empty-state welcome text as if there were nothing.
import type * as vscode from 'vscode'
import type { DevMeetHost } from './host'
import { toDisposable, type Releasable } from './disposable'
import { whenCoreLoaded } from './core-access'
import { localized, setViewMessage } from './user-messages'

/** Shows "DevMeet is starting…" on `view` until the node's state is known to be other than starting. */
export function showWhileStarting (view: vscode.TreeView<any>, host: DevMeetHost, register: (d: Releasable) => void): void {
  const update = (): void => {
    setViewMessage(view, host.devmeet == null || host.devmeet.status.state === 'starting' ? localized`DevMeet is starting…` : undefined)
  }
  update()
  whenCoreLoaded(host, devmeet => {
    update()
    register(toDisposable(devmeet.events.on('status', update)))
  }, () => setViewMessage(view, undefined))
}
