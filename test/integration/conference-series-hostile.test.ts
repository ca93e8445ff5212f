// Answers to single occurrences attacked over the wire: a hostile invitee against the organizer's
// RSVP protocol, and a hostile organizer against an invitee's invite protocol (real libp2p nodes).
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PrivateKey } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { frameStream } from '../../src/core/wire/framing'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import type { ConferenceContext, OccurrenceAnswer } from '../../src/core/api'
import type { RsvpPayload } from '../../src/core/conference/model'
import { newConferenceId } from '../../src/core/conference/conference-id'
import { makePeer, startAll, connectAll, eventually, cleanup, type TestPeer } from '../helpers/peers'

const INVITE = '/devmeet/invite/1.0.0'
const RSVP = '/devmeet/rsvp/1.0.0'
const DAY = 24 * 60 * 60_000

let org: TestPeer
let ann: TestPeer
let eveKey: PrivateKey
let eve: DevMeetLibp2p
let EVE: string
let id: string
let first: number

async function send (target: TestPeer, protocol: string, frame: Uint8Array): Promise<{ ok: boolean, error?: string } | 'dropped'> {
  const stream = await eve.dialProtocol(peerIdFromString(target.peerId!), protocol, { signal: AbortSignal.timeout(5000) })
  try {
    const frames = frameStream(stream, 1024 * 1024)
    await frames.writeBytes(frame, 5000)
    const answer = JSON.parse(new TextDecoder().decode(await frames.readBytes(5000)))
    await stream.close({ signal: AbortSignal.timeout(5000) }).catch(() => stream.abort(new Error('done')))
    return answer
  } catch {
    stream.abort(new Error('done'))
    return 'dropped'
  }
}

const annKey = (): PrivateKey => (ann as any).privateKey as PrivateKey
const refused = (outcome: unknown, reason: RegExp): void => {
  assert.ok(outcome !== 'dropped' && (outcome as any).ok === false, JSON.stringify(outcome))
  assert.match((outcome as any).error, reason)
}

