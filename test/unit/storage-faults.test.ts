import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, mkdirSync, appendFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Storage, type WriteStep } from '../../src/core/storage'
import { FileKeyStore, loadOrCreateKey } from '../../src/core/identity'
import { Outbox } from '../../src/core/invite/outbox'
import { ContactStore } from '../../src/core/contacts'
import { silentLogger } from '../../src/core/log'
import { systemClock } from '../../src/core/clock'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { ChatLog, type HeldMessage } from '../../src/core/chat/log'
import type { ChatPayload } from '../../src/core/chat/message'
import { StorageWriteError } from '../../src/core/errors'

const CONF = 'conf_AAAAAAAAAAAAAAAAAAAAAA'

const dirs: string[] = []
function dir (): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-fault-'))
  dirs.push(d)
  return d
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })

describe('storage under write faults', () => {
  for (const step of ['open', 'write', 'sync', 'rename'] as WriteStep[]) {
    it(`a JSON write that fails at "${step}" leaves the old file whole and no temporary file`, async () => {
      const d = dir()
      const events: Array<[boolean, string?]> = []
      const storage = new Storage(d, { onWritable: (ok, error) => events.push([ok, error]) })
      await storage.writeJson('doc.json', { v: 1 })
      storage.writeFault = s => s === step ? enospc() : undefined
      const err = await storage.writeJson('doc.json', { v: 2 }).catch(e => e)
      assert.ok(err instanceof StorageWriteError, String(err))
      assert.equal(err.code, 'ENOSPC', 'the system error code is kept (callers tell local failures from remote ones by it)')
      assert.equal(err.syscall, 'write')
      assert.match(err.message, /cannot write doc\.json in the DevMeet data folder: ENOSPC/)
      assert.deepEqual(JSON.parse(readFileSync(path.join(d, 'doc.json'), 'utf8')), { v: 1 })
      assert.deepEqual(readdirSync(d), ['doc.json'])
      assert.equal(storage.writable, false)
      // A second failure is not news; the first success after failures is.
      await assert.rejects(storage.writeJson('doc.json', { v: 3 }))
      storage.writeFault = undefined
      await storage.writeJson('doc.json', { v: 4 })
      assert.equal(storage.writable, true)
      assert.deepEqual(events.map(e => e[0]), [false, true])
      assert.match(events[0][1] ?? '', /ENOSPC/)
    })
  }

  it('an append that fails is refused and reported; the log keeps what it had', async () => {
    const d = dir()
    const events: boolean[] = []
    const storage = new Storage(d, { onWritable: ok => events.push(ok) })
    await storage.appendLines('chat/x.log', ['{"n":1}'])
    storage.writeFault = s => s === 'append' ? Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS', syscall: 'open' }) : undefined
    await assert.rejects(storage.appendLines('chat/x.log', ['{"n":2}']), /EROFS/)
    assert.equal(readFileSync(path.join(d, 'chat/x.log'), 'utf8'), '{"n":1}\n')
    storage.writeFault = undefined
    assert.equal(await storage.probe(), true, 'a probe finds the folder writable again')
    assert.deepEqual(events, [false, true])
    assert.deepEqual(readdirSync(d), ['chat'], 'the probe leaves nothing behind')
  })

  it('a damaged log is kept aside, rewritten with its good lines, and reported once', async () => {
    const d = dir()
    const warnings: string[] = []
    const storage = new Storage(d, { onWarning: w => warnings.push(w) })
    mkdirSync(path.join(d, 'chat'))
    writeFileSync(path.join(d, 'chat/x.log'), '{"n":1}\n\u0000\u0000garbage\n{"n":2}\n{"n":3')
    const parse = (l: string): number => { const v = JSON.parse(l); if (typeof v.n !== 'number') throw new Error('bad'); return v.n }
    const first = await storage.readLines('chat/x.log', parse)
    assert.deepEqual(first, { items: [1, 2], skipped: 2 })
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /chat\/x\.log: skipped 2 damaged line\(s\); the rest loaded; the damaged file was kept as x\.log\.damaged-\d+/)
    const aside = readdirSync(path.join(d, 'chat')).find(f => f.startsWith('x.log.damaged-'))!
    assert.match(readFileSync(path.join(d, 'chat', aside), 'utf8'), /garbage/, 'the original is kept for inspection')
    assert.equal(readFileSync(path.join(d, 'chat/x.log'), 'utf8'), '{"n":1}\n{"n":2}\n')
    const second = await storage.readLines('chat/x.log', parse)
    assert.deepEqual(second, { items: [1, 2], skipped: 0 })
    assert.equal(warnings.length, 1, 'the same damage is not reported at every start')
  })

  it('a damaged log on a read-only disk still loads its good lines', async () => {
    const d = dir()
    const warnings: string[] = []
    const storage = new Storage(d, { onWarning: w => warnings.push(w) })
    writeFileSync(path.join(d, 'x.log'), '1\nx\n2\n')
    storage.writeFault = enospc
    const { items } = await storage.readLines('x.log', l => { if (!/^\d+$/.test(l)) throw new Error('bad'); return Number(l) })
    assert.deepEqual(items, [1, 2])
    assert.match(warnings[0], /skipped 1 damaged line/)
    assert.deepEqual(readdirSync(d), ['x.log'], 'nothing half-made is left')
  })

  it('sweeps the temporary files a killed process left, and nothing else', async () => {
    const d = dir()
    const storage = new Storage(d)
    await storage.writeJson('conferences/a.json', {})
    writeFileSync(path.join(d, 'outbox.json.0123456789ab.tmp'), '{"ver')
    writeFileSync(path.join(d, 'conferences', 'a.json.ba9876543210.tmp'), '')
    writeFileSync(path.join(d, 'notes.tmp'), 'not ours')
    assert.equal(await storage.sweepTemporary(), 2)
    assert.deepEqual(readdirSync(d).sort(), ['conferences', 'notes.tmp'])
    assert.deepEqual(readdirSync(path.join(d, 'conferences')), ['a.json'])
  })
})

