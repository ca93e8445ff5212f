import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceContext } from '../../src/core/api'
import { applyRsvp, checkContextSigner, conferenceContextSchema, isNewerContext, rsvpPayloadSchema, MAX_ANSWER_CHARS, type RsvpPayload } from '../../src/core/conference/model'
import { ConferenceRuleError } from '../../src/core/errors'

const ORG = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ANN = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const BEN = '12D3KooWJMBXyZFSBMS2C2qZrME4JgbbhNdG5X3bhTMEdsdy9DoX'
const CID = '12D3KooWFkVyw8RrV311CaYBaFyubEv44iyNuZdwByb8S6DBoosA'
const EVE = '12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE'
const NOW = Date.UTC(2026, 10, 25, 8, 0)

function context (over: Partial<ConferenceContext> = {}): ConferenceContext {
  return {
    id: 'q3X1eZ0bVnTq9u7sYk2mWg',
    nonce: 'n0nce-n0nce-n0nce-n0nce',
    title: 'Design review',
    agenda: '# API',
    start: NOW + 3_600_000,
    timeZone: 'Europe/Berlin',
    durationMinutes: 30,
    organizer: { peerId: ORG, displayName: 'Olga', addrs: ['/ip4/127.0.0.1/tcp/4001'] },
    invitees: [ANN, BEN, CID].map((peerId, i) => ({ peerId, displayName: ['Ann', 'Ben', 'Cid'][i], addrs: [], rsvp: 'pending' as const })),
    sequence: 1,
    status: 'scheduled',
    createdAt: NOW,
    updatedAt: NOW,
    ...over
  }
}

function rsvp (over: Partial<RsvpPayload> = {}): RsvpPayload {
  return { conferenceId: context().id, sequence: 1, answer: 'accepted', rsvpSeq: 1, ...over }
}

/** Stands for the invitee's signed envelope; the model only carries it (verify.ts checks it). */
const ANSWER = 'c2lnbmVkLWFuc3dlcg'

const rejects = (value: unknown): boolean => !conferenceContextSchema.safeParse(value).success

describe('conference rules', () => {
  it('accepts a context only when its organizer signed it', () => {
    assert.doesNotThrow(() => checkContextSigner(context(), ORG))
    assert.throws(() => checkContextSigner(context(), EVE), ConferenceRuleError)
    assert.throws(() => checkContextSigner(context(), ANN), ConferenceRuleError, 'not even an invitee may sign it')
  })

  it('keeps the highest sequence and ignores older or equal ones', () => {
    const current = context({ sequence: 5 })
    assert.equal(isNewerContext(undefined, context()), true)
    assert.equal(isNewerContext(current, context({ sequence: 6 })), true)
    assert.equal(isNewerContext(current, context({ sequence: 5, title: 'changed' })), false)
    assert.equal(isNewerContext(current, context({ sequence: 4 })), false)
  })

  it('lets a cancellation win over a stale update that arrives later', () => {
    const cancelled = context({ sequence: 7, status: 'cancelled' })
    assert.equal(isNewerContext(cancelled, context({ sequence: 6, start: NOW + 7_200_000 })), false)
  })

  it('applies an invitee\'s answer, raises the sequence and records when it was given', () => {
    const next = applyRsvp(context(), rsvp({ answer: 'tentative', comment: 'maybe late' }), BEN, ANSWER, 0, NOW + 1000)!
    assert.equal(next.sequence, 2)
    const ben = next.invitees.find(i => i.peerId === BEN)!
    assert.equal(ben.rsvp, 'tentative')
    assert.equal(ben.comment, 'maybe late')
    assert.equal(ben.answeredAt, NOW + 1000)
    assert.equal(next.updatedAt, NOW + 1000)
    assert.ok(next.invitees.filter(i => i.peerId !== BEN).every(i => i.rsvp === 'pending'))
  })

  it('refuses an RSVP from a peer that is not invited', () => {
    assert.throws(() => applyRsvp(context(), rsvp(), EVE, ANSWER, 0, NOW), /not invited/)
    assert.throws(() => applyRsvp(context(), rsvp(), ORG, ANSWER, 0, NOW), /not invited/)
  })

  it('carries the invitee\'s signed answer in the context, and refuses one too large to carry or naming an unsent version', () => {
    const next = applyRsvp(context(), rsvp(), ANN, ANSWER, 0, NOW)!
    assert.equal(next.invitees[0].answer, ANSWER)
    assert.throws(() => applyRsvp(context(), rsvp(), ANN, 'x'.repeat(MAX_ANSWER_CHARS + 1), 0, NOW), /over 2048/)
    assert.throws(() => applyRsvp(context(), rsvp({ sequence: 2 }), ANN, ANSWER, 0, NOW), /never sent/)
  })

  it('refuses an RSVP for a cancelled conference', () => {
    assert.throws(() => applyRsvp(context({ status: 'cancelled' }), rsvp(), ANN, ANSWER, 0, NOW), /cancelled/)
  })

  it('refuses an RSVP signed for another conference', () => {
    assert.throws(() => applyRsvp(context(), rsvp({ conferenceId: 'AAAAAAAAAAAAAAAAAAAAAA' }), ANN, ANSWER, 0, NOW), /another conference/)
  })

  it('ignores a replayed older RSVP after a newer one: the latest answer wins', () => {
    const declined = applyRsvp(context(), rsvp({ answer: 'declined', rsvpSeq: 2 }), ANN, ANSWER, 0, NOW)!
    assert.equal(applyRsvp(declined, rsvp({ answer: 'accepted', rsvpSeq: 1 }), ANN, ANSWER, 2, NOW), undefined)
    assert.equal(applyRsvp(declined, rsvp({ answer: 'accepted', rsvpSeq: 2 }), ANN, ANSWER, 2, NOW), undefined, 'an equal sequence is a replay too')
    const accepted = applyRsvp(declined, rsvp({ answer: 'accepted', rsvpSeq: 3 }), ANN, ANSWER, 2, NOW)!
    assert.equal(accepted.invitees[0].rsvp, 'accepted')
  })
})

