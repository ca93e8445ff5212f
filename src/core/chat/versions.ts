import type { ChatMessage } from '../api'
import type { ChatCounters } from './counters'
import { preferredVersion } from './equivocation'
import type { FloodControl } from './flood-control'
import type { RequestBudgets } from './history-requests'
import { tooFarAhead } from './lamport'
import type { ChatLink } from './link'
import type { LinkTable } from './link-table'
import type { ChatLog } from './log'
import type { HeldMessage } from './message'
import { equivocationNotice, forkNotice } from './notices'
import { quotaExceeded, type ConferenceQuota } from './quota'
import type { Refusals } from './refusals'
import type { ChatScope } from './scope'
import type { Summary } from './sync'

/** Two versions of one message (HOSTILE-INPUTS 43): which one we keep, and who needs the other. */
export class VersionConflicts {
  constructor (
    private readonly scope: ChatScope,
    private readonly links: LinkTable,
    private readonly flood: Pick<FloodControl, 'chargeVersion'>,
    private readonly counters: ChatCounters,
    private readonly refusals: Refusals,
    private readonly budgets: RequestBudgets,
    private readonly quota: ConferenceQuota,
    private readonly toMessage: (held: HeldMessage) => ChatMessage
  ) {}

  /**
   * Another version, verified, of a message held: its author signed two (HOSTILE-INPUTS 43). Every
   * peer keeps the same one (preferredVersion) and marks it. When the new one wins it replaces
   * ours and goes to every other stream (one that carried ours needs it); when ours wins, it goes
   * back to the stream that brought the other. Each version is charged to its author.
   */
  async take (link: ChatLink, log: ChatLog, version: HeldMessage): Promise<void> {
    const { conferenceId } = link
    const { author } = version.payload
    const before = log.get(author, version.payload.seq)
    if (before == null || before.envelope === version.envelope) return
    this.refusals.stats.equivocations++
    const wasMarked = before.equivocated === true
    const winsOverOurs = preferredVersion(before.envelope, version.envelope) === version.envelope
    if (winsOverOurs || !wasMarked) {
      if (!this.flood.chargeVersion(conferenceId, author)) return
      const seen = this.counters.lamportSeen(conferenceId, log)
      if (winsOverOurs && tooFarAhead(version.payload.lamport, seen)) {
        this.refusals.lamport(conferenceId, link.peer, version.payload, seen)
        return
      }
      const full = quotaExceeded(this.quota, { messages: 0, bytes: log.bytes }, { messages: 0, bytes: Buffer.byteLength(version.envelope) + 1 })
      if (full != null) {
        this.refusals.full(conferenceId, full)
        return
      }
    }
    const { held, replaced } = await log.addVersion(version)
    this.scope.components.log.warn(`chat: ${author} signed two versions of message ${version.payload.seq}; keeping ${replaced ? 'the one just received' : 'ours'}`)
    if (replaced || !wasMarked) this.scope.components.events.emit('message', this.toMessage(held))
    // the next message's fork mark may have changed with the version held (docs/HASH-CHAIN.md)
    for (const h of log.takeRemarked()) {
      if (h !== held) this.scope.components.events.emit('message', this.toMessage(h))
      if (h.forked === true) {
        this.refusals.stats.forks++
        this.refusals.warnOnce('fork', conferenceId, author, name => forkNotice(name, author))
      }
    }
    if (replaced) {
      link.markSent(held)
      for (const other of this.links.perPeer(conferenceId)) {
        if (other !== link && this.scope.mayChat(conferenceId, other.peer)) other.sendMessages([held])
      }
    } else {
      link.sendMessages([held])
    }
    this.refusals.warnOnce('equivocation', conferenceId, author, name => equivocationNotice(name, author))
  }

  /**
   * Where the peer's summary has our mark for an author but another digest, one of us holds
   * another version of some message: ours of that author go to it (each at most once per stream),
   * and whichever side holds the losing version takes the other's and sends back the winner.
   */
  compareDigests (link: ChatLink, log: ChatLog, theirs: Summary, digests: Record<string, string> | undefined): void {
    if (digests == null) return
    const ours = log.summary()
    for (const [author, digest] of Object.entries(digests)) {
      const mark = theirs[author]
      if (mark == null || mark !== ours[author] || log.digestOf(author) === digest) continue
      if (link.digestAnswered.get(author) === mark) continue
      if (!this.budgets.take(link)) return
      link.digestAnswered.set(author, mark)
      link.sendMessages(log.range(author, 1, mark))
    }
  }
}
