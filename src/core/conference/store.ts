import * as z from 'zod'
import type { ConferenceContext, DeliveryState, RsvpAnswer } from '../api'
import { type Storage } from '../storage'
import { open, DOMAINS } from '../wire/envelope'
import { conferenceContextSchema, MAX_OCCURRENCE_ANSWERS } from './model'
import type { MyOccurrenceRsvp } from './occurrence-answers'
import { verifyContext, type VerifiedAnswers } from './verify'
import { CheckedAnswers } from './checked-answers'
import { DamagedFileError, isError } from '../errors'
import { untrusted } from '../../shared/shown-text'
import { localized } from '../../shared/localized'

/** One conference as this peer keeps it: the organizer's signed record plus local state. */
export interface StoredConference {
  context: ConferenceContext
  /** the signed envelope exactly as the organizer made it: what we forward and re-verify */
  envelope: Uint8Array
  /** the invitees' own signed answers the context carries, as verifyContext found them (not stored: re-verified on load) */
  answers: VerifiedAnswers
  /** organizer side: per invitee, whether the latest context was acknowledged */
  delivery: Record<string, DeliveryState>
  /** organizer side: per invitee that refused the latest context, its reason */
  refusals?: Record<string, string>
  /** invitee side: the peer that first brought me this invitation (the organizer, or a relay) */
  receivedFrom?: string
  /** organizer side: the last applied rsvpSeq per invitee */
  lastRsvpSeq: Record<string, number>
  /** invitee side: my latest answer, signed, and whether the organizer acknowledged it */
  myRsvp?: { answer: RsvpAnswer, rsvpSeq: number, envelope: Uint8Array, acked: boolean, comment?: string, refused?: string }
  /** invitee side, a series: my answers to single occurrences, each delivered like myRsvp */
  myOccurrenceRsvps?: MyOccurrenceRsvp[]
}

const myAnswerSchema = {
  answer: z.enum(['accepted', 'declined', 'tentative']),
  rsvpSeq: z.number(),
  envelope: z.string(),
  acked: z.boolean(),
  refused: z.string().max(500).optional()
}

const fileSchema = z.object({
  version: z.literal(1),
  envelope: z.string().max(1024 * 1024),
  delivery: z.record(z.string(), z.enum(['pending', 'delivered', 'refused'])),
  refusals: z.record(z.string(), z.string().max(500)).optional(),
  receivedFrom: z.string().max(128).optional(),
  lastRsvpSeq: z.record(z.string(), z.number()),
  myRsvp: z.object({
    answer: z.enum(['accepted', 'declined', 'tentative']),
    rsvpSeq: z.number(),
    envelope: z.string(),
    acked: z.boolean(),
    comment: z.string().optional(),
    refused: z.string().max(500).optional()
  }).optional(),
  myOccurrenceRsvps: z.array(z.object({ occurrence: z.number(), ...myAnswerSchema })).max(MAX_OCCURRENCE_ANSWERS).optional()
})

const FOLDER = 'conferences'

/** Conferences on disk: one atomic JSON file each, re-verified when loaded. */
export class ConferenceStore {
  private readonly conferences = new Map<string, StoredConference>()
  private readonly writesQueued = new Set<string>()
  private readonly lastWrite = new Map<string, Promise<void>>()

  constructor (private readonly storage: Storage, private readonly warn: (message: string) => void, private readonly checked = new CheckedAnswers()) {}

