import type { ChatLog } from './log'

/**
 * Per conference, the numbers taken ahead of the log while writes run: my next sequence, the
 * Lamport time of my newest message, and the highest Lamport time accepted from others.
 */
export class ChatCounters {
  private readonly reservedSeq = new Map<string, number>()
  private readonly reservedLamport = new Map<string, number>()
  /** per conference: the highest Lamport time taken, ahead of the log while writes run */
  private readonly lamportTaken = new Map<string, number>()

  /** The highest Lamport time this peer has seen in the conference: held, taken, or given to its own messages. */
  lamportSeen (conferenceId: string, log: ChatLog): number {
    return Math.max(log.lamport, this.lamportTaken.get(conferenceId) ?? 0, this.reservedLamport.get(conferenceId) ?? 0)
  }

  /** Received messages up to this Lamport time are being written. */
  noteLamport (conferenceId: string, lamport: number): void {
    if (lamport > (this.lamportTaken.get(conferenceId) ?? 0)) this.lamportTaken.set(conferenceId, lamport)
  }

  /** Takes my next sequence (synchronously, so concurrent sends never share one). */
  takeSeq (conferenceId: string, log: ChatLog, me: string): number {
    const seq = Math.max(log.nextSeq(me), this.reservedSeq.get(conferenceId) ?? 0)
    this.reservedSeq.set(conferenceId, seq + 1)
    return seq
  }

  /** Gives back the sequences taken but not written (when no other send is under way). */
  releaseSeq (conferenceId: string): void {
    this.reservedSeq.delete(conferenceId)
  }

  /** Records the Lamport time given to my newest message. */
  takeLamport (conferenceId: string, lamport: number): void {
    this.reservedLamport.set(conferenceId, lamport)
  }
}
