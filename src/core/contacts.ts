import * as z from 'zod'
import { DamagedFileError, type Storage } from './storage'

/** A peer we have met: by mDNS, the DHT, a connection, a pasted address or an invitation. */
export interface Contact {
  peerId: string
  /** The name the peer gives itself (sanitized). */
  displayName?: string
  /** The name the user gave this peer; shown instead of displayName. */
  petname?: string
  addrs: string[]
  lastSeen: number
  /** How we first met, for the tooltip. */
  via?: 'mdns' | 'dht' | 'connection' | 'address' | 'invitation'
}

const contactSchema = z.object({
  peerId: z.string().min(1).max(128),
  displayName: z.string().max(256).optional(),
  petname: z.string().max(256).optional(),
  addrs: z.array(z.string().max(1024)).max(64),
  lastSeen: z.number(),
  via: z.enum(['mdns', 'dht', 'connection', 'address', 'invitation']).optional()
})

const fileSchema = z.object({
  version: z.literal(1),
  contacts: z.array(contactSchema).max(100_000)
})

const FILE = 'contacts.json'
const MAX_ADDRS_KEPT = 16

/** The contacts list, persisted as one atomic JSON file. */
export class ContactStore {
  private readonly contacts = new Map<string, Contact>()
  private saving: Promise<void> = Promise.resolve()
  private dirty = false

  constructor (private readonly storage: Storage) {}

  /** Loads the file; a damaged file is moved aside and reported by Storage, and the list starts empty. */
  async load (): Promise<{ damaged?: string }> {
    try {
      const data = await this.storage.readJson(FILE, v => fileSchema.parse(v))
      for (const c of data?.contacts ?? []) this.contacts.set(c.peerId, c)
      return {}
    } catch (err) {
      if (err instanceof DamagedFileError) return { damaged: err.message }
      throw err
    }
  }

  get (peerId: string): Contact | undefined {
    return this.contacts.get(peerId)
  }

  list (): Contact[] {
    return [...this.contacts.values()]
  }

  /** Records a sighting: merges addresses and name, updates last seen. Returns true if it was new. */
  upsert (update: Partial<Contact> & { peerId: string }): boolean {
    const existing = this.contacts.get(update.peerId)
    const addrs = [...new Set([...(update.addrs ?? []), ...(existing?.addrs ?? [])])].slice(0, MAX_ADDRS_KEPT)
    const next: Contact = {
      ...existing,
      ...stripUndefined(update),
      peerId: update.peerId,
      addrs,
      lastSeen: update.lastSeen ?? existing?.lastSeen ?? Date.now(),
      via: existing?.via ?? update.via
    }
    this.contacts.set(update.peerId, next)
    this.scheduleSave()
    return existing == null
  }

  rename (peerId: string, petname: string | undefined): void {
    const c = this.contacts.get(peerId)
    if (c == null) throw new Error('unknown contact')
    if (petname == null || petname === '') delete c.petname
    else c.petname = petname
    this.scheduleSave()
  }

  forget (peerId: string): boolean {
    const had = this.contacts.delete(peerId)
    if (had) this.scheduleSave()
    return had
  }

  /** Resolves when every change so far is on disk. */
  async flush (): Promise<void> {
    this.scheduleSave()
    await this.saving
  }

  private scheduleSave (): void {
    this.dirty = true
    this.saving = this.saving.then(async () => {
      if (!this.dirty) return
      this.dirty = false
      await this.storage.writeJson(FILE, { version: 1, contacts: this.list() })
    }).catch(() => {
      this.dirty = true
    })
  }
}

function stripUndefined<T extends object> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
