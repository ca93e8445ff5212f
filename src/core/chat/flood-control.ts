import { FloodGuard, PeerRateLimiter, type FloodVerdict } from '../wire/rate-limit'
import type { ChatLink } from './link'
import { localized } from '../../shared/localized'

/*
 * A link's whole traffic. A hash-chained frame costs a parse, a schema check and a hash per
 * message and one signature per author (docs/HASH-CHAIN.md), a third of what a signature per
 * message cost, so a link carries three times as many for the same work: a catch-up of 100,000
 * fits its burst.
 */
const MESSAGES_PER_SECOND = 30_000
const MESSAGE_BURST = 100_000
/**
 * Flood control (HOSTILE-INPUTS 10), decided as follows. What is limited is the number of messages
 * NEW to us per author and conference, in two buckets:
 * - History (a sequence at or below what the sending stream's hello said it held, i.e. a
 *   catch-up after a reconnection) is not a flood: its own bucket holds 100,000 (a long meeting's
 *   backlog of one prolific author; the benchmark's 100,000-message catch-up fits).
 * - Live messages (above that): a person types a few a second at most, but a paste or a script
 *   comes in a burst, so the bucket holds 6,000 (the benchmark's 5,000-message burst fits) and
 *   refills at 50/s (ten times a fast typist, far below a flood).
 * - Duplicates cost nothing: copies we hold are recognised before any signature check.
 * - Every message new to us counts against its author, whatever stream it came on: a
 *   participant's stream may carry messages of identities that never open one with us (sock
 *   puppets, HOSTILE-INPUTS 41). On the author's own stream it pays before the signature check;
 *   on another's, once verified (so a forwarder cannot spend an author's allowance with forged
 *   messages). What a forwarder brings over the author's limit is dropped and counted; the
 *   forwarder is not cut off for it. What we asked for ourselves (gap repair, or what a cut-off
 *   flooder left us missing) counts as history. A link's whole traffic is capped by `linkRate`.
 * - Over the rate, the excess is dropped unverified (throttled). An author still over it
 *   FLOOD_GRACE_MS later on its own stream is cut off: its chat streams are reset, its connections
 *   closed, its chat streams refused and not dialled for 60 s (doubling for each repeat), the user
 *   is warned, and the other participants are asked for what of its messages we dropped, so that
 *   every honest peer ends with the same history. What was accepted is verified and on disk in
 *   full. A peer lying in its hello gets at most the history bucket more.
 */
export const AUTHOR_RATE_PER_SECOND = 50
export const AUTHOR_BURST = 6_000
export const AUTHOR_HISTORY_BURST = 100_000
export const FLOOD_GRACE_MS = 2000

/** How one peer was cut off: for how long, and why in words. */
export interface CutOff {
  ms: number
  why: string
}

/** The chat's flood rules: stream and frame rates, each author's allowance, and who is cut off. */
export class FloodControl {
  /** what flood control did, for tests and diagnostics */
  readonly stats = { dropped: 0, cutOffs: 0 }
  private readonly inbound: PeerRateLimiter
  private readonly linkRate: PeerRateLimiter
  private readonly authorRate: FloodGuard
  private readonly historyRate: FloodGuard
  /** peers cut off from chat for flooding, until when */
  private readonly cutOffUntil = new Map<string, number>()
  /** per conference and author: the highest sequence we asked participants for */
  private readonly wanted = new Map<string, number>()

  constructor (private readonly now: () => number) {
    this.inbound = new PeerRateLimiter(10, 30, now)
    // Far above any person's typing, but catch-up (10,000 at once) and a fast link (5,000/s) fit.
    this.linkRate = new PeerRateLimiter(MESSAGES_PER_SECOND, MESSAGE_BURST, now, 5, 60_000)
    this.authorRate = new FloodGuard(AUTHOR_RATE_PER_SECOND, AUTHOR_BURST, now, FLOOD_GRACE_MS)
    this.historyRate = new FloodGuard(AUTHOR_RATE_PER_SECOND, AUTHOR_HISTORY_BURST, now, FLOOD_GRACE_MS)
  }

