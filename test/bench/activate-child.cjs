// Start-up of the packaged extension outside VS Code: loads dist/extension.js with a minimal
// stand-in for the 'vscode' module (vscode-stand-in.cjs, for this measurement only), calls
// activate(), waits until the node listens, prints the timings as one JSON line.
// Plain CommonJS run by plain node, so no TypeScript loader sits in the measured require().
'use strict'
const path = require('node:path')
const fs = require('node:fs')
const os = require('node:os')
const { installVscode } = require('./vscode-stand-in.cjs')

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devmeet-bench-activate-'))
const { context, logLines, repo } = installVscode(dataDir)

async function main () {
  const t0 = performance.now()
  const ext = require(path.join(repo, 'dist', 'extension.js'))
  const requireMs = performance.now() - t0
  const api = ext.activate(context)
  await api.ready
  const until = Date.now() + 20_000
  while (api.timings.nodeRunningMs == null && Date.now() < until) {
    if (api.status().state === 'failed') throw new Error(`node failed: ${api.status().error}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  const timings = { requireMs, ...api.timings, status: api.status().state }
  await ext.deactivate()
  for (const d of context.subscriptions) { try { d.dispose?.() } catch {} }
  fs.rmSync(dataDir, { recursive: true, force: true })
  process.stdout.write(JSON.stringify({ timings, log: logLines.filter(l => /activate\(\)|error/.test(l)) }) + '\n')
  process.exit(0)
}

main().catch(err => {
  process.stdout.write(JSON.stringify({ error: String(err && err.stack || err), log: logLines }) + '\n')
  process.exit(1)
})
