import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { ConferenceContext, Invitee, RsvpAnswer } from '../../src/core/api'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { MAX_ANSWER_CHARS, MAX_INVITEES, type RsvpPayload } from '../../src/core/conference/model'
import { conferenceIdFor, newConferenceId, checkConferenceId } from '../../src/core/conference/conference-id'
import { verifyContext, type VerifiedAnswers } from '../../src/core/conference/verify'
import { answerOf, isParticipant, participantsOf } from '../../src/core/conference/participation'
import { MAX_INVITE_BYTES } from '../../src/core/invite/protocols'
import { ConferenceRuleError } from '../../src/core/errors'

const NOW = Date.UTC(2026, 10, 25, 8, 0)
let orgKey: PrivateKey
let annKey: PrivateKey
let benKey: PrivateKey
let ORG: string, ANN: string, BEN: string
before(async () => {
  [orgKey, annKey, benKey] = await Promise.all([0, 1, 2].map(async () => await generateKeyPair('Ed25519')))
  ;[ORG, ANN, BEN] = [orgKey, annKey, benKey].map(k => peerIdFromPrivateKey(k).toString())
})

function context (over: Partial<ConferenceContext> = {}): ConferenceContext {
  return {
    ...newConferenceId(ORG),
    title: 'Design review',
    agenda: '',
    start: NOW + 3_600_000,
    timeZone: 'UTC',
    durationMinutes: 30,
    organizer: { peerId: ORG, displayName: 'Olga', addrs: [] },
    invitees: [ANN, BEN].map(peerId => ({ peerId, displayName: 'x', addrs: [], rsvp: 'pending' as const })),
    sequence: 3,
    status: 'scheduled',
    createdAt: NOW,
    updatedAt: NOW,
    ...over
  }
}

async function answer (key: PrivateKey, over: Partial<RsvpPayload> & { conferenceId: string }): Promise<string> {
  const payload: RsvpPayload = { sequence: 1, answer: 'accepted', rsvpSeq: 1, ...over }
  return Buffer.from(await seal(key, DOMAINS.rsvp, payload)).toString('base64url')
}

async function answered (ctx: ConferenceContext, peer: string, key: PrivateKey, rsvp: RsvpAnswer, over: Partial<RsvpPayload> = {}, listed: Partial<Invitee> = {}): Promise<ConferenceContext> {
  const signed = await answer(key, { conferenceId: ctx.id, answer: rsvp, ...over })
  return { ...ctx, invitees: ctx.invitees.map(i => i.peerId === peer ? { ...i, rsvp, answeredAt: NOW, ...(over.comment != null ? { comment: over.comment } : {}), answer: signed, ...listed } : i) }
}

describe('conference ids', () => {
  it('are the hash of the organizer and the nonce, and fit the id pattern storage and chat use', () => {
    const { id, nonce } = newConferenceId(ORG)
    assert.match(id, /^[A-Za-z0-9_-]{22,64}$/)
    assert.equal(id, conferenceIdFor(ORG, nonce))
    assert.notEqual(conferenceIdFor(ANN, nonce), id, 'another key gives another id for the same nonce')
    assert.doesNotThrow(() => checkConferenceId({ id, nonce, organizer: { peerId: ORG } }))
    assert.throws(() => checkConferenceId({ id, nonce, organizer: { peerId: ANN } }), ConferenceRuleError)
  })
})