describe('the ConferenceContext schema', () => {
  it('accepts a well-formed context, including a start far from our clock', () => {
    assert.ok(conferenceContextSchema.safeParse(context()).success)
    assert.ok(conferenceContextSchema.safeParse(context({ start: Date.UTC(2001, 0, 1) })).success, 'clock skew never rejects')
    assert.ok(conferenceContextSchema.safeParse(context({ start: Date.UTC(2099, 0, 1) })).success)
  })

  it('rejects nonsense dates and durations', () => {
    for (const start of [NaN, -1, 0, Date.UTC(9999, 0, 1), 1.5e12 + 0.5, '2026-12-01T10:00:00Z', Infinity]) {
      assert.ok(rejects(context({ start: start as any })), `start ${String(start)}`)
    }
    for (const durationMinutes of [0, -30, 1441, 30.5]) assert.ok(rejects(context({ durationMinutes })), `duration ${durationMinutes}`)
  })

  it('rejects wrong shapes: missing fields, wrong types, unknown keys, bad ids', () => {
    const { title, ...noTitle } = context()
    assert.ok(rejects(noTitle))
    assert.ok(rejects({ ...context(), sequence: '2' }))
    assert.ok(rejects({ ...context(), status: 'postponed' }))
    assert.ok(rejects({ ...context(), extra: true }))
    assert.ok(rejects({ ...context(), organizer: { ...context().organizer, role: 'admin' } }))
    assert.ok(rejects({ ...context(), id: '../../etc/passwd' }))
    assert.ok(rejects({ ...context(), organizer: { ...context().organizer, peerId: 'not-a-peer-id' } }))
    assert.ok(rejects({ ...context(), title: '' }))
    assert.ok(rejects({ ...context(), title: 'x'.repeat(201) }))
    assert.ok(rejects({ ...context(), agenda: 'x'.repeat(16 * 1024 + 1) }))
    assert.ok(rejects(null))
    assert.ok(rejects([context()]))
  })

  it('rejects huge arrays, a duplicated invitee and an organizer who invites himself', () => {
    const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
    const many = Array.from({ length: 101 }, (_, i) => ({ ...context().invitees[0], peerId: ANN.slice(0, -2) + B58[Math.floor(i / 58)] + B58[i % 58] }))
    assert.ok(!rejects(context({ invitees: many.slice(0, 100) })), 'a hundred invitees are allowed')
    assert.ok(rejects(context({ invitees: many })))
    assert.ok(rejects(context({ invitees: [context().invitees[0], context().invitees[0]] })))
    assert.ok(rejects(context({ invitees: [{ ...context().invitees[0], peerId: ORG }] })))
    assert.ok(rejects(context({ organizer: { ...context().organizer, addrs: Array(17).fill('/ip4/1.2.3.4/tcp/1') } })))
  })

  it('does not let __proto__ or constructor keys pollute objects', () => {
    const text = JSON.stringify(context()).replace('{', '{"__proto__":{"polluted":true},')
    assert.ok(rejects(JSON.parse(text)))
    const nested = JSON.stringify(context()).replace('"organizer":{', '"organizer":{"constructor":{"prototype":{"polluted":true}},')
    assert.ok(rejects(JSON.parse(nested)))
    assert.equal(({} as any).polluted, undefined)
  })

  it('keeps HTML in titles and agendas as text and cleans control and bidi characters from names', () => {
    const parsed = conferenceContextSchema.parse(context({
      title: '<script>alert(1)</script>',
      agenda: '<img src=x onerror=alert(1)>',
      organizer: { peerId: ORG, displayName: 'Olga\u202Egnp.exe\u0007  <b>x</b>', addrs: [] }
    }))
    assert.equal(parsed.title, '<script>alert(1)</script>')
    assert.equal(parsed.agenda, '<img src=x onerror=alert(1)>')
    assert.equal(parsed.organizer.displayName, 'Olgagnp.exe <b>x</b>')
  })

  it('validates RSVPs strictly', () => {
    assert.ok(rsvpPayloadSchema.safeParse(rsvp()).success)
    assert.ok(!rsvpPayloadSchema.safeParse(rsvp({ answer: 'pending' as any })).success, 'pending is not an answer')
    assert.ok(!rsvpPayloadSchema.safeParse(rsvp({ rsvpSeq: 0 })).success)
    assert.ok(!rsvpPayloadSchema.safeParse({ ...rsvp(), extra: 1 }).success)
    assert.ok(!rsvpPayloadSchema.safeParse(rsvp({ comment: 'x'.repeat(501) })).success)
  })
})
