import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { ConferenceContext, OccurrenceAnswer, RsvpAnswer } from '../../src/core/api'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { applyRsvp, conferenceContextSchema, MAX_OCCURRENCE_ANSWERS, type RsvpPayload } from '../../src/core/conference/model'
import { newConferenceId } from '../../src/core/conference/conference-id'
import { verifyContext } from '../../src/core/conference/verify'
import { answerForOccurrence, applyOccurrenceRsvp, takesPartInOccurrence } from '../../src/core/conference/occurrence-answers'
import { isParticipant } from '../../src/core/conference/participation'
import { ConferenceRuleError } from '../../src/core/errors'

const DAY = 24 * 3_600_000
const WEEK = 7 * DAY
// Friday 5 March 2027, 09:00 in Berlin; weekly, ten times.
const FIRST = Date.parse('2027-03-05T08:00:00Z')
const NOW = FIRST - DAY
let orgKey: PrivateKey, annKey: PrivateKey, benKey: PrivateKey
let ORG: string, ANN: string, BEN: string
before(async () => {
  [orgKey, annKey, benKey] = await Promise.all([0, 1, 2].map(async () => await generateKeyPair('Ed25519')))
  ;[ORG, ANN, BEN] = [orgKey, annKey, benKey].map(k => peerIdFromPrivateKey(k).toString())
})

function series (over: Partial<ConferenceContext> = {}): ConferenceContext {
  return {
    ...newConferenceId(ORG),
    title: 'Stand-up',
    agenda: '',
    start: FIRST,
    timeZone: 'Europe/Berlin',
    durationMinutes: 15,
    organizer: { peerId: ORG, displayName: 'Olga', addrs: [] },
    invitees: [ANN, BEN].map(peerId => ({ peerId, displayName: 'x', addrs: [], rsvp: 'pending' as const })),
    sequence: 3,
    status: 'scheduled',
    createdAt: NOW - DAY,
    updatedAt: NOW - DAY,
    recurrence: { freq: 'weekly', interval: 1, count: 10 },
    ...over
  }
}

async function signed (key: PrivateKey, payload: Partial<RsvpPayload> & { conferenceId: string }): Promise<string> {
  return Buffer.from(await seal(key, DOMAINS.rsvp, { sequence: 1, answer: 'accepted', rsvpSeq: 1, ...payload })).toString('base64url')
}

async function seriesAnswer (ctx: ConferenceContext, peer: string, key: PrivateKey, rsvp: RsvpAnswer, over: Partial<RsvpPayload> = {}): Promise<ConferenceContext> {
  const answer = await signed(key, { conferenceId: ctx.id, answer: rsvp, ...over })
  return { ...ctx, invitees: ctx.invitees.map(i => i.peerId === peer ? { ...i, rsvp, answer } : i) }
}

function withOccurrenceAnswers (ctx: ConferenceContext, peer: string, list: OccurrenceAnswer[]): ConferenceContext {
  return { ...ctx, invitees: ctx.invitees.map(i => i.peerId === peer ? { ...i, occurrenceAnswers: list } : i) }
}

async function occurrenceAnswer (ctx: ConferenceContext, key: PrivateKey, occurrence: number, rsvp: RsvpAnswer, over: Partial<RsvpPayload> = {}): Promise<OccurrenceAnswer> {
  return { occurrence, rsvp, answer: await signed(key, { conferenceId: ctx.id, answer: rsvp, occurrence, ...over }) }
}

const refusedFor = (reason: RegExp) => (err: Error) => err instanceof ConferenceRuleError && reason.test(err.message)

