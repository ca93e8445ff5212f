import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { ConferenceContext } from '../../src/core/api'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { CheckedAnswers } from '../../src/core/conference/checked-answers'
import { verifyContext } from '../../src/core/conference/verify'
import { newConferenceId } from '../../src/core/conference/conference-id'
import { isError, ConferenceRuleError } from '../../src/core/errors'

async function signedAnswer (key: PrivateKey, conferenceId: string, answer: 'accepted' | 'declined', rsvpSeq = 1): Promise<string> {
  const envelope = await seal(key, DOMAINS.rsvp, { conferenceId, sequence: 1, answer, rsvpSeq })
  return Buffer.from(envelope).toString('base64url')
}

/** A forged copy: the payload says something else under the same signature. */
function tampered (answer: string): string {
  const text = Buffer.from(answer, 'base64url').toString('utf8').replace('accepted', 'declined')
  return Buffer.from(text, 'utf8').toString('base64url')
}

describe('answers whose signature was already checked', () => {
  it('opens a genuine answer, and refuses a tampered copy every time without keeping it', async () => {
    const key = await generateKeyPair('Ed25519')
    const checked = new CheckedAnswers()
    const genuine = await signedAnswer(key, 'c'.repeat(22), 'accepted')
    const opened = await checked.open(genuine)
    assert.equal(opened.signer, peerIdFromPrivateKey(key).toString())
    assert.equal(opened.payload.answer, 'accepted')
    const forged = tampered(genuine)
    await assert.rejects(checked.open(forged), /signature/)
    await assert.rejects(checked.open(forged), /signature/)
    assert.equal(checked.size, 1)
    assert.deepEqual(await checked.open(genuine), opened)
  })

  it('holds at most its limit', async () => {
    const key = await generateKeyPair('Ed25519')
    const checked = new CheckedAnswers(3)
    const answers = await Promise.all([1, 2, 3, 4, 5].map(async n => await signedAnswer(key, 'c'.repeat(22), 'accepted', n)))
    for (const a of answers) await checked.open(a)
    assert.equal(checked.size, 3)
  })

  it('a cached signature does not excuse a context that lists the answer as something else', async () => {
    const orgKey = await generateKeyPair('Ed25519')
    const annKey = await generateKeyPair('Ed25519')
    const organizer = peerIdFromPrivateKey(orgKey).toString()
    const ann = peerIdFromPrivateKey(annKey).toString()
    const { id, nonce } = newConferenceId(organizer)
    const now = Date.now()
    const answer = await signedAnswer(annKey, id, 'accepted')
    const base: ConferenceContext = {
      id, nonce, title: 'Review', agenda: '', start: now + 3_600_000, timeZone: 'UTC', durationMinutes: 30,
      organizer: { peerId: organizer, displayName: 'Olga', addrs: [] },
      invitees: [{ peerId: ann, displayName: 'Ann', addrs: [], rsvp: 'accepted', answer }],
      sequence: 2, status: 'scheduled', createdAt: now, updatedAt: now
    }
    const checked = new CheckedAnswers()
    assert.deepEqual({ ...await verifyContext(base, organizer, checked) }, { [ann]: { answer: 'accepted', rsvpSeq: 1 } })
    assert.equal(checked.size, 1)
    const misquoted = { ...base, invitees: [{ ...base.invitees[0], rsvp: 'declined' as const }] }
    await assert.rejects(verifyContext(misquoted, organizer, checked), err => isError(err, ConferenceRuleError) && /signed answer is accepted/.test(String(err)))
    const forged = { ...base, invitees: [{ ...base.invitees[0], rsvp: 'declined' as const, answer: tampered(answer) }] }
    await assert.rejects(verifyContext(forged, organizer, checked), err => isError(err, ConferenceRuleError) && /does not verify/.test(String(err)))
  })
})
