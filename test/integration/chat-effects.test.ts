// Replies, reactions, edits, deletes and mentions between three real peers: every peer shows the
// same result, also one that was offline and catches up; nobody edits or deletes another's message.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { makePeer, startAll, connectAll, eventually, cleanup, runningConference, stopPeer, reincarnate, type TestPeer } from '../helpers/peers'
import { foldMessages } from '../../src/shared/message-effects'

after(cleanup)

/** What a peer shows, comparable across peers (names aside). */
async function shownOn (p: TestPeer, id: string): Promise<string> {
  const folded = foldMessages(await p.chat.history(id))
  return JSON.stringify(folded.map(s => ({ key: `${s.message.author}#${s.message.seq}`, body: s.body, edited: s.edited, deleted: s.deleted, reactions: s.reactions, reply: s.replyTo?.excerpt ?? s.replyTo?.deleted })))
}

async function converged (peers: TestPeer[], id: string, records: number): Promise<string> {
  await eventually(`every peer holds ${records} records`, async () => (await Promise.all(peers.map(p => p.chat.history(id)))).every(h => h.length === records), 20_000)
  const first = await shownOn(peers[0], id)
  for (const p of peers.slice(1)) assert.equal(await shownOn(p, id), first)
  return first
}

describe('replies, reactions, edits and deletes across peers', () => {
  it('converge identically on three peers, also on one that was offline and catches up', { timeout: 90_000 }, async () => {
    const [org, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const id = await runningConference(org, [ann, ben])
    const question = await ann.chat.send(id, { kind: 'text', body: 'Ship on Friday?' })
    const q = { author: question.author, seq: question.seq }
    await eventually('Ben has the question', async () => (await ben.chat.history(id)).length === 1)
    await ben.chat.send(id, { kind: 'text', body: 'Yes', replyTo: q })
    await org.chat.send(id, { kind: 'reaction', body: '', target: q, emoji: '👍', on: true })
    await converged([org, ann, ben], id, 3)

    await stopPeer(ben)
    await ann.chat.send(id, { kind: 'edit', body: 'Ship on Monday?', target: q })
    await org.chat.send(id, { kind: 'reaction', body: '', target: q, emoji: '👍', on: false })
    await ann.chat.send(id, { kind: 'reaction', body: '', target: q, emoji: '🎉', on: true })
    const typo = await org.chat.send(id, { kind: 'text', body: 'tpyo' })
    await org.chat.send(id, { kind: 'delete', body: '', target: { author: typo.author, seq: typo.seq } })
    const back = reincarnate(ben, 'Ben')
    await startAll(back)
    const shown = JSON.parse(await converged([org, ann, back], id, 8)) as Array<{ body: string, edited: boolean, deleted: boolean, reactions: unknown[], reply: unknown }>
    assert.deepEqual(shown.map(s => [s.body, s.edited, s.deleted]), [['Ship on Monday?', true, false], ['Yes', false, false], ['', false, true]])
    assert.deepEqual(shown[0].reactions, [{ emoji: '🎉', by: [ann.peerId] }])
    assert.equal(shown[1].reply, 'Ship on Monday?', 'the quote shows the edited text')
  })

  it("an edit or delete of someone else's message is held but refused on every peer", { timeout: 60_000 }, async () => {
    const [org, ann, ben] = ['Olga', 'Ann', 'Mallory'].map(n => makePeer(n))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const id = await runningConference(org, [ann, ben])
    const m = await ann.chat.send(id, { kind: 'text', body: 'my words' })
    const target = { author: m.author, seq: m.seq }
    await eventually('Mallory has it', async () => (await ben.chat.history(id)).length === 1)
    await ben.chat.send(id, { kind: 'edit', body: 'words put in her mouth', target })
    await ben.chat.send(id, { kind: 'delete', body: '', target })
    const shown = JSON.parse(await converged([org, ann, ben], id, 3)) as Array<{ body: string, edited: boolean, deleted: boolean }>
    assert.deepEqual(shown.map(s => [s.body, s.edited, s.deleted]), [['my words', false, false]])
  })

  it('mentions reach participants only: a mention of anyone else is dropped', { timeout: 60_000 }, async () => {
    const [org, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
    await startAll(org, ann, ben)
    await connectAll(org, ann, ben)
    const id = await runningConference(org, [ann, ben])
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const sent = await ann.chat.send(id, { kind: 'text', body: '@Ben @Eve look', mentions: [ben.peerId!, stranger] })
    assert.deepEqual(sent.mentions, [ben.peerId])
    await eventually('Ben has it', async () => (await ben.chat.history(id)).length === 1)
    assert.deepEqual((await ben.chat.history(id))[0].mentions, [ben.peerId])
  })
})
