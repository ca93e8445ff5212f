// The one way the VS Code layer reaches the core. The core (libp2p) loads after activate()
// returns: views and listeners subscribe in whenCoreLoaded(); commands call requireCore(), which
// waits a while (with a progress note) and says why when the core cannot serve them.
import * as vscode from 'vscode'
import type { ConferenceView } from '../core/api'
import type { DevMeet } from '../core/devmeet'
import type { DevMeetHost } from './host'
import { untrusted, type ShownText } from '../shared/shown-text'
import { localized, showWarning } from './user-messages'
import { withTimeout } from './with-timeout'

const READY_WAIT_MS = 20_000

/**
 * What a command needs: the core object ('loaded'), a node that is not locked by another window
 * ('unlocked'), or a node that runs ('running').
 */
export type CoreNeed = 'loaded' | 'unlocked' | 'running'

/** Runs `use` once the core is loaded; never when it fails to load (the status bar says so). */
export function whenCoreLoaded (host: DevMeetHost, use: (devmeet: DevMeet) => void, failed?: () => void): void {
  host.ready.then(use, () => failed?.())
}

/** The core for a command, or undefined after telling the user why it cannot be used now. */
export async function requireCore (host: DevMeetHost, need: CoreNeed = 'unlocked'): Promise<DevMeet | undefined> {
  let devmeet = host.devmeet
  let failed = false
  if (devmeet == null) {
    devmeet = await Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('DevMeet is starting…') },
      () => withTimeout(host.ready, READY_WAIT_MS, 'the DevMeet core')
    )).catch(err => { failed = !/did not answer/.test(String(err?.message)); return undefined })
  }
  if (devmeet == null) {
    void showWarning(failed ? localized`DevMeet failed to load; see the DevMeet output channel.` : localized`DevMeet is still starting; try again in a moment.`)
    return undefined
  }
  const why = unusableBecause(devmeet, need)
  if (why != null) {
    void showWarning(localized`The DevMeet node is not running here: ${why}.`)
    return undefined
  }
  return devmeet
}

function unusableBecause (devmeet: DevMeet, need: CoreNeed): ShownText | undefined {
  const status = devmeet.status
  if (need === 'loaded' || status.state === 'running') return undefined
  if (status.state === 'locked') return localized`it runs in another VS Code window; use that window, or take it over from the status bar`
  if (need === 'unlocked') return undefined
  return status.state === 'failed' ? localized`it failed to start: ${untrusted(status.error, 300)}` : localized`it is still starting`
}

/** The conference by id, or undefined after saying it is gone. */
export function findConference (devmeet: DevMeet, id: string): ConferenceView | undefined {
  const view = devmeet.conferences.get(id)
  if (view == null) void showWarning(localized`That conference is no longer known here.`)
  return view
}
