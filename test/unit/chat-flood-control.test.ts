import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FloodControl, AUTHOR_BURST, AUTHOR_HISTORY_BURST, AUTHOR_RATE_PER_SECOND, FLOOD_GRACE_MS } from '../../src/core/chat/flood-control'
import type { ChatLink } from '../../src/core/chat/link'

const C = 'conference'

function linkFrom (peer: string, claimed: Record<string, number> = {}): ChatLink {
  return { conferenceId: C, peer, claimed } as unknown as ChatLink
}

describe('chat flood control', () => {
  it('charges history (what the hello claimed, or what we asked for) to the larger bucket, live messages to the smaller', () => {
    const flood = new FloodControl(() => 0)
    const link = linkFrom('bob', { carol: 100 })
    assert.equal(flood.isHistory(link, 'carol', 100), true, 'at or below the hello: history')
    assert.equal(flood.isHistory(link, 'carol', 101), false, 'above it: live')
    flood.noteWanted(C, 'carol', 500)
    assert.equal(flood.isHistory(link, 'carol', 400), true, 'what we asked participants for is history')
    flood.noteWanted(C, 'carol', 300)
    assert.equal(flood.isHistory(link, 'carol', 400), true, 'a smaller request does not lower the mark')
    const history = flood.guardFor(link, 'carol', 1)
    const live = flood.guardFor(link, 'carol', 10_000)
    assert.equal(history.burst, AUTHOR_HISTORY_BURST)
    assert.equal(live.burst, AUTHOR_BURST)
  })

  it('drops an author over its live allowance, counts it, and says cut only after the grace period', () => {
    let now = 0
    const flood = new FloodControl(() => now)
    const guard = flood.guardFor(linkFrom('mallory'), 'mallory', 1)
    for (let i = 0; i < AUTHOR_BURST; i++) assert.equal(flood.charge(guard, C, 'mallory'), 'ok')
    assert.equal(flood.charge(guard, C, 'mallory'), 'refused', 'over the burst: throttled')
    assert.equal(flood.stats.dropped, 1)
    let verdict = 'refused'
    for (let ms = 0; ms < FLOOD_GRACE_MS + 100 && verdict !== 'cut'; ms += 10) {
      now += 10
      for (let i = 0; i < AUTHOR_RATE_PER_SECOND; i++) verdict = flood.charge(guard, C, 'mallory')
    }
    assert.equal(verdict, 'cut', 'still over the rate after the grace period')
    assert.ok(now >= FLOOD_GRACE_MS)
    assert.ok(flood.refusedOf(guard, C, 'mallory') > 0)
  })

  it('drops a forwarded message of a throttled author unchecked without charging its forwarder', () => {
    const flood = new FloodControl(() => 0)
    const guard = flood.guardFor(linkFrom('bob'), 'puppet', 1)
    assert.equal(flood.dropForwarded(guard, C, 'puppet'), false, 'an author with allowance left passes')
    for (let i = 0; i < AUTHOR_BURST; i++) flood.charge(guard, C, 'puppet')
    assert.equal(flood.dropForwarded(guard, C, 'puppet'), true)
    assert.equal(flood.stats.dropped, 1)
    assert.equal(flood.charge(guard, C, 'bob'), 'ok', 'the forwarder keeps its own allowance')
  })

  it('cuts a peer off for 60 s, then twice as long for a repeat; a cut-off peer is not cut off again meanwhile', () => {
    let now = 0
    const flood = new FloodControl(() => now)
    const guard = flood.guardFor(linkFrom('mallory'), 'mallory', 1)
    flood.charge(guard, C, 'mallory')
    const first = flood.cutOff(C, 'mallory', 10, guard)
    assert.equal(first?.ms, 60_000)
    assert.match(first!.why, /faster than 50 a second .*\(10 dropped\)/)
    assert.equal(flood.isCutOff('mallory'), true)
    assert.equal(flood.cutOff(C, 'mallory', 10, guard), undefined, 'already cut off')
    now += 60_000
    assert.equal(flood.isCutOff('mallory'), false, 'the cut-off ends')
    assert.equal(flood.cutOff(C, 'mallory', 10, guard)?.ms, 120_000, 'a repeat lasts twice as long')
    assert.equal(flood.stats.cutOffs, 2)
    assert.match(flood.cutOff(C, 'eve', 0)!.why, /more than 30000 chat messages a second/, 'a stream over the frame rate')
  })

  it('refuses a peer that keeps opening streams, and then denies it (its connection is closed)', () => {
    const flood = new FloodControl(() => 0)
    const verdicts = Array.from({ length: 45 }, () => flood.admitStream('eve'))
    assert.equal(verdicts.filter(v => v === 'ok').length, 30, 'a burst of 30 streams')
    assert.ok(verdicts.includes('refused'))
    assert.equal(verdicts.at(-1), 'denied', 'ten refusals deny the peer')
    assert.equal(flood.admitStream('bob'), 'ok', 'others are not affected')
  })

  it('caps a stream\'s whole traffic: a frame rate far over 30,000 messages a second is cut (a burst of 100,000: a catch-up)', () => {
    const flood = new FloodControl(() => 0)
    assert.equal(flood.admitFrame('bob', 1000), 'ok')
    const verdicts = Array.from({ length: 130 }, () => flood.admitFrame('bob', 1000))
    assert.ok(verdicts.slice(0, 99).every(v => v === 'ok'), 'a catch-up of 100,000 fits')
    assert.ok(verdicts.includes('refused'), 'over the burst: dropped unchecked')
    assert.equal(verdicts.at(-1), 'cut', 'a peer that keeps at it is cut off')
  })
})