  /** A peer opens a chat stream: 'ok', 'refused' (too many), or 'denied' (kept at it: hang up). */
  admitStream (peer: string): 'ok' | 'refused' | 'denied' {
    if (this.inbound.take(peer)) return 'ok'
    return this.inbound.denied(peer) ? 'denied' : 'refused'
  }

  /** A peer misbehaved (a bad stream or message); true when it is now denied. */
  strike (peer: string): boolean {
    return this.inbound.strike(peer)
  }

  /** A frame of `count` messages on a peer's stream: 'ok', 'refused' (dropped unchecked), or 'cut'. */
  admitFrame (peer: string, count: number): FloodVerdict {
    if (this.linkRate.take(peer, count)) return 'ok'
    return this.linkRate.denied(peer) ? 'cut' : 'refused'
  }

  /** The bucket a message is charged to: history or live (see isHistory). */
  guardFor (link: ChatLink, author: string, seq: number): FloodGuard {
    return this.isHistory(link, author, seq) ? this.historyRate : this.authorRate
  }

  /**
   * Charges a new message to its author; false when it is over the allowance (dropped and
   * counted). A verdict of 'cut' is left to the caller (only an author's own stream earns it).
   */
  charge (guard: FloodGuard, conferenceId: string, author: string): FloodVerdict {
    const verdict = guard.take(`${conferenceId}|${author}`)
    if (verdict !== 'ok') this.stats.dropped++
    return verdict
  }

  /** Charges another version of a held message to its author's live allowance. */
  chargeVersion (conferenceId: string, author: string): boolean {
    return this.charge(this.authorRate, conferenceId, author) === 'ok'
  }

  /** True when a forwarded message's author has no allowance left (dropped unchecked and counted). */
  dropForwarded (guard: FloodGuard, conferenceId: string, author: string): boolean {
    if (!guard.throttled(`${conferenceId}|${author}`)) return false
    this.stats.dropped++
    return true
  }

  /**
   * History (a backlog: its own, larger bucket) rather than live: at or below what the sending
   * stream's hello said it held, or what we asked participants for ourselves.
   */
  isHistory (link: ChatLink, author: string, seq: number): boolean {
    return seq <= (link.claimed[author] ?? 0) || seq <= (this.wanted.get(`${link.conferenceId}|${author}`) ?? 0)
  }

  /** What we ask participants for is history when it comes (see isHistory). */
  noteWanted (conferenceId: string, author: string, to: number): void {
    const key = `${conferenceId}|${author}`
    if (to > (this.wanted.get(key) ?? 0)) this.wanted.set(key, to)
  }

  /** Whether `peer` is cut off from chat now (a cut-off that ran out is forgotten). */
  isCutOff (peer: string): boolean {
    const until = this.cutOffUntil.get(peer)
    if (until == null) return false
    if (until > this.now()) return true
    this.cutOffUntil.delete(peer)
    return false
  }

  /**
   * Cuts a flooding peer off from chat: its streams are refused and not dialled for a while
   * (`guard`'s doubling time, or 60 s for a stream over the frame rate). Undefined when it
   * already was.
   */
  cutOff (conferenceId: string, peer: string, suppressed: number, guard?: FloodGuard): CutOff | undefined {
    if (this.isCutOff(peer)) return undefined
    const ms = guard != null ? guard.offence(`${conferenceId}|${peer}`) : 60_000
    this.cutOffUntil.set(peer, this.now() + ms)
    this.stats.cutOffs++
    const why = guard != null
      ? localized`sent chat messages faster than ${AUTHOR_RATE_PER_SECOND} a second for over ${FLOOD_GRACE_MS / 1000} s (${suppressed} dropped)`
      : localized`sent more than ${MESSAGES_PER_SECOND} chat messages a second`
    return { ms, why }
  }

  /** Messages of `peer` refused in its current spell of throttling. */
  refusedOf (guard: FloodGuard, conferenceId: string, peer: string): number {
    return guard.refused(`${conferenceId}|${peer}`)
  }
}
