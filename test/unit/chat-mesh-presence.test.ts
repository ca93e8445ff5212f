// Presence across the mesh, attack first: a neighbour passes on signed, dated announcements of
// others; it cannot claim anyone online or offline, replay an old word, nor flood us.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { MeshPresence, MAX_PRESENCE_SKEW_MS, PRESENCE_MIN_INTERVAL_MS, PRESENCE_TTL_MS, presenceEveryMs, presenceTtlMs } from '../../src/core/chat/mesh-presence'
import { sealText, DOMAINS } from '../../src/core/wire/envelope'

const CONF = 'conf-aaaaaaaaaaaaaaaaaaaaaa'
const OTHER_CONF = 'conf-bbbbbbbbbbbbbbbbbbbbbb'

interface Who { key: PrivateKey, id: string }
async function who (): Promise<Who> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() }
}

/** A participant's presence table on a clock the test moves; `members` take part in CONF. */
function table (me: Who, members: Set<string>, clock: { t: number }): MeshPresence {
  return new MeshPresence({ me: () => me.id, key: () => me.key, now: () => clock.t, mayChat: (c, p) => c === CONF && members.has(p) })
}

/** What `author` would announce, signed by `signer` (itself unless a forger). */
function announcement (signer: Who, fields: { peer?: string, conferenceId?: string, at: number, online: boolean, typing?: boolean }): string {
  return sealText(signer.key, DOMAINS.presence, { conferenceId: fields.conferenceId ?? CONF, peer: fields.peer ?? signer.id, at: fields.at, online: fields.online, typing: fields.typing ?? false })
}

