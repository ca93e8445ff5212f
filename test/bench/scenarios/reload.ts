// 9. Window reload → chat panel shows its history: a fresh process reads the conference and its
// chat log from disk (dist/stored-history.js, what a restored panel shows now), beside a fresh
// process that loads the core, starts the node and asks it (what a restored panel waited for
// before), both on the same data folder in the same run. Printed, not asserted.
import { execFile } from 'node:child_process'
import * as path from 'node:path'
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { benchDir, makeCore, startCore } from '../cores'
import { summarize } from '../stats'
import { sendBurst } from './throughput'

interface ChildResult { ms: number, count: number }

function reloadOnce (mode: 'stored' | 'node', dataDir: string, conferenceId: string): Promise<ChildResult> {
  const child = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'reload-child.cjs')
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [child, mode, dataDir, conferenceId], { timeout: 60_000 }, (err, stdout) => {
      const line = stdout.trim().split('\n').pop() ?? ''
      if (line === '') return reject(err ?? new Error('no output'))
      const parsed = JSON.parse(line)
      if (parsed.error != null) return reject(new Error(String(parsed.error).split('\n')[0]))
      resolve(parsed)
    })
  })
}

export async function reload (opts: BenchOptions): Promise<Row[]> {
  const n = opts.smoke ? 20 : 500
  const dataDir = benchDir()
  const core = makeCore('Reloader', dataDir)
  await startCore(core)
  let id: string
  try {
    ;({ context: { id } } = await core.conferences.create({ title: 'Reload bench', start: Date.now(), durationMinutes: 60, invitees: [] }))
    await core.chat.join(id)
    await sendBurst(core, id, 0, n)
  } finally {
    await core.stop()
  }
  const samples = opts.startupSamples
  const stored: number[] = []
  const viaNode: number[] = []
  const counts = new Set<number>()
  for (let i = 0; i < samples + 1; i++) {
    const s = await reloadOnce('stored', dataDir, id)
    const b = await reloadOnce('node', dataDir, id)
    counts.add(s.count).add(b.count)
    if (i === 0) continue // warm the file cache
    stored.push(s.ms)
    viaNode.push(b.ms)
  }
  const st = summarize(stored)
  const nd = summarize(viaNode)
  return [{
    scenario: '9',
    measure: `Reload → chat history ready to show (${n} messages; fresh process: load dist/stored-history.js, read the conference and log; ${samples} samples)`,
    unit: 'ms',
    devmeet: { p50: st.p50, max: st.max },
    baselines: [{ label: 'before: load dist/core.js, start the node, ask it for the history', figures: { p50: nd.p50, max: nd.max } }],
    ratio: st.p50 / nd.p50,
    note: counts.size === 1 && counts.has(n) ? undefined : `message counts seen: ${[...counts].join(', ')} (expected ${n})`
  }]
}
