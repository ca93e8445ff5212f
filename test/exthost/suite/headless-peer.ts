// A headless DevMeet peer (dist/peer.js) started from inside the extension host: loopback TCP,
// mDNS off, driven by its JSON lines. The extension host's own executable may be Electron, so the
// peer runs on the Node that started the tests (DEVMEET_TEST_NODE, set by test/exthost/run.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as readline from 'node:readline'

export interface HeadlessPeer {
  peerId: string
  address: string
  /** every JSON line it wrote */
  lines: any[]
  /** sends a command and resolves with its result (rejects with the peer's error) */
  call(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<any>
  /** the first line (seen or still to come) that matches */
  next(what: string, match: (line: any) => boolean, timeoutMs?: number): Promise<any>
  stop(): Promise<void>
}

export async function startHeadlessPeer (extensionPath: string, name: string): Promise<HeadlessPeer> {
  const node = process.env.DEVMEET_TEST_NODE ?? process.execPath
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-exthost-peer-'))
  const proc: ChildProcess = spawn(node, [
    path.join(extensionPath, 'dist/peer.js'), '--data', dir, '--name', name, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'
  ], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })
  const lines: any[] = []
  const stderr: string[] = []
  const waiters: Array<{ match: (l: any) => boolean, resolve: (l: any) => void }> = []
  readline.createInterface({ input: proc.stderr! }).on('line', text => {
    stderr.push(text)
    if (stderr.length > 50) stderr.shift()
  })
  readline.createInterface({ input: proc.stdout! }).on('line', text => {
    let line: any
    try { line = JSON.parse(text) } catch { return }
    lines.push(line)
    for (const w of [...waiters]) if (w.match(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
  })
  const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))

  const next = (what: string, match: (l: any) => boolean, timeoutMs = 30_000): Promise<any> => {
    const seen = lines.find(match)
    if (seen != null) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no line for ${what} within ${timeoutMs} ms; its log ends: ${stderr.slice(-5).join(' | ')}`)), timeoutMs)
      waiters.push({ match, resolve: l => { clearTimeout(timer); resolve(l) } })
    })
  }
  let nextId = 1
  const call = async (cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<any> => {
    const id = nextId++
    proc.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n')
    const answer = await next(`the answer to ${cmd}`, l => l.id === id, timeoutMs)
    if (answer.ok !== true) throw new Error(`${name} ${cmd}: ${answer.error}`)
    return answer.result
  }
  const stop = async (): Promise<void> => {
    if (proc.exitCode == null && proc.signalCode == null) {
      proc.kill('SIGTERM')
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const ready = await next('ready', l => l.event === 'ready' || l.event === 'error', 60_000)
    if (ready.event !== 'ready') throw new Error(`${name} did not start: ${JSON.stringify(ready)}`)
    return { peerId: ready.peerId, address: ready.address, lines, call, next, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Polls `check` until it holds; the error names what was awaited. */
export async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
