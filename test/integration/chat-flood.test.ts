// A hostile participant floods the chat with valid messages of its own (HOSTILE-INPUTS 10): a
// real DevMeet core in another process, driven in a loop at 1,000 messages a second.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { makePeer, startAll, connectAll, eventually, cleanup, tempDir, transcript, stopPeer, reincarnate } from '../helpers/peers'
import { CoreWorker } from '../soak/workers'
import { AUTHOR_BURST, AUTHOR_RATE_PER_SECOND } from '../../src/core/chat/service'

let flooder: CoreWorker | undefined
after(async () => {
  await flooder?.stop()
  await cleanup()
})

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
}

describe('a participant flooding the chat', () => {
  it('is throttled, then cut off, while the others\' messages keep arriving within a second; what was accepted from it is whole and the same everywhere', { timeout: 150_000 }, async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown): void => { unhandled.push(err) }
    process.on('unhandledRejection', onUnhandled)
    try {
      flooder = CoreWorker.spawn(1, 'Flooder', tempDir('devmeet-flood-'))
      const [olga, ann, ben] = ['Olga', 'Ann', 'Ben'].map(n => makePeer(n))
      const honest = [olga, ann, ben]
      const [{ cores: [f] }] = await Promise.all([flooder.ready, startAll(...honest)])
      await connectAll(...honest)
      await olga.connect(f.address)
      await eventually('Olga knows the flooder as a DevMeet peer', () => olga.peerInfo(f.peerId).isDevMeet)

      const { context } = await olga.conferences.create({ title: 'Flood', start: Date.now(), durationMinutes: 60, invitees: [ann.peerId!, ben.peerId!, f.peerId] })
      const id = context.id
      for (const p of [ann, ben]) {
        await eventually('the invitation arrives', () => p.conferences.get(id) != null)
        await p.conferences.respond(id, 'accepted')
      }
      await eventually('everyone sees four participants who all accepted', async () => {
        const theirs = await flooder!.command('agreement', { conferenceId: id })
        return theirs[0].participants === 4 && honest.every(p => p.conferences.participants(id).length === 4 &&
          p.conferences.get(id)!.context.invitees.every(i => i.rsvp === 'accepted'))
      }, 30_000)
      for (const p of honest) await p.chat.join(id)
      await flooder.command('join', { conferenceId: id })
      await eventually('every chat stream is up', async () => honest.every(p => p.chat.presence(id).linked.length === 3) &&
        (await flooder!.command('online', { conferenceId: id }))[0] === 3, 30_000)

      const sentAt = new Map<string, number>()
      const latencies: number[] = []
      let honestArrivals = 0
      const warnings: string[] = []
      for (const p of honest) {
        p.events.on('message', m => {
          const at = sentAt.get(m.body)
          if (at == null || m.author === p.peerId) return
          latencies.push(Date.now() - at)
          honestArrivals++
        })
        p.events.on('warning', w => warnings.push(`${p.displayName}: ${w}`))
      }

      // The flood runs until every honest peer has cut the flooder off; meanwhile one honest
      // message every 100 ms, as a lively meeting would have.
      const t0 = Date.now()
      const flood = flooder.command('flood', { i: 0, conferenceId: id, perSecond: 1000, seconds: 60 })
      let k = 0
      let cutAt = 0
      const floodLatencies = (): number[] => latencies.slice()
      while (cutAt === 0 || Date.now() - cutAt < 1000) {
        assert.ok(Date.now() - t0 < 60_000, 'the flooder is cut off within a minute')
        const p = honest[k % honest.length]
        const body = `honest ${k++}`
        sentAt.set(body, Date.now())
        await p.chat.send(id, { kind: 'text', body })
        await new Promise(resolve => setTimeout(resolve, 100))
        if (cutAt === 0 && honest.every(h => h.chat.floodStats.cutOffs > 0)) cutAt = Date.now()
      }
      await flooder.command('stopFlood')
      const flooded = await flood
      await eventually('every honest message reaches the two other honest peers', () => honestArrivals === k * 2, 20_000)
      const during = floodLatencies()
      const p50 = percentile(during, 0.5)
      const p99 = percentile(during, 0.99)
      const max = Math.max(...during)
      const floodSeconds = (cutAt - t0) / 1000
      process.stderr.write(`flood: ${flooded.sent} flood messages sent in ${floodSeconds.toFixed(1)} s until all cut it off; honest messages ${k}, latency p50 ${p50} ms, p99 ${p99} ms, max ${max} ms; ` +
        `dropped ${honest.map(p => p.chat.floodStats.dropped).join('/')}\n`)
      assert.ok(p99 < 1000, `the others' messages arrive within a second while the flood runs (p99 ${p99} ms)`)

      // Throttled (messages dropped while still connected), then cut off, and told.
      for (const p of honest) {
        assert.ok(p.chat.floodStats.dropped > 0, `${p.displayName} dropped some of the flood`)
        assert.ok(p.chat.floodStats.cutOffs >= 1, `${p.displayName} cut the flooder off`)
        assert.equal(p.chat.presence(id).linked.includes(f.peerId), false, `${p.displayName} has no chat stream with the flooder`)
        assert.ok(warnings.some(w => w.startsWith(p.displayName) && w.includes('cut off')), `${p.displayName} is warned`)
      }
      assert.equal((await flooder.command('online', { conferenceId: id }))[0], 0, 'the flooder\'s new chat streams are refused')
      assert.ok(flooded.sent > AUTHOR_BURST, 'the flooder went on past the burst')

      // What was accepted from the flooder: a bounded number, each message whole, the same everywhere.
      await eventually('the honest peers agree on the whole history', async () => {
        const [a, b, c] = await Promise.all(honest.map(p => transcript(p, id)))
        return a.length === b.length && b.length === c.length && a.join('\n') === b.join('\n') && b.join('\n') === c.join('\n')
      }, 30_000)
      const fromFlooder = (await olga.chat.history(id)).filter(m => m.author === f.peerId)
      process.stderr.write(`flood: ${fromFlooder.length} of the flooder's messages accepted, the same on every honest peer\n`)
      assert.ok(fromFlooder.length > 0)
      assert.ok(fromFlooder.length <= (AUTHOR_BURST + AUTHOR_RATE_PER_SECOND * floodSeconds) * honest.length, `at most the burst and the steady rate were accepted (${fromFlooder.length})`)
      assert.ok(fromFlooder.every(m => m.body === `flood ${m.seq}`), 'each accepted message is the one its author signed')
      // What is on disk is what was shown: Ann, restarted, loads the same history.
      const before = await transcript(ann, id)
      await stopPeer(ann)
      const again = reincarnate(ann, 'Ann')
      await startAll(again)
      assert.deepEqual(await transcript(again, id), before)
      assert.equal(flooder.events.filter(e => e.event === 'unhandledRejection').length, 0)
      assert.deepEqual(unhandled, [])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
