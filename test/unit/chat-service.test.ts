import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import * as z from 'zod'
import { streamPair } from '@libp2p/utils'
import { ChatService, MAX_LAMPORT_JUMP, AUTHOR_BURST } from '../../src/core/chat/service'
import { ChatLink, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import type { ChatPayload } from '../../src/core/chat/message'
import { frameStream } from '../../src/core/wire/framing'
import { ChatInputError, isError } from '../../src/core/errors'
import { CONFERENCE_ID, StubConference, Switchboard, signedMessage, stubConnection, stubPeer, until, type StubPeer } from '../helpers/chat-stubs'

const services: ChatService[] = []

/** Waits until the async `check` holds, or fails after `ms`. */
async function untilAsync (what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
afterEach(async () => { for (const s of services.splice(0)) await s.stop() })

async function started (p: StubPeer): Promise<ChatService> {
  const chat = new ChatService(p.components)
  services.push(chat)
  await chat.start()
  return chat
}

/** Three stub peers of one conference (ann organizes), their chats started. */
async function meeting (): Promise<{ peers: StubPeer[], chats: ChatService[], conference: StubConference }> {
  const board = new Switchboard()
  const conference = new StubConference([])
  const peers = [await stubPeer(board, conference), await stubPeer(board, conference), await stubPeer(board, conference)]
  conference.participants = peers.map(p => p.id)
  const chats = []
  for (const p of peers) chats.push(await started(p))
  return { peers, chats, conference }
}

describe('the chat service on stubbed ports', () => {
  it('delivers a message to every participant, and it stops being pending once one acknowledges it', async () => {
    const { peers: [ann], chats: [a, b, c] } = await meeting()
    const statuses: number[] = []
    ann.events.on('message:status', s => { if (!s.pending) statuses.push(s.seq) })
    for (const chat of [a, b, c]) await chat.join(CONFERENCE_ID)
    await until('every stream is up', () => [a, b, c].every(chat => chat.presence(CONFERENCE_ID).linked.length === 2))
    const sent = await a.send(CONFERENCE_ID, { kind: 'text', body: 'hello' })
    assert.equal(sent.pending, true)
    assert.equal(sent.authorName, `name-${ann.id.slice(-4)}`, 'named through the names port')
    const held = async (chat: ChatService): Promise<string[]> => (await chat.history(CONFERENCE_ID)).map(m => m.body)
    await untilAsync('bob and carol hold it', async () => (await held(b)).length > 0 && (await held(c)).length > 0)
    assert.deepEqual(await held(b), ['hello'])
    assert.deepEqual(await held(c), ['hello'])
    await until('acknowledged', () => statuses.includes(1))
    assert.equal((await a.history(CONFERENCE_ID))[0].pending, false)
    await a.stop()
    assert.equal(ann.node.handler, undefined, 'a stopped chat takes no streams')
    await until('its streams closed on the other side too', () => !b.presence(CONFERENCE_ID).linked.includes(ann.id))
  })

  it('refuses to send for a peer that does not take part, or in a cancelled conference, with a named error', async () => {
    const { peers: [ann], chats: [a], conference } = await meeting()
    conference.participants = conference.participants.filter(p => p !== ann.id)
    await assert.rejects(a.send(CONFERENCE_ID, { kind: 'text', body: 'hi' }), (err: unknown) => isError(err, ChatInputError) && /Only participants/.test((err as Error).message))
    conference.participants.push(ann.id)
    await assert.rejects(a.send(CONFERENCE_ID, { kind: 'text', body: '  ' }), (err: unknown) => isError(err, ChatInputError) && /empty/.test((err as Error).message))
    conference.cancelled = true
    await assert.rejects(a.send(CONFERENCE_ID, { kind: 'text', body: 'hi' }), (err: unknown) => isError(err, ChatInputError) && /read-only/.test((err as Error).message))
  })

  it('refuses a message whose Lamport time runs too far ahead, warns once, and keeps the honest one after it', async () => {
    const { peers: [ann, bob], chats: [a, b] } = await meeting()
    await b.stop()
    const [outbound, inbound] = await streamPair()
    ann.node.handler!(inbound, stubConnection(bob.node.peerId))
    const frames = frameStream(outbound, MAX_CHAT_FRAME_BYTES)
    await frames.write({ t: 'hello', conferenceId: CONFERENCE_ID, summary: {} })
    await frames.read(z.object({ t: z.literal('hello') }).passthrough())
    const ahead = MAX_LAMPORT_JUMP + 10
    await frames.write({ t: 'msgs', e: [await signedMessage(bob.key, { seq: 1, lamport: ahead }), await signedMessage(bob.key, { seq: 2, lamport: ahead + 1 })] })
    await frames.write({ t: 'msgs', e: [await signedMessage(bob.key, { seq: 1, lamport: 1 })] })
    await until('the honest message is held', () => a.refusedStats.lamport >= 2 && ann.warnings.length >= 1)
    await untilAsync('it is held', async () => (await a.history(CONFERENCE_ID)).length > 0)
    assert.deepEqual((await a.history(CONFERENCE_ID)).map(m => m.lamport), [1])
    assert.equal(ann.warnings.filter(w => /far ahead/.test(w)).length, 1, 'reported once per author')
  })

  it('charges every new message to its author whatever stream brings it: a forwarder cannot exceed a sock puppet\'s allowance', async () => {
    const { peers: [ann, bob, puppet], chats: [a, b, c] } = await meeting()
    await b.stop()
    await c.stop()
    // Bob's side of the stream is played by hand with a ChatLink (it keeps to the ack window).
    const [outbound, inbound] = await streamPair()
    ann.node.handler!(inbound, stubConnection(bob.node.peerId))
    const link = new ChatLink(CONFERENCE_ID, ann.id, outbound, () => {})
    await link.writeHello({}, {})
    await link.readHello()
    void link.readLoop(async frame => { if (frame.t === 'ack' && frame.frames != null) link.acked(frame.frames) })
    // The puppet never opens a stream of its own: bob forwards more of its live messages than its allowance.
    const live = AUTHOR_BURST + 100
    const messages = []
    for (let seq = 1; seq <= live; seq++) messages.push({ payload: {} as ChatPayload, envelope: await signedMessage(puppet.key, { seq, lamport: seq }) })
    link.sendMessages(messages)
    await until('every message is taken or dropped', () => a.floodStats.dropped >= 90, 20_000)
    await untilAsync('the rest is held', async () => (await a.history(CONFERENCE_ID)).length + a.floodStats.dropped === live, 20_000)
    const taken = (await a.history(CONFERENCE_ID)).length
    assert.ok(taken >= AUTHOR_BURST && taken <= AUTHOR_BURST + 10, `about the allowance is taken (${taken})`)
    assert.equal(a.floodStats.cutOffs, 0, 'the forwarder is not cut off for another author\'s excess')
  })
})
