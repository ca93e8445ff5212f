// node-datachannel's prebuilt binaries for every target, from the npm registry, kept in
// .cache/prebuilds/<version>/<name>/ (package.json + node_datachannel.node, ELF ones stripped).
// npm installs only this machine's package; the others are fetched by name with `npm pack`, which
// checks each tarball against the registry's integrity hash. Nothing is fetched twice.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { stripElf } from './elf-strip'

export interface Prebuild {
  name: string
  version: string
  /** folder holding package.json and node_datachannel.node, ready to copy */
  dir: string
  /** the binary's size as published and as packaged */
  publishedBytes: number
  bytes: number
}

const BINARY = 'node_datachannel.node'

/** The version every @node-datachannel/* package must have: the one node-datachannel pins. */
export function prebuildVersion (root: string, name: string): string {
  const ndc = JSON.parse(readFileSync(path.join(root, 'node_modules/node-datachannel/package.json'), 'utf8'))
  const version = ndc.optionalDependencies?.[name]
  if (version == null) throw new Error(`node-datachannel ${ndc.version} names no ${name} among its optionalDependencies`)
  return version
}

export function ensurePrebuilds (root: string, names: string[], log: (line: string) => void): Map<string, Prebuild> {
  const result = new Map<string, Prebuild>()
  const missing: Array<{ name: string, version: string, dir: string }> = []
  for (const name of names) {
    const version = prebuildVersion(root, name)
    const dir = path.join(root, '.cache/prebuilds', version, name.replace('/', '+'))
    if (!existsSync(path.join(dir, 'ready.json'))) missing.push({ name, version, dir })
  }
  if (missing.length > 0) {
    const downloads = path.join(root, '.cache/prebuilds/tarballs')
    mkdirSync(downloads, { recursive: true })
    const toFetch = missing.filter(m => installedVersion(root, m.name) !== m.version && !existsSync(path.join(downloads, tarballName(m.name, m.version))))
    if (toFetch.length > 0) {
      log(`fetching ${toFetch.map(m => `${m.name}@${m.version}`).join(', ')} from the npm registry`)
      execFileSync(npmCommand(), ['pack', '--silent', '--pack-destination', downloads, ...toFetch.map(m => `${m.name}@${m.version}`)], { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' })
    }
    for (const m of missing) {
      mkdirSync(path.dirname(m.dir), { recursive: true })
      const tmp = mkdtempSync(path.join(path.dirname(m.dir), '.unpack-'))
      if (installedVersion(root, m.name) === m.version) {
        // This machine's own package, installed by npm from the same registry tarball.
        cpSync(path.join(root, 'node_modules', m.name), path.join(tmp, 'package'), { recursive: true, dereference: true })
      } else {
        execFileSync('tar', ['-xzf', path.join(downloads, tarballName(m.name, m.version)), '-C', tmp])
      }
      prepare(path.join(tmp, 'package'), m)
      rmSync(m.dir, { recursive: true, force: true })
      renameSync(path.join(tmp, 'package'), m.dir)
      rmSync(tmp, { recursive: true, force: true })
    }
  }
  for (const name of names) {
    const version = prebuildVersion(root, name)
    const dir = path.join(root, '.cache/prebuilds', version, name.replace('/', '+'))
    const ready = JSON.parse(readFileSync(path.join(dir, 'ready.json'), 'utf8'))
    result.set(name, { name, version, dir, publishedBytes: ready.publishedBytes, bytes: ready.bytes })
  }
  return result
}

/** Keeps package.json and the binary (stripped if ELF), and marks the folder complete. */
function prepare (dir: string, m: { name: string, version: string }): void {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
  if (pkg.name !== m.name || pkg.version !== m.version) throw new Error(`${dir}: holds ${pkg.name}@${pkg.version}, expected ${m.name}@${m.version}`)
  const published = readFileSync(path.join(dir, BINARY))
  const { data } = stripElf(published)
  writeFileSync(path.join(dir, BINARY), data)
  // ready.json stays here: the packaging script copies only package.json and the binary.
  writeFileSync(path.join(dir, 'ready.json'), JSON.stringify({ publishedBytes: published.length, bytes: data.length }))
}

function installedVersion (root: string, name: string): string | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

/** `npm pack @node-datachannel/darwin-x64@0.33.4` writes node-datachannel-darwin-x64-0.33.4.tgz. */
function tarballName (name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`
}

function npmCommand (): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm'
}
