import { createHash } from 'node:crypto'
import { open, DOMAINS } from '../wire/envelope'
import { rsvpPayloadSchema, type RsvpPayload } from './model'

/** An invitee's signed answer, opened: who signed it and what it says. */
export interface OpenedAnswer {
  signer: string
  payload: RsvpPayload
}

/**
 * Answers whose signature this peer already checked, by a hash of the exact signed text. Every new
 * version of a context carries every earlier answer again; without this, a conference whose 50
 * invitees answer one after another costs each receiver 50 × 50 signature checks. What an envelope
 * opens to depends on its bytes alone (the domain and schema are fixed here), so a hit is as good as
 * a check. Bounded: the least recently used entry goes first; a forged answer is never stored.
 */
export class CheckedAnswers {
  private readonly opened = new Map<string, OpenedAnswer>()

  constructor (private readonly limit = 2048) {}

  /** Opens a base64url RSVP envelope, checking its signature unless this exact text was checked before. Throws as open() does. */
  async open (answer: string): Promise<OpenedAnswer> {
    const key = createHash('sha256').update(answer).digest('base64url')
    const hit = this.opened.get(key)
    if (hit != null) {
      this.opened.delete(key)
      this.opened.set(key, hit)
      return hit
    }
    const { signer, payload } = await open(Buffer.from(answer, 'base64url'), DOMAINS.rsvp, rsvpPayloadSchema)
    const checked = Object.freeze({ signer, payload: Object.freeze(payload) })
    this.remember(key, checked)
    return checked
  }

  /** Notes an answer this peer verified itself (the organizer opens each RSVP as it arrives). */
  note (answer: string, opened: OpenedAnswer): void {
    this.remember(createHash('sha256').update(answer).digest('base64url'), Object.freeze({ signer: opened.signer, payload: Object.freeze({ ...opened.payload }) }))
  }

  get size (): number {
    return this.opened.size
  }

  private remember (key: string, value: OpenedAnswer): void {
    this.opened.delete(key)
    this.opened.set(key, value)
    while (this.opened.size > this.limit) this.opened.delete(this.opened.keys().next().value as string)
  }
}