  async load (): Promise<void> {
    this.conferences.clear()
    for (const file of await this.storage.list(FOLDER)) {
      if (!file.endsWith('.json')) continue
      try {
        const data = await this.storage.readJson(`${FOLDER}/${file}`, v => fileSchema.parse(v))
        if (data == null) continue
        const envelope = Buffer.from(data.envelope, 'base64')
        // A file on disk is input too: the context must still verify as its organizer's, with its id and every answer.
        const opened = await open(envelope, DOMAINS.conference, conferenceContextSchema)
        const answers = await verifyContext(opened.payload, opened.signer, this.checked)
        this.conferences.set(opened.payload.id, {
          context: opened.payload,
          envelope,
          answers,
          delivery: data.delivery,
          ...(data.refusals != null ? { refusals: data.refusals } : {}),
          ...(data.receivedFrom != null ? { receivedFrom: data.receivedFrom } : {}),
          lastRsvpSeq: data.lastRsvpSeq,
          myRsvp: data.myRsvp == null ? undefined : { ...data.myRsvp, envelope: Buffer.from(data.myRsvp.envelope, 'base64') },
          ...(data.myOccurrenceRsvps != null ? { myOccurrenceRsvps: data.myOccurrenceRsvps.map(a => ({ ...a, envelope: Buffer.from(a.envelope, 'base64') })) } : {})
        })
      } catch (err: any) {
        if (isError(err, DamagedFileError)) continue
        if (typeof err?.syscall === 'string') {
          // Not damage but a file we cannot read (permissions, I/O): left where it is.
          this.warn(localized`conference file ${untrusted(file)} could not be read and was ignored: ${untrusted(err?.message ?? err, 300)}`)
          continue
        }
        // Moved aside too, so a later copy of the conference (from its organizer) is stored in its place.
        const aside = await this.storage.quarantine(`${FOLDER}/${file}`, err, false).catch(() => undefined)
        const movedTo = aside?.movedTo?.split(/[\\/]/).pop()
        this.warn(movedTo != null
          ? localized`conference file ${untrusted(file)} could not be verified and was moved aside to ${untrusted(movedTo)}: ${untrusted(err?.message ?? err, 300)}`
          : localized`conference file ${untrusted(file)} could not be verified and was ignored: ${untrusted(err?.message ?? err, 300)}`)
      }
    }
  }

  get (id: string): StoredConference | undefined {
    return this.conferences.get(id)
  }

  all (): StoredConference[] {
    return [...this.conferences.values()]
  }

  /** Writes a conference to disk (atomically), then makes it current in memory. */
  async put (conf: StoredConference): Promise<void> {
    await this.write(conf)
    this.conferences.set(conf.context.id, conf)
  }

  /**
   * For bookkeeping that can be rebuilt (an invitee's delivery state, an RSVP's acknowledgement):
   * held at once, written soon, and the writes of many changes in a row are one. A crash before
   * the write only makes the outbox send again what was already delivered, which is harmless.
   */
  putSoon (conf: StoredConference): void {
    const id = conf.context.id
    this.conferences.set(id, conf)
    if (this.writesQueued.has(id)) return
    this.writesQueued.add(id)
    const previous = this.lastWrite.get(id) ?? Promise.resolve()
    const write = previous.then(async () => {
      this.writesQueued.delete(id)
      const latest = this.conferences.get(id)
      if (latest != null) await this.write(latest)
    }).catch(err => this.warn(localized`conference ${untrusted(id)} could not be saved: ${untrusted(err?.message ?? err, 300)}`))
    this.lastWrite.set(id, write)
    void write.finally(() => { if (this.lastWrite.get(id) === write) this.lastWrite.delete(id) })
  }

  /** Resolves once every write started by putSoon() is done. */
  async flush (): Promise<void> {
    await Promise.all([...this.lastWrite.values()])
  }

  private async write (conf: StoredConference): Promise<void> {
    await this.storage.writeJson(`${FOLDER}/${conf.context.id}.json`, {
      version: 1,
      envelope: Buffer.from(conf.envelope).toString('base64'),
      delivery: conf.delivery,
      refusals: conf.refusals,
      receivedFrom: conf.receivedFrom,
      lastRsvpSeq: conf.lastRsvpSeq,
      myRsvp: conf.myRsvp == null ? undefined : { ...conf.myRsvp, envelope: Buffer.from(conf.myRsvp.envelope).toString('base64') },
      myOccurrenceRsvps: conf.myOccurrenceRsvps?.map(a => ({ ...a, envelope: Buffer.from(a.envelope).toString('base64') }))
    })
  }
}