describe('damaged files', () => {
  for (const [what, damage] of [
    ['truncated', (s: string) => s.slice(0, Math.floor(s.length / 2))],
    ['garbled', (s: string) => s.slice(0, 10) + '#$%^&*' + s.slice(16)],
    ['empty', () => '']
  ] as Array<[string, (s: string) => string]>) {
    it(`a ${what} key file is moved aside and a new key made, with a warning`, async () => {
      const d = dir()
      const file = path.join(d, 'peer.key')
      const first = await loadOrCreateKey(new FileKeyStore(file))
      const original = readFileSync(file, 'utf8')
      writeFileSync(file, damage(original))
      const warnings: string[] = []
      const second = await loadOrCreateKey(new FileKeyStore(file), w => warnings.push(w))
      assert.notEqual(peerIdFromPrivateKey(second).toString(), peerIdFromPrivateKey(first).toString())
      assert.equal(warnings.length, 1)
      assert.match(warnings[0], /peer key could not be read .* moved aside to peer\.key\.damaged-\d+ .*new peer ID/)
      const aside = readdirSync(d).find(f => f.startsWith('peer.key.damaged-'))!
      assert.equal(readFileSync(path.join(d, aside), 'utf8'), damage(original), 'the damaged key is kept, never overwritten')
      const third = await loadOrCreateKey(new FileKeyStore(file), w => warnings.push(w))
      assert.equal(peerIdFromPrivateKey(third).toString(), peerIdFromPrivateKey(second).toString(), 'the new key is the one kept from now on')
      assert.equal(warnings.length, 1)
    })
  }

  it('a damaged file on a read-only disk is reported and ignored where it is; the rest starts', async () => {
    const d = dir()
    const warnings: string[] = []
    const storage = new Storage(d, { onWarning: w => warnings.push(w) })
    writeFileSync(path.join(d, 'contacts.json'), '{"version":1,"contac')
    storage.writeFault = () => Object.assign(new Error('EROFS: read-only file system, rename'), { code: 'EROFS', syscall: 'rename' })
    const store = new ContactStore(storage)
    const result = await store.load()
    assert.match(result.damaged ?? '', /contacts\.json was damaged and is ignored \(it could not be moved aside: EROFS/)
    assert.deepEqual(warnings, [result.damaged])
    assert.equal(store.list().length, 0)
    assert.deepEqual(readdirSync(d), ['contacts.json'], 'left as it was')
  })

  it('a key store that cannot set keys aside still refuses a damaged key (never replaces it silently)', async () => {
    await assert.rejects(loadOrCreateKey({ load: async () => 'garbage', save: async () => {} }))
  })

  it('a damaged outbox is moved aside; what the caller knows is unacknowledged is queued again', async () => {
    const d = dir()
    const warnings: string[] = []
    const storage = new Storage(d, { onWarning: w => warnings.push(w) })
    writeFileSync(path.join(d, 'outbox.json'), '{"version":1,"items":[{"kind":"rsvp","confer')
    const outbox = new Outbox(storage, systemClock, silentLogger, async () => {})
    assert.match(await outbox.load() ?? '', /outbox\.json was damaged and was moved aside to outbox\.json\.damaged-\d+/)
    assert.equal(warnings.length, 1)
    assert.equal(await outbox.restore([{ kind: 'context', conferenceId: 'c1', to: 'p1' }, { kind: 'rsvp', conferenceId: 'c2', to: 'p2' }]), 2)
    assert.equal(await outbox.restore([{ kind: 'context', conferenceId: 'c1', to: 'p1' }]), 0, 'nothing twice')
    const saved = JSON.parse(readFileSync(path.join(d, 'outbox.json'), 'utf8'))
    assert.deepEqual(saved.items.map((i: any) => `${i.kind}|${i.conferenceId}|${i.to}`), ['context|c1|p1', 'rsvp|c2|p2'])
  })

  it('a torn chat-log append (a failed write mid-line) does not swallow the next message', async () => {
    const d = dir()
    const storage = new Storage(d)
    const key = await generateKeyPair('Ed25519')
    const signed = async (seq: number): Promise<HeldMessage> => {
      const payload: ChatPayload = { conferenceId: CONF, author: peerIdFromPrivateKey(key).toString(), seq, lamport: seq, sentAt: 1_700_000_000_000, kind: 'text', body: `m${seq}` }
      return { payload, envelope: new TextDecoder().decode(await seal(key, DOMAINS.chat, payload)) }
    }
    const log = new ChatLog(storage, CONF)
    await log.load()
    await log.append(await signed(1))
    const second = await signed(2)
    storage.writeFault = (step, file) => {
      if (step !== 'append') return undefined
      appendFileSync(file, second.envelope.slice(0, 40)) // part of the line reached the disk before the failure
      return enospc()
    }
    await assert.rejects(log.append(second), StorageWriteError)
    assert.equal(log.has(second.payload.author, 2), false, 'a message that is not on disk is not held')
    storage.writeFault = undefined
    await log.append(second)
    await log.append(await signed(3))
    const reloaded = new ChatLog(storage, CONF)
    assert.equal(await reloaded.load(), 1, 'only the torn fragment is skipped')
    assert.deepEqual(reloaded.messages().map(m => m.payload.seq), [1, 2, 3])
  })
})