describe('presence across the mesh', async () => {
  const [alice, carol, mallory, stranger] = await Promise.all([who(), who(), who(), who()])
  const members = new Set([alice.id, carol.id, mallory.id])

  it('a neighbour cannot say another participant is online, nor offline', async () => {
    const clock = { t: 1_000_000 }
    const p = table(alice, members, clock)
    assert.equal(await p.receive(mallory.id, CONF, announcement(mallory, { peer: carol.id, at: clock.t, online: true })), 'refused')
    assert.deepEqual(p.online(CONF), [])
    assert.equal(await p.receive(mallory.id, CONF, announcement(carol, { at: clock.t, online: true })), 'new')
    assert.deepEqual(p.online(CONF), [carol.id])
    clock.t += 1000
    assert.equal(await p.receive(mallory.id, CONF, announcement(mallory, { peer: carol.id, at: clock.t, online: false })), 'refused')
    // Carol's own word with its payload changed: the signature no longer holds.
    const genuine = JSON.parse(announcement(carol, { at: clock.t, online: true }))
    genuine.p = genuine.p.replace('"online":true', '"online":false')
    assert.equal(await p.receive(mallory.id, CONF, JSON.stringify(genuine)), 'refused')
    assert.deepEqual(p.online(CONF), [carol.id])
  })

  it('an old announcement replayed after a newer one changes nothing', async () => {
    const clock = { t: 2_000_000 }
    const p = table(alice, members, clock)
    const online = announcement(carol, { at: clock.t, online: true })
    assert.equal(await p.receive(carol.id, CONF, online), 'new')
    clock.t += 2000
    assert.equal(await p.receive(carol.id, CONF, announcement(carol, { at: clock.t, online: false })), 'new')
    assert.deepEqual(p.online(CONF), [])
    clock.t += 2000
    assert.equal(await p.receive(mallory.id, CONF, online), 'old')
    assert.deepEqual(p.online(CONF), [])
  })

  it('a replay from long ago (or a date far ahead) is not taken, even as the first word heard (not held against the neighbour: clocks differ)', async () => {
    const clock = { t: 10_000_000 }
    const p = table(alice, members, clock)
    assert.equal(await p.receive(mallory.id, CONF, announcement(carol, { at: clock.t - MAX_PRESENCE_SKEW_MS - 1, online: true })), 'ignored')
    assert.equal(await p.receive(mallory.id, CONF, announcement(carol, { at: clock.t + MAX_PRESENCE_SKEW_MS + 1, online: true })), 'ignored')
    assert.deepEqual(p.online(CONF), [])
  })

  it('an outsider is not taken (our list of participants may lag); another conference, a malformed or oversized frame are refused', async () => {
    const clock = { t: 3_000_000 }
    const p = table(alice, members, clock)
    assert.equal(await p.receive(mallory.id, CONF, announcement(stranger, { at: clock.t, online: true })), 'ignored')
    assert.equal(await p.receive(mallory.id, CONF, announcement(carol, { conferenceId: OTHER_CONF, at: clock.t, online: true })), 'refused')
    assert.equal(await p.receive(mallory.id, CONF, 'not json'), 'refused')
    assert.equal(await p.receive(mallory.id, CONF, sealText(carol.key, DOMAINS.chat, { conferenceId: CONF, peer: carol.id, at: clock.t, online: true, typing: false })), 'refused', 'a signature for another kind of record')
    assert.equal(await p.receive(mallory.id, CONF, sealText(carol.key, DOMAINS.presence, { conferenceId: CONF, peer: carol.id, at: clock.t, online: true, typing: false, extra: 'x'.repeat(2000) })), 'refused')
    assert.deepEqual(p.online(CONF), [])
  })

  it('a flood of announcements: one taken per participant and interval, then the flooding link is refused for a while, unparsed; other links still carry news', async () => {
    const clock = { t: 4_000_000 }
    const p = table(alice, members, clock)
    const verdicts = new Map<string, number>()
    for (let i = 0; i < 1000; i++) {
      const v = await p.receive(mallory.id, CONF, announcement(mallory, { at: clock.t + i + 1, online: true, typing: i % 2 === 0 }))
      verdicts.set(v, (verdicts.get(v) ?? 0) + 1)
    }
    assert.equal(verdicts.get('new'), 1, JSON.stringify([...verdicts]))
    assert.equal(verdicts.get('throttled'), 999)
    clock.t += 5000
    // Past its bucket the link kept striking: for a minute even a genuine word of Carol's is not taken from it.
    assert.equal(await p.receive(mallory.id, CONF, announcement(carol, { at: clock.t, online: true })), 'throttled')
    assert.equal(await p.receive(carol.id, CONF, announcement(carol, { at: clock.t, online: true })), 'new')
    clock.t += 61_000
    assert.equal(await p.receive(mallory.id, CONF, announcement(mallory, { at: clock.t, online: true })), 'new')
  })

  it('a participant not heard from for the time to live is offline; typing shows for a few seconds', async () => {
    const clock = { t: 5_000_000 }
    const p = table(alice, members, clock)
    assert.equal(await p.receive(carol.id, CONF, announcement(carol, { at: clock.t, online: true, typing: true })), 'new')
    assert.deepEqual(p.typing(CONF), [carol.id])
    assert.equal(p.envelopes(CONF).length, 1)
    const before = clock.t
    clock.t += 7000
    assert.deepEqual(p.typing(CONF), [])
    assert.deepEqual(p.online(CONF), [carol.id])
    clock.t = before + PRESENCE_TTL_MS
    assert.deepEqual(p.online(CONF), [])
    assert.equal(p.sweep(CONF, before + 7000), true)
    assert.equal(p.sweep(CONF, clock.t), false)
    assert.deepEqual(p.envelopes(CONF), [])
  })

  it('a large conference speaks less often and holds each word longer: what each participant receives per second stays as at 10', async () => {
    assert.deepEqual([5, 10, 25, 50, 100].map(presenceEveryMs), [10_000, 10_000, 25_000, 50_000, 100_000])
    for (const n of [10, 25, 50, 100, 300]) {
      assert.equal(presenceTtlMs(n) / presenceEveryMs(n), PRESENCE_TTL_MS / 10_000, `${n}: two rounds may be lost`)
      assert.ok(n / presenceEveryMs(n) <= 10 / 10_000, `${n}: announcements per second`)
    }
    const clock = { t: 5_500_000 }
    const p = new MeshPresence({ me: () => alice.id, key: () => alice.key, now: () => clock.t, mayChat: (c, q) => c === CONF && members.has(q), participants: () => 100 })
    assert.equal(await p.receive(carol.id, CONF, announcement(carol, { at: clock.t, online: true })), 'new')
    clock.t += presenceEveryMs(100) + 5000
    assert.deepEqual(p.online(CONF), [carol.id], 'a round and a bit later, still online at 100 participants')
    clock.t += presenceTtlMs(100)
    assert.deepEqual(p.online(CONF), [])
  })

  it('my own announcements are dated strictly after each other and are never news to me', async () => {
    const clock = { t: 6_000_000 }
    const p = table(alice, members, clock)
    const a = p.own(CONF, true, false)
    const b = p.own(CONF, true, true)
    assert.ok(p.lastOwn(CONF) === clock.t + 1)
    assert.equal(await p.receive(carol.id, CONF, b), 'old')
    assert.notEqual(a, b)
    const q = table(carol, members, clock)
    assert.equal(await q.receive(alice.id, CONF, a), 'new')
    assert.equal(await q.receive(alice.id, CONF, a), 'old')
  })

  it('one entry per participant, and none for those who stop taking part', async () => {
    const clock = { t: 7_000_000 }
    const inConf = new Set(members)
    const p = table(alice, inConf, clock)
    for (let i = 0; i < 20; i++) {
      clock.t += PRESENCE_MIN_INTERVAL_MS
      assert.equal(await p.receive(carol.id, CONF, announcement(carol, { at: clock.t, online: true })), 'new')
    }
    assert.equal(p.envelopes(CONF).length, 1)
    inConf.delete(carol.id)
    assert.deepEqual(p.online(CONF), [])
    p.sweep(CONF, clock.t)
    inConf.add(carol.id)
    assert.deepEqual(p.online(CONF), [], 'the entry was dropped')
  })
})
