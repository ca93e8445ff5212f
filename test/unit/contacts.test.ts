import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Storage } from '../../src/core/storage'
import { ContactStore } from '../../src/core/contacts'
import { FileKeyStore, loadOrCreateKey, sanitizeDisplayName } from '../../src/core/identity'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

const dirs: string[] = []
function dir (): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-unit-'))
  dirs.push(d)
  return d
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

const ID_A = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ID_B = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'

describe('contact store', () => {
  it('writes atomically: the file round-trips, no temporary files are left, concurrent changes all land', async () => {
    const d = dir()
    const store = new ContactStore(new Storage(d))
    await store.load()
    store.upsert({ peerId: ID_A, displayName: 'Ann', addrs: ['/ip4/127.0.0.1/tcp/1'], lastSeen: 1 })
    store.upsert({ peerId: ID_B, displayName: 'Ben', addrs: [], lastSeen: 2 })
    store.rename(ID_A, 'Annie')
    store.upsert({ peerId: ID_A, addrs: ['/ip4/127.0.0.1/tcp/2'], lastSeen: 3 })
    await store.flush()
    assert.deepEqual(readdirSync(d), ['contacts.json'])
    const again = new ContactStore(new Storage(d))
    await again.load()
    const a = again.get(ID_A)!
    assert.equal(a.petname, 'Annie')
    assert.equal(a.displayName, 'Ann')
    assert.deepEqual(a.addrs, ['/ip4/127.0.0.1/tcp/2', '/ip4/127.0.0.1/tcp/1'])
    assert.equal(again.list().length, 2)
    assert.equal(statSync(path.join(d, 'contacts.json')).mode & 0o777, 0o600)
  })

  it('reports a damaged file and keeps it aside instead of silently emptying it', async () => {
    const d = dir()
    writeFileSync(path.join(d, 'contacts.json'), '{"version":1,"contacts":[{"peerId":')
    const warnings: string[] = []
    const store = new ContactStore(new Storage(d, { onWarning: w => warnings.push(w) }))
    const result = await store.load()
    assert.match(result.damaged ?? '', /damaged/)
    assert.equal(warnings.length, 1)
    const aside = readdirSync(d).find(f => f.startsWith('contacts.json.damaged-'))
    assert.ok(aside != null, 'the damaged file is kept aside')
    assert.equal(readFileSync(path.join(d, aside), 'utf8'), '{"version":1,"contacts":[{"peerId":')
    assert.equal(store.list().length, 0)
  })

  it('a failed write leaves the file on disk as it was', async () => {
    const d = dir()
    const storage = new Storage(d)
    const store = new ContactStore(storage)
    store.upsert({ peerId: ID_A, displayName: 'Ann', addrs: [], lastSeen: 1 })
    await store.flush()
    const before = readFileSync(path.join(d, 'contacts.json'), 'utf8')
    storage.writeFault = () => Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
    store.upsert({ peerId: ID_B, displayName: 'Ben', addrs: [], lastSeen: 2 })
    await store.flush()
    assert.equal(readFileSync(path.join(d, 'contacts.json'), 'utf8'), before)
    storage.writeFault = undefined
    await store.flush()
    assert.match(readFileSync(path.join(d, 'contacts.json'), 'utf8'), /Ben/, 'the change lands once writes work again')
  })
})

describe('storage', () => {
  it('skips damaged log lines, counts them, and loads the rest', async () => {
    const d = dir()
    writeFileSync(path.join(d, 'log'), '{"n":1}\n{"n":\ngarbage\n{"n":2}\n{"n":3')
    const storage = new Storage(d)
    const { items, skipped } = await storage.readLines('log', l => JSON.parse(l).n as number)
    assert.deepEqual(items, [1, 2])
    assert.equal(skipped, 3)
  })
  it('refuses names that leave the data folder', () => {
    const storage = new Storage(dir())
    for (const bad of ['../x', '/etc/passwd', 'a/../../b', '.hidden']) assert.throws(() => storage.resolve(bad), /invalid storage name/, bad)
  })
})

describe('identity', () => {
  it('keeps the same peer ID across restarts, in a key file only its owner can read', async () => {
    const file = path.join(dir(), 'peer.key')
    const first = await loadOrCreateKey(new FileKeyStore(file))
    const second = await loadOrCreateKey(new FileKeyStore(file))
    assert.equal(peerIdFromPrivateKey(first).toString(), peerIdFromPrivateKey(second).toString())
    assert.equal(first.type, 'Ed25519')
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })
  it('cleans hostile display names', () => {
    assert.equal(sanitizeDisplayName('\u202EecilA'), 'ecilA')
    assert.equal(sanitizeDisplayName('A\u200Bl\u200Dice\n\u001b[31m'), 'Alice[31m')
    assert.equal(sanitizeDisplayName('e\u0301'), '\u00e9')
    assert.equal(Array.from(sanitizeDisplayName('x'.repeat(10_000))).length, 64)
    assert.equal(sanitizeDisplayName(42), 'Anonymous')
    assert.equal(sanitizeDisplayName('   '), 'Anonymous')
  })
})
