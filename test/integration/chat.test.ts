import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import type { ConnectionGater } from '@libp2p/interface'
import { makePeer, startAll, connectAll, eventually, cleanup, runningConference, transcript, stopPeer, reincarnate } from '../helpers/peers'
import { createNode } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { CHAT_PROTOCOL } from '../../src/core/chat/link'
import { frameStream } from '../../src/core/wire/framing'
import { seal, DOMAINS } from '../../src/core/wire/envelope'
import { peerIdFromString } from '@libp2p/peer-id'

after(cleanup)

describe('chat between real peers', () => {
  it('five participants chat and every one ends with the same ordered history', async () => {
    const peers = ['Olga', 'Ann', 'Ben', 'Cid', 'Dot'].map(n => makePeer(n))
    await startAll(...peers)
    await connectAll(...peers)
    const id = await runningConference(peers[0], peers.slice(1))
    for (let round = 0; round < 4; round++) {
      await Promise.all(peers.map((p, i) => p.chat.send(id, { kind: 'text', body: `round ${round} from ${i}` })))
    }
    await eventually('all hold 20 messages', async () => (await Promise.all(peers.map(p => p.chat.history(id)))).every(h => h.length === 20))
    const first = await transcript(peers[0], id)
    for (const p of peers.slice(1)) assert.deepEqual(await transcript(p, id), first)
    await eventually('own messages are acknowledged', async () => (await peers[1].chat.history(id)).every(m => m.pending !== true))
  })

  it('a participant that was stopped receives the 100 messages sent while it was away', async () => {
    const [org, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const id = await runningConference(org, [ann, ben])
    await stopPeer(ben)
    for (let i = 0; i < 50; i++) {
      await org.chat.send(id, { kind: 'text', body: `o${i}` })
      await ann.chat.send(id, { kind: 'text', body: `a${i}` })
    }
    const back = reincarnate(ben, 'Ben')
    await startAll(back)
    await eventually('Ben catches up', async () => (await back.chat.history(id)).length === 100, 20_000)
    assert.deepEqual(await transcript(back, id), await transcript(org, id))
  })

  it('a catch-up crosses once when both sides dial at the same moment (after a restart)', async () => {
    const [org, ben] = ['Olga', 'Ben'].map(n => makePeer(n))
    await startAll(org, ben)
    await connectAll(org, ben)
    const id = await runningConference(org, [ben])
    await stopPeer(ben)
    for (let i = 0; i < 300; i++) await org.chat.send(id, { kind: 'text', body: `while Ben was away ${i}` })
    // Ben comes back: he dials Olga as he joins, and she dials him as his connection comes up.
    const back = reincarnate(ben, 'Ben')
    await startAll(back)
    await eventually('Ben catches up', async () => (await back.chat.history(id)).length === 300, 20_000)
    await new Promise(resolve => setTimeout(resolve, 500))
    // Each stream's sync sent all 300: with two streams kept, every message arrived twice.
    const copies = back.chat.deliveryStats.copiesSkipped
    assert.ok(copies < 30, `${copies} copies of 300 caught-up messages`)
    await org.chat.send(id, { kind: 'text', body: 'welcome back' })
    await eventually('the link that stayed carries new messages', async () => (await back.chat.history(id)).some(m => m.body === 'welcome back'))
  })

  it('a message that would not fit a frame is refused at send, and messages full of quotes still flow (the chat goes on)', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    await startAll(org, ann)
    await connectAll(org, ann)
    const id = await runningConference(org, [ann])
    // 16 KiB of quotes is within the body limit, but escaped twice it is 128 KB in a frame: every
    // receiver refused the frame and dropped the stream, again at each sync, and the chat stopped.
    await assert.rejects(org.chat.send(id, { kind: 'text', body: '"'.repeat(16_000) }), /too long once packed/)
    // JSON pasted as code: each fits on its own, three of them in one batch did not.
    const json = '{"key": "value \\"quoted\\""}\n'.repeat(500)
    for (let i = 0; i < 3; i++) await org.chat.send(id, { kind: 'text', body: `${i} ${json}` })
    await org.chat.send(id, { kind: 'text', body: 'after the JSON' })
    await eventually('Ann has all four', async () => (await ann.chat.history(id)).length === 4, 15_000)
    assert.deepEqual((await ann.chat.history(id)).map(m => m.body.slice(0, 2)), ['0 ', '1 ', '2 ', 'af'])
  })

  it('A and C, who cannot connect to each other, still exchange messages through B', async () => {
    const ids: Record<string, string> = {}
    const gaterFor = (self: string, blocked: string): ConnectionGater => ({
      denyDialPeer: peer => ids[self] != null && peer.toString() === ids[blocked],
      denyInboundEncryptedConnection: peer => ids[self] != null && peer.toString() === ids[blocked]
    })
    const a = makePeer('Ann', { connectionGater: gaterFor('a', 'c') })
    const b = makePeer('Ben')
    const c = makePeer('Cid', { connectionGater: gaterFor('c', 'a') })
    await startAll(a, b, c)
    ids.a = a.peerId!; ids.c = c.peerId!
    await connectAll(a, b)
    await connectAll(b, c)
    await assert.rejects(a.connect(c.address()))
    const id = await runningConference(b, [a, c])
    await a.chat.send(id, { kind: 'text', body: 'hello from A' })
    await c.chat.send(id, { kind: 'code', body: 'const x = 1', code: { path: 'src/x.ts', startLine: 3, endLine: 3, languageId: 'typescript' } })
    await eventually('C has A\'s message', async () => (await c.chat.history(id)).some(m => m.body === 'hello from A'))
    await eventually('A has C\'s code', async () => (await a.chat.history(id)).some(m => m.kind === 'code' && m.code?.path === 'src/x.ts'))
    assert.equal(a.chat.presence(id).linked.includes(c.peerId!), false, 'A never had a direct stream to C')
  })

  it('in a full mesh each message crosses each link once: no one forwards to a participant that hears the author directly', async () => {
    const peers = ['Ann', 'Ben', 'Cid', 'Dee', 'Eve'].map(n => makePeer(n))
    await startAll(...peers)
    await connectAll(...peers)
    const id = await runningConference(peers[0], peers.slice(1))
    await eventually('every participant has a stream to every other', async () => peers.every(p => p.chat.presence(id).linked.length === peers.length - 1))
    // Let the link announcements settle, then count only the copies the messages below cause.
    await new Promise(resolve => setTimeout(resolve, 200))
    const before = peers.reduce((n, p) => n + p.chat.deliveryStats.copiesSkipped, 0)
    for (const p of peers) for (let i = 0; i < 4; i++) await p.chat.send(id, { kind: 'text', body: `${p.displayName} ${i}` })
    await eventually('everyone has all 20', async () => (await Promise.all(peers.map(async p => (await p.chat.history(id)).length))).every(n => n === 20))
    // Forwards still on their way would arrive after this point: let them land before counting.
    await new Promise(resolve => setTimeout(resolve, 500))
    const copies = peers.reduce((n, p) => n + p.chat.deliveryStats.copiesSkipped, 0) - before
    // Forwarding to everyone would cost 20 messages × 4 receivers × 3 other receivers = 240 copies.
    assert.ok(copies <= 10, `${copies} redundant copies for 20 messages among 5 participants`)
  })

  it('goes on when the organizer is gone for the whole conference', async () => {
    const [org, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const id = await runningConference(org, [ann, ben])
    await org.stop()
    await ann.chat.send(id, { kind: 'text', body: 'is Olga here?' })
    await ben.chat.send(id, { kind: 'text', body: 'no, go on' })
    await eventually('both have both', async () => (await ann.chat.history(id)).length === 2 && (await ben.chat.history(id)).length === 2)
  })

  it('refuses a non-participant\'s stream (even from an unknown node) and a resync does not duplicate', async () => {
    const [org, ann, eve] = ['Olga', 'Ann', 'Eve'].map(n => makePeer(n))
    await startAll(org, ann, eve)
    await connectAll(org, ann, eve)
    const id = await runningConference(org, [ann])
    await org.chat.send(id, { kind: 'text', body: 'secret plans' })
    // Eve is not invited: a chat stream from her is reset and she receives nothing.
    const stream = await eve.libp2p.dialProtocol(peerIdFromString(org.peerId!), CHAT_PROTOCOL)
    const frames = frameStream(stream, 64 * 1024)
    await frames.write({ t: 'hello', conferenceId: id, summary: {} })
    await assert.rejects(frames.readBytes(5000))
    assert.deepEqual(await eve.chat.history(id), [])
    // A node nobody knows asks for the same conference.
    const key = await generateKeyPair('Ed25519')
    const raw = await createNode({ privateKey: key, config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false } })
    await raw.start()
    try {
      const s2 = await raw.dialProtocol(org.libp2p.getMultiaddrs()[0], CHAT_PROTOCOL)
      const f2 = frameStream(s2, 64 * 1024)
      await f2.write({ t: 'hello', conferenceId: id, summary: {} })
      await assert.rejects(f2.readBytes(5000), 'a stranger\'s stream is refused before any message')
    } finally {
      await raw.stop()
    }
    // Ann replays her own message: held once.
    const sent = await ann.chat.send(id, { kind: 'text', body: 'once' })
    await eventually('org has it', async () => (await org.chat.history(id)).some(m => m.body === 'once'))
    const before = (await org.chat.history(id)).length
    await ann.chat.leave(id)
    await ann.chat.join(id)
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.equal((await org.chat.history(id)).length, before, 'a resync does not duplicate')
    assert.equal((await org.chat.history(id)).filter(m => m.author === sent.author && m.seq === sent.seq).length, 1)
  })

  it('drops forged, tampered and replayed messages that a participant\'s stream carries, and keeps the genuine one', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    await startAll(org, ann)
    await connectAll(org, ann)
    const id = await runningConference(org, [ann])
    const first = await ann.chat.send(id, { kind: 'text', body: 'first' })
    await eventually('org has Ann\'s first', async () => (await org.chat.history(id)).length === 1)
    // A second chat stream from Ann's node, written by hand.
    const stream = await ann.libp2p.dialProtocol(peerIdFromString(org.peerId!), CHAT_PROTOCOL)
    const frames = frameStream(stream, 64 * 1024)
    await frames.write({ t: 'hello', conferenceId: id, summary: {} })
    const replayed: string[] = []
    for (let i = 0; i < 3; i++) { // org's hello, then what we lack (Ann's first), maybe an ack
      const frame: any = JSON.parse(new TextDecoder().decode(await frames.readBytes(5000)))
      if (frame.t === 'msgs') { replayed.push(...frame.e); break }
    }
    assert.equal(replayed.length, 1, 'org sends what our summary lacks')
    const base = { conferenceId: id, author: ann.peerId!, lamport: 50, sentAt: Date.now(), kind: 'text' }
    const stranger = await generateKeyPair('Ed25519')
    const forged = new TextDecoder().decode(await seal(stranger, DOMAINS.chat, { ...base, seq: 2, body: 'forged by a stranger' }))
    const genuine = new TextDecoder().decode(await seal(ann.key, DOMAINS.chat, { ...base, seq: 2, body: 'genuine' }))
    const tampered = genuine.replace('genuine', 'tampered')
    const otherConference = new TextDecoder().decode(await seal(ann.key, DOMAINS.conference, { ...base, seq: 3, body: 'wrong domain' }))
    await frames.write({ t: 'msgs', e: [forged, tampered, otherConference, replayed[0], genuine] })
    await eventually('the genuine message arrives', async () => (await org.chat.history(id)).some(m => m.body === 'genuine'))
    const bodies = (await org.chat.history(id)).map(m => m.body)
    assert.deepEqual(bodies.sort(), ['first', 'genuine'])
    assert.equal((await org.chat.history(id)).filter(m => m.seq === first.seq && m.author === first.author).length, 1)
    stream.abort(new Error('done'))
  })

  it('1,000 messages sent fast from each of three peers arrive complete and in the same order everywhere', async () => {
    const peers = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(...peers)
    await connectAll(...peers)
    const id = await runningConference(peers[0], peers.slice(1))
    await Promise.all(peers.map(async (p, i) => {
      const sends = []
      for (let n = 0; n < 1000; n++) sends.push(p.chat.send(id, { kind: 'text', body: `${i}-${n}` }))
      await Promise.all(sends)
    }))
    await eventually('all hold 3,000', async () => (await Promise.all(peers.map(p => p.chat.history(id)))).every(h => h.length === 3000), 60_000)
    const first = await transcript(peers[0], id)
    for (const p of peers.slice(1)) assert.deepEqual(await transcript(p, id), first)
  })
})
