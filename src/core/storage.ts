import { promises as fs, constants as fsConstants } from 'node:fs'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'

/** What the storage layer reports that a user should see (a damaged file, a failed write). */
export interface StorageEvents {
  onWarning?: (message: string) => void
}

/** Raised when a file exists but cannot be understood; the file has been moved aside. */
export class DamagedFileError extends Error {
  override name = 'DamagedFileError'
  constructor (readonly file: string, readonly movedTo: string, cause: unknown) {
    super(`${path.basename(file)} was damaged and was moved aside to ${path.basename(movedTo)}`, { cause })
  }
}

/**
 * One data folder: atomic JSON documents and append-only line logs.
 * Every path is relative to the folder; names with separators or dots in front are refused.
 */
export class Storage {
  /** Test seam: a hook that can fail writes, to simulate a full or read-only disk. */
  writeFault: (() => Error | undefined) | undefined

  constructor (readonly dir: string, private readonly events: StorageEvents = {}) {}

  async init (): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
  }

  resolve (name: string): string {
    const normal = path.normalize(name)
    if (path.isAbsolute(normal) || normal.startsWith('..') || normal.split(path.sep).some(p => p.startsWith('.') && p !== '.')) {
      throw new Error(`invalid storage name: ${name}`)
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
      const movedTo = await this.moveAside(file)
      const damaged = new DamagedFileError(file, movedTo, err)
      this.events.onWarning?.(damaged.message)
      throw damaged
    }
  }

  /** Writes a JSON document atomically: a temporary file, fsync, then rename over the old one. */
  async writeJson (name: string, value: unknown): Promise<void> {
    const file = this.resolve(name)
    this.checkFault()
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
    const handle = await fs.open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify(value, null, 1))
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await fs.rename(tmp, file)
    } catch (err) {
      await fs.rm(tmp, { force: true })
      throw err
    }
  }

  /** Appends lines to a log; resolves once they are on disk (fdatasync). */
  async appendLines (name: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return
    const file = this.resolve(name)
    this.checkFault()
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    const handle = await fs.open(file, fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_WRONLY, 0o600)
    try {
      await handle.writeFile(lines.map(l => l + '\n').join(''))
      await handle.datasync()
    } finally {
      await handle.close()
    }
  }

  /**
   * Reads a log line by line. A line that `parse` rejects (a torn write, garbage) is skipped and
   * counted; the rest loads.
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
    let skipped = 0
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        items.push(parse(line))
      } catch {
        skipped++
      }
    }
    if (skipped > 0) this.events.onWarning?.(`${name}: skipped ${skipped} damaged line(s); the rest loaded`)
    return { items, skipped }
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

  private checkFault (): void {
    const err = this.writeFault?.()
    if (err != null) throw err
  }

  private async moveAside (file: string): Promise<string> {
    const movedTo = `${file}.damaged-${Date.now()}`
    await fs.rename(file, movedTo)
    return movedTo
  }
}
