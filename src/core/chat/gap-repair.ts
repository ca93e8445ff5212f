import type { FloodControl } from './flood-control'
import { MAX_WANT_SPAN, type RequestBudgets } from './history-requests'
import type { ChatLink } from './link'
import type { LinkTable } from './link-table'
import type { ChatLog } from './log'
import type { ChatScope } from './scope'

/** how often we ask one stream for one author's missing messages at most */
const WANT_AGAIN_AFTER_MS = 2000

/** Missing messages, both ways: what we ask participants for, and what they ask us for. */
export class GapRepair {
  /** per conference, stream peer and author: when we last asked */
  private readonly wantSent = new Map<string, number>()

  constructor (
    private readonly scope: ChatScope,
    private readonly links: LinkTable,
    private readonly flood: Pick<FloodControl, 'noteWanted'>,
    private readonly budgets: RequestBudgets
  ) {}

  /** A message arrived above a hole in its author's sequence: ask the stream that brought it for the hole. */
  askForGap (link: ChatLink, log: ChatLog, author: string, seq: number): void {
    const key = `${link.conferenceId}|${link.peer}|${author}`
    const now = this.scope.now()
    if ((this.wantSent.get(key) ?? 0) > now - WANT_AGAIN_AFTER_MS) return
    this.wantSent.set(key, now)
    const from = (log.summary()[author] ?? 0) + 1
    const to = Math.min(seq - 1, from + MAX_WANT_SPAN - 1)
    this.flood.noteWanted(link.conferenceId, author, to)
    link.sendControl({ t: 'want', author, from, to })
  }

  /**
   * What of a cut-off flooder's messages we dropped, others may hold: ask each participant for
   * the range above what we hold without a gap (up to what it or the flooder said it had).
   */
  askOthersFor (conferenceId: string, log: ChatLog, peer: string, highestOwn: number): void {
    const from = (log.summary()[peer] ?? 0) + 1
    for (const other of this.links.of(conferenceId)) {
      if (!this.scope.mayChat(conferenceId, other.peer)) continue
      const to = Math.min(Math.max(other.known[peer] ?? 0, highestOwn), from + 5 * MAX_WANT_SPAN - 1)
      this.flood.noteWanted(conferenceId, peer, to)
      for (let f = from; f <= to; f += MAX_WANT_SPAN) other.sendControl({ t: 'want', author: peer, from: f, to: Math.min(to, f + MAX_WANT_SPAN - 1) })
    }
  }

  /** A participant asks for messages of one author: rate-limited, clamped to what we hold, and nothing already sent on this stream goes again. */
  answerWant (link: ChatLink, log: ChatLog, want: { author: string, from: number, to: number }): void {
    if (!this.budgets.take(link)) return
    link.sendMessages(log.range(want.author, want.from, Math.min(want.to, want.from + MAX_WANT_SPAN - 1)))
  }

  /** A participant says whom it has streams with. */
  onLinked (link: ChatLink, log: ChatLog, peers: string[]): void {
    const before = link.theirLinks
    link.theirLinks = new Set(peers)
    // It no longer hears these authors directly: what of theirs it may have missed while it
    // did (we did not forward it), it gets from us now.
    for (const p of before ?? []) if (!link.theirLinks.has(p)) link.owedAuthors.add(p)
    this.payOwed(link, log)
  }

  /** Sends a stream what it may have missed of the authors it stopped hearing directly, within its request rate. */
  private payOwed (link: ChatLink, log: ChatLog): void {
    if (link.owedAuthors.size === 0 || link.closed || link.owedTimer != null) return
    if (!this.budgets.take(link)) {
      link.owedTimer = setTimeout(() => {
        link.owedTimer = undefined
        this.payOwed(link, log)
      }, this.budgets.waitMs(link))
      link.owedTimer.unref?.()
      return
    }
    const authors = link.owedAuthors
    link.owedAuthors = new Set()
    link.sendMessages(log.missingFor(link.known, authors))
  }
}
