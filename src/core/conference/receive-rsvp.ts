import type { ConferenceContext, ConferenceView, RsvpAnswer } from '../api'
import { open, DOMAINS } from '../wire/envelope'
import { ConferenceRuleError, ConferenceTooLargeError, RefusedError, isError } from '../errors'
import { applyRsvp, MAX_INVITEES, rsvpPayloadSchema, type RsvpPayload } from './model'
import { applyOccurrenceRsvp } from './occurrence-answers'
import type { ConferenceState } from './state'

/** Signs, stores and queues a new version of a context (ConferenceChanges.publish). */
export type Publish = (context: ConferenceContext, lastRsvpSeq: Record<string, number>) => Promise<ConferenceView>

/**
 * Answers that may wait for one conference's next version at once. Each holds an open RSVP stream
 * (a few per connection); past this the stream is reset and the sender retries later.
 */
export const MAX_WAITING_ANSWERS = 4 * MAX_INVITEES

/** One verified RSVP waiting for the version that will carry it, and its sender waiting for the answer. */
interface WaitingAnswer {
  rsvp: RsvpPayload
  signer: string
  /** the RSVP envelope exactly as the invitee signed it, base64url */
  signed: string
  resolve: () => void
  reject: (err: unknown) => void
}

/** What applying one answer changed, told to the UI once the version carrying it is stored. */
interface Applied {
  answer: WaitingAnswer
  rsvp: RsvpAnswer | 'pending'
  comment?: string
}

/**
 * Organizer side of the RSVP protocol: an invitee's own signed answer is applied to the context,
 * which is published again to every invitee. Answers that arrive while a version is being made
 * (signed, written, queued) wait and are applied together to the next one: when 50 invitees answer
 * at once, the organizer makes a handful of versions rather than 50, and each invitee receives a
 * handful rather than 50, each carrying every answer. A lone answer waits for nothing. Each sender
 * is answered only once the version carrying its answer is on disk (so an acknowledged answer
 * survives a crash), or with the reason its answer alone was refused.
 */
export class RsvpIntake {
  private readonly waiting = new Map<string, WaitingAnswer[]>()

  constructor (private readonly state: ConferenceState, private readonly publish: Publish) {}

  /** Handles one RSVP frame. Throws RefusedError to answer with a reason; other errors reset the stream. */
  async receive (bytes: Uint8Array, from: string): Promise<void> {
    const opened = await open(bytes, DOMAINS.rsvp, rsvpPayloadSchema)
    const rsvp = opened.payload
    if (opened.signer !== from) throw new RefusedError('an RSVP is sent by its author')
    const { state } = this
    const conf = state.store.get(rsvp.conferenceId)
    // Nothing is held for a conference I do not organize.
    if (conf == null || conf.context.organizer.peerId !== state.me()) throw new RefusedError('unknown conference')
    const signed = Buffer.from(opened.bytes).toString('base64url')
    await new Promise<void>((resolve, reject) => {
      const answer: WaitingAnswer = { rsvp, signer: opened.signer, signed, resolve, reject }
      const queued = this.waiting.get(rsvp.conferenceId)
      if (queued != null) {
        if (queued.length >= MAX_WAITING_ANSWERS) {
          reject(new Error('too many answers wait for this conference'))
          return
        }
        queued.push(answer)
        return
      }
      this.waiting.set(rsvp.conferenceId, [answer])
      // The lock runs this after the version being made now: everything that arrived meanwhile goes into one.
      state.locked(rsvp.conferenceId, async () => await this.commit(rsvp.conferenceId)).catch(() => {})
    })
  }

  /** Applies every answer waiting for conference `id` to one new version, publishes it, and answers each sender. */
  private async commit (id: string): Promise<void> {
    const batch = this.waiting.get(id) ?? []
    this.waiting.delete(id)
    try {
      await this.applyAndPublish(id, batch)
    } catch (err) {
      for (const a of batch) a.reject(err)
    }
  }

  private async applyAndPublish (id: string, batch: WaitingAnswer[]): Promise<void> {
    const { state } = this
    const { clock, events, peers } = state.components
    const conf = state.store.get(id)
    if (conf == null || conf.context.organizer.peerId !== state.me()) {
      for (const a of batch) a.reject(new RefusedError('unknown conference'))
      return
    }
    const sequence = conf.context.sequence
    let ctx = conf.context
    const lastRsvpSeq = { ...conf.lastRsvpSeq }
    const applied: Applied[] = []
    for (const a of batch) {
      let next: ConferenceContext | undefined
      try {
        // An answer to one occurrence has its own slot, and its replay is judged against the answer carried there.
        next = a.rsvp.occurrence != null
          ? applyOccurrenceRsvp(ctx, a.rsvp, a.signer, a.signed, clock.now())
          : applyRsvp(ctx, a.rsvp, a.signer, a.signed, lastRsvpSeq[a.signer] ?? 0, clock.now())
      } catch (err) {
        a.reject(isError(err, ConferenceRuleError) ? new RefusedError(err.message) : err)
        continue
      }
      // A replay changes nothing and is acknowledged as before.
      if (next == null) {
        a.resolve()
        continue
      }
      // Each answer is judged against the version the invitees were sent; the one made here is one step on.
      ctx = { ...withFreshAddrs(next, a.signer, peers.peerInfo(a.signer).addrs), sequence }
      if (a.rsvp.occurrence == null) lastRsvpSeq[a.signer] = a.rsvp.rsvpSeq
      // Its signature was checked on arrival: the version that carries it need not check it again.
      state.checkedAnswers.note(a.signed, { signer: a.signer, payload: a.rsvp })
      const invitee = ctx.invitees.find(i => i.peerId === a.signer)!
      applied.push({ answer: a, rsvp: invitee.rsvp, ...(invitee.comment != null ? { comment: invitee.comment } : {}) })
    }
    if (applied.length === 0) return
    try {
      await this.publish({ ...ctx, sequence: sequence + 1 }, lastRsvpSeq)
    } catch (err) {
      if (!isError(err, ConferenceTooLargeError)) throw err
      if (applied.length === 1) throw new RefusedError(err.message)
      // Together they do not fit: one at a time, so that only the answer that does not fit is refused.
      for (const one of applied) await this.applyAndPublish(id, [one.answer]).catch(e => one.answer.reject(e))
      return
    }
    for (const { answer, rsvp, comment } of applied) {
      answer.resolve()
      if (answer.rsvp.occurrence != null) {
        events.emit('rsvp', { conferenceId: id, peerId: answer.signer, rsvp: answer.rsvp.answer, occurrence: answer.rsvp.occurrence })
      } else {
        events.emit('rsvp', { conferenceId: id, peerId: answer.signer, rsvp: rsvp as RsvpAnswer, ...(comment != null ? { comment } : {}) })
      }
    }
  }
}

/**
 * The invitee's addresses as we know them now, relayed ones first: an invitee behind NAT has
 * reserved a relay slot since it was invited (src/core/relay), and the others reach it only there.
 */
function withFreshAddrs (ctx: ConferenceContext, peerId: string, known: string[]): ConferenceContext {
  const usable = known.filter(a => a.length <= 512)
  if (usable.length === 0) return ctx
  const addrs = [...usable.filter(a => a.includes('/p2p-circuit')), ...usable.filter(a => !a.includes('/p2p-circuit'))].slice(0, 16)
  return { ...ctx, invitees: ctx.invitees.map(i => i.peerId === peerId ? { ...i, addrs } : i) }
}
