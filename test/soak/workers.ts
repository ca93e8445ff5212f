// The parent's side of test/soak/worker.ts: spawn a process of DevMeet cores and send it commands.
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import * as readline from 'node:readline'

const WORKER = path.join(import.meta.dirname, 'worker.ts')

export interface CoreInfo { name: string, peerId: string, address: string, addrs: string[] }

export class CoreWorker {
  readonly ready: Promise<{ pid: number, cores: CoreInfo[] }>
  /** event lines (warnings, unhandled rejections) */
  readonly events: any[] = []
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>()
  stderr = ''

  private constructor (readonly child: ChildProcess) {
    const rl = readline.createInterface({ input: child.stdout! })
    child.stderr!.on('data', d => { this.stderr = (this.stderr + String(d)).slice(-20_000) })
    this.ready = new Promise((resolve, reject) => {
      child.once('exit', code => {
        reject(new Error(`a core worker exited (${code}) before it was ready: ${this.stderr}`))
        for (const p of this.pending.values()) p.reject(new Error(`the core worker exited (${code})`))
        this.pending.clear()
      })
      rl.on('line', text => {
        let line: any
        try { line = JSON.parse(text) } catch { return }
        if (line.event === 'ready') resolve(line)
        else if (line.event != null) this.events.push(line)
        if (line.id != null && this.pending.has(line.id)) {
          const p = this.pending.get(line.id)!
          this.pending.delete(line.id)
          if (line.ok === true) p.resolve(line.result)
          else p.reject(new Error(line.error ?? 'command failed'))
        }
      })
    })
    this.ready.catch(() => {})
  }

  /** A new process with `cores` DevMeet cores named `${prefix}0`… on 127.0.0.1, data under `dir`. */
  static spawn (cores: number, prefix: string, dir: string, log?: string): CoreWorker {
    const args = ['--expose-gc', '--import', 'tsx', WORKER, '--cores', String(cores), '--prefix', prefix, '--dir', dir]
    if (log != null) args.push('--log', log)
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    return new CoreWorker(child)
  }

  command<T = any> (cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (this.child.exitCode != null) return reject(new Error('the core worker has exited'))
      this.pending.set(id, { resolve, reject })
      this.child.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n')
    })
  }

  async stop (): Promise<void> {
    if (this.child.exitCode != null || this.child.signalCode != null) return
    const exited = new Promise(resolve => this.child.once('exit', resolve))
    this.child.stdin!.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
}