describe('answers to single occurrences: a hostile organizer or invitee', () => {
  it('cannot list an occurrence answer signed by someone else (forged for another invitee)', async () => {
    const ctx = series()
    const forged = withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(ctx, benKey, FIRST + WEEK, 'declined')])
    await assert.rejects(verifyContext(forged, ORG), refusedFor(/signed by someone else/))
    const byOrganizer = withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(ctx, orgKey, FIRST + WEEK, 'declined')])
    await assert.rejects(verifyContext(byOrganizer, ORG), refusedFor(/signed by someone else/))
  })

  it('cannot replay an answer to one occurrence into the series slot, nor send one as a series answer', async () => {
    const ctx = series()
    // Ann declined only the second Friday; an organizer lists that as her answer to the whole series.
    const replayed = await seriesAnswer(ctx, ANN, annKey, 'declined', { occurrence: FIRST + WEEK })
    await assert.rejects(verifyContext(replayed, ORG), refusedFor(/answers one occurrence/))
    const payload: RsvpPayload = { conferenceId: ctx.id, sequence: 3, answer: 'declined', rsvpSeq: 2, occurrence: FIRST + WEEK }
    assert.throws(() => applyRsvp(ctx, payload, ANN, 'x', 0, NOW), refusedFor(/not an answer to the series/))
  })

  it('cannot list an answer for an occurrence the rule does not give, or under another occurrence or answer than signed', async () => {
    const ctx = series()
    const offRule = withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(ctx, annKey, FIRST + WEEK + 3_600_000, 'declined')])
    await assert.rejects(verifyContext(offRule, ORG), refusedFor(/does not have/))
    const afterCount = withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(ctx, annKey, FIRST + 10 * WEEK, 'declined')])
    await assert.rejects(verifyContext(afterCount, ORG), refusedFor(/does not have/))
    const signedFor2 = await occurrenceAnswer(ctx, annKey, FIRST + WEEK, 'declined')
    await assert.rejects(verifyContext(withOccurrenceAnswers(ctx, ANN, [{ ...signedFor2, occurrence: FIRST + 2 * WEEK }]), ORG), refusedFor(/another occurrence/))
    await assert.rejects(verifyContext(withOccurrenceAnswers(ctx, ANN, [{ ...signedFor2, rsvp: 'accepted' }]), ORG), refusedFor(/signed answer is declined/))
    const other = series()
    await assert.rejects(verifyContext(withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(other, annKey, FIRST + WEEK, 'declined')]), ORG), refusedFor(/another conference/))
    await assert.rejects(verifyContext(withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(ctx, annKey, FIRST + WEEK, 'declined', { sequence: 9 })]), ORG), refusedFor(/later version/))
    // The organizer refuses such an answer before it could get into a context.
    const payload: RsvpPayload = { conferenceId: ctx.id, sequence: 3, answer: 'declined', rsvpSeq: 2, occurrence: FIRST + WEEK + 60_000 }
    assert.throws(() => applyOccurrenceRsvp(ctx, payload, ANN, 'x', NOW), refusedFor(/no occurrence at that time/))
    assert.throws(() => applyOccurrenceRsvp({ ...ctx, recurrence: undefined }, { ...payload, occurrence: FIRST }, ANN, 'x', NOW), refusedFor(/does not repeat/))
    // Another peer ID than Ben's: its last character changed (to another one than it was: a random key ends in 'x' one time in 58).
    const notBen = BEN.slice(0, -1) + (BEN.endsWith('x') ? 'y' : 'x')
    assert.throws(() => applyOccurrenceRsvp(ctx, { ...payload, occurrence: FIRST + WEEK }, notBen, 'x', NOW), refusedFor(/not invited/))
  })

  it('cannot carry too many: the schema refuses more than the bound, the organizer refuses one more ahead', async () => {
    const ctx = series({ recurrence: { freq: 'daily', interval: 1, count: 30 } })
    const many = await Promise.all(Array.from({ length: MAX_OCCURRENCE_ANSWERS + 1 }, async (_, n) => await occurrenceAnswer(ctx, annKey, FIRST + (n + 1) * DAY, 'declined')))
    assert.equal(conferenceContextSchema.safeParse(withOccurrenceAnswers(ctx, ANN, many)).success, false)
    assert.equal(conferenceContextSchema.safeParse(withOccurrenceAnswers(ctx, ANN, [many[0], many[0]])).success, false, 'one occurrence answered twice')
    assert.equal(conferenceContextSchema.safeParse(withOccurrenceAnswers({ ...ctx, recurrence: undefined }, ANN, [many[0]])).success, false, 'a one-off conference')
    let current = ctx
    for (let n = 0; n < MAX_OCCURRENCE_ANSWERS; n++) {
      current = applyOccurrenceRsvp(current, { conferenceId: ctx.id, sequence: 3, answer: 'declined', rsvpSeq: n + 1, occurrence: FIRST + (n + 1) * DAY }, ANN, many[n].answer, NOW)!
    }
    const ninth: RsvpPayload = { conferenceId: ctx.id, sequence: 3, answer: 'declined', rsvpSeq: 20, occurrence: FIRST + 20 * DAY }
    const ninthSigned = await signed(annKey, ninth)
    assert.throws(() => applyOccurrenceRsvp(current, ninth, ANN, ninthSigned, NOW), refusedFor(/at most/))
    // Once the first answered occurrences are over, their answers make room.
    const later = applyOccurrenceRsvp(current, ninth, ANN, ninthSigned, FIRST + 3 * DAY)!
    assert.deepEqual(later.invitees[0].occurrenceAnswers!.map(a => a.occurrence), [3, 4, 5, 6, 7, 8, 20].map(d => FIRST + d * DAY))
    await verifyContext(later, ORG)
  })

  it('cannot replay an older answer for an occurrence over a newer one; an answer to a cancelled or ended occurrence is refused', async () => {
    const ctx = series({ exceptions: [{ occurrence: FIRST + 2 * WEEK, cancelled: true }] })
    const no: RsvpPayload = { conferenceId: ctx.id, sequence: 3, answer: 'declined', rsvpSeq: 5, occurrence: FIRST + WEEK }
    const applied = applyOccurrenceRsvp(ctx, no, ANN, await signed(annKey, no), NOW)!
    assert.equal(applied.sequence, 4)
    const older: RsvpPayload = { ...no, answer: 'accepted', rsvpSeq: 4 }
    assert.equal(applyOccurrenceRsvp(applied, older, ANN, await signed(annKey, older), NOW), undefined)
    const newer: RsvpPayload = { ...no, answer: 'accepted', rsvpSeq: 6 }
    assert.equal(applyOccurrenceRsvp(applied, newer, ANN, await signed(annKey, newer), NOW)!.invitees[0].occurrenceAnswers![0].rsvp, 'accepted')
    assert.throws(() => applyOccurrenceRsvp(ctx, { ...no, occurrence: FIRST + 2 * WEEK }, ANN, 'x', NOW), refusedFor(/cancelled/))
    assert.throws(() => applyOccurrenceRsvp(ctx, { ...no, occurrence: FIRST }, ANN, 'x', FIRST + 20 * 60_000), refusedFor(/over/))
  })
})

