import type { PresenceEvent } from '../api'
import type { ChatLink } from './link'
import type { LinkTable } from './link-table'
import type { ChatEvents, EventBus } from './ports'

const TYPING_SHOWN_MS = 6000

/** Who is online (has a stream with us) and who is typing, per conference. */
export class Presence {
  constructor (
    private readonly links: LinkTable,
    private readonly events: EventBus<ChatEvents>,
    private readonly now: () => number
  ) {}

  /** The conference's participants with a stream to us, and those of them typing. */
  of (conferenceId: string): PresenceEvent {
    const now = this.now()
    const links = this.links.of(conferenceId)
    return {
      conferenceId,
      online: [...new Set(links.map(l => l.peer))],
      typing: [...new Set(links.filter(l => l.typingUntil > now).map(l => l.peer))]
    }
  }

  /** Tells the UI the conference's presence changed. */
  changed (conferenceId: string): void {
    this.events.emit('presence', this.of(conferenceId))
  }

  /** Tells every participant with a stream whether I am typing. */
  setTyping (conferenceId: string, typing: boolean): void {
    for (const link of this.links.of(conferenceId)) link.sendControl({ t: 'typing', typing })
  }

  /** A participant says whether it is typing. */
  onTyping (link: ChatLink, typing: boolean): void {
    // Ephemeral and rate-limited: a repeat of the same state within a second is not news.
    const now = this.now()
    const was = link.typingUntil > now
    if (was === typing && now - link.typingAt < 1000) return
    link.typingAt = now
    link.typingUntil = typing ? now + TYPING_SHOWN_MS : 0
    if (was !== typing) this.changed(link.conferenceId)
  }
}
