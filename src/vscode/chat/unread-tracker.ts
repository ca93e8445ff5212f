// The unread counts of this window: fed by the core's message events, read by the chat panels
// (tab title, the "new messages" marker) and the Conferences view (a conference row's description).
// One object made in extension.ts and handed to both, so neither UI part reaches into the other.
// The counts are local state (saved in the extension's global state, never sent): see
// src/shared/unread.ts for the rule.
import * as vscode from 'vscode'
import type { DevMeetHost } from '../host'
import { Disposable, toDisposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { UnreadCounts } from '../../shared/unread'

const STATE_KEY = 'devmeet.unread'

export class ChatUnread extends Disposable {
  private readonly counts: UnreadCounts
  private readonly changed = this._register(new vscode.EventEmitter<string>())
  /** fires with a conference id whenever its count changes */
  readonly onDidChange = this.changed.event
  /** whether a conference's chat is in front of the user now; the chat panels answer it */
  private seen: (conferenceId: string) => boolean = () => false

  constructor (host: DevMeetHost) {
    super()
    const state = host.context.globalState
    this.counts = new UnreadCounts(state.get(STATE_KEY), id => {
      void Promise.resolve(state.update(STATE_KEY, this.counts.snapshot())).catch(() => {})
      this.changed.fire(id)
    })
    whenCoreLoaded(host, devmeet => {
      this._register(toDisposable(devmeet.events.on('message', m => {
        // A message sent again because its equivocation mark changed was counted on arrival.
        if (m.equivocated === true) return
        this.counts.message(m, devmeet.peerId, this.seen(m.conferenceId))
      })))
    })
  }

  /** The chat panels tell which conference's chat the user is looking at. */
  setSeen (seen: (conferenceId: string) => boolean): void {
    this.seen = seen
  }

  count (conferenceId: string): number {
    return this.counts.count(conferenceId)
  }

  firstUnread (conferenceId: string): { author: string, seq: number } | undefined {
    return this.counts.firstUnread(conferenceId)
  }

  /** The user looks at the conference's chat: everything in it is read. */
  read (conferenceId: string): void {
    this.counts.read(conferenceId)
  }
}
