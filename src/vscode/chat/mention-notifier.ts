// A VS Code notification when a message mentioning me arrives and its chat is not in front of me
// (the panel hidden, not the active tab, or the window not focused). The author's name and the
// excerpt come from a peer: both are shown as untrusted, inert text.
import type { DevMeetHost } from '../host'
import { Disposable, toDisposable } from '../disposable'
import { whenCoreLoaded } from '../core-access'
import { untrusted } from '../../shared/shown-text'
import { localized, showInfo } from '../user-messages'
import { mentionsMe } from '../../shared/mentions'

/** How much of the message the notification quotes, characters. */
const EXCERPT_CHARS = 80

export class MentionNotifier extends Disposable {
  constructor (host: DevMeetHost, seen: (conferenceId: string) => boolean, openChat: (conferenceId: string) => void) {
    super()
    whenCoreLoaded(host, devmeet => {
      this._register(toDisposable(devmeet.events.on('message', m => {
        if (!mentionsMe(m, devmeet.peerId) || seen(m.conferenceId)) return
        const open = localized`Open chat`
        const text = localized`${untrusted(m.authorName, 64)} mentioned you: ${untrusted(m.body, EXCERPT_CHARS)}`
        void Promise.resolve(showInfo(text, open)).then(choice => { if (choice === open) openChat(m.conferenceId) }, () => {})
      })))
    })
  }
}
