import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import * as path from 'node:path'
import type { ConferenceContext } from '../../src/core/api'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { sendRecord, RSVP_PROTOCOL, MAX_RSVP_BYTES, type Ack } from '../../src/core/invite/protocols'
import { makePeer, startAll, connectAll, eventually, cleanup, stopPeer, reincarnate, type TestPeer } from '../helpers/peers'

after(cleanup)

const HOUR = 3_600_000

/** Every peer holds the organizer's context as it is now, with every invitee accepted. */
function converged (org: TestPeer, guests: TestPeer[], id: string): boolean {
  const final = org.conferences.get(id)?.context
  if (final == null || !final.invitees.every(i => i.rsvp === 'accepted')) return false
  return guests.every(g => g.conferences.get(id)?.context.sequence === final.sequence)
}

describe('many invitees answering at once', () => {
  it('converges, with the organizer making far fewer versions than there were answers, and every answer acknowledged', async () => {
    const n = 24
    const org = makePeer('Olga')
    const guests = Array.from({ length: n }, (_, i) => makePeer(`Guest ${i + 1}`))
    await startAll(org, ...guests)
    for (const g of guests) await connectAll(org, g)
    const { context } = await org.conferences.create({ title: 'All hands', start: Date.now() + HOUR, durationMinutes: 30, invitees: guests.map(g => g.peerId!) })
    await eventually('every invitation arrives', () => guests.every(g => g.conferences.get(context.id) != null), 30_000)
    const versionsSeen = guests.map(() => new Set<number>())
    guests.forEach((g, i) => g.events.on('conference:update', v => { if (v.context.id === context.id && v.context.sequence > 1) versionsSeen[i].add(v.context.sequence) }))
    await Promise.all(guests.map(async g => await g.conferences.respond(context.id, 'accepted')))
    await eventually('everyone holds every answer', () => converged(org, guests, context.id), 60_000)
    const final = org.conferences.get(context.id)!.context
    for (const g of guests) assert.deepEqual(g.conferences.get(context.id)!.context, final)
    // One version per answer would be sequence 1 + n; answers that arrive while a version is being made share the next one.
    const versions = final.sequence - 1
    assert.ok(versions >= 1 && versions <= n / 3, `${versions} versions for ${n} answers`)
    assert.ok(versionsSeen.every(s => s.size <= versions), 'no invitee received more versions than the organizer made')
    // Every sender was told its answer was kept, and none was refused.
    await eventually('every answer acknowledged', () => guests.every(g => g.conferences.get(context.id)!.rsvpPending === false), 30_000)
    for (const g of guests) assert.equal(g.conferences.get(context.id)!.rsvpRefused, undefined)
    await Promise.all([org, ...guests].map(async p => await p.stop()))
  })

  it('refuses, with its own reason, each hostile answer that arrives among honest ones, and applies the honest ones', async () => {
    const org = makePeer('Olga')
    const guests = Array.from({ length: 6 }, (_, i) => makePeer(`Guest ${i + 1}`))
    const outsider = makePeer('Mallory')
    await startAll(org, outsider, ...guests)
    for (const p of [outsider, ...guests]) await connectAll(org, p)
    const { context } = await org.conferences.create({ title: 'Review', start: Date.now() + HOUR, durationMinutes: 30, invitees: guests.map(g => g.peerId!) })
    await eventually('every invitation arrives', () => guests.every(g => g.conferences.get(context.id) != null), 30_000)
    const send = async (from: TestPeer, payload: object): Promise<Ack> =>
      await sendRecord(from.libp2p, org.peerId!, RSVP_PROTOCOL, MAX_RSVP_BYTES, await seal(from.key, DOMAINS.rsvp, payload))
    const [liar, ...honest] = guests
    const hostile = Promise.all([
      // not invited
      send(outsider, { conferenceId: context.id, sequence: 1, answer: 'accepted', rsvpSeq: 1 }),
      // an invitee answering a version never sent: it must not get into the version the others share
      send(liar, { conferenceId: context.id, sequence: 99, answer: 'accepted', rsvpSeq: 1 })
    ])
    await Promise.all(honest.map(async g => await g.conferences.respond(context.id, 'accepted')))
    const [fromOutsider, fromLiar] = await hostile
    assert.deepEqual(fromOutsider, { ok: false, error: 'the RSVP comes from a peer that is not invited' })
    assert.deepEqual(fromLiar, { ok: false, error: 'the RSVP answers a version of the conference that was never sent' })
    await eventually('the honest answers reach everyone', () => {
      const ctx = org.conferences.get(context.id)!.context
      return honest.every(h => ctx.invitees.find(i => i.peerId === h.peerId)!.rsvp === 'accepted') &&
        guests.every(g => g.conferences.get(context.id)?.context.sequence === ctx.sequence)
    }, 30_000)
    const ctx: ConferenceContext = org.conferences.get(context.id)!.context
    assert.equal(ctx.invitees.find(i => i.peerId === liar.peerId)!.rsvp, 'pending')
    assert.ok(!ctx.invitees.some(i => i.peerId === outsider.peerId))
    // The liar can still answer honestly afterwards.
    await liar.conferences.respond(context.id, 'tentative')
    await eventually('the liar\'s honest answer is applied', () => org.conferences.get(context.id)!.context.invitees.find(i => i.peerId === liar.peerId)!.rsvp === 'tentative', 15_000)
    await Promise.all([org, outsider, ...guests].map(async p => await p.stop()))
  })

  it('delivers an acknowledged answer to an offline invitee after the organizer crashed before sending it', async () => {
    let org: TestPeer = makePeer('Olga')
    const ann = makePeer('Ann')
    let bob: TestPeer = makePeer('Bob')
    await startAll(org, ann, bob)
    await connectAll(org, ann)
    await connectAll(org, bob)
    const { context } = await org.conferences.create({ title: 'Offsite', start: Date.now() + HOUR, durationMinutes: 60, invitees: [ann.peerId!, bob.peerId!] })
    await eventually('both are invited', () => ann.conferences.get(context.id) != null && bob.conferences.get(context.id) != null, 15_000)
    const bobId = bob.peerId!
    await stopPeer(bob)
    await ann.conferences.respond(context.id, 'accepted')
    await eventually('the organizer acknowledged Ann\'s answer', () => ann.conferences.get(context.id)!.rsvpPending === false, 15_000)
    const withAnswer = org.conferences.get(context.id)!.context.sequence
    await stopPeer(org)
    // A crash between storing the version and queuing its deliveries: the outbox file never got the entry.
    rmSync(path.join(org.dataDir, 'outbox.json'), { force: true })
    org = reincarnate(org, 'Olga')
    bob = reincarnate(bob, 'Bob')
    await startAll(org)
    assert.equal(org.conferences.get(context.id)!.context.sequence, withAnswer)
    assert.equal(org.conferences.get(context.id)!.delivery[bobId] ?? 'pending', 'pending')
    await startAll(bob)
    await connectAll(org, bob)
    await eventually('Bob holds the version with Ann\'s answer', () => {
      const c = bob.conferences.get(context.id)?.context
      return c?.sequence === withAnswer && c.invitees.find(i => i.peerId === ann.peerId)!.rsvp === 'accepted'
    }, 20_000)
    await Promise.all([org, ann, bob].map(async p => await p.stop()))
  })
})
