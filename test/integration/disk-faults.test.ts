// Real disk faults under a headless peer: its data folder on a small tmpfs that the test remounts
// read-only (EROFS stops even root, unlike chmod) and then fills up (ENOSPC). Needs root and mount;
// skipped otherwise. The injected faults of storage-faults.test.ts cover the same paths everywhere.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { tempDir, cleanup } from '../helpers/peers'
import { ensurePeerBuilt, stopAllPeers } from '../helpers/headless'
import { type Running, start, post, call, line, stopStarted, until, runningConference } from '../helpers/headless-calls'

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

function tryMount (dir: string): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root'
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' })
    return undefined
  } catch (err: any) {
    return `mount failed: ${String(err.stderr ?? err.message).trim()}`
  }
}

const remount = (dir: string, mode: 'ro' | 'rw'): void => { execFileSync('mount', ['-o', `remount,${mode}`, dir]) }

describe('a headless peer whose data folder is really read-only, then full', () => {
  let mnt: string
  let skip: string | undefined

  before(() => {
    ensurePeerBuilt()
    mnt = tempDir('devmeet-tmpfs-')
    skip = tryMount(mnt)
  })

  after(async () => {
    await stopStarted()
    await stopAllPeers()
    if (skip == null) {
      try { execFileSync('umount', [mnt]) } catch { execFileSync('umount', ['-l', mnt]) }
    }
    await cleanup()
  })

  it('refuses to send and warns while read-only, keeps its files, refuses an invitation while full, and recovers each time', async t => {
    if (skip != null) return t.skip(skip)
    const benDir = path.join(mnt, 'ben')
    mkdirSync(benDir)
    const olga = await start('Olga')
    const ben: Running = await start('Ben', benDir)
    const id = await runningConference(olga, [ben])
    await call(ben, 'send', { conferenceId: id, body: 'hello' })
    await call(olga, 'send', { conferenceId: id, body: 'hi Ben' })
    await until('Ben holds both', async () => (await call(ben, 'history', { conferenceId: id })).length === 2)
    const before = snapshot(benDir)

    remount(mnt, 'ro')
    const refused = post(ben, 'send', { conferenceId: id, body: 'never' })
    const answer = await line(ben, 'the refused send', l => l.id === refused)
    assert.equal(answer.ok, false)
    assert.match(answer.error, /cannot write chat\/.*\.log in the DevMeet data folder: EROFS/)
    const down = await line(ben, 'the storage event', l => l.event === 'storage' && l.writable === false)
    assert.match(down.error, /EROFS/)
    const warning = await line(ben, 'the warning', l => l.event === 'warning')
    assert.match(warning.message, /EROFS.*DevMeet keeps running, but changes are not saved/)
    await call(olga, 'send', { conferenceId: id, body: 'while read-only' })
    assert.equal((await call(ben, 'status')).state, 'running')
    assert.deepEqual(snapshot(benDir), before, 'nothing on disk changed')

    remount(mnt, 'rw')
    await line(ben, 'writable again', l => l.event === 'storage' && l.writable === true, 15_000)
    await until('the missed message arrives', async () => (await call(ben, 'history', { conferenceId: id })).some((m: any) => m.body === 'while read-only'), 20_000)
    await call(ben, 'send', { conferenceId: id, body: 'back' })
    assert.equal(ben.p.lines.filter(l => l.event === 'warning').length, 1, 'one warning for the outage')

    // Full: a new file cannot be written, so an invitation cannot be kept (and is not acknowledged).
    const filler = path.join(mnt, 'filler')
    try { writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024)) } catch (err: any) { assert.equal(err.code, 'ENOSPC') }
    const { context } = await call(olga, 'create', { title: 'While full', start: Date.now() + 3_600_000, invitees: [ben.peerId] })
    await line(ben, 'the second outage', l => l.event === 'storage' && l.writable === false && /ENOSPC/.test(l.error))
    assert.equal((await call(ben, 'conferences')).some((v: any) => v.context.id === context.id), false, 'not kept, not shown')
    rmSync(filler)
    await line(ben, 'writable again', l => l.event === 'storage' && l.writable === true && ben.p.lines.filter(x => x.event === 'storage').length === 4, 15_000)
    await line(ben, 'the invitation, retried', l => l.event === 'invitation' && l.conference.context.id === context.id, 30_000)
    const bodies = (await call(ben, 'history', { conferenceId: id })).map((m: any) => m.body)
    assert.deepEqual(bodies.filter((b: string) => b === 'never'), [], 'the refused message never appears')
    assert.equal(bodies.length, 4)
  })
})
