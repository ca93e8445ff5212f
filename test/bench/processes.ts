// Child processes of the benchmark, spoken to in JSON lines: headless peers (dist/peer.js) and bare
// libp2p nodes (bare-peer.ts), one per process. Scenarios build meetings of them with
// process-meeting.ts.
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import { buildSync } from 'esbuild'
import { PEER_JS, REPO } from './paths'
import { benchDir } from './cores'

export interface PeerLine { event?: string, id?: number, ok?: boolean, result?: any, error?: string, [k: string]: any }

/** A child process that prints JSON lines, one of them {event:'ready'}, and answers {id, cmd} lines. */
export class LineChild {
  readonly ready: Promise<PeerLine>
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>()
  private listeners: Array<(line: PeerLine) => void> = []
  readonly spawnedAt = performance.now()
  readyAt = 0

  constructor (readonly child: ChildProcess, what = 'a child process') {
    const rl = readline.createInterface({ input: child.stdout! })
    child.once('exit', code => {
      for (const p of this.pending.values()) p.reject(new Error(`${what} exited (${code})`))
      this.pending.clear()
    })
    this.ready = new Promise((resolve, reject) => {
      child.once('exit', code => reject(new Error(`${what} exited (${code}) before it was ready`)))
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

  /** Sends one command line; resolves with its result. */
  command (cmd: string, args: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n')
    })
  }

  /** Writes a command without waiting for its answer (the answer still reaches onLine listeners). */
  post (cmd: string, args: Record<string, unknown> = {}): void {
    this.child.stdin!.write(JSON.stringify({ id: -1, cmd, ...args }) + '\n')
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
    if (this.child.exitCode != null || this.child.signalCode != null) return
    const exited = new Promise(resolve => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}

export interface PeerSpawnOptions {
  /** more devmeet-peer arguments, e.g. ['--webrtc'] */
  args?: string[]
  env?: Record<string, string>
}

let profiledPeers = 0

/** A running `devmeet-peer` (dist/peer.js) with its ready line ({peerId, address, addrs}). */
export class HeadlessPeer extends LineChild {
  constructor (child: ChildProcess, readonly name = 'devmeet-peer') {
    super(child, `devmeet-peer ${name}`)
  }

  static spawn (name: string, dataDir = benchDir(), options: PeerSpawnOptions = {}): HeadlessPeer {
    // BENCH_PROFILE_DIR=dir with BENCH_PROFILE_PEERS=k: the first k peers spawned write a CPU profile
    // there (profiling all of a 100-peer mesh slows its setup past the answers' deadlines)
    const profiled = process.env.BENCH_PROFILE_DIR != null && profiledPeers++ < Number(process.env.BENCH_PROFILE_PEERS ?? 0)
    const profile = profiled ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR!}` } : {}
    const child = spawn(process.execPath, [PEER_JS, '--data', dataDir, '--name', name, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', ...(options.args ?? [])], {
      stdio: ['pipe', 'pipe', process.env.BENCH_DEBUG != null ? 'inherit' : 'ignore'],
      // BENCH_PEER_LOG (with BENCH_DEBUG) shows the peers' own log at that level, e.g. debug
      env: { ...process.env, DEVMEET_LOG: process.env.BENCH_PEER_LOG ?? 'error', ...profile, ...options.env }
    })
    return new HeadlessPeer(child, name)
  }
}

const bundles = new Map<string, string>()

/**
 * A script of test/bench (e.g. 'bare-peer.ts') as one minified CommonJS file, built once per run,
 * so a baseline process runs as dist/peer.js does: plain node, one file, no TypeScript loader.
 */
export function bundledScript (script: string): string {
  const built = bundles.get(script)
  if (built != null) return built
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'devmeet-bench-bundle-')), script.replace(/\.ts$/, '.cjs'))
  buildSync({
    entryPoints: [path.join(REPO, 'test', 'bench', script)],
    outfile: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    minify: true,
    logLevel: 'warning',
    // The same settings as esbuild.js gives dist/peer.js.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    mainFields: ['module', 'main'],
    conditions: ['node', 'import']
  })
  process.on('exit', () => { rmSync(path.dirname(out), { recursive: true, force: true }) })
  bundles.set(script, out)
  return out
}

/** bare-peer.ts bundled (bundledScript). */
export function bareBundlePath (): string {
  return bundledScript('bare-peer.ts')
}

/** A bare libp2p node (TCP, noise, yamux; '/bench/1.0.0' frames) in its own process: bare-peer.ts. */
export class BareProcess extends LineChild {
  static spawn (): BareProcess {
    const child = spawn(process.execPath, [bareBundlePath()], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', process.env.BENCH_DEBUG != null ? 'inherit' : 'ignore']
    })
    return new BareProcess(child, 'a bare libp2p process')
  }

  /** Its listen address (after ready). */
  async addr (): Promise<string> {
    return (await this.ready).addr
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
