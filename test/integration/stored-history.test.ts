// The stored history a restored chat panel shows before the node runs: read from what a real node
// wrote, without the node, the key or the lock, and without writing anything.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { readStoredHistory } from '../../src/core/chat/stored-history'
import { cleanup, makePeer, tempDir } from '../helpers/peers'

after(cleanup)

describe('the stored chat history', () => {
  it('shows what the node stored, in display order, while that node still runs (no lock taken)', async () => {
    const ada = makePeer('Ada')
    await ada.start()
    const { context } = await ada.conferences.create({ title: 'Standup', start: Date.now(), durationMinutes: 30, invitees: [] })
    await ada.chat.join(context.id)
    for (const body of ['one', 'two', 'three']) await ada.chat.send(context.id, { kind: 'text', body })
    const stored = await readStoredHistory(ada.dataDir, context.id)
    assert.equal(stored?.conference.title, 'Standup')
    assert.deepEqual(stored?.messages.map(m => m.body), (await ada.chat.history(context.id)).map(m => m.body))
    assert.deepEqual(stored?.messages.map(m => m.authorName), ['Ada', 'Ada', 'Ada'])
    assert.equal(ada.status.state, 'running')
    await ada.stop()
  })

  it('skips a torn or forged line and leaves the files as they are', async () => {
    const bob = makePeer('Bob')
    await bob.start()
    const { context } = await bob.conferences.create({ title: 'Review', start: Date.now(), durationMinutes: 30, invitees: [] })
    await bob.chat.join(context.id)
    await bob.chat.send(context.id, { kind: 'text', body: 'kept' })
    await bob.stop()
    const log = path.join(bob.dataDir, 'chat', `${context.id}.log`)
    appendFileSync(log, '{"k":"devmeet/chat/1","s":"12D3KooWforged","p":"{\\"body\\":1}","g":"x"}\n{"k":"devmeet/chat/1","s":"12D3Ko')
    const before = readFileSync(log, 'utf8')
    const files = readdirSync(path.join(bob.dataDir, 'chat')).sort()
    const stored = await readStoredHistory(bob.dataDir, context.id)
    assert.deepEqual(stored?.messages.map(m => m.body), ['kept'])
    assert.equal(stored?.skippedLines, 2)
    assert.equal(readFileSync(log, 'utf8'), before)
    assert.deepEqual(readdirSync(path.join(bob.dataDir, 'chat')).sort(), files)
  })

  it('answers nothing for an unknown conference or a name that is not a conference ID', async () => {
    const dir = tempDir()
    assert.equal(await readStoredHistory(dir, 'A'.repeat(22)), undefined)
    assert.equal(await readStoredHistory(dir, '../../etc/passwd'), undefined)
  })
})
