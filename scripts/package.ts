// `npm run package`: one DevMeet package per VS Code platform target, each with that platform's
// WebRTC binary (node-datachannel's prebuild), plus a universal one without WebRTC:
//
//   devmeet-<target>.vsix   linux-x64, linux-arm64, alpine-x64, alpine-arm64, darwin-x64,
//                           darwin-arm64, win32-x64, win32-arm64 (linux-armhf: no prebuild exists)
//   devmeet-universal.vsix  no native module: any other target; WebRTC shows as unavailable
//   devmeet.vsix            this machine's package (a copy of one of the above), as before, for
//                           `code --install-extension devmeet.vsix`, npm start and the e2e tests
//
// Each package is checked after it is written (scripts/lib/check-package.ts). Options:
//   --target T   only this target (repeatable; `universal` for the universal one); devmeet.vsix
//                is still written when the local target is among them
//   --no-build   package the dist/ already built
// See docs/PLATFORMS.md for which package goes where and how to publish them.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { createVSIX } from '@vscode/vsce'
import { TARGETS, UNIVERSAL, localTarget, vsixName } from './lib/targets'
import { ensurePrebuilds, type Prebuild } from './lib/prebuilds'
import { checkPackage, type PackageReport } from './lib/check-package'

const ROOT = path.resolve(import.meta.dirname, '..')
/** What vsce packages from (with .vscodeignore): a copy, so dist/ is never changed under a running test. */
const STAGE = path.join(ROOT, '.cache/package/stage')

async function main (): Promise<void> {
  const t0 = Date.now()
  const { values } = parseArgs({ options: { target: { type: 'string', multiple: true }, 'no-build': { type: 'boolean' } }, strict: true })
  const known = [...TARGETS.map(t => t.target), UNIVERSAL]
  const wanted = values.target ?? known
  for (const t of wanted) if (!known.includes(t)) throw new Error(`unknown target ${t}; known: ${known.join(', ')}`)
  const targets = TARGETS.filter(t => wanted.includes(t.target))

  if (values['no-build'] !== true) execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: ROOT, stdio: 'inherit' })
  const prebuilds = ensurePrebuilds(ROOT, targets.flatMap(t => t.prebuild != null ? [t.prebuild] : []), line => console.log(`package: ${line}`))
  stage()

  const reports: Array<PackageReport & { seconds: number }> = []
  const write = async (target: string, prebuild: Prebuild | undefined): Promise<void> => {
    const started = Date.now()
    placeBinary(prebuild)
    const out = path.join(ROOT, vsixName(target))
    rmSync(out, { force: true })
    await quietly(() => createVSIX({
      cwd: STAGE,
      packagePath: out,
      ...(target !== UNIVERSAL ? { target } : {}),
      // The bundles carry every JS dependency; the native module is placed under dist/ by hand.
      dependencies: false,
      rewriteRelativeLinks: false
    }))
    reports.push({ ...checkPackage(out, target), seconds: (Date.now() - started) / 1000 })
  }
  for (const t of targets) {
    if (t.prebuild == null) {
      console.log(`package: ${t.target}: node-datachannel publishes no prebuild for it; it takes ${vsixName(UNIVERSAL)}`)
      continue
    }
    await write(t.target, prebuilds.get(t.prebuild))
  }
  if (wanted.includes(UNIVERSAL)) await write(UNIVERSAL, undefined)

  // This machine's package under the name the scripts, the e2e tests and the README use.
  const local = localTarget()
  const own = reports.find(r => r.target === local) ?? (TARGETS.some(t => t.target === local && t.prebuild != null) ? undefined : reports.find(r => r.target === UNIVERSAL))
  if (own != null) copyFileSync(path.join(ROOT, vsixName(own.target)), path.join(ROOT, 'devmeet.vsix'))

  const mb = (n: number): string => (n / 1024 / 1024).toFixed(2)
  for (const r of reports) {
    const binary = r.binary != null ? `${r.binary.info.format} ${r.binary.info.os}-${r.binary.info.cpu}${r.binary.info.libc != null ? ` (${r.binary.info.libc})` : ''}` : 'no native module'
    console.log(`${vsixName(r.target).padEnd(28)} ${mb(r.bytes).padStart(6)} MB  ${String(r.files).padStart(3)} files  ${binary.padEnd(24)} ${r.seconds.toFixed(1)} s`)
  }
  if (own != null) console.log(`devmeet.vsix = ${vsixName(own.target)} (this machine: ${local})`)
  console.log(`package: ${reports.length} packages checked in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

/** The files vsce may take (.vscodeignore picks from them), without source maps or the native module. */
function stage (): void {
  rmSync(STAGE, { recursive: true, force: true })
  mkdirSync(STAGE, { recursive: true })
  const translations = readdirSync(ROOT).filter(f => /^package\.nls\.[\w-]+\.json$/.test(f))
  for (const f of ['package.json', 'package.nls.json', ...translations, 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) {
    if (existsSync(path.join(ROOT, f))) copyFileSync(path.join(ROOT, f), path.join(STAGE, f))
  }
  cpSync(path.join(ROOT, 'media'), path.join(STAGE, 'media'), { recursive: true })
  cpSync(path.join(ROOT, 'l10n'), path.join(STAGE, 'l10n'), { recursive: true })
  const dist = path.join(ROOT, 'dist')
  if (!existsSync(path.join(dist, 'extension.js'))) throw new Error('dist/ is not built: run without --no-build')
  cpSync(dist, path.join(STAGE, 'dist'), {
    recursive: true,
    dereference: true,
    filter: src => !src.endsWith('.map') && !src.includes(`${path.sep}@node-datachannel`)
  })
}

/** One target's binary under dist/node_modules/@node-datachannel/<name>; none (and no node_modules) for universal. */
function placeBinary (prebuild: Prebuild | undefined): void {
  const modules = path.join(STAGE, 'dist/node_modules')
  if (prebuild == null) {
    // Without a binary node-datachannel's JS is dead weight: the core reports WebRTC unavailable.
    rmSync(modules, { recursive: true, force: true })
    return
  }
  if (!existsSync(path.join(modules, 'node-datachannel'))) cpSync(path.join(ROOT, 'dist/node_modules'), modules, { recursive: true, dereference: true, filter: src => !src.includes(`${path.sep}@node-datachannel`) })
  rmSync(path.join(modules, '@node-datachannel'), { recursive: true, force: true })
  const to = path.join(modules, prebuild.name)
  mkdirSync(to, { recursive: true })
  for (const f of ['package.json', 'node_datachannel.node']) copyFileSync(path.join(prebuild.dir, f), path.join(to, f))
}

/** vsce prints a line per package (and its own warnings); ours is the table at the end. */
async function quietly<T> (fn: () => Promise<T>): Promise<T> {
  const log = console.log
  console.log = () => {}
  try {
    return await fn()
  } finally {
    console.log = log
  }
}

main().catch(err => {
  console.error(`package: ${err?.message ?? err}`)
  process.exit(1)
})
