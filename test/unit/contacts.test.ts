import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Storage } from '../../src/core/storage'
import { ContactStore, MAX_CONTACTS, type Contact } from '../../src/core/contacts'
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

/** A distinct valid-looking peer ID per number (the store checks only the shape). */
function fakeId (n: number): string {
  return `12D3KooW${n.toString().padStart(44, 'A')}`
}

describe('contact limits', () => {
  it('keeps at most MAX_CONTACTS: the least recently seen strangers go first, petnamed ones and those in my conferences stay', async () => {
    const d = dir()
    const inConferences = new Set([fakeId(1), fakeId(2)])
    const store = new ContactStore(new Storage(d), { inConferences: () => inConferences })
    for (let i = 0; i < MAX_CONTACTS + 100; i++) {
      store.upsert({ peerId: fakeId(i), displayName: `p${i}`, addrs: [], lastSeen: 1000 + i, via: 'connection' })
      if (i === 5) store.rename(fakeId(5), 'Old friend')
    }
    assert.equal(store.list().length, MAX_CONTACTS)
    for (const kept of [1, 2, 5]) assert.ok(store.get(fakeId(kept)) != null, `contact ${kept} kept`)
    assert.equal(store.get(fakeId(0)), undefined, 'the oldest stranger went')
    assert.equal(store.get(fakeId(102)), undefined)
    assert.ok(store.get(fakeId(103)) != null, 'exactly 100 strangers went')
    assert.ok(store.get(fakeId(MAX_CONTACTS + 99)) != null, 'the newest stays')
    await store.flush()
  })

  it('never moves the contacts file aside for its size: loads what fits, petnamed ones first, then the most recently seen', async () => {
    const d = dir()
    const contacts: unknown[] = []
    for (let i = 0; i < 100_001; i++) contacts.push({ peerId: fakeId(i), displayName: `p${i}`, addrs: [], lastSeen: i })
    contacts[10] = { ...(contacts[10] as Contact), petname: 'Ten' }
    contacts.push({ peerId: 'x'.repeat(500), addrs: 'not a list', lastSeen: 'never' })
    writeFileSync(path.join(d, 'contacts.json'), JSON.stringify({ version: 1, contacts }))
    const warnings: string[] = []
    const store = new ContactStore(new Storage(d, { onWarning: w => warnings.push(w) }))
    const result = await store.load()
    assert.equal(result.damaged, undefined)
    assert.deepEqual(warnings, [])
    assert.ok(!readdirSync(d).some(f => f.includes('damaged')), 'not moved aside')
    assert.equal(store.list().length, MAX_CONTACTS)
    assert.equal(store.get(fakeId(10))?.petname, 'Ten')
    assert.ok(store.get(fakeId(100_000)) != null)
    assert.equal(store.get(fakeId(100_000 - MAX_CONTACTS + 1)), undefined, 'the oldest without a petname are left out')
    assert.equal(result.skipped, 100_001 - MAX_CONTACTS + 1, 'the malformed entry and those over the limit are counted')
    await store.flush()
  })

  it('keeps an invitation\'s addresses for a peer I have never met aside until I answer it or meet the peer', async () => {
    const store = new ContactStore(new Storage(dir()))
    const stranger = { peerId: ID_A, displayName: 'Mallory', addrs: ['/ip4/203.0.113.9/tcp/4001'] }
    store.noteInvitation(stranger, 5)
    assert.equal(store.hasMet(ID_A), false)
    assert.deepEqual(store.get(ID_A)!.addrs, [], 'nothing to dial')
    assert.deepEqual(store.get(ID_A)!.unverifiedAddrs, stranger.addrs)
    store.promote(ID_A)
    assert.deepEqual(store.get(ID_A)!.addrs, stranger.addrs, 'answering promotes them')

    store.noteInvitation({ ...stranger, peerId: ID_B }, 5)
    store.upsert({ peerId: ID_B, displayName: 'Ben', addrs: ['/ip4/127.0.0.1/tcp/9'], lastSeen: 6, via: 'connection' })
    assert.equal(store.hasMet(ID_B), true, 'met through a connection')
    assert.equal(store.get(ID_B)!.via, 'connection')
    assert.deepEqual(store.get(ID_B)!.addrs.sort(), ['/ip4/127.0.0.1/tcp/9', ...stranger.addrs].sort())
    assert.equal(store.get(ID_B)!.unverifiedAddrs, undefined)
    store.noteInvitation({ ...stranger, peerId: ID_B, addrs: ['/ip4/198.51.100.1/tcp/1'] }, 7)
    assert.ok(store.get(ID_B)!.addrs.includes('/ip4/198.51.100.1/tcp/1'), 'an invitation from a peer I met is its own word on its addresses')
    await store.flush()
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
