// kill -9 of headless peers (dist/peer.js in child processes) in the middle of a chat burst and
// while RSVPs are in flight: after a restart on the same data folder nothing acknowledged is lost,
// nothing is duplicated, the files load, and every peer converges.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { cleanup } from '../helpers/peers'
import { ensurePeerBuilt, stopAllPeers } from '../helpers/headless'
import { type Running, start, post, call, line, kill9, stopGracefully, stopStarted, until, runningConference, outboxItems } from '../helpers/headless-calls'

describe('kill -9 of headless peers', () => {
  before(() => { ensurePeerBuilt() })
  after(async () => {
    // Every peer has exited before its folder is removed.
    await stopStarted()
    await stopAllPeers()
    await cleanup()
  })

  it('a participant killed mid-burst and restarted ends with every acknowledged message, once each, and its files load', async () => {
    const [org, ann] = await Promise.all([start('Olga'), start('Ann')])
    let ben = await start('Ben')
    const id = await runningConference(org, [ann, ben])
    const N = 300
    const WINDOW = 10
    // Everyone sends in windows of 10 (the next once the last is answered); Ben is killed once a third of his own are acknowledged.
    const sends = new Map<Running, number[]>([[org, []], [ann, []], [ben, []]])
    const burst = async (r: Running): Promise<void> => {
      const exited = new Promise(resolve => r.p.proc.once('exit', resolve))
      for (let n = 0; n < N && r.p.proc.exitCode == null && r.p.proc.signalCode == null; n += WINDOW) {
        let last = 0
        for (let k = n; k < n + WINDOW; k++) sends.get(r)!.push(last = post(r, 'send', { conferenceId: id, body: `${r.name}-${k}` }))
        await Promise.race([r.p.next(l => l.id === last, 30_000), exited])
      }
    }
    const bursts = [org, ann, ben].map(burst)
    const benIds = (): Set<number> => new Set(sends.get(ben))
    await line(ben, 'a third of his sends answered', () => ben.p.lines.filter(l => benIds().has(l.id) && l.ok === true).length >= N / 3)
    await kill9(ben)
    const benAcked = ben.p.lines.filter(l => benIds().has(l.id) && l.ok === true).map(l => l.result)
    const receivedBeforeKill = ben.p.lines.filter(l => l.event === 'message' && l.message.author !== ben.peerId).length
    assert.ok(benAcked.length >= N / 3 && benAcked.length < N, `Ben was killed mid-burst (${benAcked.length} of ${N} acknowledged)`)
    // The others' sends all complete while Ben is gone.
    await Promise.all(bursts)
    for (const r of [org, ann]) {
      for (const sid of sends.get(r)!) assert.equal((await r.p.next(l => l.id === sid, 30_000)).ok, true, `${r.name}'s send ${sid}`)
    }

    const benDir = ben.dir
    ben = await start('Ben', benDir, ben.port)
    const history = async (r: Running): Promise<any[]> => await call(r, 'history', { conferenceId: id })
    let final: any[][] = []
    await until('all three hold the same history', async () => {
      final = await Promise.all([org, ann, ben].map(history))
      const keys = final.map(h => h.map(m => `${m.author}#${m.seq}`).join(','))
      return final[0].length >= 2 * N && keys.every(k => k === keys[0])
    }, 60_000)

    const [fromOrg, fromAnn, fromBen] = [org, ann, ben].map(r => final[2].filter(m => m.author === r.peerId))
    const seqs = (ms: any[]): number[] => ms.map(m => m.seq).sort((a, b) => a - b)
    const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)
    assert.deepEqual(seqs(fromOrg), oneTo(N), 'every one of Olga\'s messages, once')
    assert.deepEqual(seqs(fromAnn), oneTo(N), 'every one of Ann\'s messages, once')
    assert.deepEqual(seqs(fromBen), oneTo(fromBen.length), 'Ben\'s own messages: no gap, no duplicate')
    assert.ok(fromBen.length >= benAcked.length, `every message Ben acknowledged survived (${fromBen.length} held, ${benAcked.length} acknowledged)`)
    for (const m of benAcked) assert.ok(fromBen.some(h => h.seq === m.seq && h.body === m.body), `Ben's acknowledged #${m.seq} is held`)
    assert.equal(final[2].length, 2 * N + fromBen.length, 'exact count, nothing duplicated')
    assert.equal(new Set(final[2].map(m => `${m.author}#${m.seq}`)).size, final[2].length)
    assert.equal(new Set(final[2].map(m => m.body)).size, final[2].length, 'no two messages with one body')
    const transcript = (h: any[]): string[] => h.map(m => `${m.author}#${m.seq}:${m.body}`)
    assert.deepEqual(transcript(final[0]), transcript(final[2]))
    assert.deepEqual(transcript(final[1]), transcript(final[2]))

    // Restarted once more (cleanly): Ben's files load as they are, with nothing left to repair.
    await stopGracefully(ben)
    ben = await start('Ben', benDir, ben.port)
    assert.deepEqual(transcript(await history(ben)), transcript(final[2]))
    assert.deepEqual(ben.p.lines.filter(l => l.event === 'warning'), [], 'no damaged file on the second start')
    assert.deepEqual(readdirSync(benDir).filter(f => f.endsWith('.tmp')), [], 'no temporary files left')
    console.log(`# Ben killed after ${benAcked.length}/${N} of his sends and ${receivedBeforeKill} of ${2 * N} received; ended with ${final[2].length} messages`)
  })

  it('the organizer killed while RSVPs are in flight restarts, the outboxes drain and all converge on one context', async () => {
    let org = await start('Olga')
    const invitees = await Promise.all(['Ann', 'Ben', 'Cid', 'Dot'].map(n => start(n)))
    for (const i of invitees) await call(i, 'connect', { addr: org.address })
    await until('the organizer knows every invitee', async () => {
      const peers: any[] = await call(org, 'peers')
      return invitees.every(i => peers.some(p => p.peerId === i.peerId && p.isDevMeet))
    })
    const view = await call(org, 'create', { title: 'Answers in flight', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: invitees.map(i => i.peerId) })
    const id: string = view.context.id
    for (const i of invitees) await line(i, 'the invitation', l => l.event === 'invitation' && l.conference.context.id === id)
    await until('every invitation is acknowledged', async () => outboxItems(org.dir) === 0)

    const answers = ['accepted', 'declined', 'tentative', 'accepted']
    // All answer at once; the organizer dies as soon as the first answer lands.
    invitees.forEach((i, n) => post(i, 'respond', { conferenceId: id, answer: answers[n], comment: `from ${i.name}` }))
    await line(org, 'the first answer', l => l.event === 'rsvp')
    await kill9(org)
    const appliedBeforeKill = org.p.lines.filter(l => l.event === 'rsvp').length

    org = await start('Olga', org.dir, org.port)
    const all = [org, ...invitees]
    const viewOf = async (r: Running): Promise<any> => (await call(r, 'conferences') as any[]).find(v => v.context.id === id)
    let views: any[] = []
    await until('every peer holds the same context with every answer', async () => {
      views = await Promise.all(all.map(viewOf))
      if (views.some(v => v == null)) return false
      const seq = views[0].context.sequence
      return views.every(v => v.context.sequence === seq) &&
        invitees.every((i, n) => views[0].context.invitees.find((x: any) => x.peerId === i.peerId)?.rsvp === answers[n])
    }, 60_000)
    await until('every outbox drained', async () => all.every(r => outboxItems(r.dir) === 0), 30_000)

    const [orgView, ...inviteeViews] = await Promise.all(all.map(viewOf))
    assert.deepEqual(inviteeViews.map(v => v.context), inviteeViews.map(() => orgView.context), 'one context everywhere')
    // Answers that arrive together share one version (receive-rsvp.ts); a replayed answer raises nothing.
    assert.ok(orgView.context.sequence >= 2 && orgView.context.sequence <= 1 + answers.length, `at most one sequence per answer, none applied twice: ${orgView.context.sequence}`)
    for (const [n, v] of inviteeViews.entries()) {
      assert.equal(v.myRsvp, answers[n])
      assert.equal(v.rsvpPending, false, `${invitees[n].name}'s answer is acknowledged`)
      assert.equal(v.context.invitees.find((x: any) => x.peerId === invitees[n].peerId).comment, `from ${invitees[n].name}`)
    }
    assert.ok(Object.values(orgView.delivery).every(d => d === 'delivered'), `the organizer delivered the latest context to all: ${JSON.stringify(orgView.delivery)}`)
    assert.deepEqual(org.p.lines.filter(l => l.event === 'warning'), [])
    console.log(`# the organizer had applied ${appliedBeforeKill} of ${answers.length} answers when killed`)
  })
})
