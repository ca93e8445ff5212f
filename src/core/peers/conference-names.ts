import type { ConferenceView } from '../api'
import type { ContactStore } from '../contacts'
import { shownNameOf } from '../shown-names'

export interface ConferenceNamesSources {
  conferences: { get(conferenceId: string): ConferenceView | undefined }
  contacts: Pick<ContactStore, 'get'>
  /** my peer ID, once the node runs */
  me: () => string | undefined
  myName: () => string
}

/** The name shown for a peer in a conference: my petname for it, its own name, the organizer's word (shown-names.ts). */
export class ConferenceNames {
  /**
   * Names worked out in this turn of the event loop: a received frame shows thousands of messages
   * of a few authors at once, and each name weighs every participant's (~13 µs). Forgotten at the
   * next microtask, so a rename is never missed.
   */
  private readonly recent = new Map<string, string>()

  constructor (private readonly sources: ConferenceNamesSources) {}

  /** The name `peerId` shows under in conference `conferenceId`. */
  nameOf (conferenceId: string, peerId: string): string {
    const key = `${conferenceId}|${peerId}`
    let name = this.recent.get(key)
    if (name == null) {
      if (this.recent.size === 0) queueMicrotask(() => this.recent.clear())
      name = this.work(conferenceId, peerId)
      this.recent.set(key, name)
    }
    return name
  }

  private work (conferenceId: string, peerId: string): string {
    const { conferences, contacts, me, myName } = this.sources
    return shownNameOf(peerId, conferences.get(conferenceId)?.context, {
      me: me(),
      myName: myName(),
      petname: id => contacts.get(id)?.petname,
      ownName: id => contacts.get(id)?.displayName
    })
  }
}
