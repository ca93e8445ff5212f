import * as z from 'zod'
import type { PrivateKey } from '@libp2p/interface'
import { parseEnvelope, sealText, verifySigned, DOMAINS } from '../wire/envelope'
import { PeerRateLimiter } from '../wire/rate-limit'

/** how often a participant says again that it is online (every conference it has a chat link in), in a conference of up to 10 */
export const PRESENCE_EVERY_MS = 10_000
/** a participant not heard from for this long is offline (two announcements lost, or gone without a word), in a conference of up to 10 */
export const PRESENCE_TTL_MS = 25_000
/**
 * In a larger conference each participant speaks less often, so that every participant takes in
 * about one announcement a second whatever the size (each crosses the mesh and reaches every
 * participant from several neighbours): 20 participants every 20 s, 50 every 50 s. At 50 with a
 * round of 20 s, passing announcements on was twice the frames of a message a second. The cost:
 * a participant gone without a word (a crash) is shown online longer (2.5 rounds: 125 s at 50);
 * one that leaves or closes VS Code says so at once.
 */
const PARTICIPANTS_PER_BASE_ROUND = 10

/** How often a participant of a conference of `participants` says it is online. */
export function presenceEveryMs (participants: number): number {
  return PRESENCE_EVERY_MS * Math.max(1, participants / PARTICIPANTS_PER_BASE_ROUND)
}

/** How long such a conference shows a participant online after its last word. */
export function presenceTtlMs (participants: number): number {
  return PRESENCE_TTL_MS * Math.max(1, participants / PARTICIPANTS_PER_BASE_ROUND)
}
/** an announcement dated further than this from our clock is not taken (a replay, or a clock far off) */
export const MAX_PRESENCE_SKEW_MS = 5 * 60_000
/** announcements of one participant taken at most this often (its own are spaced wider: OWN_SPACING_MS) */
export const PRESENCE_MIN_INTERVAL_MS = 500
/** my own announcements are at least this far apart (typing on and off coalesce) */
export const OWN_SPACING_MS = 1000
export const MAX_PRESENCE_ENVELOPE_CHARS = 1024
/**
 * A link's presence frames: at each round every participant's announcement crosses a link at most
 * twice, so 100 participants every 10 s are 20/s; the burst holds the catch-up of a new link (one
 * per participant) and typing.
 */
const LINK_FRAMES_PER_SECOND = 20
const LINK_FRAME_BURST = 400
const TYPING_SHOWN_MS = 6000

const presencePayloadSchema = z.strictObject({
  conferenceId: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  peer: z.string().min(40).max(64),
  /** the signer's clock in ms, strictly increasing per signer: a copy at or below the last one taken is old news */
  at: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  online: z.boolean(),
  typing: z.boolean()
})

export type PresencePayload = z.infer<typeof presencePayloadSchema>

/**
 * What a presence frame was: news (show it and forward it), old news (a copy or a replay, dropped),
 * refused (malformed or forged: the neighbour that sent it is at fault, as it passes on only what
 * it verified), ignored (not a participant's as far as we know, or dated too far from our clock:
 * our view or clock may differ from an honest neighbour's), or throttled (over the link's or the
 * participant's rate, dropped unverified).
 */
export type PresenceVerdict = 'new' | 'old' | 'refused' | 'ignored' | 'throttled'

interface Heard {
  at: number
  /** our clock when we took it */
  takenAt: number
  onlineUntil: number
  typingUntil: number
  envelope: string
}

export interface MeshPresencePorts {
  me(): string
  key(): PrivateKey
  now(): number
  /** how many take part in the conference (sets how long an announcement holds) */
  participants?(conferenceId: string): number
  mayChat(conferenceId: string, peer: string): boolean
}

/**
 * Presence of every participant of a conference, told across the chat mesh: each participant signs
 * a small dated announcement (online, typing, or gone) every PRESENCE_EVERY_MS and on change; a
 * neighbour passes on what is news to it. A neighbour cannot claim anyone else online or offline (the
 * announcement is its author's signature, for one conference) nor replay one (the date only grows,
 * within MAX_PRESENCE_SKEW_MS of ours); at most one entry per participant is kept.
 */
/** announcements remembered as taken: a few rounds of a 100-participant meeting's */
const MAX_TAKEN_REMEMBERED = 1000

export class MeshPresence {
  private readonly heard = new Map<string, Map<string, Heard>>()
  private readonly lastOwnAt = new Map<string, number>()
  /** announcements whose signature is being checked (conference, signer, date): a copy from another neighbour meanwhile is old news */
  private readonly checking = new Set<string>()
  /**
   * Announcements taken lately (bounded, oldest dropped first): every one reaches us once from each
   * neighbour that passes it on, and a copy of one we took is old news without reading it again.
   */
  private readonly taken = new Set<string>()
  private readonly perLink: PeerRateLimiter

  constructor (private readonly ports: MeshPresencePorts) {
    this.perLink = new PeerRateLimiter(LINK_FRAMES_PER_SECOND, LINK_FRAME_BURST, () => ports.now())
  }

