// The packages `npm run package` wrote (test/e2e/run.sh runs it first): one per platform target and
// the universal one, each checked from the outside, and the universal and local packages' own
// headless peers run as unpacked from the .vsix (issue 15).
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkPackage } from '../../scripts/lib/check-package'
import { readZip } from '../../scripts/lib/zip'
import { TARGETS, UNIVERSAL, localTarget, vsixName } from '../../scripts/lib/targets'
import { spawnPeer, stopAllPeers } from '../helpers/headless'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dirs: string[] = []

/** Unpacks a .vsix's extension/ folder, as VS Code installs it. */
function unpack (vsix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-vsix-'))
  dirs.push(dir)
  for (const entry of readZip(readFileSync(vsix))) {
    if (!entry.name.startsWith('extension/') || entry.name.endsWith('/')) continue
    const to = path.join(dir, entry.name)
    mkdirSync(path.dirname(to), { recursive: true })
    writeFileSync(to, entry.read())
  }
  return path.join(dir, 'extension')
}

describe('platform packages', () => {
  after(async () => {
    await stopAllPeers()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  const expected = [...TARGETS.filter(t => t.prebuild != null).map(t => t.target), UNIVERSAL]

  for (const target of expected) {
    it(`${vsixName(target)}: names its target, holds ${target === UNIVERSAL ? 'no native binary' : 'exactly its platform\'s binary'}, under 6 MB`, () => {
      const file = path.join(ROOT, vsixName(target))
      assert.ok(existsSync(file), `${vsixName(target)} was written by npm run package`)
      const report = checkPackage(file, target)
      console.log(`# ${vsixName(target)}: ${report.bytes} bytes${report.binary != null ? `, ${report.binary.path.split('/').slice(-2, -1)[0]} ${report.binary.info.os}-${report.binary.info.cpu}` : ''}`)
    })
  }

  it('the check is not vacuous: a package taken for another target fails on its manifest, binary path and header', () => {
    assert.throws(() => checkPackage(path.join(ROOT, vsixName('darwin-arm64')), 'darwin-x64'), (err: Error) =>
      /manifest names target darwin-arm64, expected darwin-x64/.test(err.message) &&
      /loader looks at extension\/dist\/node_modules\/@node-datachannel\/darwin-x64\//.test(err.message) &&
      /the binary is for darwin-arm64, the target is darwin-x64/.test(err.message))
    assert.throws(() => checkPackage(path.join(ROOT, vsixName('linux-x64')), 'alpine-x64'), /links glibc, the target needs musl/)
    assert.throws(() => checkPackage(path.join(ROOT, vsixName('linux-x64')), UNIVERSAL), /expected no native binary/)
  })

  it('no package for a target without a prebuild (linux-armhf takes the universal one)', () => {
    for (const t of TARGETS.filter(t => t.prebuild == null)) assert.equal(existsSync(path.join(ROOT, vsixName(t.target))), false)
  })

  it('devmeet.vsix is this machine\'s package (what the workbench tests install)', () => {
    const local = localTarget()
    const own = TARGETS.some(t => t.target === local && t.prebuild != null) ? local : UNIVERSAL
    assert.ok(readFileSync(path.join(ROOT, 'devmeet.vsix')).equals(readFileSync(path.join(ROOT, vsixName(own)))), `devmeet.vsix = ${vsixName(own)}`)
  })

  it('the universal package\'s peer starts without WebRTC and says so; this machine\'s package runs WebRTC', async () => {
    const universal = spawnPeer(['--data', mkdtempSync(path.join(os.tmpdir(), 'devmeet-u-')), '--no-mdns', '--webrtc', '--listen', '/ip4/127.0.0.1/tcp/0'], { script: path.join(unpack(path.join(ROOT, vsixName(UNIVERSAL))), 'dist/peer.js') })
    const ready = await universal.next(l => l.event === 'ready' || l.event === 'error', 30_000)
    assert.equal(ready.event, 'ready', JSON.stringify(ready))
    assert.equal(ready.webrtc, 'unavailable')
    assert.match(universal.lines.find(l => l.event === 'warning')?.message ?? '', /WebRTC is unavailable: this DevMeet package has no WebRTC module/)

    const local = localTarget()
    if (!TARGETS.some(t => t.target === local && t.prebuild != null)) return
    const own = spawnPeer(['--data', mkdtempSync(path.join(os.tmpdir(), 'devmeet-l-')), '--no-mdns', '--webrtc', '--listen', '/ip4/127.0.0.1/tcp/0'], { script: path.join(unpack(path.join(ROOT, vsixName(local))), 'dist/peer.js') })
    const ownReady = await own.next(l => l.event === 'ready' || l.event === 'error', 30_000)
    assert.equal(ownReady.webrtc, 'on', `${vsixName(local)}'s stripped binary loads: ${JSON.stringify(ownReady)} ${own.stderr.join(' | ')}`)
  })
})