describe('verifyContext: every answer a context lists is the invitee\'s own', () => {
  it('accepts answers the invitees signed, and returns them', async () => {
    let ctx = await answered(context(), ANN, annKey, 'accepted', { rsvpSeq: 4, comment: 'see you' })
    ctx = await answered(ctx, BEN, benKey, 'declined')
    const answers = await verifyContext(ctx, ORG)
    assert.deepEqual({ ...answers }, { [ANN]: { answer: 'accepted', rsvpSeq: 4 }, [BEN]: { answer: 'declined', rsvpSeq: 1 } })
  })

  it('refuses the whole context for one claim that does not hold', async () => {
    const base = context()
    const otherConference = context()
    const cases: Array<[string, ConferenceContext, RegExp]> = [
      ['accepted with no answer', { ...base, invitees: [{ ...base.invitees[0], rsvp: 'accepted' }, base.invitees[1]] }, /without their signed answer/],
      ['pending with an answer', { ...base, invitees: [{ ...base.invitees[0], answer: await answer(annKey, { conferenceId: base.id }) }, base.invitees[1]] }, /pending but carries an answer/],
      ['signed by the organizer', await answered(base, ANN, orgKey, 'accepted'), /signed by someone else/],
      ['signed by another invitee', await answered(base, ANN, benKey, 'accepted'), /signed by someone else/],
      ['for another conference', await answered(base, ANN, annKey, 'accepted', { conferenceId: otherConference.id }), /another conference/],
      ['a decline listed as accepted', await answered(base, ANN, annKey, 'declined', {}, { rsvp: 'accepted' }), /signed answer is declined/],
      ['a comment put in the invitee\'s mouth', await answered(base, ANN, annKey, 'accepted', { comment: 'yes' }, { comment: 'I resign' }), /comment/],
      ['an answer to a version not yet made', await answered(base, ANN, annKey, 'accepted', { sequence: 9 }), /later version/],
      ['garbage in place of an answer', await answered(base, ANN, annKey, 'accepted', {}, { answer: 'AAAA' }), /does not verify/],
      ['an id not bound to the organizer', { ...base, id: newConferenceId(ANN).id }, /not bound/],
      ['a signer who is not the organizer', base, /not signed by its organizer/]
    ]
    for (const [what, ctx, reason] of cases) {
      await assert.rejects(verifyContext(ctx, what === 'a signer who is not the organizer' ? ANN : ORG), (err: Error) => err instanceof ConferenceRuleError && reason.test(err.message), what)
    }
  })

  it('fits a hundred answered invitees with 500-character comments and four addresses each in one invitation', async () => {
    const keys = await Promise.all(Array.from({ length: MAX_INVITEES }, async () => await generateKeyPair('Ed25519')))
    const ctx = context({ agenda: 'x'.repeat(4096), invitees: [] })
    const comment = 'I will be a few minutes late, sorry; '.repeat(14).slice(0, 500)
    for (const key of keys) {
      const peerId = peerIdFromPrivateKey(key).toString()
      const signed = await answer(key, { conferenceId: ctx.id, comment, rsvpSeq: 12345, sequence: 3 })
      assert.ok(signed.length <= MAX_ANSWER_CHARS, `answer of ${signed.length} characters`)
      ctx.invitees.push({
        peerId,
        displayName: 'A rather long display name of sixty-four characters, more or le',
        addrs: ['/ip4/192.168.100.200/tcp/45678', '/ip4/10.20.30.40/tcp/45678', '/ip6/fd00:1234:5678::abcd/tcp/45678', '/ip4/203.0.113.7/udp/45678/webrtc-direct/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g'],
        rsvp: 'accepted',
        answeredAt: NOW,
        comment,
        answer: signed
      })
    }
    const bytes = await seal(orgKey, DOMAINS.conference, ctx)
    if (process.env.DEVMEET_TEST_DUMP != null) process.stderr.write(`100 answered invitees: ${bytes.length} bytes\n`)
    assert.ok(bytes.length <= MAX_INVITE_BYTES, `${bytes.length} bytes`)
    assert.equal(Object.keys(await verifyContext(ctx, ORG)).length, MAX_INVITEES)
  })
})

describe('participation: who takes part now', () => {
  it('is the organizer plus invitees whose own signed answer is accepted or tentative', () => {
    const ctx = context({ invitees: [ANN, BEN].map(peerId => ({ peerId, displayName: 'x', addrs: [], rsvp: 'accepted' as const })) })
    // only what verifyContext found counts, whatever the list says
    const answers: VerifiedAnswers = { [ANN]: { answer: 'tentative', rsvpSeq: 1 } }
    assert.deepEqual(participantsOf(ctx, answers), [ORG, ANN])
    assert.equal(isParticipant(ctx, answers, ORG), true)
    assert.equal(isParticipant(ctx, answers, BEN), false)
    assert.equal(isParticipant(ctx, { [BEN]: { answer: 'declined', rsvpSeq: 1 } }, BEN), false)
    assert.equal(isParticipant(ctx, answers, 'someone-else'), false)
  })

  it('counts my own latest signed answer before the organizer\'s updated context arrives, and not an older one', () => {
    const ctx = context()
    const carried: VerifiedAnswers = { [ANN]: { answer: 'accepted', rsvpSeq: 2 } }
    assert.equal(isParticipant(ctx, {}, ANN, { peerId: ANN, answer: { answer: 'accepted', rsvpSeq: 1 } }), true)
    assert.equal(isParticipant(ctx, carried, ANN, { peerId: ANN, answer: { answer: 'declined', rsvpSeq: 3 } }), false, 'I declined since')
    assert.equal(isParticipant(ctx, carried, ANN, { peerId: ANN, answer: { answer: 'declined', rsvpSeq: 1 } }), true, 'the context carries my later answer')
    assert.equal(answerOf(ctx, carried, ANN, { peerId: ANN }), 'accepted', 'a restored data folder learns my answer from the context')
    assert.equal(isParticipant(ctx, {}, BEN, { peerId: ANN, answer: { answer: 'accepted', rsvpSeq: 1 } }), false, 'my answer is only mine')
    assert.equal(answerOf(context({ invitees: [] }), {}, ANN, { peerId: ANN, answer: { answer: 'accepted', rsvpSeq: 1 } }), undefined, 'not invited, no answer')
  })

  it('has nobody in a cancelled conference, the organizer neither', () => {
    const ctx = context({ status: 'cancelled' })
    const answers: VerifiedAnswers = { [ANN]: { answer: 'accepted', rsvpSeq: 1 } }
    assert.deepEqual(participantsOf(ctx, answers), [])
    assert.equal(isParticipant(ctx, answers, ORG), false)
    assert.equal(isParticipant(ctx, answers, ANN), false)
    assert.equal(answerOf(ctx, answers, ANN), 'accepted', 'the answer itself is still what it was')
  })
})
