// A restored chat panel waits for the node to know its conference, then goes live. Until then its
// stored-history preview says why the composer is off, following the node's state.
import type * as vscode from 'vscode'
import type { DevMeet, NodeStatus } from '../../core/devmeet'
import type { StoredChatPreview } from './stored-preview'
import { startingReason } from './stored-preview'
import { localized } from '../localized'

/** Why a restored panel still shows the saved history in this node state. */
export function previewReason (status: NodeStatus['state'], known: boolean): string {
  switch (status) {
    case 'locked': return localized`DevMeet runs in another VS Code window; this is the saved history. Take it over from the status bar to chat here.`
    case 'failed': return localized`The DevMeet node could not start; this is the saved history.`
    case 'stopped': return localized`The DevMeet node is stopped; this is the saved history.`
    case 'running': return known ? '' : localized`This conference is no longer known here; this is the saved history.`
    default: return startingReason()
  }
}

/**
 * Calls `goLive(pageShown)` once `devmeet` knows the conference (at once when it does already),
 * after `release()` has handed the page over. A conference still unknown once the node runs
 * closes the panel when nothing was stored for it either.
 */
export function followUntilKnown (
  devmeet: DevMeet,
  conferenceId: string,
  panel: vscode.WebviewPanel,
  preview: StoredChatPreview,
  release: () => void,
  goLive: (pageShown: boolean) => void
): void {
  let done = false
  const offs: Array<() => void> = []
  const stop = (): void => { done = true; for (const off of offs.splice(0)) off() }
  const check = (): void => {
    if (done) return
    if (devmeet.conferences.get(conferenceId) != null) {
      const pageShown = preview.pageReady
      stop()
      release()
      goLive(pageShown)
      return
    }
    const state = devmeet.status.state
    preview.setReason(previewReason(state, false))
    if (state === 'running') {
      void preview.found().then(found => { if (!found && !done) { stop(); panel.dispose() } })
    }
  }
  offs.push(devmeet.events.on('status', check), devmeet.events.on('conference:update', check), devmeet.events.on('invitation', check))
  const closed = panel.onDidDispose(stop)
  offs.push(() => closed.dispose())
  check()
}
