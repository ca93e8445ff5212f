// Child processes of the benchmark: headless peers (dist/peer.js) spoken to in JSON lines.
import { spawn, type ChildProcess } from 'node:child_process'
import * as readline from 'node:readline'
import { readFileSync } from 'node:fs'
import { PEER_JS } from './paths'
import { benchDir } from './cores'

export interface PeerLine { event?: string, id?: number, ok?: boolean, result?: any, error?: string, [k: string]: any }

/** A running `devmeet-peer` with its ready line. */
export class HeadlessPeer {
  readonly ready: Promise<PeerLine>
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>()
  private listeners: Array<(line: PeerLine) => void> = []
  readonly spawnedAt = performance.now()
  readyAt = 0

  constructor (readonly child: ChildProcess) {
    const rl = readline.createInterface({ input: child.stdout! })
    this.ready = new Promise((resolve, reject) => {
      child.once('exit', code => reject(new Error(`devmeet-peer exited (${code}) before it was ready`)))
      rl.on('line', text => {
        let line: PeerLine
        try { line = JSON.parse(text) } catch { return }
        if (line.event === 'ready') { this.readyAt = performance.now(); resolve(line) }
        if (line.id != null && this.pending.has(line.id)) {
          const p = this.pending.get(line.id)!
          this.pending.delete(line.id)
          if (line.ok === true) p.resolve(line.result)
          else p.reject(new Error(line.error ?? 'command failed'))
        }
        for (const l of this.listeners) l(line)
      })
    })
    this.ready.catch(() => {})
  }

  static spawn (name: string, dataDir = benchDir()): HeadlessPeer {
    const child = spawn(process.execPath, [PEER_JS, '--data', dataDir, '--name', name, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, DEVMEET_LOG: 'error' }
    })
    return new HeadlessPeer(child)
  }

  /** Sends one command line; resolves with its result. */
  command (cmd: string, args: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n')
    })
  }

  onLine (listener: (line: PeerLine) => void): () => void {
    this.listeners.push(listener)
    return () => { this.listeners = this.listeners.filter(l => l !== listener) }
  }

  /** Resident set size in bytes (Linux /proc; `ps` elsewhere). */
  rss (): number {
    return rssOf(this.child.pid!)
  }

  async stop (): Promise<void> {
    if (this.child.exitCode != null) return
    const exited = new Promise(resolve => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}

export function rssOf (pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1])
    if (Number.isFinite(kb)) return kb * 1024
  } catch {}
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process')
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024
}
