import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { peerIdFromString } from '@libp2p/peer-id'
import { DialBackoff } from '../../src/core/chat/dial-backoff'
import { systemClock } from '../../src/core/clock'
import { ChatMesh } from '../../src/core/chat/mesh'
import { LinkTable } from '../../src/core/chat/link-table'
import { ChatLogs } from '../../src/core/chat/logs'
import { ChatScope } from '../../src/core/chat/scope'
import { FloodControl } from '../../src/core/chat/flood-control'
import * as z from 'zod'
import { MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import { frameStream } from '../../src/core/wire/framing'
import { CONFERENCE_ID, StubConference, Switchboard, stubConnection, stubPeer, until, type StubPeer } from '../helpers/chat-stubs'

describe('chat dial backoff', () => {
  it('waits twice as long after each failed dial, up to a minute, and starts over after a success', () => {
    let now = 0
    const backoff = new DialBackoff(() => now)
    assert.equal(backoff.ready('c|bob'), true, 'never dialled: ready')
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      backoff.failed('c|bob')
      let waited = 0
      while (!backoff.ready('c|bob')) { now += 1000; waited += 1000 }
      waits.push(waited)
    }
    assert.deepEqual(waits, [2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000])
    assert.equal(backoff.ready('c|carol'), true, 'each peer has its own')
    backoff.failed('c|carol')
    assert.equal(backoff.nextEndsIn(), 2000, 'the soonest wait still running: carol\'s first')
    backoff.succeeded('c|bob')
    backoff.failed('c|bob')
    now += 2000
    assert.equal(backoff.ready('c|bob'), true, 'after a success the wait starts over')
  })
})

const meshes: ChatMesh[] = []
/** a relay's peer ID in relayed addresses */
const carolId = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'
afterEach(async () => { for (const m of meshes.splice(0)) await m.stop() })

/** A mesh built from stubs, its hooks recording the streams that came up. */
function meshOf (p: StubPeer): { mesh: ChatMesh, up: string[], flood: FloodControl } {
  const scope = new ChatScope(p.components)
  const up: string[] = []
  const flood = new FloodControl(() => scope.now())
  const mesh = new ChatMesh(scope, new LinkTable(), new ChatLogs(p.components.storage), flood, {
    linkUp: link => { up.push(link.peer) },
    frame: async () => {},
    linkDown: () => {},
    presenceChanged: () => {}
  })
  meshes.push(mesh)
  return { mesh, up, flood }
}

