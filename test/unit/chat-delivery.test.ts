import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Acknowledgements } from '../../src/core/chat/acks'
import { GapRepair } from '../../src/core/chat/gap-repair'
import { MAX_WANT_SPAN, REQUEST_BURST, REQUESTS_PER_SECOND, RequestBudgets } from '../../src/core/chat/history-requests'
import { LinkTable } from '../../src/core/chat/link-table'
import type { ChatLink } from '../../src/core/chat/link'
import type { ChatLog } from '../../src/core/chat/log'
import type { ChatScope } from '../../src/core/chat/scope'
import type { ChatEvents } from '../../src/core/chat/ports'
import { Emitter } from '../../src/core/events'
import { changedSince, mergedSummary } from '../../src/core/chat/sync'

const C = 'conference'

/** A stream stub that records what would be sent on it. */
function recordingLink (peer: string): ChatLink & { controls: any[], messages: any[] } {
  const link: any = {
    conferenceId: C,
    peer,
    closed: false,
    known: {},
    claimed: {},
    receivedFrames: 0,
    owedAuthors: new Set<string>(),
    owedTimer: undefined,
    theirLinks: undefined,
    controls: [] as any[],
    messages: [] as any[],
    sendControl (frame: any) { link.controls.push(frame) },
    sendMessages (m: any[]) { link.messages.push(...m); return m.length }
  }
  return link
}

/** A log stub holding `held` messages per author (1..n, no gaps). */
function logHolding (held: Record<string, number>): ChatLog {
  return {
    highestSeqOf: (a: string) => held[a] ?? 0,
    summary: () => ({ ...held }),
    digestsOf: () => ({}),
    range: (a: string, from: number, to: number) => {
      const out = []
      for (let s = Math.max(1, from); s <= Math.min(to, held[a] ?? 0); s++) out.push({ author: a, seq: s })
      return out
    },
    missingFor: (theirs: Record<string, number>, authors: Set<string>) => [...authors].flatMap(a =>
      Array.from({ length: Math.max(0, (held[a] ?? 0) - (theirs[a] ?? 0)) }, (_, i) => ({ author: a, seq: (theirs[a] ?? 0) + i + 1 })))
  } as unknown as ChatLog
}

function scopeOf (now: () => number, participants = new Set(['me', 'bob', 'carol'])): ChatScope {
  return { now, me: () => 'me', mayChat: (_c: string, p: string) => participants.has(p) } as unknown as ChatScope
}

describe('chat acknowledgements', () => {
  it('clamps a participant\'s claim about my messages to the last I wrote (a claim of 2^53 drives no loop)', () => {
    const events = new Emitter<ChatEvents>()
    const statuses: number[] = []
    events.on('message:status', s => statuses.push(s.seq))
    const acks = new Acknowledgements(events, () => 'me')
    const log = logHolding({ me: 3 })
    acks.noteAck(C, log, { me: Number.MAX_SAFE_INTEGER })
    assert.deepEqual(statuses, [1, 2, 3], 'one status per message I wrote, no more')
    assert.equal(acks.isPending(C, 3), false)
    assert.equal(acks.isPending(C, 4), true, 'a message I write later is pending')
    acks.noteAck(C, log, { me: 2 })
    assert.deepEqual(statuses, [1, 2, 3], 'an older ack changes nothing')
  })

  it('acknowledges every fourth frame at once and groups the others over 200 ms', async () => {
    const acks = new Acknowledgements(new Emitter<ChatEvents>(), () => 'me')
    const link = recordingLink('bob')
    const log = logHolding({ bob: 2 })
    link.receivedFrames = 4
    acks.schedule(link, log)
    assert.equal(link.controls.length, 1, 'the fourth frame: at once')
    assert.deepEqual(link.controls[0], { t: 'ack', summary: { bob: 2 }, digests: {}, frames: 4 })
    link.receivedFrames = 5
    acks.schedule(link, log)
    link.receivedFrames = 6
    acks.schedule(link, log)
    assert.equal(link.controls.length, 1, 'grouped')
    await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal(link.controls.length, 1, 'still grouped after 100 ms')
    await new Promise(resolve => setTimeout(resolve, 150))
    assert.equal(link.controls.length, 2, 'one ack for the group')
    assert.equal(link.controls[1].frames, 6)
    link.receivedFrames = 7
    acks.schedule(link, log)
    acks.cancel(link)
    await new Promise(resolve => setTimeout(resolve, 250))
    assert.equal(link.controls.length, 2, 'a cancelled ack is not sent')
  })
})

