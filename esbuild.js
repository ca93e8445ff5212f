// Builds DevMeet: the extension (small, loads fast), the core (libp2p, loaded after activate()
// returns), the headless peer, and the chat page's browser script.
const esbuild = require('esbuild')
const fs = require('node:fs')
const path = require('node:path')

const production = process.argv.includes('--production')
const watch = process.argv.includes('--watch')

/** Prints start/end markers that the F5 problem matcher in .vscode/tasks.json waits for. */
const problemMatcher = {
  name: 'problem-matcher',
  setup (build) {
    build.onStart(() => console.log('[watch] build started'))
    build.onEnd(result => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`)
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`)
      }
      console.log('[watch] build finished')
    })
  }
}

const node = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  // libp2p is ESM; in a CJS bundle import.meta.url must come from the bundle's own file.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  external: ['vscode', 'node-datachannel', 'react-native-webrtc'],
  mainFields: ['module', 'main'],
  conditions: ['node', 'import'],
  plugins: watch ? [problemMatcher] : []
}

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' },
  { ...node, entryPoints: ['src/cli/peer.ts'], outfile: 'dist/peer.js', banner: { js: '#!/usr/bin/env node\n' + node.banner.js } },
  {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    entryPoints: ['src/webview/chat.ts'],
    outfile: 'dist/webview/chat.js',
    plugins: watch ? [problemMatcher] : []
  }
]

async function main () {
  const present = builds.filter(b => fs.existsSync(b.entryPoints[0]))
  if (watch) {
    for (const b of present) await (await esbuild.context(b)).watch()
    return
  }
  await Promise.all(present.map(b => esbuild.build(b)))
  fs.chmodSync('dist/peer.js', 0o755)
  for (const b of present) {
    const size = fs.statSync(b.outfile).size
    console.log(`${path.relative('.', b.outfile).padEnd(24)} ${(size / 1024).toFixed(1).padStart(8)} KiB`)
  }
  const total = present.reduce((n, b) => n + fs.statSync(b.outfile).size, 0)
  console.log(`${'total'.padEnd(24)} ${(total / 1024).toFixed(1).padStart(8)} KiB${production ? ' (minified)' : ''}`)
}

main().catch(err => {
  console.error(err)
  process.exit(1)
})
