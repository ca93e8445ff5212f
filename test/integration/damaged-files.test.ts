// Each kind of file in a headless peer's data folder, truncated or garbled: the peer starts, keeps
// what is good, moves the damaged file aside (<name>.damaged-<time>) and says so in a warning line.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import * as path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tempDir, cleanup } from '../helpers/peers'
import { ensurePeerBuilt, stopAllPeers } from '../helpers/headless'
import { type Running, start, call, line, kill9, stopGracefully, stopStarted, until, runningConference, outboxItems } from '../helpers/headless-calls'

/** Every file under a folder, relative, sorted. */
function files (dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter(f => !['conferences', 'chat'].includes(f)).sort()
}

const truncate = (file: string): void => { const s = readFileSync(file); writeFileSync(file, s.subarray(0, Math.floor(s.length / 2))) }
/** Overwrites 12 bytes at a fraction of the file with 0xFF (at 0 a JSON document no longer parses). */
const garble = (file: string, at = 0): void => {
  const s = Buffer.from(readFileSync(file))
  const i = Math.floor(s.length * at)
  s.fill(0xff, i, Math.min(s.length, i + 12))
  writeFileSync(file, s)
}

describe('damaged data files', () => {
  let seasoned: string
  let orgId: string
  let confA: string
  let confB: string
  let ghost: string
  let ann: Running
  let chatA: Array<{ author: string, seq: number, body: string }>

  before(async () => {
    ensurePeerBuilt()
    // A used folder: a running conference with chat, and a conference whose invitee never came online.
    const org = await start('Olga')
    ann = await start('Ann')
    orgId = org.peerId
    confA = await runningConference(org, [ann])
    for (let i = 0; i < 5; i++) {
      await call(org, 'send', { conferenceId: confA, body: `olga ${i}` })
      await call(ann, 'send', { conferenceId: confA, body: `ann ${i}` })
    }
    await until('both hold the ten messages', async () => (await call(org, 'history', { conferenceId: confA })).length === 10 &&
      (await call(ann, 'history', { conferenceId: confA })).length === 10)
    chatA = (await call(org, 'history', { conferenceId: confA })).map((m: any) => ({ author: m.author, seq: m.seq, body: m.body }))
    ghost = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    confB = (await call(org, 'create', { title: 'Ghost meeting', start: Date.now() + 3_600_000, invitees: [ghost] })).context.id
    await until('the undelivered invitation is in the outbox', async () => outboxItems(org.dir) === 1)
    // Contacts seen are saved within a second (together): the used folder has them before the crash.
    await until('the contacts are saved', async () => existsSync(path.join(org.dir, 'contacts.json')))
    // Killed, as a crash would leave it: the lock stays behind.
    await kill9(org)
    seasoned = org.dir
  })

  after(async () => {
    await stopStarted()
    await stopAllPeers()
    await cleanup()
  })

  it('a used data folder holds these files', () => {
    assert.deepEqual(files(seasoned), [
      `chat/${confA}.log`, `conferences/${confA}.json`, `conferences/${confB}.json`,
      'contacts.json', 'listen-ports.json', 'node.lock', 'outbox.json', 'peer.key'
    ].sort())
  })

  it('a truncated record of the remembered listen port costs only the port: the peer starts on a new one and keeps everything else', async () => {
    const { org, warnings, dir } = await startDamaged(d => truncate(path.join(d, 'listen-ports.json')))
    assert.ok(warnings.length <= 1, warnings.join('\n'))
    assert.equal((await call(org, 'status')).state, 'running')
    assert.equal((await call(org, 'conferences')).length, 2)
    assert.ok(existsSync(path.join(dir, 'listen-ports.json')), 'the port is remembered again')
    await stopGracefully(org)
  })

  /** Starts Olga on a copy of the used folder after `damage`; returns her, her warnings, and the folder. */
  async function startDamaged (damage: (dir: string) => void): Promise<{ org: Running, warnings: string[], dir: string }> {
    const dir = tempDir('devmeet-damaged-')
    cpSync(seasoned, dir, { recursive: true })
    damage(dir)
    const org = await start('Olga', dir)
    return { org, warnings: org.p.lines.filter(l => l.event === 'warning').map(l => l.message), dir }
  }

  const aside = (dir: string, name: string): string[] => files(dir).filter(f => f.startsWith(`${name}.damaged-`))
  const conferenceIds = async (org: Running): Promise<string[]> => (await call(org, 'conferences')).map((v: any) => v.context.id).sort()

  it('a truncated conference file: the other conference, the contacts and the outbox are kept', async () => {
    const { org, warnings, dir } = await startDamaged(d => truncate(path.join(d, 'conferences', `${confA}.json`)))
    assert.equal(warnings.length, 1, warnings.join('\n'))
    assert.match(warnings[0], new RegExp(`${confA}\\.json was damaged and was moved aside to ${confA}\\.json\\.damaged-\\d+`))
    assert.equal(aside(dir, `conferences/${confA}.json`).length, 1)
    assert.deepEqual(await conferenceIds(org), [confB])
    assert.ok((await call(org, 'peers')).some((p: any) => p.peerId === ann.peerId), 'contacts kept')
    assert.equal(outboxItems(dir), 1, 'the undelivered invitation is still queued')
    await stopGracefully(org)
  })

  it('a conference file whose signed record was garbled is moved aside; the rest loads', async () => {
    const { org, warnings, dir } = await startDamaged(d => {
      const file = path.join(d, 'conferences', `${confB}.json`)
      const doc = JSON.parse(readFileSync(file, 'utf8'))
      doc.envelope = doc.envelope.slice(0, 40) + (doc.envelope[40] === 'A' ? 'B' : 'A') + doc.envelope.slice(41)
      writeFileSync(file, JSON.stringify(doc))
    })
    assert.equal(warnings.length, 1, warnings.join('\n'))
    assert.match(warnings[0], new RegExp(`conference file ${confB}\\.json could not be verified and was moved aside to ${confB}\\.json\\.damaged-\\d+`))
    assert.equal(aside(dir, `conferences/${confB}.json`).length, 1)
    assert.deepEqual(await conferenceIds(org), [confA])
    assert.equal((await call(org, 'history', { conferenceId: confA })).length, 10)
    await stopGracefully(org)
  })

  it('a garbled chat-log line and a torn tail: the rest loads, the original is kept aside, and a participant fills the gap', async () => {
    const { org, warnings, dir } = await startDamaged(d => {
      const file = path.join(d, 'chat', `${confA}.log`)
      const lines = readFileSync(file, 'utf8').split('\n').filter(l => l !== '')
      lines[3] = lines[3].slice(0, 30) + '\u0000\u0000' + lines[3].slice(60)
      writeFileSync(file, lines.join('\n') + '\n' + lines[4].slice(0, 50))
    })
    assert.deepEqual(warnings, [], 'nothing else is damaged')
    // The log loads when the chat does: at start time, which has passed, so at once.
    const warning = await line(org, 'the chat log warning', l => l.event === 'warning')
    assert.match(warning.message, new RegExp(`chat/${confA}\\.log: skipped 2 damaged line\\(s\\); the rest loaded; the damaged file was kept as ${confA}\\.log\\.damaged-\\d+`))
    assert.equal(aside(dir, `chat/${confA}.log`).length, 1)
    // Olga dials Ann (a contact) and the chat sync brings back the one message that was lost.
    await until('the lost message is back from Ann', async () => (await call(org, 'history', { conferenceId: confA })).length === 10, 30_000)
    const history = (await call(org, 'history', { conferenceId: confA })).map((m: any) => ({ author: m.author, seq: m.seq, body: m.body }))
    assert.deepEqual(history, chatA)
    await stopGracefully(org)
    // The repaired log loads without complaint next time.
    const again = await start('Olga', dir)
    assert.deepEqual(again.p.lines.filter(l => l.event === 'warning'), [])
    assert.equal((await call(again, 'history', { conferenceId: confA })).length, 10)
    await stopGracefully(again)
  })

  it('garbled contacts: one warning, the conferences and chat are kept', async () => {
    const { org, warnings, dir } = await startDamaged(d => garble(path.join(d, 'contacts.json')))
    assert.equal(warnings.length, 1, warnings.join('\n'))
    assert.match(warnings[0], /contacts\.json was damaged and was moved aside to contacts\.json\.damaged-\d+/)
    assert.equal(aside(dir, 'contacts.json').length, 1)
    assert.deepEqual(await conferenceIds(org), [confA, confB].sort())
    assert.equal((await call(org, 'history', { conferenceId: confA })).length, 10)
    await stopGracefully(org)
  })

  it('a truncated outbox: the undelivered invitation is queued again from the conference store', async () => {
    const { org, warnings, dir } = await startDamaged(d => truncate(path.join(d, 'outbox.json')))
    assert.equal(warnings.length, 1, warnings.join('\n'))
    assert.match(warnings[0], /outbox\.json was damaged and was moved aside to outbox\.json\.damaged-\d+/)
    assert.equal(aside(dir, 'outbox.json').length, 1)
    await until('the outbox is written again', async () => outboxItems(dir) === 1)
    const items = JSON.parse(readFileSync(path.join(dir, 'outbox.json'), 'utf8')).items
    assert.deepEqual(items.map((i: any) => [i.kind, i.conferenceId, i.to]), [['context', confB, ghost]])
    await stopGracefully(org)
  })

  it('a truncated key file: the peer starts with a new key, says so, and keeps the old key aside', async () => {
    const { org, warnings, dir } = await startDamaged(d => truncate(path.join(d, 'peer.key')))
    assert.notEqual(org.peerId, orgId)
    assert.equal(warnings.length, 1, warnings.join('\n'))
    assert.match(warnings[0], /peer key could not be read .*moved aside to peer\.key\.damaged-\d+.*new peer ID/)
    assert.equal(aside(dir, 'peer.key').length, 1)
    assert.deepEqual(await conferenceIds(org), [confA, confB].sort(), 'the files load; the conferences are no longer this peer\'s to change')
    await stopGracefully(org)
  })

  it('a garbled lock (it holds no data) is treated as stale', async () => {
    const { org, warnings } = await startDamaged(d => writeFileSync(path.join(d, 'node.lock'), '\u0000\u00ff garbage'))
    assert.equal(org.peerId, orgId)
    assert.deepEqual(warnings, [])
    await stopGracefully(org)
  })

  it('every file damaged at once: the peer still starts and reports each', async () => {
    const { org, warnings, dir } = await startDamaged(d => {
      for (const f of [`conferences/${confA}.json`, `conferences/${confB}.json`, 'contacts.json', 'outbox.json', 'peer.key']) truncate(path.join(d, f))
      garble(path.join(d, 'chat', `${confA}.log`), 0.2)
      writeFileSync(path.join(d, 'node.lock'), 'x')
    })
    assert.equal(warnings.length, 5, warnings.join('\n'))
    for (const f of ['contacts.json', 'outbox.json', 'peer.key', `conferences/${confA}.json`, `conferences/${confB}.json`]) {
      assert.equal(aside(dir, f).length, 1, `${f} moved aside`)
    }
    assert.deepEqual(await call(org, 'conferences'), [])
    assert.equal((await call(org, 'status')).state, 'running')
    assert.ok(existsSync(path.join(dir, 'chat', `${confA}.log`)), 'a log of a conference no longer known stays where it is')
    await stopGracefully(org)
  })
})