describe('the chat mesh (stubbed node, stream pairs)', () => {
  it('dials every participant of a joined conference; a failed dial waits for its backoff, a new connection does not', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference)
    const bob = await stubPeer(board, conference)
    conference.participants = [ann.id, bob.id]
    const a = meshOf(ann)
    const b = meshOf(bob)
    await a.mesh.start()
    await b.mesh.start()
    board.unreachable.add(bob.id)
    a.mesh.join(CONFERENCE_ID)
    await until('the first dial failed', () => board.dials.length === 1)
    await new Promise(resolve => setTimeout(resolve, 20))
    a.mesh.reconnect()
    assert.equal(board.dials.length, 1, 'the periodic reconnect waits for the backoff')
    board.unreachable.delete(bob.id)
    ann.node.connected(peerIdFromString(bob.id))
    await until('the stream is up on both sides', () => a.up.includes(bob.id) && b.up.includes(ann.id))
    assert.equal(board.dials.length, 2, 'a connection from the peer dials at once')
  })

  it('dials a failed neighbour again as soon as its wait is over, not at the next periodic round', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference, systemClock)
    const bob = await stubPeer(board, conference, systemClock)
    conference.participants = [ann.id, bob.id]
    const a = meshOf(ann)
    const b = meshOf(bob)
    await a.mesh.start()
    await b.mesh.start()
    board.unreachable.add(bob.id)
    a.mesh.join(CONFERENCE_ID)
    await until('the first dial failed', () => board.dials.length === 1)
    const failedAt = performance.now()
    board.unreachable.delete(bob.id)
    // The periodic round comes every 5 s; the first wait after a failure is 2 s.
    await until('the stream is up', () => a.up.includes(bob.id), 4500)
    const after = performance.now() - failedAt
    assert.ok(after >= 1900, `not before the wait is over (${after.toFixed(0)} ms)`)
    assert.equal(board.dials.length, 2, 'one dial again, at the end of the wait')
  })

  it('moves a link that came up through a relay to a direct connection once one answers, trying again less often while none does', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference, systemClock)
    const bob = await stubPeer(board, conference, systemClock)
    conference.participants = [ann.id, bob.id]
    const relayed = stubConnection(bob.node.peerId, `/ip4/127.0.0.1/tcp/2/p2p/${carolId}/p2p-circuit/p2p/${bob.id}`)
    ann.node.connections.set(bob.id, [relayed])
    const direct: number[] = []
    let answers = false
    ;(ann.components as any).dialer = {
      dialKnown: async () => true,
      dialDirect: async () => {
        direct.push(performance.now())
        if (!answers) return false
        ann.node.connections.set(bob.id, [relayed, stubConnection(bob.node.peerId)])
        return true
      }
    }
    const a = meshOf(ann)
    const b = meshOf(bob)
    await a.mesh.start()
    await b.mesh.start()
    const joined = performance.now()
    a.mesh.join(CONFERENCE_ID)
    await until('the link is up (through the relay)', () => a.up.includes(bob.id))
    await until('a direct connection is tried', () => direct.length === 1, 4000)
    assert.ok(direct[0] - joined >= 1900, 'not at once: the link works meanwhile')
    assert.equal(relayed.closedByUs, false, 'no direct connection: the relayed one stays')
    answers = true
    await until('tried again after the wait (2 s)', () => direct.length === 2, 4000)
    await until('the relayed connection is closed', () => relayed.closedByUs)
  })

  it('moves a link off its relayed connection once a direct connection is open beside it (the link we dialled only)', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference, systemClock)
    const bob = await stubPeer(board, conference, systemClock)
    conference.participants = [ann.id, bob.id]
    const relayed = stubConnection(bob.node.peerId, `/ip4/127.0.0.1/tcp/2/p2p/${carolId}/p2p-circuit/p2p/${bob.id}`)
    ann.node.connections.set(bob.id, [relayed])
    ;(ann.components as any).dialer = { dialKnown: async () => true, dialDirect: async () => false }
    const a = meshOf(ann)
    await a.mesh.start()
    await meshOf(bob).mesh.start()
    a.mesh.join(CONFERENCE_ID)
    await until('the link is up (through the relay)', () => a.up.includes(bob.id))
    assert.equal(relayed.streams.length, 1, 'the link\'s stream runs on the relayed connection')
    a.mesh.reconnect()
    assert.equal(relayed.closedByUs, false, 'no direct connection: the relayed one stays')
    // Bob dials Ann directly (his side of another conference, say): a direct connection beside it.
    const direct = stubConnection(bob.node.peerId)
    ann.node.connections.set(bob.id, [relayed, direct])
    a.mesh.reconnect()
    assert.equal(relayed.closedByUs, true, 'the relayed connection carrying the link is closed')
    assert.equal(direct.closedByUs, false)
  })

  it('leaves a link on WebRTC set up through a relay alone (its data flows directly)', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference, systemClock)
    const bob = await stubPeer(board, conference, systemClock)
    conference.participants = [ann.id, bob.id]
    ann.node.connections.set(bob.id, [stubConnection(bob.node.peerId, `/ip4/127.0.0.1/tcp/2/p2p/${carolId}/p2p-circuit/webrtc/p2p/${bob.id}`)])
    let tried = 0
    ;(ann.components as any).dialer = { dialKnown: async () => true, dialDirect: async () => { tried++; return false } }
    const a = meshOf(ann)
    await a.mesh.start()
    await meshOf(bob).mesh.start()
    a.mesh.join(CONFERENCE_ID)
    await until('the link is up', () => a.up.includes(bob.id))
    await new Promise(resolve => setTimeout(resolve, 2500))
    assert.equal(tried, 0)
  })

  it('refuses a chat stream from a peer that does not take part, and hangs up on one that keeps opening them', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference)
    const eve = await stubPeer(board, conference)
    conference.participants = [ann.id]
    const a = meshOf(ann)
    await a.mesh.start()
    const [outbound, inbound] = await streamPair()
    ann.node.handler!(inbound, stubConnection(eve.node.peerId))
    const frames = frameStream(outbound, MAX_CHAT_FRAME_BYTES)
    await frames.write({ t: 'hello', conferenceId: CONFERENCE_ID, summary: {} })
    await assert.rejects(frames.read(z.unknown(), 2000), 'the stream is reset, no hello comes back')
    assert.deepEqual(a.up, [])
    const connection = stubConnection(eve.node.peerId)
    for (let i = 0; i < 60; i++) {
      const [, s] = await streamPair()
      ann.node.handler!(s, connection)
    }
    await until('the connection is closed', () => connection.closedByUs)
    assert.equal(a.flood.admitStream(eve.id), 'denied')
  })

  it('closes streams with a peer that stops taking part, and all of them when I do', async () => {
    const board = new Switchboard()
    const conference = new StubConference([])
    const ann = await stubPeer(board, conference)
    const bob = await stubPeer(board, conference)
    const carol = await stubPeer(board, conference)
    conference.participants = [ann.id, bob.id, carol.id]
    const links = [ann, bob, carol].map(p => meshOf(p))
    for (const l of links) await l.mesh.start()
    for (const l of links) l.mesh.join(CONFERENCE_ID)
    await until('ann has streams with bob and carol', () => links[0].up.includes(bob.id) && links[0].up.includes(carol.id))
    const annLinks = (links[0].mesh as any).links as LinkTable
    conference.participants = [ann.id, carol.id]
    links[0].mesh.onConferenceUpdate(CONFERENCE_ID)
    assert.deepEqual(annLinks.peers(CONFERENCE_ID).includes(bob.id), false, 'bob no longer takes part')
    conference.participants = [bob.id, carol.id]
    links[0].mesh.onConferenceUpdate(CONFERENCE_ID)
    assert.deepEqual(annLinks.peers(CONFERENCE_ID), [], 'I no longer take part')
  })
})
