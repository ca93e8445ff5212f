// The bounded mesh on stubbed nodes and stream pairs: who dials whom, the cap on links taken, and
// which idle connections close.
import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import * as z from 'zod'
import { streamPair } from '@libp2p/utils'
import { KEEP_ALIVE, type Connection, type PeerId } from '@libp2p/interface'
import { ChatMesh } from '../../src/core/chat/mesh'
import { LinkTable } from '../../src/core/chat/link-table'
import { ChatLogs } from '../../src/core/chat/logs'
import { ChatScope } from '../../src/core/chat/scope'
import { FloodControl } from '../../src/core/chat/flood-control'
import { MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import { chosenNeighbours, MAX_CHAT_LINKS, MESH_DEGREE } from '../../src/core/chat/neighbours'
import { frameStream } from '../../src/core/wire/framing'
import type { Clock } from '../../src/core/clock'
import { CONFERENCE_ID, StubConference, Switchboard, manualClock, stubConnection, stubPeer, until, type StubPeer } from '../helpers/chat-stubs'

const meshes: ChatMesh[] = []
afterEach(async () => { for (const m of meshes.splice(0)) await m.stop() })

function meshOf (p: StubPeer): { mesh: ChatMesh, links: LinkTable } {
  const scope = new ChatScope(p.components)
  const links = new LinkTable()
  const mesh = new ChatMesh(scope, links, new ChatLogs(p.components.storage), new FloodControl(() => scope.now()), {
    linkUp: () => {},
    frame: async () => {},
    linkDown: () => {},
    presenceChanged: () => {}
  })
  meshes.push(mesh)
  return { mesh, links }
}

async function conferenceOf (n: number, clock: Clock = manualClock()): Promise<{ board: Switchboard, peers: StubPeer[] }> {
  const board = new Switchboard()
  const conference = new StubConference([])
  const peers = await Promise.all(Array.from({ length: n }, async () => await stubPeer(board, conference, clock)))
  conference.participants = peers.map(p => p.id)
  return { board, peers }
}

describe('the bounded chat mesh (stubbed nodes, stream pairs)', () => {
  it('in a conference of twelve each participant dials its three chosen neighbours only, and holds six links', async () => {
    // The real clock: on a busy machine a hello may time out, and the dial's backoff must run out.
    const { board, peers } = await conferenceOf(12, { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: h => clearTimeout(h as NodeJS.Timeout) })
    const ids = peers.map(p => p.id)
    const all = peers.map(p => meshOf(p))
    for (const m of all) await m.mesh.start()
    for (const m of all) m.mesh.join(CONFERENCE_ID)
    await until('every chosen neighbour is linked', () => peers.every((p, i) => chosenNeighbours(CONFERENCE_ID, p.id, ids).every(q => all[i].links.has(CONFERENCE_ID, q))), 30_000)
    assert.ok(board.dials.length >= 12 * 3 && board.dials.length < 12 * 11 / 2, `three dials each (a few more after a failure), not a full mesh: ${board.dials.length}`)
    for (const m of all) assert.equal(m.links.peers(CONFERENCE_ID).length, MESH_DEGREE)
  })

  it(`takes at most ${MAX_CHAT_LINKS} links from participants it did not choose`, async () => {
    const { peers } = await conferenceOf(MAX_CHAT_LINKS + 6)
    const [me, ...everyone] = peers
    // A neighbour I chose is always taken: the test's streams come from the others.
    const mine = new Set(chosenNeighbours(CONFERENCE_ID, me.id, peers.map(p => p.id)))
    const others = everyone.filter(o => !mine.has(o.id))
    assert.ok(others.length > MAX_CHAT_LINKS)
    const m = meshOf(me)
    await m.mesh.start()
    const answered: boolean[] = []
    for (const o of others) {
      const [outbound, inbound] = await streamPair()
      me.node.handler!(inbound, stubConnection(o.node.peerId))
      const frames = frameStream(outbound, MAX_CHAT_FRAME_BYTES)
      await frames.write({ t: 'hello', conferenceId: CONFERENCE_ID, summary: {} })
      answered.push(await frames.read(z.object({ t: z.literal('hello') }).passthrough(), 2000).then(() => true, () => false))
    }
    assert.equal(answered.filter(Boolean).length, MAX_CHAT_LINKS, `answered ${answered.filter(Boolean).length} of ${others.length}`)
    assert.equal(m.links.peers(CONFERENCE_ID).length, MAX_CHAT_LINKS)
  })

  it('closes idle connections it opened to participants that are not neighbours, but not those libp2p keeps alive, that carry a stream or that the peer opened', async () => {
    const clock = manualClock()
    const { peers } = await conferenceOf(12, clock)
    const [me, ...others] = peers
    const ids = peers.map(p => p.id)
    const neighbours = new Set(chosenNeighbours(CONFERENCE_ID, me.id, ids))
    // Participants with no chat link with me either way (neither chose the other).
    const [idle, keptAlive, busy, fresh, dialledUs] = others.filter(o => !neighbours.has(o.id) && !chosenNeighbours(CONFERENCE_ID, o.id, ids).includes(me.id))
    const connections = new Map<string, Connection & { closedByUs: boolean }>()
    const connect = (p: StubPeer, streams: number, openedAt: number, direction = 'outbound'): void => {
      const c = stubConnection(p.node.peerId) as any
      c.direction = direction
      c.streams = Array.from({ length: streams }, () => ({}))
      c.timeline = { open: openedAt }
      connections.set(p.id, c)
    }
    connect(idle, 0, clock.now())
    connect(keptAlive, 0, clock.now())
    connect(busy, 1, clock.now())
    connect(dialledUs, 0, clock.now(), 'inbound')
    const node = me.node as any
    node.getConnections = (peer?: PeerId) => [...connections.values()].filter(c => peer == null || c.remotePeer.equals(peer))
    node.peerStore = { get: async (peer: PeerId) => ({ tags: new Map(peer.toString() === keptAlive.id ? [[`${KEEP_ALIVE}-kad-dht`, { value: 1 }]] : []) }) }
    const all = peers.map(p => meshOf(p))
    for (const m of all) await m.mesh.start()
    for (const m of all) m.mesh.join(CONFERENCE_ID)
    await until('my neighbours are linked', () => [...neighbours].every(q => all[0].links.has(CONFERENCE_ID, q)))
    all[0].mesh.reconnect()
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(connections.get(idle.id)!.closedByUs, false, 'a connection opened a moment ago stays')
    clock.advance(11_000)
    connect(fresh, 0, clock.now())
    all[0].mesh.reconnect()
    await until('the idle connection closes', () => connections.get(idle.id)!.closedByUs)
    assert.equal(connections.get(keptAlive.id)!.closedByUs, false, 'kept alive by libp2p for the DHT')
    assert.equal(connections.get(busy.id)!.closedByUs, false, 'a stream is open on it')
    assert.equal(connections.get(fresh.id)!.closedByUs, false, 'opened less than ten seconds ago')
    assert.equal(connections.get(dialledUs.id)!.closedByUs, false, 'the peer opened it: its to close (it may keep it alive for its DHT)')
  })
})
