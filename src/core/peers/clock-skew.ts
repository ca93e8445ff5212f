import { untrusted, type ShownText } from '../../shared/shown-text'
import { localized, plural } from '../../shared/localized'

/** a peer clock off by more than this is worth a warning (HOSTILE-INPUTS 32) */
export const CLOCK_SKEW_WARN_MS = 2 * 60_000

/**
 * Warns once per peer whose clock is off by more than two minutes. Nothing is refused for it:
 * chat is ordered by Lamport time and each peer starts meetings by its own clock, but the
 * sent-at times that peer stamps will look off, and that is worth knowing.
 */
export class ClockSkewNotes {
  private readonly warned = new Set<string>()

  constructor (private readonly warn: (message: ShownText) => void) {}

  /** Notes a peer's clock skew as its profile reported it; warns the first time it is too far off. */
  note (peerId: string, name: string, skewMs: number | undefined): void {
    if (skewMs == null || Math.abs(skewMs) <= CLOCK_SKEW_WARN_MS || this.warned.has(peerId)) return
    this.warned.add(peerId)
    const minutes = Math.round(Math.abs(skewMs) / 60_000)
    const hours = Math.round(minutes / 60)
    const amount = minutes >= 120 ? plural(hours, localized`${hours} hour`, localized`${hours} hours`) : plural(minutes, localized`${minutes} minute`, localized`${minutes} minutes`)
    // The name is the peer's own: a link or bidi trick in it must stay inert in the notification.
    const who = untrusted(name, 64)
    this.warn(skewMs > 0
      ? localized`${who}'s clock is ${amount} ahead of yours. Chat order and meeting start times are not affected, but the times on ${who}'s messages will look off.`
      : localized`${who}'s clock is ${amount} behind yours. Chat order and meeting start times are not affected, but the times on ${who}'s messages will look off.`)
  }
}
