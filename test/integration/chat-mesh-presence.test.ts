// Presence and connections in a conference larger than a full mesh, between real peers on
// loopback: every participant holds few connections (chat links, two the DHT keeps, none idle) yet
// sees the whole conference online, by signed announcements passed on across the mesh; a hostile
// neighbour cannot claim others online.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { makePeer, startAll, eventually, cleanup, type TestPeer } from '../helpers/peers'
import { CHAT_PROTOCOL, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import { chosenNeighbours, MAX_CHAT_LINKS } from '../../src/core/chat/neighbours'
import { RELAY_SLOT_HOLDER_TAG } from '../../src/core/chat/mesh'
import { frameStream } from '../../src/core/wire/framing'
import { sealText, DOMAINS } from '../../src/core/wire/envelope'

after(cleanup)

async function peers (count: number, prefix: string): Promise<TestPeer[]> {
  const all = Array.from({ length: count }, (_, i) => makePeer(`${prefix} ${i}`))
  await startAll(...all)
  for (const p of all.slice(1)) await all[0].connect(p.address())
  return all
}

async function conference (org: TestPeer, invitees: TestPeer[], accepting = invitees): Promise<string> {
  const { context } = await org.conferences.create({ title: 'All hands', start: Date.now() + 3_600_000, durationMinutes: 60, invitees: invitees.map(p => p.peerId!) })
  await eventually('every invitation arrives', () => invitees.every(p => p.conferences.get(context.id) != null), 30_000)
  await Promise.all(accepting.map(async p => await p.conferences.respond(context.id, 'accepted')))
  const all = [org, ...accepting]
  await eventually('everyone sees everyone accepted', () => all.every(p => p.conferences.participants(context.id).length >= all.length), 30_000)
  return context.id
}

/**
 * The peers a participant holds connections to, not counting those holding a relay slot with it
 * (as a super peer it serves them: bounded by its slots, and kept, see mesh.ts closeIfIdle).
 */
async function meshConnections (p: TestPeer): Promise<number> {
  const peers = new Set(p.libp2p.getConnections().map(c => c.remotePeer.toString()))
  let n = 0
  for (const peer of peers) {
    const tags = await p.libp2p.peerStore.get(peerIdFromString(peer)).then(s => s.tags, () => new Map())
    if (!tags.has(RELAY_SLOT_HOLDER_TAG)) n++
  }
  return n
}

describe('presence across the bounded mesh', () => {
  it('sixteen participants: at most 12 connections each besides a super peer\'s relay slot holders, and every online list holds all fifteen others', { timeout: 180_000 }, async () => {
    const all = await peers(16, 'Here')
    const id = await conference(all[0], all.slice(1))
    for (const p of all) await p.chat.join(id)
    await eventually('every online list holds everyone', () => all.every(p => p.chat.presence(id).online.length === all.length - 1), 40_000)
    const linked = all.map(p => p.chat.presence(id).linked.length)
    assert.ok(Math.max(...linked) < all.length - 1, `presence did not come from a full mesh: links ${linked.join(' ')}`)
    // The organizer dialled everyone for the invitations; the idle ones close (10 s), the DHT keeps two.
    await eventually(`every participant holds at most ${MAX_CHAT_LINKS} connections besides its relay slot holders`, async () => (await Promise.all(all.map(meshConnections))).every(n => n <= MAX_CHAT_LINKS), 60_000)
    const connections = await Promise.all(all.map(meshConnections))
    process.stderr.write(`connections per participant: ${connections.join(' ')}; chat links: ${all.map(p => p.chat.presence(id).linked.length).join(' ')}\n`)
    // Held there, not only reached: a few seconds later still within the bound, everyone still online.
    await new Promise(resolve => setTimeout(resolve, 8000))
    const later = await Promise.all(all.map(meshConnections))
    assert.ok(Math.max(...later) <= MAX_CHAT_LINKS, `connections per participant: ${later.join(' ')}`)
    assert.ok(all.every(p => p.chat.presence(id).online.length === all.length - 1))
    // One leaves: everyone sees it gone (its goodbye passed on), not after the time to live only.
    const gone = all[7]
    await gone.stop()
    const rest = all.filter(p => p !== gone)
    await eventually('everyone sees the one who left offline', () => rest.every(p => !p.chat.presence(id).online.includes(gone.peerId!)), 15_000)
  })

  it('a neighbour claiming an absent participant online is not believed; its own word is', { timeout: 120_000 }, async () => {
    const all = await peers(9, 'Claim')
    const absent = all[8]
    const hostile = all[3]
    const id = await conference(all[0], all.slice(1))
    const absentKey = (absent as any).components.key
    const hostileKey = (hostile as any).components.key
    await absent.stop()
    const honest = all.filter(p => p !== hostile && p !== absent)
    for (const p of honest) await p.chat.join(id)
    // It speaks the protocol by hand, to one it chose, as on any chat stream.
    await hostile.chat.stop()
    await hostile.libp2p.unhandle(CHAT_PROTOCOL)
    const everyone = all.map(p => p.peerId!)
    const victimId = chosenNeighbours(id, hostile.peerId!, everyone).find(v => v !== absent.peerId)!
    const victim = all.find(p => p.peerId === victimId)!
    await hostile.connect(victim.address())
    const stream = await hostile.libp2p.dialProtocol(peerIdFromString(victimId), CHAT_PROTOCOL)
    const frames = frameStream(stream, MAX_CHAT_FRAME_BYTES)
    await frames.write({ t: 'hello', conferenceId: id, summary: {} })
    await frames.readBytes(5000)
    const now = Date.now()
    // Signed by itself in the absent one's name; and the absent one's word for another conference.
    await frames.write({ t: 'here', e: sealText(hostileKey, DOMAINS.presence, { conferenceId: id, peer: absent.peerId, at: now, online: true, typing: false }) })
    await frames.write({ t: 'here', e: sealText(absentKey, DOMAINS.presence, { conferenceId: 'x'.repeat(22), peer: absent.peerId, at: now, online: true, typing: false }) })
    // Its own genuine word is news and passes on.
    await frames.write({ t: 'here', e: sealText(hostileKey, DOMAINS.presence, { conferenceId: id, peer: hostile.peerId, at: now, online: true, typing: false }) })
    await eventually('the hostile neighbour\'s own word reached everyone', () => honest.every(p => p.chat.presence(id).online.includes(hostile.peerId!)), 30_000)
    for (const p of honest) assert.equal(p.chat.presence(id).online.includes(absent.peerId!), false, `${p.displayName} does not show the absent one online`)
    stream.abort(new Error('done'))
  })
})
