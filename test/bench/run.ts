// `npm run bench`: real DevMeet cores on loopback beside bare libp2p and TCP baselines, measured
// in the same run. Prints a markdown table and writes the same figures as JSON. Asserts nothing
// about time: the targets are printed as met / not met.
import { existsSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { REPO } from './paths'
import { parseBenchArgs, type BenchOptions } from './options'
import { failedRow, machine, markdown, type Row } from './report'
import { removeBenchDirs } from './cores'
import { calibrate } from './calibration'
import { latency } from './scenarios/latency'
import { throughput } from './scenarios/throughput'
import { catchup } from './scenarios/catchup'
import { invitation } from './scenarios/invitation'
import { startup } from './scenarios/startup'
import { size } from './scenarios/size'
import { fanout } from './scenarios/fanout'
import { memory } from './scenarios/memory'
import { reload } from './scenarios/reload'

interface Scenario {
  n: number
  name: string
  run: (opts: BenchOptions) => Promise<Row[]>
}

const scenarios: Scenario[] = [
  { n: 1, name: 'Delivery latency', run: latency },
  { n: 2, name: 'Fan-out', run: fanout },
  { n: 3, name: 'Throughput', run: throughput },
  { n: 4, name: 'Catch-up', run: catchup },
  { n: 5, name: 'Invitation round trip', run: invitation },
  { n: 6, name: 'Start-up', run: startup },
  { n: 7, name: 'Memory', run: memory },
  { n: 8, name: 'Size', run: size },
  { n: 9, name: 'Reload → chat history', run: reload }
]

async function main (): Promise<void> {
  const opts = parseBenchArgs(process.argv.slice(2))
  ensureBuilt()
  const m = machine()
  const cal = calibrate()
  opts.slowdown = cal.slowdown
  m.slowdown = cal.ratio
  process.stderr.write(`bench: calibration ${cal.ms.toFixed(1)} ms (waits × ${cal.slowdown.toFixed(2)})\n`)
  const rows: Row[] = []
  const started = performance.now()
  for (const s of scenarios) {
    if (!opts.only.has(s.n)) continue
    const t = performance.now()
    process.stderr.write(`bench: ${s.n}. ${s.name}…\n`)
    try {
      rows.push(...await s.run(opts))
    } catch (err: any) {
      process.stderr.write(`bench: ${s.n}. ${s.name} failed: ${err?.stack ?? err}\n`)
      rows.push(failedRow(String(s.n), s.name, err))
    }
    process.stderr.write(`bench: ${s.n}. ${s.name} took ${((performance.now() - t) / 1000).toFixed(1)} s\n`)
  }
  removeBenchDirs()
  const mode = opts.smoke ? 'smoke run, tiny sizes: figures are not meaningful' : 'full run'
  process.stdout.write(markdown(m, rows, mode) + '\n')
  writeFileSync(opts.out, JSON.stringify({ machine: m, mode, seconds: (performance.now() - started) / 1000, options: { ...opts, only: [...opts.only] }, rows }, null, 2) + '\n')
  process.stderr.write(`bench: figures written to ${opts.out} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
  // Libraries may keep handles (timers, sockets) after stop: the run is over, so end the process.
  process.exit(rows.some(r => r.note?.startsWith('not measured') === true) ? 1 : 0)
}

/** The headless peer, start-up and size scenarios run the bundles: build them when missing (`npm run bench` builds first). */
function ensureBuilt (): void {
  const needed = ['extension.js', 'core.js', 'peer.js'].map(f => path.join(REPO, 'dist', f))
  if (needed.every(f => existsSync(f))) return
  process.stderr.write('bench: dist/ is missing; building it\n')
  execFileSync(process.execPath, [path.join(REPO, 'esbuild.js'), '--production'], { cwd: REPO, stdio: 'inherit' })
}

void main()
