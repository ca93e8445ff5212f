import type { ChatMessage } from '../api'
import { InvalidFrameError, InvalidSignatureError } from '../errors'
import { parseEnvelope, peekEnvelope, verifySigned, DOMAINS, type ParsedEnvelope, type PeekedEnvelope } from '../wire/envelope'
import type { FloodGuard } from '../wire/rate-limit'
import type { Acknowledgements } from './acks'
import { authenticateChains, envelopeDigest, rememberDigest } from './chain'
import type { ChatCounters } from './counters'
import { preferredVersion } from './equivocation'
import type { FloodControl } from './flood-control'
import type { GapRepair } from './gap-repair'
import { tooFarAhead } from './lamport'
import type { ChatLink } from './link'
import type { LinkTable } from './link-table'
import type { ChatLog } from './log'
import { chatPayloadSchema, claimOf, messageKey, type ChatPayload, type HeldMessage } from './message'
import { forkNotice } from './notices'
import { quotaExceeded, type ConferenceQuota } from './quota'
import type { Refusals } from './refusals'
import type { ChatScope } from './scope'
import type { VersionConflicts } from './versions'

const MAX_WRITES_IN_FLIGHT = 4
/** messages in one frame from which their signatures are checked on the thread pool */
const OFF_THREAD_VERIFY_FROM = 8

function withDigest (m: HeldMessage, digest: { digest: Buffer, hash: string }): HeldMessage {
  rememberDigest(m, digest.digest, digest.hash)
  return m
}

/** What the receiver works with besides its own state. */
export interface ReceiveParts {
  links: LinkTable
  flood: FloodControl
  counters: ChatCounters
  refusals: Refusals
  versions: VersionConflicts
  repair: GapRepair
  acks: Acknowledgements
  quota: ConferenceQuota
  toMessage(held: HeldMessage): ChatMessage
  /** a peer flooded: cut it off (see FloodControl) */
  cutOff(link: ChatLink, suppressed: number, guard?: FloodGuard): void
}

/** Messages from participants: checked against flood control, verified, written, shown, forwarded, acknowledged. */
export class ChatReceiver {
  /** per conference: messages verified and being written, so copies arriving meanwhile are not verified again */
  private readonly committing = new Map<string, Set<string>>()
  /** copies of messages we already held that a peer sent us (forwarding we could not avoid) */
  readonly stats = { copiesSkipped: 0 }

  constructor (private readonly scope: ChatScope, private readonly parts: ReceiveParts) {}

  /** A frame of messages; returns once the next frame may be read (its write may still run). */
  async onMessages (link: ChatLink, log: ChatLog, envelopes: string[]): Promise<void> {
    // Each message costs a signature check: a flooding peer's excess is dropped unchecked, and a persistent flooder is cut off.
    let batch: { written: Promise<void>, committed: Promise<void> } = { written: Promise.resolve(), committed: Promise.resolve() }
    const verdict = this.parts.flood.admitFrame(link.peer, envelopes.length)
    if (verdict === 'ok') batch = await this.receiveBatch(link, log, envelopes)
    else if (verdict === 'cut') return this.parts.cutOff(link, 0)
    if (link.closed) return
    // The next frame is verified while this one's write runs; it is acknowledged once on disk.
    // Reading waits for the writes (memory), not for the disk syncs: a sync serves every frame
    // written before it, and waiting for it here would hold each hop of the mesh for a sync.
    void batch.committed.then(() => {
      link.receivedFrames++
      this.parts.acks.schedule(link, log)
    }, err => link.close(err))
    const written = batch.written.catch(() => {})
    link.writesInFlight.push(written)
    if (link.writesInFlight.length >= MAX_WRITES_IN_FLIGHT) await link.writesInFlight.shift()
    void written.finally(() => {
      const i = link.writesInFlight.indexOf(written)
      if (i >= 0) link.writesInFlight.splice(i, 1)
    })
  }

