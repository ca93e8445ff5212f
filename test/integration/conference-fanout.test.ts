import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, stopPeer, reincarnate, type TestPeer } from '../helpers/peers'

after(cleanup)

/**
 * Create → every invitee accepts → every invitee holds the organizer's final context.
 * Returns the milliseconds that took; DEVMEET_BENCH=1 prints it for the benchmark issue.
 */
async function convergence (invitees: number): Promise<number> {
  const org = makePeer('Olga')
  const guests = Array.from({ length: invitees }, (_, i) => makePeer(`Guest ${i + 1}`))
  await startAll(org, ...guests)
  for (const g of guests) await connectAll(org, g)
  const t0 = performance.now()
  const { context } = await org.conferences.create({ title: 'All hands', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: guests.map(g => g.peerId!) })
  await Promise.all(guests.map(async g => {
    await eventually('invited', () => g.conferences.get(context.id) != null, 30_000)
    await g.conferences.respond(context.id, 'accepted')
  }))
  // Answers that arrive together may share one version: the final one is the organizer's once it holds every answer.
  await eventually('everyone holds the final context', () => {
    const finalSequence = org.conferences.get(context.id)?.context.sequence
    return [org, ...guests].every(p => {
      const c = p.conferences.get(context.id)?.context
      return c != null && c.sequence === finalSequence && c.invitees.every(i => i.rsvp === 'accepted')
    })
  }, 30_000)
  const ms = performance.now() - t0
  const final = org.conferences.get(context.id)!.context
  for (const g of guests) assert.deepEqual(g.conferences.get(context.id)!.context, final)
  await eventually('every delivery acknowledged', () => Object.values(org.conferences.get(context.id)!.delivery).every(d => d === 'delivered'), 30_000)
  if (process.env.DEVMEET_BENCH != null) process.stderr.write(`conference convergence with ${invitees} invitee(s): ${ms.toFixed(0)} ms\n`)
  await Promise.all([org, ...guests].map(async p => await p.stop()))
  return ms
}

describe('conference fan-out', () => {
  it('converges with one invitee', async () => {
    assert.ok(await convergence(1) < 5000)
  })

  it('converges with twenty invitees who all accept, every one holding the same final context', async () => {
    assert.ok(await convergence(20) < 20_000)
  })

  it('loses nothing when the organizer restarts while an invitee is offline (outbox on disk)', async () => {
    let org: TestPeer = makePeer('Olga')
    let bob: TestPeer = makePeer('Bob')
    await startAll(org, bob)
    await connectAll(org, bob)
    const bobId = bob.peerId!
    await stopPeer(bob)
    const { context } = await org.conferences.create({ title: 'Offsite', start: Date.now() + 3_600_000, durationMinutes: 60, invitees: [bobId] })
    await org.conferences.reschedule(context.id, context.start + 3_600_000)
    await stopPeer(org)
    org = reincarnate(org, 'Olga')
    bob = reincarnate(bob, 'Bob')
    await startAll(org)
    assert.equal(org.conferences.get(context.id)!.delivery[bobId], 'pending')
    await startAll(bob)
    await eventually('Bob gets the latest context after both restarts', () => bob.conferences.get(context.id)?.context.sequence === 2, 20_000)
    assert.equal(bob.conferences.get(context.id)!.context.start, context.start + 3_600_000)
    await eventually('the organizer sees it delivered', () => org.conferences.get(context.id)!.delivery[bobId] === 'delivered')
  })
})
