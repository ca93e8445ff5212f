import type { Storage } from './storage'
import { type ContactStore, MAX_CONTACTS } from './contacts'
import type { Logger } from './log'

/**
 * What a start does to the data folder once it holds the lock: removes what a killed process left
 * half-written, and loads the contacts (a damaged file is moved aside and reported by Storage itself).
 */
export async function openDataFolder (storage: Storage, contacts: ContactStore, log: Logger): Promise<void> {
  const swept = await storage.sweepTemporary()
  if (swept > 0) log.info(`removed ${swept} temporary file(s) left by an interrupted write`)
  const loaded = await contacts.load()
  if (loaded.skipped != null) log.warn(`${loaded.skipped} contact(s) in contacts.json were malformed or over the limit of ${MAX_CONTACTS} and were left out`)
  log.debug(`${contacts.list().length} contacts loaded`)
}