before(async () => {
  org = makePeer('Olga')
  ann = makePeer('Ann')
  await startAll(org, ann)
  await connectAll(org, ann)
  eveKey = await generateKeyPair('Ed25519')
  eve = await createNode({ privateKey: eveKey, config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false } })
  await eve.start()
  EVE = eve.peerId.toString()
  for (const peer of [org, ann]) {
    const addr = peer.listenAddrs()[0]
    await eve.dial(multiaddr(addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer.peerId!}`))
  }
  first = Math.ceil((Date.now() + DAY) / 60_000) * 60_000
  const { context } = await org.conferences.create({
    title: 'Stand-up', start: first, durationMinutes: 15, timeZone: 'Europe/Berlin', invitees: [ann.peerId!, EVE],
    recurrence: { freq: 'daily', interval: 1, count: 20 }
  })
  id = context.id
  await eventually('Ann has the series', () => ann.conferences.get(id) != null)
  await ann.conferences.respond(id, 'accepted')
  await eventually('Ann\'s answer is in', () => org.conferences.get(id)!.context.invitees.some(i => i.rsvp === 'accepted'))
})

after(async () => {
  await Promise.resolve(eve?.stop()).catch(() => {})
  await cleanup()
})

describe('answers to single occurrences over the wire', () => {
  it('a hostile invitee: an off-rule occurrence, someone else\'s answer, too many ahead are refused; a replay changes nothing', async () => {
    const sequence = org.conferences.get(id)!.context.sequence
    const answer = async (key: PrivateKey, over: Partial<RsvpPayload>): Promise<Uint8Array> =>
      await seal(key, DOMAINS.rsvp, { conferenceId: id, sequence, answer: 'declined', rsvpSeq: 1, ...over })

    refused(await send(org, RSVP, await answer(eveKey, { occurrence: first + DAY + 60_000 })), /no occurrence at that time/)
    // Ann's genuine answer to one occurrence, sent by Eve: an RSVP comes from its author.
    const annsAnswer = await answer(annKey(), { occurrence: first + DAY, rsvpSeq: 50 })
    const relayed = await send(org, RSVP, annsAnswer)
    assert.ok(relayed === 'dropped' || relayed.ok === false, JSON.stringify(relayed))
    assert.equal(org.conferences.get(id)!.context.sequence, sequence, 'nothing applied')

    for (let n = 1; n <= 8; n++) {
      const outcome = await send(org, RSVP, await answer(eveKey, { occurrence: first + n * DAY, rsvpSeq: n + 1 }))
      assert.deepEqual(outcome, { ok: true }, `answer ${n}`)
    }
    refused(await send(org, RSVP, await answer(eveKey, { occurrence: first + 9 * DAY, rsvpSeq: 20 })), /at most 8/)
    const carried = (ctx: ConferenceContext): OccurrenceAnswer[] => ctx.invitees.find(i => i.peerId === EVE)?.occurrenceAnswers ?? []
    assert.equal(carried(org.conferences.get(id)!.context).length, 8)
    // A replay of an older answer for an occurrence already answered: acknowledged, ignored.
    const before = org.conferences.get(id)!.context.sequence
    await send(org, RSVP, await answer(eveKey, { occurrence: first + DAY, rsvpSeq: 1, answer: 'accepted' }))
    assert.equal(org.conferences.get(id)!.context.sequence, before)
    assert.equal(carried(org.conferences.get(id)!.context)[0].rsvp, 'declined')
    // Ann verifies Eve's answers like the organizer's word on everything else, and keeps the context.
    await eventually('Ann converges on Eve\'s answers', () => carried(ann.conferences.get(id)!.context).length === 8)
    // Eve's answers to occurrences give her no part in the conference: she never answered the series.
    assert.equal(org.conferences.isParticipant(id, EVE), false)
  })

  it('a hostile organizer: an occurrence answer replayed into the series slot, one signed by another, one off the rule are refused by the invitee', async () => {
    const base = (): ConferenceContext => ({
      ...newConferenceId(EVE),
      title: 'Eve\'s series',
      agenda: '',
      start: first,
      timeZone: 'Europe/Berlin',
      durationMinutes: 15,
      organizer: { peerId: EVE, displayName: 'Eve', addrs: [] },
      invitees: [{ peerId: ann.peerId!, displayName: 'Ann', addrs: [], rsvp: 'pending' }],
      sequence: 5,
      status: 'scheduled',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      recurrence: { freq: 'daily', interval: 1, count: 10 }
    })
    const signedBy = async (key: PrivateKey, ctx: ConferenceContext, over: Partial<RsvpPayload>): Promise<string> =>
      Buffer.from(await seal(key, DOMAINS.rsvp, { conferenceId: ctx.id, sequence: 1, answer: 'declined', rsvpSeq: 1, ...over })).toString('base64url')
    const withAnn = (ctx: ConferenceContext, change: object): ConferenceContext => ({ ...ctx, invitees: [{ ...ctx.invitees[0], ...change }] })

    // Ann said "not on the second day"; Eve lists that as Ann's no to the whole series.
    const c1 = base()
    const replayed = withAnn(c1, { rsvp: 'declined', answer: await signedBy(annKey(), c1, { occurrence: first + DAY }) })
    refused(await send(ann, INVITE, await seal(eveKey, DOMAINS.conference, replayed)), /answers one occurrence/)
    const c2 = base()
    const forged = withAnn(c2, { occurrenceAnswers: [{ occurrence: first + DAY, rsvp: 'declined', answer: await signedBy(eveKey, c2, { occurrence: first + DAY }) }] })
    refused(await send(ann, INVITE, await seal(eveKey, DOMAINS.conference, forged)), /signed by someone else/)
    const c3 = base()
    const offRule = withAnn(c3, { occurrenceAnswers: [{ occurrence: first + DAY + 60_000, rsvp: 'declined', answer: await signedBy(annKey(), c3, { occurrence: first + DAY + 60_000 }) }] })
    refused(await send(ann, INVITE, await seal(eveKey, DOMAINS.conference, offRule)), /does not have/)
    for (const ctx of [c1, c2, c3]) assert.equal(ann.conferences.get(ctx.id), undefined, 'nothing stored')
    // The same context with Ann's genuine answer where it belongs is kept: the refusals above are for the claim.
    const c4 = base()
    const honest = withAnn(c4, { occurrenceAnswers: [{ occurrence: first + DAY, rsvp: 'declined', answer: await signedBy(annKey(), c4, { occurrence: first + DAY }) }] })
    assert.deepEqual(await send(ann, INVITE, await seal(eveKey, DOMAINS.conference, honest)), { ok: true })
    assert.equal(ann.conferences.get(c4.id)?.context.invitees[0].occurrenceAnswers?.length, 1)
  })
})
