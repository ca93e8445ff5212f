import type { ChatLink } from './link'

/** chat streams kept with one participant in one conference; a newer one replaces the oldest */
const MAX_LINKS_PER_PEER = 2

/** The open chat streams, per conference. */
export class LinkTable {
  private readonly byConference = new Map<string, Set<ChatLink>>()

  /** Every stream of the conference, open or closing. */
  of (conferenceId: string): ChatLink[] {
    return [...this.byConference.get(conferenceId) ?? []]
  }

  /** Every stream of every conference. */
  all (): ChatLink[] {
    return [...this.byConference.values()].flatMap(set => [...set])
  }

  /** The peers we have a stream with in the conference. */
  peers (conferenceId: string): string[] {
    return [...new Set(this.of(conferenceId).map(l => l.peer))]
  }

  /** Whether we have a stream with `peer` in the conference. */
  has (conferenceId: string, peer: string): boolean {
    return this.of(conferenceId).some(l => l.peer === peer)
  }

  /**
   * One stream per participant for new messages: when both sides dialled at once there are two
   * for a while, and a message sent on both would cross twice. The newest open one carries them
   * (when streams pile up, the oldest are the ones closed).
   */
  perPeer (conferenceId: string): ChatLink[] {
    const chosen = new Map<string, ChatLink>()
    for (const l of this.byConference.get(conferenceId) ?? []) if (!l.closed) chosen.set(l.peer, l)
    return [...chosen.values()]
  }

  /** Adds a stream; the oldest streams with the same peer beyond the limit close. */
  add (link: ChatLink): void {
    let set = this.byConference.get(link.conferenceId)
    if (set == null) this.byConference.set(link.conferenceId, set = new Set())
    // Streams pile up only through a misbehaving peer (or a restart we have not noticed yet): the newest wins.
    const same = [...set].filter(l => l.peer === link.peer)
    for (const old of same.slice(0, Math.max(0, same.length - MAX_LINKS_PER_PEER + 1))) old.close()
    set.add(link)
  }

  /** Removes a stream; true when it was held. */
  remove (link: ChatLink): boolean {
    return this.byConference.get(link.conferenceId)?.delete(link) === true
  }

  /** Closes every stream and forgets them. */
  closeAll (): void {
    for (const l of this.all()) l.close()
    this.byConference.clear()
  }
}
