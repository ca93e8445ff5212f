import { promises as fs } from 'node:fs'

/**
 * Windows refuses to rename over (or away) a file that another process has open without
 * FILE_SHARE_DELETE: an antivirus scan, the search indexer, a backup or sync client (OneDrive)
 * holds it for a few milliseconds to a second, and the rename fails with EPERM, EACCES or EBUSY.
 * Without a retry, an atomic write would fail there now and then and the storage layer would
 * report the data folder as not taking writes. POSIX renames do not fail this way: no retry there,
 * so a real permission error is reported at once.
 */
const TRANSIENT_ON_WINDOWS = new Set(['EPERM', 'EACCES', 'EBUSY'])
/** About 1.5 s in all: longer than a scan of a small file, short enough to report a real fault. */
const DELAYS_MS = [10, 20, 40, 80, 160, 320, 640]

export interface RenameOptions {
  platform?: NodeJS.Platform
  rename?: (from: string, to: string) => Promise<void>
  sleep?: (ms: number) => Promise<void>
}

export async function renameRetrying (from: string, to: string, opts: RenameOptions = {}): Promise<void> {
  const platform = opts.platform ?? process.platform
  const rename = opts.rename ?? fs.rename
  const sleep = opts.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)))
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to)
      return
    } catch (err: any) {
      if (platform !== 'win32' || !TRANSIENT_ON_WINDOWS.has(err?.code) || attempt >= DELAYS_MS.length) throw err
      await sleep(DELAYS_MS[attempt])
    }
  }
}
