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

/**
 * The heavy parts of libp2p that a node may never use stay out of core.js and peer.js, loaded from
 * beside the bundle when first needed:
 * - @libp2p/webrtc (with its certificate stack) becomes dist/libp2p-webrtc.js; node.ts imports it
 *   only when WebRTC is on.
 * - @libp2p/kad-dht's precomputed prefix table (65,536 numbers, used only by a routing-table
 *   refresh) becomes dist/kad-dht-prefixes.bin, read on first use.
 */
const WEBRTC_BUNDLE = 'libp2p-webrtc.js'
const PREFIX_TABLE = 'kad-dht-prefixes.bin'
const lazyParts = {
  name: 'lazy-parts',
  setup (build) {
    // `import()` becomes require() (supported below): the file beside the bundle, loaded synchronously like the rest.
    build.initialOptions.supported = { ...build.initialOptions.supported, 'dynamic-import': false }
    build.onResolve({ filter: /^@libp2p\/webrtc$/ }, () => ({ path: './' + WEBRTC_BUNDLE, external: true }))
    build.onLoad({ filter: /kad-dht[\\/]dist[\\/]src[\\/]routing-table[\\/]generated-prefix-list\.js$/ }, args => ({
      loader: 'js',
      ...writePrefixTable(args.path),
      contents: `
        import { readFileSync } from 'node:fs'
        import { join } from 'node:path'
        let table
        const at = i => {
          table ??= readFileSync(join(__dirname, ${JSON.stringify(PREFIX_TABLE)}))
          return i * 4 + 4 <= table.length ? table.readUInt32LE(i * 4) : undefined
        }
        // Indexed like the array it replaces (GENERATED_PREFIXES[prefix]).
        export default new Proxy([], { get: (target, key) => typeof key === 'string' && /^\\d+$/.test(key) ? at(Number(key)) : target[key] })
      `
    }))
  }
}

/** Writes the kad-dht prefix table (the module at `file`) as little-endian uint32s, read back by the stand-in above. */
function writePrefixTable (file) {
  const source = fs.readFileSync(file, 'utf8')
  const numbers = source.slice(source.indexOf('['), source.lastIndexOf(']')).match(/\d+/g).map(Number)
  if (numbers.length !== 65536) throw new Error(`the kad-dht prefix table has ${numbers.length} entries, not 65,536`)
  const table = Buffer.alloc(numbers.length * 4)
  numbers.forEach((n, i) => table.writeUInt32LE(n, i * 4))
  fs.mkdirSync('dist', { recursive: true })
  fs.writeFileSync(path.join('dist', PREFIX_TABLE), table)
  return {}
}

/**
 * npm installs one copy of a package per dependent when it cannot hoist it (uint8arrays 6.1.1 sits
 * under some 20 libp2p packages because the top level holds 5.1.1): each copy would be bundled and
 * initialised again. For these packages every import of a name@version resolves to the first copy
 * seen. Only pure-ESM packages whose own imports are ESM: a path a plugin returns loses its
 * package's "type", which changes how an import of a CommonJS module's default is bound (tslib).
 */
const DEDUPED = new Set(['uint8arrays', 'uint8arraylist', 'uint8-varint', 'protons-runtime', 'multiformats'])
const dedupePackages = {
  name: 'dedupe-packages',
  setup (build) {
    const firstRoot = new Map()
    const versions = new Map()
    const versionAt = root => {
      if (!versions.has(root)) {
        let version
        try { version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version } catch {}
        versions.set(root, version)
      }
      return versions.get(root)
    }
    const names = [...DEDUPED].map(n => n.replace(/[-/]/g, '\\$&')).join('|')
    build.onResolve({ filter: new RegExp(`^(${names})(/|$)`) }, async args => {
      if (args.pluginData?.deduped === true) return undefined
      const result = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { deduped: true } })
      if (result.errors.length > 0 || result.external || result.namespace !== 'file') return undefined
      const marker = `${path.sep}node_modules${path.sep}`
      const at = result.path.lastIndexOf(marker)
      if (at < 0) return undefined
      const name = result.path.slice(at + marker.length).split(path.sep)[0]
      const root = path.join(result.path.slice(0, at + marker.length), name)
      const version = versionAt(root)
      if (version == null) return undefined
      const key = `${name}@${version}`
      if (!firstRoot.has(key)) firstRoot.set(key, root)
      const first = firstRoot.get(key)
      if (first === root) return undefined
      return { path: path.join(first, path.relative(root, result.path)), sideEffects: result.sideEffects }
    })
  }
}

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [...node.plugins, dedupePackages] },
  { ...node, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js', plugins: [...node.plugins, lazyParts, dedupePackages] },
  {
    ...node,
    stdin: { contents: "export * from '@libp2p/webrtc'", resolveDir: __dirname, sourcefile: 'libp2p-webrtc.js' },
    outfile: path.join('dist', WEBRTC_BUNDLE),
    plugins: [...node.plugins, dedupePackages]
  },
  // The chat history on disk, read without libp2p: what a restored chat panel shows at once.
  { ...node, entryPoints: ['src/core/chat/stored-history.ts'], outfile: 'dist/stored-history.js', plugins: [...node.plugins, dedupePackages] },
  { ...node, entryPoints: ['src/cli/peer.ts'], outfile: 'dist/peer.js', banner: { js: '#!/usr/bin/env node\n' + node.banner.js }, plugins: [...node.plugins, lazyParts, dedupePackages] },
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

/**
 * Copies node-datachannel (WebRTC's native part, prebuilt per platform) beside the bundles, so
 * `require('node-datachannel')` from dist/ resolves inside the .vsix without shipping node_modules.
 */
function copyNativeModules () {
  const target = path.join('dist', 'node_modules')
  fs.rmSync(target, { recursive: true, force: true })
  const copy = (from, to) => fs.cpSync(from, path.join(target, to ?? from.replace(/^node_modules[\\/]/, '')), { recursive: true, dereference: true })
  const ndc = 'node_modules/node-datachannel'
  fs.mkdirSync(path.join(target, 'node-datachannel/dist'), { recursive: true })
  fs.copyFileSync(path.join(ndc, 'package.json'), path.join(target, 'node-datachannel/package.json'))
  copy(path.join(ndc, 'dist/cjs'), 'node-datachannel/dist/cjs')
  const scoped = 'node_modules/@node-datachannel'
  for (const platform of fs.existsSync(scoped) ? fs.readdirSync(scoped) : []) copy(path.join(scoped, platform))
  copy('node_modules/detect-libc')
}

async function main () {
  const present = builds.filter(b => b.stdin != null || fs.existsSync(b.entryPoints[0]))
  if (watch) {
    for (const b of present) await (await esbuild.context(b)).watch()
    return
  }
  await Promise.all(present.map(b => esbuild.build(b)))
  copyNativeModules()
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
