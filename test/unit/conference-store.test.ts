import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, readdirSync, writeFileSync, readFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { ConferenceContext } from '../../src/core/api'
import { Storage } from '../../src/core/storage'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { ConferenceStore } from '../../src/core/conference/store'
import { newConferenceId } from '../../src/core/conference/conference-id'
import { Outbox, type OutboxItem } from '../../src/core/invite/outbox'
import type { Clock } from '../../src/core/clock'
import { silentLogger } from '../../src/core/log'

const dirs: string[] = []
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

function tempStorage (warnings: string[] = []): Storage {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-store-'))
  dirs.push(dir)
  return new Storage(dir, { onWarning: m => warnings.push(m) })
}

let organizer: PrivateKey
let stranger: PrivateKey
before(async () => {
  organizer = await generateKeyPair('Ed25519')
  stranger = await generateKeyPair('Ed25519')
})

function context (signer: PrivateKey, over: Partial<ConferenceContext> = {}): ConferenceContext {
  const now = Date.now()
  return {
    ...newConferenceId(peerIdFromPrivateKey(signer).toString()),
    title: 'Design review',
    agenda: '',
    start: now + 3_600_000,
    timeZone: 'UTC',
    durationMinutes: 30,
    organizer: { peerId: peerIdFromPrivateKey(signer).toString(), displayName: 'Olga', addrs: [] },
    invitees: [],
    sequence: 1,
    status: 'scheduled',
    createdAt: now,
    updatedAt: now,
    ...over
  }
}

/** A clock whose timers run only when the test advances it. */
class ManualClock implements Clock {
  t = 1_000_000
  private timers: Array<{ at: number, fn: () => void, handle: object }> = []
  now (): number { return this.t }
  setTimeout (fn: () => void, ms: number): unknown {
    const handle = {}
    this.timers.push({ at: this.t + ms, fn, handle })
    return handle
  }

  clearTimeout (handle: unknown): void { this.timers = this.timers.filter(x => x.handle !== handle) }
  advance (ms: number): void {
    this.t += ms
    const due = this.timers.filter(x => x.at <= this.t)
    this.timers = this.timers.filter(x => x.at > this.t)
    for (const x of due) x.fn()
  }
}

const tick = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }

describe('the conference store', () => {
  it('keeps conferences across a restart, with the signed bytes unchanged', async () => {
    const storage = tempStorage()
    const ctx = context(organizer)
    const envelope = await seal(organizer, DOMAINS.conference, ctx)
    const store = new ConferenceStore(storage, () => {})
    await store.put({ context: ctx, envelope, answers: {}, delivery: { x: 'pending' }, lastRsvpSeq: { y: 2 } })
    const reloaded = new ConferenceStore(storage, () => {})
    await reloaded.load()
    const got = reloaded.get(ctx.id)!
    assert.deepEqual(got.context, ctx)
    assert.deepEqual(Buffer.from(got.envelope), Buffer.from(envelope))
    assert.deepEqual(got.delivery, { x: 'pending' })
    assert.deepEqual(got.lastRsvpSeq, { y: 2 })
  })

  it('moves a damaged file aside, reports it, and keeps the other conferences', async () => {
    const warnings: string[] = []
    const storage = tempStorage(warnings)
    const good = context(organizer)
    const store = new ConferenceStore(storage, m => warnings.push(m))
    await store.put({ context: good, envelope: await seal(organizer, DOMAINS.conference, good), answers: {}, delivery: {}, lastRsvpSeq: {} })
    writeFileSync(path.join(storage.dir, 'conferences', 'broken.json'), '{"version":1,"envel')
    const reloaded = new ConferenceStore(storage, m => warnings.push(m))
    await reloaded.load()
    assert.equal(reloaded.all().length, 1)
    assert.ok(reloaded.get(good.id) != null)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /broken\.json was damaged/)
    assert.ok(!readdirSync(path.join(storage.dir, 'conferences')).includes('broken.json'), 'moved aside')
  })

  it('ignores a file on disk whose context is not signed by its organizer', async () => {
    const warnings: string[] = []
    const storage = tempStorage()
    const store = new ConferenceStore(storage, m => warnings.push(m))
    const forged = context(organizer)
    await store.put({ context: forged, envelope: await seal(stranger, DOMAINS.conference, forged), answers: {}, delivery: {}, lastRsvpSeq: {} })
    const reloaded = new ConferenceStore(storage, m => warnings.push(m))
    await reloaded.load()
    assert.equal(reloaded.all().length, 0)
    assert.match(warnings.join('\n'), /could not be verified/)
  })

  it('sets aside a file whose id is not bound to its organizer, or that lists an answer without the invitee\'s signature', async () => {
    const warnings: string[] = []
    const storage = tempStorage()
    const store = new ConferenceStore(storage, m => warnings.push(m))
    const squatted = context(organizer, { id: context(stranger).id })
    const invitee = peerIdFromPrivateKey(stranger).toString()
    const claimed = context(organizer, { invitees: [{ peerId: invitee, displayName: 'Sam', addrs: [], rsvp: 'accepted' }] })
    const good = context(organizer)
    for (const ctx of [squatted, claimed, good]) {
      await store.put({ context: ctx, envelope: await seal(organizer, DOMAINS.conference, ctx), answers: {}, delivery: {}, lastRsvpSeq: {} })
    }
    const reloaded = new ConferenceStore(storage, m => warnings.push(m))
    await reloaded.load()
    assert.deepEqual(reloaded.all().map(c => c.context.id), [good.id])
    assert.match(warnings.join('\n'), /not bound to its organizer/)
    assert.match(warnings.join('\n'), /without their signed answer/)
  })
})

