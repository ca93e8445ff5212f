// 6. Start-up: the extension's activate() and activation → node listening (dist/extension.js in
// a fresh process with a stand-in 'vscode' module: test/bench/activate-child.cjs), and
// `devmeet-peer` from spawn to its ready line; beside them, `node -e 0`.
import { spawn, execFile } from 'node:child_process'
import * as path from 'node:path'
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { budget } from '../calibration'
import { HeadlessPeer } from '../processes'
import { benchDir } from '../cores'
import { summarize } from '../stats'

async function nodeNothing (): Promise<number> {
  const t0 = performance.now()
  await new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('exit', () => resolve()).once('error', reject))
  return performance.now() - t0
}

async function activateOnce (timeoutMs: number): Promise<Record<string, number>> {
  const child = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'activate-child.cjs')
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [child], { timeout: timeoutMs }, (err, stdout) => err != null && stdout === '' ? reject(err) : resolve(stdout))
  })
  const parsed = JSON.parse(out.trim().split('\n').pop()!)
  if (parsed.error != null) throw new Error(parsed.error.split('\n')[0])
  return parsed.timings
}

export async function startup (opts: BenchOptions): Promise<Row[]> {
  const n = opts.startupSamples
  const baseline: number[] = []
  const activate: number[] = []
  const listening: number[] = []
  const requires: number[] = []
  const peer: number[] = []
  const dataDir = benchDir()
  const warm = opts.smoke ? 0 : 1
  for (let i = 0; i < warm + n; i++) {
    const b = await nodeNothing()
    const t = await activateOnce(budget(opts, 60_000))
    const p = HeadlessPeer.spawn('Startup', dataDir)
    await p.ready
    const peerMs = p.readyAt - p.spawnedAt
    await p.stop()
    if (i < warm) continue
    baseline.push(b)
    activate.push(t.activateMs)
    listening.push(t.nodeRunningMs)
    requires.push(t.requireMs)
    peer.push(peerMs)
  }
  const base = summarize(baseline)
  const act = summarize(activate)
  const lis = summarize(listening)
  const req = summarize(requires)
  const pr = summarize(peer)
  const nodeBase = [{ label: '`node -e 0` (spawn → exit)', figures: { p50: base.p50 } }]
  return [
    {
      scenario: '6',
      where: 'a fresh process per sample',
      measure: `activate() call → return (dist/extension.js with a stand-in vscode module, ${n} fresh processes; require of the bundle took p50 ${req.p50.toFixed(1)} ms more)`,
      unit: 'ms',
      devmeet: { p50: act.p50, max: act.max },
      baselines: nodeBase,
      target: '< 20 ms',
      met: act.max < 20
    },
    {
      scenario: '6',
      where: 'a fresh process per sample',
      measure: 'activate() call → node listening (core.js loaded lazily, TCP + WebRTC, mDNS off)',
      unit: 'ms',
      devmeet: { p50: lis.p50, max: lis.max },
      baselines: nodeBase,
      target: '< 500 ms',
      met: lis.p50 < 500
    },
    {
      scenario: '6',
      where: 'a fresh process per sample',
      measure: '`devmeet-peer` spawn → ready line',
      unit: 'ms',
      devmeet: { p50: pr.p50, max: pr.max },
      baselines: nodeBase,
      ratio: pr.p50 / base.p50
    }
  ]
}
