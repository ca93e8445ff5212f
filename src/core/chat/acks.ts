import type { ChatLink } from './link'
import type { ChatLog } from './log'
import type { ChatEvents, EventBus } from './ports'
import { changedSince, type Summary } from './sync'

/**
 * Acks of a quiet stream are grouped over this long. In a meeting a message reaches a participant
 * on several links, and each link's ack carries the whole summary and digests (a few KiB at 50
 * participants): acking each at once cost more than the message. A busy stream still acks every
 * 4th frame at once (the sender's window), and "delivered" shows at most this much later.
 */
const ACK_DELAY_MS = 200

/** Acknowledgements both ways: ours of received frames, and the participants' of my messages. */
export class Acknowledgements {
  /** per conference: the highest of my sequences some participant acknowledged */
  private readonly acked = new Map<string, number>()
  private readonly timers = new Map<ChatLink, ReturnType<typeof setTimeout>>()

  constructor (private readonly events: EventBus<ChatEvents>, private readonly me: () => string) {}

  /** Whether my message `seq` still waits for a participant to acknowledge it. */
  isPending (conferenceId: string, seq: number): boolean {
    return seq > (this.acked.get(conferenceId) ?? 0)
  }

  /**
   * A participant's summary covers my messages up to some sequence: those are no longer pending.
   * Its claim counts only up to the last one I wrote (HOSTILE-INPUTS 40): a claim of 2^53 would
   * otherwise drive this loop for ever.
   */
  noteAck (conferenceId: string, log: ChatLog, summary: Summary): void {
    const me = this.me()
    const mine = Math.min(summary[me] ?? 0, log.highestSeqOf(me))
    const before = this.acked.get(conferenceId) ?? 0
    if (mine <= before) return
    this.acked.set(conferenceId, mine)
    for (let seq = before + 1; seq <= mine; seq++) {
      this.events.emit('message:status', { conferenceId, author: me, seq, pending: false })
    }
  }

  /** Acks are grouped over a few milliseconds, but never held back while the sender's window is half used. */
  schedule (link: ChatLink, log: ChatLog): void {
    const send = (): void => {
      this.cancel(link)
      const now = { summary: log.summary(), digests: log.digestsOf() }
      const { summary, digests } = changedSince(link.told, now)
      link.told = now
      link.sendControl({ t: 'ack', summary, digests, frames: link.receivedFrames })
    }
    if (link.receivedFrames % 4 === 0) return send()
    if (this.timers.has(link)) return
    this.timers.set(link, setTimeout(send, ACK_DELAY_MS))
  }

  /** Drops a stream's grouped ack (the stream closed, or the ack went). */
  cancel (link: ChatLink): void {
    const t = this.timers.get(link)
    if (t != null) clearTimeout(t)
    this.timers.delete(link)
  }

  /** Drops every grouped ack. */
  clear (): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
