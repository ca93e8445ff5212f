import * as vscode from 'vscode'
import type { ConferenceApi, ConferenceView } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import type { DevMeetHost } from '../host'
import { shown } from '../../shared/shown-text'
import { showWarning } from '../user-messages'

const READY_WAIT_MS = 20_000

/** `devmeet.conferences` when the core has the conference module, else undefined. */
export function conferencesOf (devmeet: DevMeet | undefined): ConferenceApi | undefined {
  return (devmeet as unknown as { conferences?: ConferenceApi } | undefined)?.conferences
}

/** A command's way to the core: waits for it to load, and says so when it is not there. */
export class ConferenceAccess {
  constructor (readonly host: DevMeetHost) {}

  /** The conference API now, without waiting. */
  get api (): ConferenceApi | undefined {
    return conferencesOf(this.host.devmeet)
  }

  get myPeerId (): string | undefined {
    return this.host.devmeet?.peerId
  }

  /** Waits (with a progress note) for the core; undefined and a message when it is not usable. */
  async require (): Promise<{ devmeet: DevMeet, api: ConferenceApi } | undefined> {
    let devmeet = this.host.devmeet
    if (devmeet == null) {
      devmeet = await Promise.resolve(vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'DevMeet is starting…' },
        () => withTimeout(this.host.ready, READY_WAIT_MS)
      )).catch(() => undefined)
    }
    const api = conferencesOf(devmeet)
    if (devmeet == null || api == null) {
      void showWarning(shown`DevMeet is still starting; try again in a moment.`)
      return undefined
    }
    const status = devmeet.status
    if (status.state === 'locked') {
      void showWarning(shown`DevMeet runs in another VS Code window; use that window for conferences.`)
      return undefined
    }
    return { devmeet, api }
  }

  /** The conference by id, or a message saying it is gone. */
  find (api: ConferenceApi, id: string): ConferenceView | undefined {
    const view = api.get(id)
    if (view == null) void showWarning(shown`That conference is no longer known here.`)
    return view
  }
}

function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms)
    promise.then(v => { clearTimeout(timer); resolve(v) }, err => { clearTimeout(timer); reject(err) })
  })
}

/** The message of an error thrown by the core, for a notification. */
export function errorText (err: unknown): string {
  const message = (err as { message?: unknown } | undefined)?.message
  return typeof message === 'string' && message !== '' ? message : String(err)
}
