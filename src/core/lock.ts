import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'
import { renameRetrying } from './fs-retry'

/**
 * One node per data folder. VS Code runs one extension host per window; two windows on one
 * profile share the folder, and must never run two nodes with one key. The lock file holds the
 * owner's pid; a lock whose pid is gone is stale and taken over.
 */
export class NodeLock {
  private held = false
  /** tells two DevMeet objects of one process apart (tests, or a host running two) */
  private readonly token = randomBytes(6).toString('hex')

  constructor (readonly dir: string, private readonly pid = process.pid) {}

  private get content (): string {
    return `${this.pid} ${this.token}`
  }

  get file (): string {
    return path.join(this.dir, 'node.lock')
  }

  /** Takes the lock; returns the owner's pid when another live process holds it. */
  async acquire (): Promise<{ ok: true } | { ok: false, ownerPid: number }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(this.file, this.content, { flag: 'wx', mode: 0o600 })
        this.held = true
        return { ok: true }
      } catch (err: any) {
        if (err.code !== 'EEXIST') throw err
      }
      const owner = await this.readOwner()
      if (owner != null && owner.token !== this.token && isAlive(owner.pid)) return { ok: false, ownerPid: owner.pid }
      await fs.rm(this.file, { force: true })
    }
    return { ok: false, ownerPid: (await this.readOwner())?.pid ?? -1 }
  }

  /** Takes the lock from another live owner (the user chose "take over"); the owner notices and stops. */
  async takeOver (): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${this.pid}.tmp`
    await fs.writeFile(tmp, this.content, { mode: 0o600 })
    await renameRetrying(tmp, this.file)
    this.held = true
  }

  /** True while this process still owns the lock (another window may have taken it over). */
  async stillOwned (): Promise<boolean> {
    return this.held && (await this.readOwner())?.token === this.token
  }

  /** Checks every few seconds whether another window took the lock, calling `onLost` each time it has; returns the function that stops watching. */
  watch (onLost: () => void, everyMs = 3000): () => void {
    const timer = setInterval(() => { void this.stillOwned().then(owned => { if (!owned) onLost() }) }, everyMs)
    timer.unref?.()
    return () => clearInterval(timer)
  }

  async release (): Promise<void> {
    if (!this.held) return
    this.held = false
    if ((await this.readOwner())?.token === this.token) await fs.rm(this.file, { force: true })
  }

  private async readOwner (): Promise<{ pid: number, token: string } | undefined> {
    try {
      const [pidText, token = ''] = (await fs.readFile(this.file, 'utf8')).trim().split(' ')
      const pid = Number.parseInt(pidText, 10)
      return Number.isSafeInteger(pid) && pid > 0 ? { pid, token } : undefined
    } catch {
      return undefined
    }
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}
