import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, reincarnate, stopPeer } from '../helpers/peers'

after(cleanup)

const inAnHour = (): number => Date.now() + 60 * 60_000

describe('conferences between real peers', () => {
  it('invites three peers; two accept, one declines; every peer converges on the same participants and sequence', async () => {
    const [org, a, b, c] = ['Olga', 'Ann', 'Ben', 'Cid'].map(n => makePeer(n))
    await startAll(org, a, b, c)
    await connectAll(org, a, b, c)
    const created = await org.conferences.create({ title: 'Design review', start: inAnHour(), durationMinutes: 30, agenda: '# API\n- naming', invitees: [a.peerId!, b.peerId!, c.peerId!] })
    const id = created.context.id
    for (const p of [a, b, c]) await eventually('the invitation arrives', () => p.conferences.get(id) != null)
    await eventually('the organizer sees every invitation delivered', () => Object.values(org.conferences.get(id)!.delivery).every(d => d === 'delivered'))
    await a.conferences.respond(id, 'accepted')
    await b.conferences.respond(id, 'accepted')
    await c.conferences.respond(id, 'declined', 'on leave')
    const expected = [org.peerId, a.peerId, b.peerId].sort()
    await eventually('all converge', () => [org, a, b, c].every(p => {
      const v = p.conferences.get(id)
      return v != null && v.context.sequence === org.conferences.get(id)!.context.sequence &&
        JSON.stringify([...p.conferences.participants(id)].sort()) === JSON.stringify(expected)
    }))
    const final = org.conferences.get(id)!.context
    // Answers that arrive together share one version (receive-rsvp.ts): each raised it at most once.
    assert.ok(final.sequence >= 2 && final.sequence <= 4, `three RSVPs made sequence ${final.sequence}`)
    assert.equal(final.invitees.find(i => i.peerId === c.peerId)!.comment, 'on leave')
    for (const p of [a, b, c]) assert.deepEqual(p.conferences.get(id)!.context, final)
    assert.equal(a.conferences.get(id)!.myRsvp, 'accepted')
    assert.equal(a.conferences.get(id)!.rsvpPending, false)
  })

  it('delivers an invitation to a peer that was offline when it was sent, and the organizer then sees it delivered', async () => {
    const org = makePeer('Olga')
    let bob = makePeer('Bob')
    await startAll(org, bob)
    await connectAll(org, bob)
    const bobId = bob.peerId!
    const bobDir = bob.dataDir
    await bob.stop()
    const { context } = await org.conferences.create({ title: 'Standup', start: inAnHour(), durationMinutes: 15, invitees: [bobId] })
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.equal(org.conferences.get(context.id)!.delivery[bobId], 'pending')
    bob = makePeer('Bob', { dataDir: bobDir })
    await startAll(bob)
    assert.equal(bob.peerId, bobId, 'same data folder, same identity')
    await eventually('the invitation reaches Bob after his restart', () => bob.conferences.get(context.id) != null, 20_000)
    await eventually('the organizer sees it delivered', () => org.conferences.get(context.id)!.delivery[bobId] === 'delivered')
  })

  it('gets an RSVP to an organizer that was offline when the invitee answered, and survives restarts on both sides', async () => {
    let org = makePeer('Olga')
    let ann = makePeer('Ann')
    await startAll(org, ann)
    await connectAll(org, ann)
    const { context } = await org.conferences.create({ title: 'Retro', start: inAnHour(), durationMinutes: 45, invitees: [ann.peerId!] })
    await eventually('invited', () => ann.conferences.get(context.id) != null)
    await stopPeer(org)
    await ann.conferences.respond(context.id, 'tentative')
    assert.equal(ann.conferences.get(context.id)!.rsvpPending, true)
    // Ann restarts too: her answer waits in the outbox on disk.
    await stopPeer(ann)
    ann = reincarnate(ann, 'Ann')
    org = reincarnate(org, 'Olga')
    await startAll(org, ann)
    await eventually('the organizer applies the RSVP', () => org.conferences.get(context.id)?.context.invitees[0].rsvp === 'tentative', 20_000)
    await eventually('Ann sees her answer acknowledged and the new context', () => {
      const v = ann.conferences.get(context.id)!
      return v.rsvpPending === false && v.context.invitees[0].rsvp === 'tentative'
    }, 20_000)
  })

  it('reschedule and cancel reach everyone; a cancelled conference refuses answers', async () => {
    const [org, a, b] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(org, a, b)
    await connectAll(org, a, b)
    const { context } = await org.conferences.create({ title: 'Planning', start: inAnHour(), durationMinutes: 30, invitees: [a.peerId!, b.peerId!] })
    const later = context.start + 2 * 60 * 60_000
    await org.conferences.reschedule(context.id, later, 60)
    await eventually('the new time reaches everyone', () => [a, b].every(p => p.conferences.get(context.id)?.context.start === later))
    assert.equal(a.conferences.get(context.id)!.context.durationMinutes, 60)
    await org.conferences.cancel(context.id)
    await eventually('the cancellation reaches everyone', () => [a, b].every(p => p.conferences.get(context.id)?.context.status === 'cancelled'))
    await assert.rejects(a.conferences.respond(context.id, 'accepted'), /cancelled/)
  })

  it('invites more peers later: the new invitee gets an invitation, the others an update listing them', async () => {
    const [org, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const { context } = await org.conferences.create({ title: 'Kickoff', start: inAnHour(), durationMinutes: 30, invitees: [ann.peerId!] })
    await eventually('Ann is invited', () => ann.conferences.get(context.id) != null)
    const invitedBen: string[] = []
    ben.events.on('invitation', v => invitedBen.push(v.context.title))
    const view = await org.conferences.invite(context.id, [ben.peerId!, ann.peerId!])
    assert.deepEqual(view.context.invitees.map(i => i.peerId), [ann.peerId, ben.peerId], 'Ann is not listed twice')
    await eventually('Ben is invited', () => ben.conferences.get(context.id)?.context.sequence === 2)
    await eventually('Ann sees Ben listed', () => ann.conferences.get(context.id)?.context.invitees.length === 2)
    assert.deepEqual(invitedBen, ['Kickoff'])
  })

  it('does not announce as an invitation a conference first seen already cancelled', async () => {
    const org = makePeer('Olga')
    let bob = makePeer('Bob')
    await startAll(org, bob)
    await connectAll(org, bob)
    const bobId = bob.peerId!
    await stopPeer(bob)
    const { context } = await org.conferences.create({ title: 'Cancelled early', start: inAnHour(), durationMinutes: 15, invitees: [bobId] })
    await org.conferences.cancel(context.id)
    bob = reincarnate(bob, 'Bob')
    const invitations: string[] = []
    const updates: string[] = []
    bob.events.on('invitation', v => invitations.push(v.context.id))
    bob.events.on('conference:update', v => updates.push(`${v.context.id}:${v.context.status}`))
    await startAll(bob)
    await eventually('Bob learns of the cancellation', () => bob.conferences.get(context.id)?.context.status === 'cancelled', 20_000)
    assert.deepEqual(invitations, [])
    assert.deepEqual(updates, [`${context.id}:cancelled`])
  })

  it('applies nothing half-way when the disk is full, and delivers once it has room again', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    await startAll(org, ann)
    await connectAll(org, ann)
    const full = (): Error => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', syscall: 'write' })
    org.storage.writeFault = full
    await assert.rejects(org.conferences.create({ title: 'Nowhere', start: inAnHour(), durationMinutes: 30, invitees: [ann.peerId!] }), /ENOSPC/)
    assert.equal(org.conferences.list().length, 0, 'the organizer keeps nothing it could not store')
    org.storage.writeFault = undefined
    ann.storage.writeFault = full
    const { context } = await org.conferences.create({ title: 'Somewhere', start: inAnHour(), durationMinutes: 30, invitees: [ann.peerId!] })
    await new Promise(resolve => setTimeout(resolve, 600))
    assert.equal(ann.conferences.get(context.id), undefined, 'the invitee could not store it, so it does not have it')
    assert.equal(org.conferences.get(context.id)!.delivery[ann.peerId!], 'pending', 'and it is not acknowledged')
    ann.storage.writeFault = undefined
    await eventually('the retry delivers it', () => ann.conferences.get(context.id) != null, 10_000)
    await eventually('the organizer sees it delivered', () => org.conferences.get(context.id)!.delivery[ann.peerId!] === 'delivered')
  })

  it('refuses bad requests with a reason and changes nothing', async () => {
    const org = makePeer('Olga')
    await startAll(org)
    await assert.rejects(org.conferences.create({ title: '', start: inAnHour(), durationMinutes: 30, invitees: [] }), /title/)
    await assert.rejects(org.conferences.create({ title: 'x', start: Date.now() - 86_400_000, durationMinutes: 30, invitees: [] }), /past/)
    await assert.rejects(org.conferences.create({ title: 'x', start: inAnHour(), durationMinutes: 0, invitees: [] }), /duration/)
    await assert.rejects(org.conferences.create({ title: 'x', start: inAnHour(), durationMinutes: 30, invitees: ['not-a-peer'] }), /not a peer ID/)
    await assert.rejects(org.conferences.create({ title: 'x', start: inAnHour(), durationMinutes: 30, invitees: [org.peerId!] }), /yourself/)
    assert.equal(org.conferences.list().length, 0)
  })
})