describe('the outbox', () => {
  function outbox (storage: Storage, clock: ManualClock, deliver: (item: OutboxItem) => Promise<void>): Outbox {
    return new Outbox(storage, clock, silentLogger, deliver, { initialMs: 1000, maxMs: 8000 })
  }

  it('writes an item to disk before the first attempt', async () => {
    const storage = tempStorage()
    let onDiskAtSend = ''
    const box = outbox(storage, new ManualClock(), async () => {
      onDiskAtSend = readFileSync(path.join(storage.dir, 'outbox.json'), 'utf8')
      await new Promise(() => {})
    })
    box.start()
    await box.enqueue('context', 'conf1', 'peerA')
    await tick()
    assert.match(onDiskAtSend, /"conf1"/)
  })

  it('retries with capped exponential backoff until acknowledged, then forgets the item', async () => {
    const storage = tempStorage()
    const clock = new ManualClock()
    const attempts: number[] = []
    let failUntil = 5
    const box = outbox(storage, clock, async () => {
      attempts.push(clock.now())
      if (attempts.length < failUntil) throw new Error('unreachable')
    })
    box.start()
    await box.enqueue('rsvp', 'conf1', 'org')
    await tick()
    for (let i = 0; i < 40 && box.pending().length > 0; i++) {
      clock.advance(500)
      await tick()
    }
    assert.equal(attempts.length, failUntil)
    assert.equal(box.pending().length, 0)
    await box.flush()
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i])
    // backoff 1 s, 2 s, 4 s, 8 s with jitter in [0.5, 1) of each, rounded up to the 500 ms ticks
    assert.ok(gaps[0] >= 500 && gaps[0] <= 1000, `first gap ${gaps[0]}`)
    assert.ok(gaps[3] >= 4000 && gaps[3] <= 8000, `fourth gap ${gaps[3]}`)
    const reloaded = outbox(storage, clock, async () => {})
    await reloaded.load()
    assert.equal(reloaded.pending().length, 0, 'the acknowledged item is gone from disk')
    failUntil = 0
  })

  it('keeps only the latest item per (kind, conference, peer) and survives a restart', async () => {
    const storage = tempStorage()
    const clock = new ManualClock()
    const box = outbox(storage, clock, async () => { throw new Error('offline') })
    box.start()
    await box.enqueue('context', 'conf1', 'peerA')
    await box.enqueue('context', 'conf1', 'peerA')
    await box.enqueue('context', 'conf1', 'peerB')
    await box.enqueue('rsvp', 'conf2', 'peerA')
    await tick()
    box.stop()
    await box.flush()
    const delivered: string[] = []
    const reloaded = outbox(storage, clock, async item => { delivered.push(`${item.kind}:${item.conferenceId}:${item.to}`) })
    await reloaded.load()
    assert.equal(reloaded.pending().length, 3)
    reloaded.start()
    clock.advance(0)
    await tick()
    assert.deepEqual(delivered.sort(), ['context:conf1:peerA', 'context:conf1:peerB', 'rsvp:conf2:peerA'])
    reloaded.stop()
    await reloaded.flush()
  })

  it('tries a waiting item at once when its peer is seen', async () => {
    const storage = tempStorage()
    const clock = new ManualClock()
    let online = false
    let delivered = 0
    const box = outbox(storage, clock, async () => {
      if (!online) throw new Error('offline')
      delivered++
    })
    box.start()
    await box.enqueue('context', 'conf1', 'peerA')
    await tick()
    online = true
    box.kick('peerB')
    await tick()
    assert.equal(delivered, 0, 'another peer being seen changes nothing')
    box.kick('peerA')
    await tick()
    assert.equal(delivered, 1)
    assert.equal(box.pending().length, 0)
    box.stop()
    await box.flush()
  })
})
