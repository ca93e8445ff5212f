import { promises as fs, constants as fsConstants, appendFileSync, mkdirSync } from 'node:fs'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'
import { renameRetrying } from './fs-retry'
import { StorageWriteError, DamagedFileError, InvalidStorageNameError, isError } from './errors'
import { untrusted } from '../shared/shown-text'
import { localized } from '../shared/localized'

/** What the storage layer reports that a user should see (a damaged file, a failed write). */
export interface StorageEvents {
  onWarning?: (message: string) => void
  /** writes began to fail (`error` says why), or work again after failing */
  onWritable?: (writable: boolean, error?: string) => void
}

/** The step of a write that a test fault can fail. */
export type WriteStep = 'open' | 'write' | 'sync' | 'rename' | 'append'

/**
 * One data folder: atomic JSON documents and append-only line logs.
 * Every path is relative to the folder; names with separators or dots in front are refused.
 */
export class Storage {
  /**
   * Test seam: a hook that can fail writes, to simulate a full or read-only disk. It is asked at
   * each step of each write with the file's path; an Error it returns is thrown there.
   */
  writeFault: ((step: WriteStep, file: string) => Error | undefined) | undefined

  private writableValue = true

  constructor (readonly dir: string, private readonly events: StorageEvents = {}) {}

  async init (): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
  }

  /** False since a write failed, until one works again. */
  get writable (): boolean {
    return this.writableValue
  }

  /**
   * Removes temporary files a killed process left behind (a write cut short before its rename).
   * Only the owner of the folder's lock may call this: another live process may be mid-write.
   */
  async sweepTemporary (folders: string[] = ['.', 'conferences', 'chat']): Promise<number> {
    let removed = 0
    for (const folder of folders) {
      const dir = folder === '.' ? this.dir : this.resolve(folder)
      let names: string[]
      try {
        names = await fs.readdir(dir)
      } catch {
        continue
      }
      for (const name of names) {
        if (!/\.[0-9a-f]{12}\.tmp$/.test(name)) continue
        await fs.rm(path.join(dir, name), { force: true }).then(() => { removed++ }, () => {})
      }
    }
    return removed
  }

  /** Tries a small write (and removes it): true when the folder takes writes again. */
  async probe (): Promise<boolean> {
    const file = path.join(this.dir, `probe.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await this.guard(file, async () => {
        this.checkFault('write', file)
        await fs.writeFile(file, 'ok', { mode: 0o600 })
        await fs.rm(file, { force: true })
      })
      return true
    } catch {
      return false
    }
  }

  resolve (name: string): string {
    const normal = path.normalize(name)
    if (path.isAbsolute(normal) || normal.startsWith('..') || normal.split(path.sep).some(p => p.startsWith('.') && p !== '.')) {
      throw new InvalidStorageNameError(name)
    }
    return path.join(this.dir, normal)
  }

  /**
   * Reads a JSON document. Returns undefined when it does not exist. A document that does not
   * parse or that `validate` rejects is moved aside (never silently emptied) and reported.
   */
  async readJson<T> (name: string, validate: (value: unknown) => T): Promise<T | undefined> {
    const file = this.resolve(name)
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (err: any) {
      if (err.code === 'ENOENT') return undefined
      throw err
    }
    try {
      return validate(JSON.parse(text))
    } catch (err) {
      throw await this.quarantine(name, err)
    }
  }

  /**
   * Moves a damaged file aside (`<name>.damaged-<time>`, kept for the user to inspect), reports it,
   * and returns the error to throw. Used for files that parse but do not verify, too.
   */
  async quarantine (name: string, cause: unknown, report = true): Promise<DamagedFileError> {
    const file = this.resolve(name)
    let damaged: DamagedFileError
    try {
      damaged = new DamagedFileError(file, await this.moveAside(file), cause)
    } catch (moveError) {
      damaged = new DamagedFileError(file, undefined, cause, moveError)
    }
    if (report) this.events.onWarning?.(damaged.message)
    return damaged
  }

  /** Writes a JSON document atomically: a temporary file, fsync, then rename over the old one. */
  async writeJson (name: string, value: unknown): Promise<void> {
    const file = this.resolve(name)
    await this.guard(name, async () => {
      await this.writeAtomically(file, JSON.stringify(value, null, 1))
    })
  }

  /** Writes a file's whole content: a temporary file, fsync, then rename; the old file stays whole on any failure. */
  private async writeAtomically (file: string, content: string): Promise<void> {
    this.checkFault('open', file)
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
    try {
      const handle = await fs.open(tmp, 'w', 0o600)
      try {
        this.checkFault('write', file)
        await handle.writeFile(content)
        this.checkFault('sync', file)
        await handle.sync()
      } finally {
        await handle.close()
      }
      this.checkFault('rename', file)
      await renameRetrying(tmp, file)
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => {})
      throw err
    }
  }

  /**
   * Appends lines to a log. With `sync` (the default) it resolves once they are on disk
   * (fdatasync); without, once the kernel holds them: a crash of this process can no longer lose
   * them, a crash of the machine can until `syncFile` has run.
   */
  async appendLines (name: string, lines: string[], { sync = true }: { sync?: boolean } = {}): Promise<void> {
    if (lines.length === 0) return
    const file = this.resolve(name)
    const text = lines.map(l => l + '\n').join('')
    await this.guard(name, async () => {
      this.checkFault('open', file)
      if (!sync) {
        // Into the page cache only: synchronous, because a small write there takes ~15 µs, while
        // the same write through the thread pool costs three hops (~0.3 ms when the machine is busy).
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
        this.checkFault('append', file)
        appendFileSync(file, text, { mode: 0o600 })
        return
      }
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
      const handle = await fs.open(file, fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY, 0o600)
      try {
        this.checkFault('append', file)
        await handle.writeFile(text)
        this.checkFault('sync', file)
        await handle.datasync()
      } finally {
        await handle.close()
      }
    })
  }

  /** Flushes a log's appended lines to the disk (fdatasync covers writes made through any descriptor). */
  async syncFile (name: string): Promise<void> {
    const file = this.resolve(name)
    // Asked for right after an append, when the message is yet to be sent or shown: opening the
    // file costs the event loop ~0.2 ms, so it waits until what this tick started is on its way.
    await new Promise(resolve => setImmediate(resolve))
    await this.guard(name, async () => {
      this.checkFault('sync', file)
      const handle = await fs.open(file, fsConstants.O_WRONLY | fsConstants.O_APPEND)
      try {
        await handle.datasync()
      } finally {
        await handle.close()
      }
    })
  }

  /**
   * Reads a log line by line. A line that `parse` rejects (a torn write, garbage) is skipped and
   * counted; the rest loads. When lines were skipped, the original is kept aside as
   * `<name>.damaged-<time>` and the log is rewritten (atomically) with the good lines only, so the
   * same damage is not reported again at every start.
   */
  async readLines<T> (name: string, parse: (line: string) => T): Promise<{ items: T[], skipped: number }> {
    const file = this.resolve(name)
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (err: any) {
      if (err.code === 'ENOENT') return { items: [], skipped: 0 }
      throw err
    }
    const items: T[] = []
    const good: string[] = []
    let skipped = 0
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        items.push(parse(line))
        good.push(line)
      } catch {
        skipped++
      }
    }
    if (skipped > 0) {
      const keptAs = await this.repairLog(name, good)
      this.events.onWarning?.(keptAs != null
        ? localized`${untrusted(name)}: skipped ${skipped} damaged line(s); the rest loaded; the damaged file was kept as ${untrusted(path.basename(keptAs))}`
        : localized`${untrusted(name)}: skipped ${skipped} damaged line(s); the rest loaded`)
    }
    return { items, skipped }
  }

  /** Keeps a copy of a damaged log aside and replaces it with its good lines. Undefined when it could not (read-only disk). */
  private async repairLog (name: string, good: string[]): Promise<string | undefined> {
    const file = this.resolve(name)
    const keptAs = `${file}.damaged-${Date.now()}`
    try {
      await this.guard(name, async () => {
        await fs.copyFile(file, keptAs, fsConstants.COPYFILE_EXCL)
        await this.writeAtomically(file, good.map(l => l + '\n').join(''))
      })
      return keptAs
    } catch {
      await fs.rm(keptAs, { force: true }).catch(() => {})
      return undefined
    }
  }

  async list (folder: string): Promise<string[]> {
    try {
      return await fs.readdir(this.resolve(folder))
    } catch (err: any) {
      if (err.code === 'ENOENT') return []
      throw err
    }
  }

  async remove (name: string): Promise<void> {
    await fs.rm(this.resolve(name), { force: true })
  }

  private checkFault (step: WriteStep, file: string): void {
    const err = this.writeFault?.(step, file)
    if (err != null) throw err
  }

  /** Runs a write: a failure becomes a StorageWriteError and marks the folder unwritable; a success after failures, writable again. */
  private async guard (name: string, write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch (err: any) {
      const failure = isError(err, StorageWriteError) ? err : new StorageWriteError(name, err)
      if (this.writableValue) {
        this.writableValue = false
        this.events.onWritable?.(false, failure.message)
      }
      throw failure
    }
    if (!this.writableValue) {
      this.writableValue = true
      this.events.onWritable?.(true)
    }
  }

  private async moveAside (file: string): Promise<string> {
    const movedTo = `${file}.damaged-${Date.now()}`
    this.checkFault('rename', file)
    await renameRetrying(file, movedTo)
    return movedTo
  }
}
