// 8. Size: the bundles (production build) and the packaged .vsix (this machine's and every platform's), in bytes.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { REPO } from '../paths'

const MB = 1024 * 1024

export async function size (opts: BenchOptions): Promise<Row[]> {
  const rows: Row[] = []
  const dist = path.join(REPO, 'dist')
  const bundles = readdirSync(dist).filter(f => f.endsWith('.js')).map(f => path.join(dist, f))
  const chat = path.join(dist, 'webview', 'chat.js')
  if (existsSync(chat)) bundles.push(chat)
  for (const file of bundles) {
    const bytes = statSync(file).size
    const name = path.relative(REPO, file)
    // extension.js loads core.js after activate(); both are what the extension runs.
    const judged = name === 'dist/extension.js' || name === 'dist/core.js'
    rows.push({
      scenario: '8',
      measure: `Bundle ${name} (minified)`,
      unit: 'bytes',
      devmeet: { value: bytes },
      baselines: [],
      target: judged ? '< 1.5 MB' : undefined,
      met: judged ? bytes < 1.5 * MB : undefined
    })
  }
  let note: string | undefined
  if (opts.packageVsix) {
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 })
    if (r.status !== 0) note = `npm run package failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}`
  } else {
    note = 'not rebuilt (--no-package): the devmeet.vsix found'
  }
  const vsix = path.join(REPO, 'devmeet.vsix')
  if (existsSync(vsix)) {
    const bytes = statSync(vsix).size
    rows.push({ scenario: '8', measure: 'devmeet.vsix', unit: 'bytes', devmeet: { value: bytes }, baselines: [], target: '< 6 MB', met: bytes < 6 * MB, note })
  } else {
    rows.push({ scenario: '8', measure: 'devmeet.vsix', unit: 'bytes', devmeet: {}, baselines: [], target: '< 6 MB', met: null, note: note ?? 'no devmeet.vsix' })
  }
  // One package per platform (scripts/package.ts): each has its own WebRTC binary, each must fit.
  for (const file of readdirSync(REPO).filter(f => /^devmeet-.+\.vsix$/.test(f)).sort()) {
    const bytes = statSync(path.join(REPO, file)).size
    rows.push({ scenario: '8', measure: file, unit: 'bytes', devmeet: { value: bytes }, baselines: [], target: '< 6 MB', met: bytes < 6 * MB })
  }
  return rows
}