  /** My signed announcement for the conference (dated after my previous one). */
  own (conferenceId: string, online: boolean, typing: boolean): string {
    const at = Math.max(this.ports.now(), (this.lastOwnAt.get(conferenceId) ?? 0) + 1)
    this.lastOwnAt.set(conferenceId, at)
    const payload: PresencePayload = { conferenceId, peer: this.ports.me(), at, online, typing: online && typing }
    return sealText(this.ports.key(), DOMAINS.presence, payload)
  }

  /** When my last announcement for the conference was dated (0: none yet). */
  lastOwn (conferenceId: string): number {
    return this.lastOwnAt.get(conferenceId) ?? 0
  }

  /** A neighbour (`from`) sent an announcement on its link for `conferenceId`. */
  async receive (from: string, conferenceId: string, envelope: string): Promise<PresenceVerdict> {
    return (await this.take(from, conferenceId, envelope)).verdict
  }

  /** receive(), with the signer of an announcement taken as news (to pass it on to those not linked to it). */
  async take (from: string, conferenceId: string, envelope: string): Promise<{ verdict: PresenceVerdict, signer?: string }> {
    if (!this.perLink.take(`${conferenceId}|${from}`)) return { verdict: 'throttled' }
    if (envelope.length > MAX_PRESENCE_ENVELOPE_CHARS) return { verdict: 'refused' }
    if (this.taken.has(envelope)) return { verdict: 'old' }
    let parsed
    try {
      parsed = parseEnvelope(envelope, DOMAINS.presence, presencePayloadSchema)
    } catch {
      return { verdict: 'refused' }
    }
    const { payload, signer } = parsed
    if (payload.conferenceId !== conferenceId || signer !== payload.peer) return { verdict: 'refused' }
    if (signer === this.ports.me()) return { verdict: 'old' }
    if (!this.ports.mayChat(conferenceId, signer)) return { verdict: 'ignored' }
    const now = this.ports.now()
    if (Math.abs(payload.at - now) > MAX_PRESENCE_SKEW_MS) return { verdict: 'ignored' }
    const of = this.heard.get(conferenceId)
    const prev = of?.get(signer)
    if (prev != null && payload.at <= prev.at) return { verdict: 'old' }
    if (prev != null && now - prev.takenAt < PRESENCE_MIN_INTERVAL_MS) return { verdict: 'throttled' }
    const key = `${conferenceId}|${signer}|${payload.at}`
    if (this.checking.has(key)) return { verdict: 'old' }
    this.checking.add(key)
    let valid: boolean
    try {
      valid = await verifySigned(parsed.signed).catch(() => false)
    } finally {
      this.checking.delete(key)
    }
    if (!valid) return { verdict: 'refused' }
    // Another copy may have been taken while the signature was checked.
    const again = this.heard.get(conferenceId)?.get(signer)
    if (again != null && payload.at <= again.at) return { verdict: 'old' }
    let table = this.heard.get(conferenceId)
    if (table == null) this.heard.set(conferenceId, table = new Map())
    table.set(signer, {
      at: payload.at,
      takenAt: now,
      onlineUntil: payload.online ? now + presenceTtlMs(this.ports.participants?.(conferenceId) ?? 0) : 0,
      typingUntil: payload.online && payload.typing ? now + TYPING_SHOWN_MS : 0,
      envelope
    })
    this.taken.add(envelope)
    if (this.taken.size > MAX_TAKEN_REMEMBERED) this.taken.delete(this.taken.values().next().value!)
    return { verdict: 'new', signer }
  }

  /** Participants whose announcement says they are online (and has not expired). */
  online (conferenceId: string): string[] {
    return this.fresh(conferenceId, h => h.onlineUntil)
  }

  /** Participants whose announcement says they are typing (for a few seconds). */
  typing (conferenceId: string): string[] {
    return this.fresh(conferenceId, h => Math.min(h.typingUntil, h.onlineUntil))
  }

  /** The announcements of those online, to catch a new neighbour up (one per participant). */
  envelopes (conferenceId: string): string[] {
    const now = this.ports.now()
    return [...this.heard.get(conferenceId)?.values() ?? []].filter(h => h.onlineUntil > now).map(h => h.envelope)
  }

  /**
   * Drops the entries of those who no longer take part; true when someone's announcement expired
   * since the last call (the online list changed without a frame).
   */
  sweep (conferenceId: string, since: number): boolean {
    const table = this.heard.get(conferenceId)
    if (table == null) return false
    const now = this.ports.now()
    let expired = false
    for (const [peer, h] of table) {
      if (!this.ports.mayChat(conferenceId, peer)) table.delete(peer)
      else if ((h.onlineUntil > since && h.onlineUntil <= now) || (h.typingUntil > since && h.typingUntil <= now)) expired = true
    }
    return expired
  }

  /** Forgets a conference's presence (I left it). */
  forget (conferenceId: string): void {
    this.heard.delete(conferenceId)
    // on a return to the conference, what the neighbours hold is news again
    this.taken.clear()
  }

  private fresh (conferenceId: string, until: (h: Heard) => number): string[] {
    const now = this.ports.now()
    const out: string[] = []
    for (const [peer, h] of this.heard.get(conferenceId) ?? []) if (until(h) > now && this.ports.mayChat(conferenceId, peer)) out.push(peer)
    return out
  }
}
