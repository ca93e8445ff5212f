// The data folder stops taking writes (full disk, read-only), injected through the storage layer
// (as root, chmod would not stop writes): the user is told once, sending is refused, nothing on
// disk is damaged, and everything catches up once writes work again.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { makePeer, startAll, connectAll, eventually, cleanup, runningConference, transcript, stopPeer, reincarnate } from '../helpers/peers'

after(cleanup)

/** Every file of a data folder with a hash of its content (the lock excluded: it is the node's, not data). */
function snapshot (dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (name !== 'node.lock') out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex')
    }
  }
  walk(dir)
  return out
}

const readOnly = (): Error => Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS', syscall: 'open' })

describe('a data folder that stops taking writes', () => {
  it('refuses to send with a clear error, tells the user once, damages nothing, and catches up when writes work again', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    await startAll(org, ann)
    await connectAll(org, ann)
    const id = await runningConference(org, [ann])
    await ann.chat.send(id, { kind: 'text', body: 'before' })
    await org.chat.send(id, { kind: 'text', body: 'welcome' })
    await eventually('both hold both', async () => (await ann.chat.history(id)).length === 2 && (await org.chat.history(id)).length === 2)
    await ann.contacts.flush()
    const before = snapshot(ann.dataDir)
    const historyBefore = await transcript(ann, id)

    const warnings: string[] = []
    const states: boolean[] = []
    const shown: string[] = []
    ann.events.on('warning', w => warnings.push(w))
    ann.events.on('storage', s => states.push(s.writable))
    ann.events.on('message', m => shown.push(m.body))
    let faults = 0
    ann.storage.writeFault = () => { faults++; return readOnly() }

    // Sending is refused with a reason a person understands, twice, with one warning.
    await assert.rejects(ann.chat.send(id, { kind: 'text', body: 'lost 1' }), /cannot write chat\/.*\.log in the DevMeet data folder: EROFS/)
    await assert.rejects(ann.chat.send(id, { kind: 'text', body: 'lost 2' }), /EROFS/)
    assert.deepEqual(states, [false])
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /EROFS.*DevMeet keeps running, but changes are not saved and messages are not sent/)
    // Messages from others cannot be kept either: they are neither shown nor acknowledged.
    await org.chat.send(id, { kind: 'text', body: 'while read-only' })
    await eventually('Ann tried to store it', () => faults >= 3)
    // An answer to a conference cannot be saved: refused, nothing changes.
    const { context: later } = await org.conferences.create({ title: 'Later', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: [ann.peerId!] })
    await eventually('Ann tried to store the invitation', () => faults >= 4)
    assert.equal(ann.conferences.get(later.id), undefined, 'an invitation that could not be stored is not shown')
    assert.deepEqual(shown, [], 'nothing unsaved is shown')
    assert.deepEqual(await transcript(ann, id), historyBefore)
    assert.deepEqual(snapshot(ann.dataDir), before, 'every file on disk is as it was')
    assert.equal((await org.chat.history(id)).find(m => m.body === 'while read-only')?.pending, true, 'the sender does not see it as delivered')
    assert.equal(warnings.length, 1, 'one warning for the whole outage')

    // Writes work again: the probe notices, the missed messages and the invitation arrive, sending works.
    ann.storage.writeFault = undefined
    await ann.events.once('storage', s => s.writable, 10_000)
    await eventually('the missed message arrives', async () => (await ann.chat.history(id)).some(m => m.body === 'while read-only'), 15_000)
    await eventually('the invitation arrives', () => ann.conferences.get(later.id) != null, 15_000)
    const after = await ann.chat.send(id, { kind: 'text', body: 'after' })
    await eventually('Olga has it', async () => (await org.chat.history(id)).some(m => m.body === 'after'))
    await eventually('the sender sees its message delivered', async () => (await org.chat.history(id)).every(m => m.pending !== true))
    assert.deepEqual(states, [false, true])
    assert.ok(!(await ann.chat.history(id)).some(m => m.body.startsWith('lost')), 'refused messages never appear')
    assert.ok(!(await org.chat.history(id)).some(m => m.body.startsWith('lost')))

    // What was written after recovery loads after a restart, and matches the organizer's.
    await stopPeer(ann)
    const back = reincarnate(ann, 'Ann')
    const backWarnings: string[] = []
    back.events.on('warning', w => backWarnings.push(w))
    await startAll(back)
    await back.chat.join(id)
    await eventually('Ann\'s history after the restart is Olga\'s', async () => JSON.stringify(await transcript(back, id)) === JSON.stringify(await transcript(org, id)))
    assert.deepEqual(backWarnings, [])
    assert.ok((await back.chat.history(id)).some(m => m.seq === after.seq && m.body === 'after'))
  })

  // A hole in an author's sequence could never be filled: the others' acknowledgements would stop
  // below it and the author's later messages would stay pending for ever.
  it('a refused message leaves no hole in its author\'s sequence', async () => {
    const [org, ann] = ['Olga', 'Ann'].map(n => makePeer(n))
    await startAll(org, ann)
    await connectAll(org, ann)
    const id = await runningConference(org, [ann])
    ann.storage.writeFault = readOnly
    await assert.rejects(ann.chat.send(id, { kind: 'text', body: 'refused' }))
    ann.storage.writeFault = undefined
    const next = await ann.chat.send(id, { kind: 'text', body: 'next' })
    assert.equal(next.seq, 1)
    await eventually('Olga acknowledges it', async () => (await ann.chat.history(id)).every(m => m.pending !== true), 5000)
  })
})
