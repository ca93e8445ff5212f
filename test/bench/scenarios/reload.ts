// 9. Window reload → chat panel shows its history, measured through the extension: a fresh process
// loads dist/extension.js (stand-in vscode module), activates it and restores a chat panel through
// its serializer, as VS Code does after a reload; timed until the panel is sent its history
// (reload-extension-child.cjs). Beside it, on the same data folder in the same run: the stored
// history reader alone (dist/stored-history.js) and the path before it (load dist/core.js, start
// the node, ask it). Not included: the workbench's own reload and the page's load in the webview.
import { execFile } from 'node:child_process'
import * as path from 'node:path'
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { budget } from '../calibration'
import { benchDir, makeCore, startCore } from '../cores'
import { summarize } from '../stats'
import { sendBurst } from './throughput'

interface ChildResult { ms: number, count: number, activation?: { coreLoadedMs?: number } }

function reloadOnce (mode: 'stored' | 'node' | 'extension', dataDir: string, conferenceId: string, timeoutMs: number): Promise<ChildResult> {
  const here = path.dirname(new URL(import.meta.url).pathname)
  const args = mode === 'extension'
    ? [path.join(here, '..', 'reload-extension-child.cjs'), dataDir, conferenceId, String(Math.round(timeoutMs / 3))]
    : [path.join(here, '..', 'reload-child.cjs'), mode, dataDir, conferenceId]
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs }, (err, stdout) => {
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
  const viaExtension: number[] = []
  const coreLoaded: number[] = []
  const stored: number[] = []
  const viaNode: number[] = []
  const counts = new Set<number>()
  for (let i = 0; i < samples + 1; i++) {
    const timeout = budget(opts, 60_000)
    const e = await reloadOnce('extension', dataDir, id, timeout)
    const s = await reloadOnce('stored', dataDir, id, timeout)
    const b = await reloadOnce('node', dataDir, id, timeout)
    counts.add(e.count).add(s.count).add(b.count)
    if (i === 0) continue // warm the file cache
    viaExtension.push(e.ms)
    if (e.activation?.coreLoadedMs != null) coreLoaded.push(e.activation.coreLoadedMs)
    stored.push(s.ms)
    viaNode.push(b.ms)
  }
  const ex = summarize(viaExtension)
  const st = summarize(stored)
  const nd = summarize(viaNode)
  return [{
    scenario: '9',
    where: 'a fresh process per sample',
    measure: `Reload → chat panel sent its history through the extension (${n} messages; require dist/extension.js, activate(), restore the panel; ${samples} samples)`,
    unit: 'ms',
    devmeet: { p50: ex.p50, max: ex.max },
    baselines: [
      { label: 'the stored-history reader alone (dist/stored-history.js)', figures: { p50: st.p50, max: st.max } },
      { label: 'before: load dist/core.js, start the node, ask it for the history', figures: { p50: nd.p50, max: nd.max } }
    ],
    ratio: ex.p50 / nd.p50,
    target: '< 1 s',
    met: ex.max < 1000,
    note: [
      // The history is read while activate() loads the core and starts the node: they share the event loop.
      coreLoaded.length > 0 ? `the core was loaded p50 ${summarize(coreLoaded).p50.toFixed(0)} ms after activate()` : undefined,
      counts.size === 1 && counts.has(n) ? undefined : `message counts seen: ${[...counts].join(', ')} (expected ${n})`
    ].filter(x => x != null).join('; ') || undefined
  }]
}
