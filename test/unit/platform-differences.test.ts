// What differs on Windows and macOS, exercised here on Linux where the code lets a test play the
// other platform (issue 15): renames that Windows refuses for a moment, key files where chmod
// means nothing, file names Windows refuses, and macOS's local-network permission.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { renameRetrying } from '../../src/core/fs-retry'
import { FileKeyStore, loadOrCreateKey } from '../../src/core/identity'
import { Storage } from '../../src/core/storage'
import { icsFileName } from '../../src/core/ics'
import { describeDialError } from '../../src/core/error-wording'
import type { ConferenceContext } from '../../src/core/api'

const dirs: string[] = []
function temp (): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-platform-'))
  dirs.push(d)
  return d
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

const failing = (codes: string[]): { rename: (a: string, b: string) => Promise<void>, calls: () => number } => {
  let n = 0
  return {
    rename: async () => {
      const code = codes[n++]
      if (code != null) throw Object.assign(new Error(`${code}: operation not permitted, rename`), { code })
    },
    calls: () => n
  }
}
const noSleep = async (): Promise<void> => {}

describe('renames Windows refuses for a moment (antivirus, indexer, OneDrive)', () => {
  it('on Windows an EPERM, EACCES or EBUSY rename is tried again, and succeeds', async () => {
    const r = failing(['EPERM', 'EBUSY', 'EACCES'])
    await renameRetrying('a', 'b', { platform: 'win32', rename: r.rename, sleep: noSleep })
    assert.equal(r.calls(), 4)
  })

  it('gives up after about 1.5 s, and reports other errors and other platforms at once', async () => {
    const always = failing(Array(20).fill('EPERM'))
    const slept: number[] = []
    await assert.rejects(renameRetrying('a', 'b', { platform: 'win32', rename: always.rename, sleep: async ms => { slept.push(ms) } }), /EPERM/)
    assert.equal(always.calls(), 8)
    assert.ok(slept.reduce((a, b) => a + b, 0) < 2000)
    const missing = failing(['ENOENT'])
    await assert.rejects(renameRetrying('a', 'b', { platform: 'win32', rename: missing.rename, sleep: noSleep }), /ENOENT/)
    assert.equal(missing.calls(), 1)
    for (const platform of ['linux', 'darwin'] as const) {
      const posix = failing(['EPERM'])
      await assert.rejects(renameRetrying('a', 'b', { platform, rename: posix.rename, sleep: noSleep }), /EPERM/)
      assert.equal(posix.calls(), 1, `${platform}: a failed rename is a real error`)
    }
  })
})

describe('the peer key file where chmod means nothing', () => {
  it('POSIX: a key file readable by others is made private again, silently', async () => {
    const file = path.join(temp(), 'peer.key')
    const store = new FileKeyStore(file)
    await loadOrCreateKey(store)
    chmodSync(file, 0o644)
    const warnings: string[] = []
    await loadOrCreateKey(store, w => warnings.push(w))
    assert.deepEqual(warnings, [])
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })

  it('a file system that ignores or refuses chmod (FAT, exFAT, SMB, /mnt/c under WSL): the key is saved and the start warns', async () => {
    const dir = temp()
    const file = path.join(dir, 'peer.key')
    // Played by a chmod that fails and a file left at 0644, as such a mount shows it.
    const store = new FileKeyStore(file, { chmod: async () => { throw Object.assign(new Error('EPERM'), { code: 'EPERM' }) } })
    const warnings: string[] = []
    const key = await loadOrCreateKey(store, w => warnings.push(w))
    assert.ok(key != null, 'the key was made and saved although chmod failed')
    chmodSync(file, 0o644)
    await loadOrCreateKey(store, w => warnings.push(w))
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /readable by other users, and this file system does not keep file permissions/)
  })

  it('Windows: private inside the user profile (its access list), a warning outside it; paths compared without case', async () => {
    const home = 'C:\\Users\\Ann'
    const inside = new FileKeyStore('c:\\users\\ann\\.devmeet-peer\\peer.key', { platform: 'win32', homedir: home })
    assert.equal(await inside.privacyProblem(), undefined)
    const sibling = new FileKeyStore('C:\\Users\\Anna\\peer.key', { platform: 'win32', homedir: home })
    assert.match(await sibling.privacyProblem() ?? '', /outside your user profile/)
    const shared = new FileKeyStore('D:\\shared\\devmeet\\peer.key', { platform: 'win32', homedir: home })
    assert.match(await shared.privacyProblem() ?? '', /on Windows DevMeet cannot make a file private .* Keep the data folder under C:\\Users\\Ann/)
  })
})

describe('file names Windows refuses', () => {
  // eslint-disable-next-line no-control-regex
  const forbidden = /[<>:"|?*\u0000-\u001f]/
  it('damaged files are set aside as <name>.damaged-<milliseconds>: no ":" as an ISO time would put there', async () => {
    const dir = temp()
    const keyFile = path.join(dir, 'peer.key')
    writeFileSync(keyFile, 'garbage')
    const warnings: string[] = []
    await loadOrCreateKey(new FileKeyStore(keyFile), w => warnings.push(w))
    const storage = new Storage(dir, { onWarning: w => warnings.push(w) })
    await storage.init()
    writeFileSync(path.join(dir, 'contacts.json'), '{ not json')
    await assert.rejects(storage.readJson('contacts.json', v => v))
    const aside = readdirSync(dir).filter(f => f.includes('.damaged-'))
    assert.equal(aside.length, 2, aside.join(', '))
    for (const f of aside) {
      assert.match(f, /^(peer\.key|contacts\.json)\.damaged-\d+$/)
      assert.doesNotMatch(f, forbidden)
    }
  })

  it('the .ics export name: no reserved characters, no device names (con, nul, com1, lpt1)', () => {
    const named = (title: string): string => icsFileName({ title } as ConferenceContext)
    assert.equal(named('Design: review? "final" <2> | a*b'), 'Design review final 2 a b.ics')
    assert.equal(named('con'), 'conference con.ics')
    assert.equal(named('NUL.tar'), 'conference NUL.tar.ics')
    assert.equal(named('com1 '), 'conference com1.ics')
    assert.equal(named('Lpt9.plan'), 'conference Lpt9.plan.ics')
    assert.equal(named('console'), 'console.ics')
    assert.equal(named(' ... '), 'conference.ics')
    assert.doesNotMatch(named('a:b\u0007c'), forbidden)
  })
})

describe('macOS: the local network permission', () => {
  it('a dial that finds no route names the setting on macOS, and the network elsewhere', () => {
    const err = new Error('connect EHOSTUNREACH 192.168.1.20:4001')
    assert.match(describeDialError(err, 'darwin'), /allow VS Code to use the local network \(System Settings → Privacy & Security → Local Network\)/)
    assert.match(describeDialError(err, 'linux'), /that network cannot be reached from here \(another network, a VPN, or a firewall\)/)
    assert.match(describeDialError(new Error('connect ECONNREFUSED 127.0.0.1:1'), 'darwin'), /connection refused/)
  })
})
