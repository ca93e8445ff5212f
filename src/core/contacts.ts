import * as z from 'zod'
import { type Storage } from './storage'
import { DamagedFileError, UnknownContactError, isError } from './errors'
import { refreshedAddresses, MAX_REMEMBERED_ADDRS } from './peers/address-book'

/** A peer we have met: by mDNS, the DHT, a connection, a pasted address or an invitation. */
export interface Contact {
  peerId: string
  /** The name the peer gives itself (sanitized). */
  displayName?: string
  /** The name the user gave this peer; shown instead of displayName. */
  petname?: string
  /** Addresses we dial. */
  addrs: string[]
  /**
   * Addresses an invitation from a peer I have never met gave for it: anyone can sign such an
   * invitation and choose them, so they are not dialled until I answer it or meet the peer.
   */
  unverifiedAddrs?: string[]
  lastSeen: number
  /** How we met, for the tooltip; 'invitation' while the peer is known only from an invitation. */
  via?: 'mdns' | 'dht' | 'connection' | 'address' | 'invitation'
}

/** At most this many contacts are kept: strangers go first (see evict). */
export const MAX_CONTACTS = 2000

const contactSchema = z.object({
  peerId: z.string().min(1).max(128),
  displayName: z.string().max(256).optional(),
  petname: z.string().max(256).optional(),
  addrs: z.array(z.string().max(1024)).max(64),
  unverifiedAddrs: z.array(z.string().max(1024)).max(64).optional(),
  lastSeen: z.number(),
  via: z.enum(['mdns', 'dht', 'connection', 'address', 'invitation']).optional()
})

// Each contact is checked on its own: one bad entry, or too many, never costs the others.
const fileSchema = z.object({
  version: z.literal(1),
  contacts: z.array(z.unknown())
})

const FILE = 'contacts.json'
/**
 * Sightings (a connection, a disconnection, an identify) are saved together after this long: at a
 * large meeting's start they come by the dozen, and each save is a whole atomic, synced file.
 */
const SIGHTINGS_SAVED_AFTER_MS = 1000
const MAX_ADDRS_KEPT = MAX_REMEMBERED_ADDRS

export interface ContactStoreOptions {
  /** peers named in a conference I keep: evicted only after every other stranger */
  inConferences?: () => Set<string>
}

