// 8. Size: the bundles (production build) and the packaged .vsix (this machine's and every platform's), in bytes.
// Beside the core bundles: a bare libp2p node (TCP, noise, yamux) bundled the same way, what
// libp2p alone weighs. dist/libp2p-webrtc.js is loaded only when WebRTC is on, and
// dist/kad-dht-prefixes.bin is read (as data, not parsed as code) by the DHT's routing-table refresh.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import type { BenchOptions } from '../options'
import type { Row } from '../report'
import { REPO } from '../paths'
import { bareBundlePath } from '../processes'

const MB = 1024 * 1024

export async function size (opts: BenchOptions): Promise<Row[]> {
  const rows: Row[] = []
  const dist = path.join(REPO, 'dist')
  const bundles = readdirSync(dist).filter(f => f.endsWith('.js') || f.endsWith('.bin')).map(f => path.join(dist, f))
  const chat = path.join(dist, 'webview', 'chat.js')
  if (existsSync(chat)) bundles.push(chat)
  const bare = statSync(bareBundlePath()).size
  const whenUsed: Record<string, string> = {
    'dist/libp2p-webrtc.js': 'loaded by core.js and peer.js only when WebRTC is on',
    'dist/kad-dht-prefixes.bin': "the DHT's prefix table as data, read at its first routing-table refresh instead of parsed as code",
    'dist/stored-history.js': 'loaded by the extension to show a restored chat panel',
    'dist/webview/chat.js': "the chat page's script, in the webview"
  }
  for (const file of bundles) {
    const bytes = statSync(file).size
    const name = path.relative(REPO, file)
    // extension.js loads core.js after activate(); both are what the extension runs. peer.js is the core with the CLI.
    const judged = name === 'dist/extension.js' || name === 'dist/core.js' || name === 'dist/peer.js'
    const libp2p = name === 'dist/core.js' || name === 'dist/peer.js'
    rows.push({
      scenario: '8',
      measure: `${name.endsWith('.js') ? 'Bundle' : 'File'} ${name}${name.endsWith('.js') ? ' (minified)' : ''}`,
      unit: 'bytes',
      devmeet: { value: bytes },
      baselines: libp2p ? [{ label: 'a bare libp2p node (TCP, noise, yamux), bundled the same way', figures: { value: bare } }] : [],
      ratio: libp2p ? bytes / bare : undefined,
      target: judged ? '< 1.5 MB' : undefined,
      met: judged ? bytes < 1.5 * MB : undefined,
      note: whenUsed[name]
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