describe('acks name what changed', () => {
  it('after the hello, an ack carries only the authors whose mark or digest moved', () => {
    const acks = new Acknowledgements(new Emitter<ChatEvents>(), () => 'me')
    const link = recordingLink('bob')
    const held: Record<string, number> = { bob: 2, carol: 5, dave: 1 }
    const digests: Record<string, string> = { bob: 'b2', carol: 'c5', dave: 'd1' }
    const log = { ...logHolding(held), summary: () => ({ ...held }), digestsOf: () => ({ ...digests }) } as unknown as ChatLog
    link.told = { summary: { ...held }, digests: { ...digests } }
    held.bob = 3
    digests.bob = 'b3'
    link.receivedFrames = 4
    acks.schedule(link, log)
    assert.deepEqual(link.controls[0], { t: 'ack', summary: { bob: 3 }, digests: { bob: 'b3' }, frames: 4 })
    // Another version of one of Carol's messages was taken: her digest moved, her mark did not.
    digests.carol = 'c5*'
    link.receivedFrames = 8
    acks.schedule(link, log)
    assert.deepEqual(link.controls[1], { t: 'ack', summary: { carol: 5 }, digests: { carol: 'c5*' }, frames: 8 })
    link.receivedFrames = 12
    acks.schedule(link, log)
    assert.deepEqual(link.controls[2], { t: 'ack', summary: {}, digests: {}, frames: 12 }, 'nothing moved: frames only')
  })

  it('a link that told nothing yet sends everything', () => {
    const now = { summary: { bob: 2 }, digests: { bob: 'b2' } }
    assert.deepEqual(changedSince(undefined, now), now)
  })

  it('a peer\'s acks update its marks for authors we know, and cannot grow what we keep of it', () => {
    const ours = { bob: 4, carol: 2 }
    let known = mergedSummary({}, { bob: 1 }, ours)
    known = mergedSummary(known, { carol: 2 }, ours)
    assert.deepEqual(known, { bob: 1, carol: 2 })
    const junk = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`made-up-${i}`, i]))
    for (let k = 0; k < 5; k++) known = mergedSummary(known, junk, ours)
    assert.deepEqual(known, { bob: 1, carol: 2 }, 'authors we do not know are ignored')
    known = mergedSummary(known, JSON.parse('{"__proto__": 7, "bob": 3}'), ours)
    assert.equal(Object.getPrototypeOf(known), Object.prototype)
    assert.deepEqual(known, { bob: 3, carol: 2 })
  })
})

describe('chat history requests', () => {
  it('answers a participant\'s wants within its request rate, clamped to what we hold and to one span', () => {
    let now = 0
    const stats = { requestsThrottled: 0 }
    const budgets = new RequestBudgets(() => now, stats)
    const repair = new GapRepair(scopeOf(() => now), new LinkTable(), { noteWanted () {} }, budgets)
    const link = recordingLink('bob')
    const log = logHolding({ carol: 5 })
    repair.answerWant(link, log, { author: 'carol', from: 1, to: Number.MAX_SAFE_INTEGER })
    assert.equal(link.messages.length, 5, 'clamped to what we hold')
    for (let i = 1; i < REQUEST_BURST + 10; i++) repair.answerWant(link, log, { author: 'carol', from: 1, to: 2 })
    assert.equal(stats.requestsThrottled, 10, 'the burst is answered, the rest refused and counted')
    now += 1000
    const before = link.messages.length
    for (let i = 0; i < 10; i++) repair.answerWant(link, log, { author: 'carol', from: 1, to: 1 })
    assert.equal(link.messages.length - before, REQUESTS_PER_SECOND, 'refills at its rate')
    const big = logHolding({ carol: 3 * MAX_WANT_SPAN })
    now += 60_000
    const other = recordingLink('carol')
    repair.answerWant(other, big, { author: 'carol', from: 1, to: 3 * MAX_WANT_SPAN })
    assert.equal(other.messages.length, MAX_WANT_SPAN, 'one want covers one span at most')
  })

  it('asks a stream for a hole at most every 2 s per author, and counts what it asked for as history', () => {
    let now = 1_700_000_000_000
    const wanted: Array<[string, number]> = []
    const repair = new GapRepair(scopeOf(() => now), new LinkTable(), { noteWanted: (_c, a, to) => { wanted.push([a, to]) } }, new RequestBudgets(() => now, { requestsThrottled: 0 }))
    const link = recordingLink('bob')
    const log = logHolding({ carol: 3 })
    repair.askForGap(link, log, 'carol', 10)
    repair.askForGap(link, log, 'carol', 11)
    assert.deepEqual(link.controls, [{ t: 'want', author: 'carol', from: 4, to: 9 }])
    assert.deepEqual(wanted, [['carol', 9]])
    now += 2001
    repair.askForGap(link, log, 'carol', 11)
    assert.equal(link.controls.length, 2, 'asked again after 2 s')
  })

  it('after a cut-off asks each participant for the flooder\'s range above what we hold, at most five spans', () => {
    const links = new LinkTable()
    const bob = recordingLink('bob')
    const outsider = recordingLink('eve')
    bob.known = { mallory: 10 * MAX_WANT_SPAN }
    links.add(bob)
    links.add(outsider)
    const repair = new GapRepair(scopeOf(() => 0), links, { noteWanted () {} }, new RequestBudgets(() => 0, { requestsThrottled: 0 }))
    repair.askOthersFor(C, logHolding({ mallory: 100 }), 'mallory', 50)
    assert.equal(bob.controls.length, 5)
    assert.deepEqual(bob.controls[0], { t: 'want', author: 'mallory', from: 101, to: 100 + MAX_WANT_SPAN })
    assert.equal(bob.controls[4].to, 100 + 5 * MAX_WANT_SPAN)
    assert.equal(outsider.controls.length, 0, 'not a participant: not asked')
  })

  it('owes a participant the messages of authors it stops hearing directly, paid within its request rate', async () => {
    const now = 0
    const stats = { requestsThrottled: 0 }
    const budgets = new RequestBudgets(() => now, stats)
    const repair = new GapRepair(scopeOf(() => now), new LinkTable(), { noteWanted () {} }, budgets)
    const link = recordingLink('bob')
    const log = logHolding({ carol: 2, dave: 1 })
    repair.onLinked(link, log, ['carol', 'dave'])
    assert.equal(link.messages.length, 0, 'it hears both directly')
    repair.onLinked(link, log, ['dave'])
    assert.deepEqual(link.messages, [{ author: 'carol', seq: 1 }, { author: 'carol', seq: 2 }])
    for (let i = 0; i < REQUEST_BURST; i++) budgets.take(link)
    repair.onLinked(link, log, [])
    assert.equal(link.messages.length, 2, 'over its rate: deferred')
    assert.ok(link.owedTimer != null)
    clearTimeout(link.owedTimer)
  })
})
