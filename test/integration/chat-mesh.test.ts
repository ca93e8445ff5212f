// The bounded chat mesh between real peers on loopback: in a conference larger than a full mesh
// each participant keeps a few chat links (and few connections), messages travel by forwarding,
// and a neighbour that drops everything it should pass on isolates nobody.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { KEEP_ALIVE, type Stream } from '@libp2p/interface'
import { makePeer, startAll, eventually, cleanup, transcript, type TestPeer } from '../helpers/peers'
import { CHAT_PROTOCOL, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import { chosenNeighbours, MESH_DEGREE } from '../../src/core/chat/neighbours'
import { RELAY_SLOT_HOLDER_TAG } from '../../src/core/chat/mesh'
import { frameStream, type FrameStream } from '../../src/core/wire/framing'
import { AUTHOR_BURST, AUTHOR_RATE_PER_SECOND } from '../../src/core/chat/service'

after(cleanup)

const decoder = new TextDecoder()

/** `count` peers, the first the organizer, connected to the organizer only (the others learn addresses from the conference). */
async function peers (count: number, prefix: string): Promise<TestPeer[]> {
  const all = Array.from({ length: count }, (_, i) => makePeer(`${prefix} ${i}`))
  await startAll(...all)
  for (const p of all.slice(1)) await all[0].connect(p.address())
  return all
}

/** A conference starting now among them, every invitee accepted, known to all (nobody joined its chat yet). */
async function conference (org: TestPeer, invitees: TestPeer[]): Promise<string> {
  const { context } = await org.conferences.create({ title: 'All hands', start: Date.now() + 3_600_000, durationMinutes: 60, invitees: invitees.map(p => p.peerId!) })
  await eventually('every invitation arrives', () => invitees.every(p => p.conferences.get(context.id) != null), 30_000)
  await Promise.all(invitees.map(async p => await p.conferences.respond(context.id, 'accepted')))
  const all = [org, ...invitees]
  await eventually('everyone sees everyone accepted', () => all.every(p => p.conferences.participants(context.id).length === all.length), 30_000)
  return context.id
}

/**
 * Connections of `p` to peers it has no chat link with and that neither end keeps alive (libp2p's
 * keep-alive tags: the DHT's closest peers, relay reservations; or a relay slot held with it).
 */
async function unneeded (p: TestPeer, id: string, all: TestPeer[]): Promise<number> {
  const online = new Set(p.chat.presence(id).linked)
  const kept = (tags: Map<string, unknown>): boolean => [...tags.keys()].some(t => t.startsWith(KEEP_ALIVE) || t === RELAY_SLOT_HOLDER_TAG)
  let n = 0
  for (const c of p.libp2p.getConnections()) {
    if (online.has(c.remotePeer.toString())) continue
    if (kept((await p.libp2p.peerStore.get(c.remotePeer)).tags)) continue
    const other = all.find(q => q.peerId === c.remotePeer.toString())
    if (other != null && kept(await other.libp2p.peerStore.get(p.libp2p.peerId).then(r => r.tags, () => new Map()))) continue
    n++
  }
  return n
}

async function everyoneHolds (all: TestPeer[], id: string, count: number): Promise<void> {
  await eventually(`every participant holds ${count} messages`, async () => (await Promise.all(all.map(p => p.chat.history(id)))).every(h => h.length === count), 30_000)
}

describe('the bounded chat mesh', () => {
  it('sixteen participants: at most six chat links each, idle connections closed, and every message reaches everyone', async () => {
    const all = await peers(16, 'Mesh')
    const id = await conference(all[0], all.slice(1))
    for (const p of all) await p.chat.join(id)
    await eventually('every participant has its neighbours linked', () => all.every(p => {
      const wanted = chosenNeighbours(id, p.peerId!, all.map(q => q.peerId!))
      return wanted.every(q => p.chat.presence(id).linked.includes(q))
    }), 30_000)
    await Promise.all(all.map(async (p, i) => await p.chat.send(id, { kind: 'text', body: `hello from ${i}` })))
    await everyoneHolds(all, id, all.length)
    const first = await transcript(all[0], id)
    for (const p of all.slice(1)) assert.deepEqual(await transcript(p, id), first, 'the same ordered history everywhere')
    await eventually('links settle at the degree', () => all.every(p => p.chat.presence(id).linked.length <= MESH_DEGREE), 15_000)
    const links = all.map(p => p.chat.presence(id).linked.length)
    assert.ok(Math.max(...links) <= MESH_DEGREE, `links per participant: ${links.join(' ')}`)
    assert.ok(Math.min(...links) >= 3, `links per participant: ${links.join(' ')}`)
    // The organizer dialled all fifteen for the invitations: those idle close, except the ones
    // libp2p keeps alive at either end for the DHT (its closest peers, which it would dial again
    // at once) and those of peers holding a relay slot with it (they keep them alive from their side).
    await eventually('only chat links and connections kept alive for the DHT or a relay slot stay', async () => {
      const extra = await Promise.all(all.map(async p => await unneeded(p, id, all)))
      return extra.every(n => n === 0)
    }, 40_000)
    // Still connected after the pruning: another round reaches all.
    await Promise.all(all.map(async (p, i) => await p.chat.send(id, { kind: 'text', body: `again from ${i}` })))
    await everyoneHolds(all, id, 2 * all.length)
  })

  it('a neighbour that takes every message and passes none on (claiming it holds all) isolates nobody', async () => {
    const all = await peers(10, 'Drop')
    const hostile = all[4]
    const honest = all.filter(p => p !== hostile)
    const id = await conference(all[0], all.slice(1))
    const everyone = all.map(p => p.peerId!)
    // Its chat is switched off: it speaks the protocol by hand, taking streams and dialling its
    // own neighbours, acknowledging everything as held and forwarding nothing.
    await hostile.chat.stop()
    await hostile.libp2p.unhandle(CHAT_PROTOCOL)
    const claim = Object.fromEntries(everyone.map(p => [p, 1000]))
    const received: string[] = []
    const streams: Stream[] = []
    const swallow = async (frames: FrameStream): Promise<void> => {
      try {
        for (;;) {
          const frame = JSON.parse(decoder.decode(await frames.readBytes(0)))
          if (frame.t === 'msgs') {
            received.push(...frame.e)
            await frames.write({ t: 'ack', summary: claim, frames: received.length })
          }
        }
      } catch {}
    }
    await hostile.libp2p.handle(CHAT_PROTOCOL, async (stream) => {
      streams.push(stream)
      const frames = frameStream(stream, MAX_CHAT_FRAME_BYTES)
      await frames.readBytes(5000)
      await frames.write({ t: 'hello', conferenceId: id, summary: claim })
      await frames.write({ t: 'linked', peers: everyone })
      void swallow(frames)
    })
    for (const p of honest) await p.chat.join(id)
    const victims = chosenNeighbours(id, hostile.peerId!, everyone)
    for (const v of victims) {
      const peer = all.find(p => p.peerId === v)!
      await hostile.connect(peer.address())
      const stream = await hostile.libp2p.dialProtocol(peerIdFromString(v), CHAT_PROTOCOL)
      streams.push(stream)
      const frames = frameStream(stream, MAX_CHAT_FRAME_BYTES)
      await frames.write({ t: 'hello', conferenceId: id, summary: claim })
      await frames.readBytes(5000)
      await frames.write({ t: 'linked', peers: everyone })
      void swallow(frames)
    }
    await eventually('the hostile neighbour is linked with those who chose it and those it chose', () => {
      const linked = honest.filter(p => p.chat.presence(id).linked.includes(hostile.peerId!))
      return linked.length >= victims.length
    }, 30_000)
    await Promise.all(honest.map(async (p, i) => { for (let k = 0; k < 3; k++) await p.chat.send(id, { kind: 'text', body: `${k} from ${i}` }) }))
    await everyoneHolds(honest, id, 3 * honest.length)
    const first = await transcript(honest[0], id)
    for (const p of honest.slice(1)) assert.deepEqual(await transcript(p, id), first, 'the same history everywhere')
    assert.ok(received.length > 0, 'the hostile neighbour was sent messages (it was on the path)')
    for (const s of streams) s.abort(new Error('done'))
  })

  it('a participant flooding its neighbours is not amplified by forwarding: the others accept at most its allowance and blame no forwarder', { timeout: 180_000 }, async () => {
    const all = await peers(10, 'Flood')
    const flooder = all[3]
    const honest = all.filter(p => p !== flooder)
    const id = await conference(all[0], all.slice(1))
    for (const p of all) await p.chat.join(id)
    const ids = all.map(p => p.peerId!)
    await eventually('every participant has its neighbours linked', () => all.every((p, i) => chosenNeighbours(id, ids[i], ids).every(q => p.chat.presence(id).linked.includes(q))), 30_000)
    const linksBefore = new Map(honest.map(p => [p, p.chat.presence(id).linked.filter(q => q !== flooder.peerId)]))
    // Its own messages, as fast as it can sign them: past its allowance on every neighbour.
    const t0 = Date.now()
    const total = AUTHOR_BURST + 3000
    for (let i = 0; i < total; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, total - i) }, async (_, k) => await flooder.chat.send(id, { kind: 'text', body: `flood ${i + k}` })))
    }
    const sendSeconds = (Date.now() - t0) / 1000
    const fromFlooder = async (p: TestPeer): Promise<number> => (await p.chat.history(id)).filter(m => m.author === flooder.peerId).length
    let settled = ''
    let changedAt = Date.now()
    await eventually('the flood settles on every honest participant', async () => {
      const counts = (await Promise.all(honest.map(fromFlooder))).join(',')
      const same = counts === settled
      settled = counts
      if (!same) {
        changedAt = Date.now()
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
      return same
    }, 90_000)
    // The allowance refills while forwarded messages are still on their way: up to the last change seen.
    const refillSeconds = (changedAt - t0) / 1000 + 1
    const counts = await Promise.all(honest.map(fromFlooder))
    process.stderr.write(`mesh flood: ${total} sent in ${sendSeconds.toFixed(1)} s, settled after ${refillSeconds.toFixed(1)} s; accepted ${counts.join(' ')}; cut-offs ${honest.map(p => p.chat.floodStats.cutOffs).join(' ')}\n`)
    // Each accepts at most the flooder's live allowance. Once some peer cut the flooder off, the
    // flooder links with the next participant on the ring, whose hello-claimed backlog counts as
    // history (HOSTILE-INPUTS 10: up to the history bucket per peer, as on any reconnection), so
    // the live bound is checked only when nobody cut it off (the flood is sent within the grace).
    if (honest.every(p => p.chat.floodStats.cutOffs === 0)) {
      for (const [i, n] of counts.entries()) {
        assert.ok(n < total && n <= AUTHOR_BURST + AUTHOR_RATE_PER_SECOND * refillSeconds, `${honest[i].displayName} accepted ${n} of the flooder's ${total} messages (settled after ${refillSeconds.toFixed(1)} s)`)
      }
    }
    assert.ok(Math.min(...counts) > 0, 'the flooder\'s allowance still reached everyone')
    const neighbours = new Set(chosenNeighbours(id, flooder.peerId!, ids))
    for (const p of honest) {
      if (neighbours.has(p.peerId!) || p.chat.presence(id).linked.includes(flooder.peerId!)) continue
      assert.equal(p.chat.floodStats.cutOffs, 0, `${p.displayName}, not the flooder's neighbour, cut no forwarder off`)
    }
    for (const [p, before] of linksBefore) {
      for (const q of before) assert.ok(p.chat.presence(id).linked.includes(q), `${p.displayName} keeps its link with an honest neighbour`)
    }
    // The honest conversation goes on, everywhere.
    await Promise.all(honest.map(async (p, i) => await p.chat.send(id, { kind: 'text', body: `after the flood ${i}` })))
    await eventually('every honest message reaches every honest participant', async () => (await Promise.all(honest.map(async p => (await p.chat.history(id)).filter(m => m.body.startsWith('after the flood')).length))).every(n => n === honest.length), 30_000)
  })
})
