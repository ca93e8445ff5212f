// VS Code's platform targets (`vsce package --target`) and node-datachannel's prebuilt package for
// each. node-datachannel 0.33 ships one npm package per platform, named in its optionalDependencies
// (@node-datachannel/<os>-<cpu>[-<libc>|-msvc], holding node_datachannel.node), and its loader
// (dist/cjs/lib/node-datachannel.cjs) requires exactly that name, so the package must sit at
// dist/node_modules/@node-datachannel/<name>/ beside the bundles.
import type { BinaryCpu, BinaryOs } from './native-binary'

export interface Target {
  /** vsce's --target */
  target: string
  /** node-datachannel's package for it; null: none is published, the target gets the universal package */
  prebuild: string | null
  os: BinaryOs
  cpu: BinaryCpu
  libc?: 'musl' | 'glibc'
}

export const TARGETS: readonly Target[] = [
  { target: 'linux-x64', prebuild: '@node-datachannel/linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' },
  { target: 'linux-arm64', prebuild: '@node-datachannel/linux-arm64-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  // 32-bit ARM: node-datachannel publishes no prebuild and its loader knows no package for it.
  { target: 'linux-armhf', prebuild: null, os: 'linux', cpu: 'arm', libc: 'glibc' },
  { target: 'alpine-x64', prebuild: '@node-datachannel/linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl' },
  { target: 'alpine-arm64', prebuild: '@node-datachannel/linux-arm64-musl', os: 'linux', cpu: 'arm64', libc: 'musl' },
  { target: 'darwin-x64', prebuild: '@node-datachannel/darwin-x64', os: 'darwin', cpu: 'x64' },
  { target: 'darwin-arm64', prebuild: '@node-datachannel/darwin-arm64', os: 'darwin', cpu: 'arm64' },
  { target: 'win32-x64', prebuild: '@node-datachannel/win32-x64-msvc', os: 'win32', cpu: 'x64' },
  { target: 'win32-arm64', prebuild: '@node-datachannel/win32-arm64-msvc', os: 'win32', cpu: 'arm64' }
]

/** The universal package: no native module, so no WebRTC; any platform VS Code runs a Node host on. */
export const UNIVERSAL = 'universal'

/** Package file names: devmeet-<target>.vsix, devmeet-universal.vsix. */
export function vsixName (target: string): string {
  return `devmeet-${target}.vsix`
}

/** The VS Code target of this machine (Alpine's musl told apart from glibc, as VS Code does). */
export function localTarget (platform = process.platform, arch = process.arch, musl = isMusl()): string {
  const cpu = arch === 'arm' ? 'armhf' : arch
  if (platform === 'linux' && musl) return `alpine-${cpu}`
  return `${platform}-${cpu}`
}

function isMusl (): boolean {
  if (process.platform !== 'linux') return false
  // glibc's Node reports its version in the process report; musl's does not.
  const header = (process.report?.getReport() as any)?.header
  return header != null && header.glibcVersionRuntime == null
}

/** Every package fits the marketplaces' comfort and ours: 6 MB compressed. */
export const MAX_PACKAGE_BYTES = 6 * 1024 * 1024