/** The contacts list, persisted as one atomic JSON file. */
export class ContactStore {
  private readonly contacts = new Map<string, Contact>()
  private saving: Promise<void> = Promise.resolve()
  private dirty = false
  private saveTimer: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly storage: Storage, private readonly opts: ContactStoreOptions = {}) {}

  /**
   * Loads the file; a file that is not a contacts list at all is moved aside and reported by
   * Storage, and the list starts empty. Entries that are malformed are skipped, and above
   * MAX_CONTACTS those with a petname are kept first, then the most recently seen.
   */
  async load (): Promise<{ damaged?: string, skipped?: number }> {
    try {
      const data = await this.storage.readJson(FILE, v => fileSchema.parse(v))
      const valid: Contact[] = []
      let skipped = 0
      for (const raw of data?.contacts ?? []) {
        const parsed = contactSchema.safeParse(raw)
        if (parsed.success) valid.push(parsed.data)
        else skipped++
      }
      valid.sort((a, b) => Number(b.petname != null) - Number(a.petname != null) || b.lastSeen - a.lastSeen)
      for (const c of valid) {
        if (this.contacts.size >= MAX_CONTACTS) { skipped++; continue }
        if (!this.contacts.has(c.peerId)) this.contacts.set(c.peerId, c)
      }
      if (skipped > 0) this.scheduleSave()
      return skipped > 0 ? { skipped } : {}
    } catch (err) {
      if (isError(err, DamagedFileError)) return { damaged: err.message }
      throw err
    }
  }

  /** True once the peer was met other than through an invitation (mDNS, DHT, a connection, an address). */
  hasMet (peerId: string): boolean {
    const c = this.contacts.get(peerId)
    return c != null && c.via !== 'invitation'
  }

  /**
   * Records an organizer from an invitation. The addresses of one I have not met are kept
   * unverified: an invitation anyone signed must not make this node dial the hosts it names.
   */
  noteInvitation (organizer: { peerId: string, displayName: string, addrs: string[] }, seenAt: number): void {
    if (this.hasMet(organizer.peerId)) {
      this.upsert({ ...organizer, lastSeen: seenAt })
      return
    }
    const existing = this.contacts.get(organizer.peerId)
    const unverifiedAddrs = [...new Set([...organizer.addrs, ...(existing?.unverifiedAddrs ?? [])])].slice(0, MAX_ADDRS_KEPT)
    this.upsert({ peerId: organizer.peerId, displayName: organizer.displayName, unverifiedAddrs, lastSeen: seenAt, via: 'invitation' })
  }

  /** The user answered this peer's invitation: its addresses from invitations may be dialled now. */
  promote (peerId: string): void {
    const c = this.contacts.get(peerId)
    if (c?.unverifiedAddrs == null) return
    c.addrs = [...new Set([...c.addrs, ...c.unverifiedAddrs])].slice(0, MAX_ADDRS_KEPT)
    delete c.unverifiedAddrs
    this.scheduleSave()
  }

  /**
   * A contact said on an authenticated connection where it listens now: those addresses go first
   * and older ones age out (peers/address-book.ts). Unknown peers are left to upsert.
   */
  refreshAddresses (peerId: string, fresh: string[], seenAt: number): void {
    const c = this.contacts.get(peerId)
    if (c == null || fresh.length === 0) return
    const addrs = refreshedAddresses(fresh, c.addrs)
    if (addrs.join(' ') === c.addrs.join(' ') && c.lastSeen >= seenAt) return
    c.addrs = addrs
    c.lastSeen = Math.max(c.lastSeen, seenAt)
    this.saveSoon()
  }

  get (peerId: string): Contact | undefined {
    return this.contacts.get(peerId)
  }

  list (): Contact[] {
    return [...this.contacts.values()]
  }

  /**
   * Records a sighting: merges addresses and name, updates last seen. Returns true if it was new.
   * Meeting a peer known only from an invitation makes its addresses from invitations dialable.
   */
  upsert (update: Partial<Contact> & { peerId: string }): boolean {
    const existing = this.contacts.get(update.peerId)
    const meets = update.via != null && update.via !== 'invitation'
    const known = existing?.via === 'invitation' && meets ? [...(existing.unverifiedAddrs ?? [])] : []
    const addrs = [...new Set([...(update.addrs ?? []), ...(existing?.addrs ?? []), ...known])].slice(0, MAX_ADDRS_KEPT)
    const next: Contact = {
      ...existing,
      ...stripUndefined(update),
      peerId: update.peerId,
      addrs,
      lastSeen: update.lastSeen ?? existing?.lastSeen ?? Date.now(),
      via: existing?.via === 'invitation' && meets ? update.via : (existing?.via ?? update.via)
    }
    if (known.length > 0 || next.unverifiedAddrs?.length === 0) delete next.unverifiedAddrs
    this.contacts.set(update.peerId, next)
    if (existing == null && this.contacts.size > MAX_CONTACTS) this.evict()
    this.saveSoon()
    return existing == null
  }

  /**
   * Back to MAX_CONTACTS: the least recently seen strangers go first (no petname, not named in any
   * conference I keep), then the least recently seen without a petname. A petname is never lost.
   */
  private evict (): void {
    const inConferences = this.opts.inConferences?.() ?? new Set<string>()
    const candidates = this.list().filter(c => c.petname == null)
      .sort((a, b) => Number(inConferences.has(a.peerId)) - Number(inConferences.has(b.peerId)) || a.lastSeen - b.lastSeen)
    for (const c of candidates) {
      if (this.contacts.size <= MAX_CONTACTS) break
      this.contacts.delete(c.peerId)
    }
  }

  rename (peerId: string, petname: string | undefined): void {
    const c = this.contacts.get(peerId)
    if (c == null) throw new UnknownContactError()
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

  /** A sighting: saved with the others of the next second (a user's change is saved at once). */
  private saveSoon (): void {
    this.dirty = true
    if (this.saveTimer != null) return
    this.saveTimer = setTimeout(() => this.scheduleSave(), SIGHTINGS_SAVED_AFTER_MS)
    this.saveTimer.unref?.()
  }

  private scheduleSave (): void {
    if (this.saveTimer != null) clearTimeout(this.saveTimer)
    this.saveTimer = undefined
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