  /**
   * Verifies a frame's messages; the new ones are written together, then shown and forwarded to
   * the other participants' streams. Resolves once verified, with the write and the disk sync
   * still running in `committed`.
   */
  async receiveBatch (link: ChatLink, log: ChatLog, envelopes: string[]): Promise<{ written: Promise<void>, committed: Promise<void> }> {
    const { flood, counters, refusals } = this.parts
    const conferenceId = link.conferenceId
    const fresh: HeldMessage[] = []
    const seen = new Set<string>()
    let committing = this.committing.get(conferenceId)
    if (committing == null) this.committing.set(conferenceId, committing = new Set())
    let cut: FloodGuard | undefined
    /** envelopes worth a signature check, with the version we hold when it is another version of one */
    const candidates: Array<{ envelope: string, peeked?: PeekedEnvelope, rival?: HeldMessage }> = []
    for (const envelope of envelopes) {
      // What the envelope claims, read without checking: enough to skip a copy we hold or drop a
      // throttled author's, never to accept one or to charge an author for it.
      const peeked = peekEnvelope(envelope)
      const claim = claimOf(peeked?.payload)
      if (claim != null) {
        const key = messageKey(claim.author, claim.seq)
        const held = log.get(claim.author, claim.seq)
        if (held != null) {
          if (held.envelope === envelope) {
            this.stats.copiesSkipped++
            link.markSent(held)
            continue
          }
          // Another version of one we hold: an equivocation if it verifies, unless ours wins and is known as one.
          if (held.equivocated === true && preferredVersion(held.envelope, envelope) === held.envelope) {
            link.sendMessages([held])
            continue
          }
          candidates.push({ envelope, peeked, rival: held })
          continue
        }
        if (committing.has(key)) {
          this.stats.copiesSkipped++
          continue
        }
        const guard = flood.guardFor(link, claim.author, claim.seq)
        if (claim.author === link.peer) {
          if (claim.seq > link.highestOwn) link.highestOwn = claim.seq
          // On its own stream an author pays before the signature check: a flood costs us little.
          const verdict = flood.charge(guard, conferenceId, claim.author)
          if (verdict !== 'ok') {
            if (verdict === 'cut') cut = guard
            continue
          }
        } else if (flood.dropForwarded(guard, conferenceId, claim.author)) {
          continue
        }
      }
      candidates.push({ envelope, peeked })
    }
    const authentic = await this.authenticate(link, log, candidates)
    // Messages of a sync come in Lamport order, so each is measured against those before it.
    let lamport = counters.lamportSeen(conferenceId, log)
    let freshBytes = 0
    // Messages of earlier frames still being written count against the quota too (once written, the log counts them).
    const writing = log.messagesWriting
    const versions: HeldMessage[] = []
    for (let i = 0; i < candidates.length; i++) {
      const payload = authentic[i]?.payload
      if (payload == null) continue
      const envelope = candidates[i].envelope
      const digest = authentic[i]!.digest
      const key = messageKey(payload.author, payload.seq)
      const held = log.get(payload.author, payload.seq)
      if (held != null) {
        if (held.envelope === envelope) this.stats.copiesSkipped++
        else versions.push(withDigest({ payload, envelope }, digest))
        continue
      }
      // A second version inside one frame or while the first is written: the digests bring it back.
      if (seen.has(key) || committing.has(key)) {
        this.stats.copiesSkipped++
        continue
      }
      if (tooFarAhead(payload.lamport, lamport)) {
        refusals.lamport(conferenceId, link.peer, payload, lamport)
        continue
      }
      if (payload.author !== link.peer && flood.charge(flood.guardFor(link, payload.author, payload.seq), conferenceId, payload.author) !== 'ok') continue
      const bytes = Buffer.byteLength(envelope) + 1
      const full = quotaExceeded(this.parts.quota, { messages: log.size + writing + fresh.length, bytes: log.bytes + freshBytes }, { messages: 1, bytes })
      if (full != null) {
        refusals.full(conferenceId, full)
        continue
      }
      freshBytes += bytes
      if (payload.lamport > lamport) lamport = payload.lamport
      seen.add(key)
      fresh.push(withDigest({ payload, envelope }, digest))
    }
    counters.noteLamport(conferenceId, lamport)
    for (const v of versions) {
      void this.parts.versions.take(link, log, v).catch(err => this.scope.components.log.warn(`chat: another version of a message could not be kept: ${err?.message ?? err}`))
    }
    if (cut != null) this.parts.cutOff(link, flood.refusedOf(cut, conferenceId, link.peer), cut)
    if (fresh.length === 0) return { written: Promise.resolve(), committed: Promise.resolve() }
    for (const key of seen) committing.add(key)
    this.forward(link, fresh)
    const written = this.writeBatch(link, log, fresh)
    const committed = written.then(async () => await log.synced())
    void committed.catch(() => {}).finally(() => { for (const key of seen) committing.delete(key) })
    return { written, committed }
  }

  /**
   * Verified messages go on to the other participants' streams at once, before our own write: a
   * hop of the mesh costs a signature check, not a disk write (an authentic message is safe to
   * pass on; if our write fails, the others hold it and our sync brings it back).
   */
  private forward (link: ChatLink, fresh: HeldMessage[]): void {
    for (const h of fresh) link.markSent(h)
    for (const other of this.parts.links.perPeer(link.conferenceId)) {
      if (other.peer === link.peer || !this.scope.mayChat(link.conferenceId, other.peer)) continue
      other.sendMessages(fresh.filter(h => h.payload.author !== other.peer && other.theirLinks?.has(h.payload.author) !== true))
    }
  }

