import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, runningConference } from '../helpers/peers'
import { conferenceOutcomes, myActionItems } from '../../src/core/outcomes'

after(cleanup)

describe('outcomes between real peers', () => {
  it("a `/todo @bob` from Alice is Bob's action item on both peers, follows her edit and delete; a name that is no participant stays unassigned", async () => {
    const alice = makePeer('Alice')
    const bob = makePeer('Bob')
    const carol = makePeer('Carol')
    await startAll(alice, bob, carol)
    await connectAll(alice, bob, carol)
    // Carol is a contact of both but not invited: `@carol` must not resolve to her.
    const id = await runningConference(alice, [bob])
    await alice.chat.send(id, { kind: 'text', body: '/todo @bob review the relay PR' })
    await alice.chat.send(id, { kind: 'text', body: '/decision ship on Friday' })
    await alice.chat.send(id, { kind: 'text', body: '/todo @carol write the notes' })
    await eventually('Bob holds the three messages', async () => (await bob.chat.history(id)).length === 3)
    for (const peer of [alice, bob]) {
      const items = await myActionItems(peer, bob.peerId!)
      assert.equal(items.length, 1, `on ${peer.displayName}`)
      assert.equal(items[0].text, 'review the relay PR')
      assert.equal(items[0].author, alice.peerId)
      assert.equal(items[0].assignee, bob.peerId)
      assert.deepEqual(await myActionItems(peer, carol.peerId!), [])
      const all = await conferenceOutcomes(peer, id)
      assert.deepEqual(all.map(o => [o.kind, o.text, o.assignee]), [
        ['todo', 'review the relay PR', bob.peerId],
        ['decision', 'ship on Friday', undefined],
        ['todo', '@carol write the notes', undefined]
      ])
    }
    // Alice re-words the item and then deletes it: both peers follow her signed records.
    const todo = (await alice.chat.history(id))[0]
    await alice.chat.send(id, { kind: 'edit', body: '/todo @bob review the relay PR today', target: { author: todo.author, seq: todo.seq } })
    await eventually('the edit reaches Bob', async () => (await myActionItems(bob, bob.peerId!))[0]?.text === 'review the relay PR today')
    assert.equal((await myActionItems(alice, bob.peerId!))[0]?.text, 'review the relay PR today')
    await alice.chat.send(id, { kind: 'delete', body: '', target: { author: todo.author, seq: todo.seq } })
    await eventually('the delete reaches Bob', async () => (await myActionItems(bob, bob.peerId!)).length === 0)
    assert.deepEqual(await myActionItems(alice, bob.peerId!), [])
  })
})
