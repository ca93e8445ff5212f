// Checks one written .vsix: its manifest names its target (none for the universal package), it
// holds exactly one native binary (none for universal), where node-datachannel's loader looks for
// it, built for the target's OS, CPU and C library, and it is under the size limit.
import { readFileSync, statSync } from 'node:fs'
import { readZip } from './zip'
import { identifyBinary, type BinaryInfo } from './native-binary'
import { MAX_PACKAGE_BYTES, TARGETS, UNIVERSAL } from './targets'

export interface PackageReport {
  target: string
  bytes: number
  files: number
  /** the native binary's path in the package and what its header says; undefined for universal */
  binary?: { path: string, bytes: number, info: BinaryInfo }
}

/** Returns what the package holds; throws one error listing every problem found. */
export function checkPackage (file: string, target: string): PackageReport {
  const problems: string[] = []
  const bytes = statSync(file).size
  const entries = readZip(readFileSync(file))
  const byName = new Map(entries.map(e => [e.name, e]))
  const manifest = byName.get('extension.vsixmanifest')?.read().toString('utf8') ?? ''
  const identity = /<Identity\b[^>]*>/.exec(manifest)?.[0] ?? ''
  const named = /TargetPlatform="([^"]*)"/.exec(identity)?.[1]
  if (identity === '') problems.push('no <Identity> in extension.vsixmanifest')
  if (target === UNIVERSAL ? named != null : named !== target) problems.push(`manifest names target ${named ?? '(none)'}, expected ${target === UNIVERSAL ? '(none)' : target}`)
  const pkg = JSON.parse(byName.get('extension/package.json')?.read().toString('utf8') ?? '{}')
  if (pkg.main !== './dist/extension.js') problems.push(`package.json main is ${pkg.main}`)
  for (const bundle of ['extension/dist/extension.js', 'extension/dist/core.js', 'extension/dist/peer.js', 'extension/dist/libp2p-webrtc.js', 'extension/dist/kad-dht-prefixes.bin', 'extension/l10n/bundle.l10n.json']) {
    if (!byName.has(bundle)) problems.push(`${bundle} is missing`)
  }

  const natives = entries.filter(e => e.name.endsWith('.node'))
  let binary: PackageReport['binary']
  const spec = TARGETS.find(t => t.target === target)
  if (target === UNIVERSAL || spec?.prebuild == null) {
    if (natives.length > 0) problems.push(`expected no native binary, found ${natives.map(e => e.name).join(', ')}`)
    if (entries.some(e => e.name.startsWith('extension/dist/node_modules/'))) problems.push('the universal package ships node_modules')
  } else if (natives.length !== 1) {
    problems.push(`expected exactly one native binary, found ${natives.length}: ${natives.map(e => e.name).join(', ')}`)
  } else {
    const entry = natives[0]
    const where = `extension/dist/node_modules/${spec.prebuild}/node_datachannel.node`
    if (entry.name !== where) problems.push(`the binary is at ${entry.name}, node-datachannel's loader looks at ${where}`)
    for (const needed of ['extension/dist/node_modules/node-datachannel/package.json', 'extension/dist/node_modules/detect-libc/package.json', `extension/dist/node_modules/${spec.prebuild}/package.json`]) {
      if (!byName.has(needed)) problems.push(`${needed} is missing`)
    }
    try {
      const info = identifyBinary(entry.read())
      binary = { path: entry.name, bytes: entry.size, info }
      if (info.os !== spec.os || info.cpu !== spec.cpu) problems.push(`the binary is for ${info.os}-${info.cpu}, the target is ${spec.os}-${spec.cpu}`)
      if (spec.libc != null && info.libc !== spec.libc) problems.push(`the binary links ${info.libc ?? 'no known C library'}, the target needs ${spec.libc}`)
    } catch (err: any) {
      problems.push(`${entry.name}: ${err.message}`)
    }
  }
  if (bytes >= MAX_PACKAGE_BYTES) problems.push(`${bytes} bytes: over the ${MAX_PACKAGE_BYTES}-byte limit`)
  if (problems.length > 0) throw new Error(`${file}:\n  - ${problems.join('\n  - ')}`)
  return { target, bytes, files: entries.length, binary }
}
