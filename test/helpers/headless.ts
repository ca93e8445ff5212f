// Headless peers (dist/peer.js, as users run it) in child processes, read through their JSON lines.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import * as readline from 'node:readline'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const PEER = path.join(ROOT, 'dist/peer.js')

export interface HeadlessPeer {
  proc: ChildProcess
  lines: any[]
  /** the last lines the peer wrote to stderr (its log), for failure messages */
  stderr: string[]
  send(cmd: Record<string, unknown> | string): void
  next(match: (line: any) => boolean, timeoutMs?: number): Promise<any>
}

export const running: ChildProcess[] = []

export interface SpawnOptions {
  /** run the peer inside this network namespace (`ip netns exec`; needs root) */
  netns?: string
  /** extra environment variables, e.g. DEVMEET_LOG */
  env?: Record<string, string>
  /** another build of the peer, e.g. a copy of dist/ with the WebRTC binary removed */
  script?: string
}

/** Spawns dist/peer.js (as users run it) with the project's Node and reads its JSON lines. */
export function spawnPeer (args: string[], opts: SpawnOptions = {}): HeadlessPeer {
  const argv = [process.execPath, opts.script ?? PEER, ...args]
  if (opts.netns != null) argv.unshift('ip', 'netns', 'exec', opts.netns)
  const env = opts.env != null ? { ...process.env, ...opts.env } : undefined
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env })
  running.push(proc)
  const lines: any[] = []
  const stderr: string[] = []
  // Drained, so a chatty log never fills the pipe and stalls the peer.
  readline.createInterface({ input: proc.stderr! }).on('line', text => {
    stderr.push(text)
    if (stderr.length > 200) stderr.shift()
  })
  // A test may write to a peer it has just killed (kill -9 mid-burst): the broken pipe is the
  // expected end of that peer, not an uncaught error of the test; it is kept for failure messages.
  proc.stdin!.on('error', (err: NodeJS.ErrnoException) => { stderr.push(`(its input closed: ${err.code ?? err.message})`) })
  const waiters: Array<{ match: (l: any) => boolean, resolve: (l: any) => void }> = []
  readline.createInterface({ input: proc.stdout! }).on('line', text => {
    const line = JSON.parse(text)
    lines.push(line)
    for (const w of [...waiters]) if (w.match(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
  })
  return {
    proc,
    lines,
    stderr,
    send (cmd) { proc.stdin!.write((typeof cmd === 'string' ? cmd : JSON.stringify(cmd)) + '\n') },
    next (match, timeoutMs = 20_000) {
      const seen = lines.find(match)
      if (seen != null) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no such line from the peer')), timeoutMs)
        waiters.push({ match, resolve: l => { clearTimeout(timer); resolve(l) } })
      })
    }
  }
}

/** Builds dist/peer.js when it is missing. */
export function ensurePeerBuilt (): void {
  if (!existsSync(PEER)) execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'ignore' })
}

/**
 * SIGTERMs every spawned peer that is still running and waits until each has exited (SIGKILL after
 * 5 s): a peer writes its files as it stops, and a test must not remove its folder meanwhile.
 */
export async function stopAllPeers (): Promise<void> {
  await Promise.all(running.map(async p => {
    if (p.exitCode != null || p.signalCode != null) return
    const exited = new Promise<void>(resolve => p.once('exit', () => resolve()))
    p.kill('SIGTERM')
    const killer = setTimeout(() => p.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  }))
}