  /** Writes a frame's new messages, then shows them (and what they changed); resolves once written. */
  private async writeBatch (link: ChatLink, log: ChatLog, fresh: HeldMessage[]): Promise<void> {
    const written = await log.appendMany(fresh)
    const added = fresh.filter((_, i) => written[i])
    for (const h of added) this.scope.components.events.emit('message', this.parts.toMessage(h))
    // Messages held before whose fork mark these changed are shown again, marked.
    const remarked = log.takeRemarked()
    if (remarked.length > 0) {
      const shown = new Set(added)
      for (const h of remarked) if (!shown.has(h)) this.scope.components.events.emit('message', this.parts.toMessage(h))
    }
    for (const h of added.concat(remarked)) if (h.forked === true) this.noteFork(link.conferenceId, h)
    for (const h of added) {
      if (log.hasGapBelow(h.payload.author, h.payload.seq) && !link.closed) {
        this.parts.repair.askForGap(link, log, h.payload.author, h.payload.seq)
      }
    }
  }

  /**
   * Authenticates a frame's messages (docs/HASH-CHAIN.md): each is read and shaped, then per
   * author only the newest of each hash-linked chain has its signature checked (plus any whose
   * chain is broken); the hashes vouch for the rest. Returns each message's payload and the
   * SHA-256 of its envelope, or undefined for one that is refused.
   */
  private async authenticate (link: ChatLink, log: ChatLog, candidates: Array<{ envelope: string, peeked?: PeekedEnvelope }>): Promise<Array<{ payload: ChatPayload, digest: { digest: Buffer, hash: string } } | undefined>> {
    const envelopes = candidates.map(c => c.envelope)
    // who may chat, asked once per author in a frame (a catch-up frame holds hundreds of one author's)
    const participant = new Map<string, boolean>()
    const mayChat = (author: string): boolean => {
      let ok = participant.get(author)
      if (ok == null) participant.set(author, ok = this.scope.mayChat(link.conferenceId, author))
      return ok
    }
    const parsed = candidates.map(c => this.parse(link, c.envelope, c.peeked, mayChat))
    const digestsOf = new Array<{ digest: Buffer, hash: string } | undefined>(envelopes.length)
    const at: number[] = []
    const items = []
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]
      if (p == null) continue
      at.push(i)
      const digest = envelopeDigest(envelopes[i])
      const hash = digest.toString('base64url')
      digestsOf[i] = { digest, hash }
      items.push({ author: p.payload.author, seq: p.payload.seq, prev: p.payload.prev, hash })
    }
    const ok = await authenticateChains(items, (author, seq) => log.get(author, seq + 1)?.payload.prev, async indexes => {
      // Many checks (a catch-up) run on the thread pool, in parallel; a few stay on this thread,
      // where one check is quicker than the hop to another.
      const offThread = indexes.length >= OFF_THREAD_VERIFY_FROM
      return await Promise.all(indexes.map(async k => await verifySigned(parsed[at[k]]!.signed, offThread).catch(() => false)))
    })
    const out = new Array<{ payload: ChatPayload, digest: { digest: Buffer, hash: string } } | undefined>(envelopes.length)
    for (let k = 0; k < items.length; k++) {
      if (ok[k]) out[at[k]] = { payload: parsed[at[k]]!.payload, digest: digestsOf[at[k]]! }
      else this.refuse(link, 'its signature does not verify and no message of its author vouches for it')
    }
    return out
  }

  /** An envelope read and checked in every way but its signature; undefined (counted against the peer) when refused. */
  private parse (link: ChatLink, envelope: string, peeked: PeekedEnvelope | undefined, mayChat: (author: string) => boolean): ParsedEnvelope<ChatPayload> | undefined {
    try {
      const parsed = parseEnvelope(envelope, DOMAINS.chat, chatPayloadSchema, peeked)
      const payload = parsed.payload
      if (parsed.signer !== payload.author) throw new InvalidSignatureError('author is not the signer')
      if (payload.conferenceId !== link.conferenceId) throw new InvalidFrameError('message of another conference')
      if (!mayChat(payload.author)) throw new Error('author is not a participant (or the conference is cancelled)')
      return parsed
    } catch (err: any) {
      this.refuse(link, err?.message ?? String(err))
      return undefined
    }
  }

  /** An author forked its hash chain (docs/HASH-CHAIN.md): counted, logged, and the user told once. */
  private noteFork (conferenceId: string, h: HeldMessage): void {
    const { author, seq } = h.payload
    this.parts.refusals.stats.forks++
    this.scope.components.log.warn(`chat: ${author}#${seq} does not follow the message before it (a fork in its hash chain)`)
    this.parts.refusals.warnOnce('fork', conferenceId, author, name => forkNotice(name, author))
  }

  private refuse (link: ChatLink, why: string): void {
    this.scope.components.log.debug(`chat: dropped a message from ${link.peer}: ${why}`)
    if (this.parts.flood.strike(link.peer)) link.close(new Error('too many bad messages'))
  }
}