describe('answers to single occurrences: what they mean', () => {
  it('a no to one Friday narrows a yes to the series for that Friday only; the series answer alone decides who may chat', async () => {
    let ctx = await seriesAnswer(series(), ANN, annKey, 'accepted')
    ctx = await seriesAnswer(ctx, BEN, benKey, 'declined')
    ctx = withOccurrenceAnswers(ctx, ANN, [await occurrenceAnswer(ctx, annKey, FIRST + WEEK, 'declined', { rsvpSeq: 2 })])
    ctx = withOccurrenceAnswers(ctx, BEN, [await occurrenceAnswer(ctx, benKey, FIRST + WEEK, 'accepted', { rsvpSeq: 2 })])
    const answers = await verifyContext(ctx, ORG)
    assert.equal(answerForOccurrence(ctx, answers, ANN, FIRST + WEEK), 'declined')
    assert.equal(answerForOccurrence(ctx, answers, ANN, FIRST + 2 * WEEK), 'accepted')
    assert.equal(takesPartInOccurrence(ctx, answers, ANN, FIRST + WEEK), false)
    assert.equal(takesPartInOccurrence(ctx, answers, ANN, FIRST + 2 * WEEK), true)
    assert.equal(isParticipant(ctx, answers, ANN), true, 'still a participant of the series')
    // Ben's yes to one Friday does not make him a participant: it only shows what he said.
    assert.equal(answerForOccurrence(ctx, answers, BEN, FIRST + WEEK), 'accepted')
    assert.equal(takesPartInOccurrence(ctx, answers, BEN, FIRST + WEEK), false)
    assert.equal(takesPartInOccurrence(ctx, answers, ORG, FIRST + WEEK), true)
    // My own newer answer counts before the organizer's context carries it.
    const mine = { peerId: ANN, occurrences: [{ occurrence: FIRST + WEEK, answer: 'accepted' as const, rsvpSeq: 3, envelope: new Uint8Array(), acked: false }] }
    assert.equal(answerForOccurrence(ctx, answers, ANN, FIRST + WEEK, mine), 'accepted')
    assert.equal(answerForOccurrence(ctx, answers, ANN, FIRST + WEEK, { ...mine, occurrences: [{ ...mine.occurrences[0], rsvpSeq: 1 }] }), 'declined', 'an older own answer does not')
  })
})
