// A laptop changes networks while a chat runs: its address goes away and a new one comes. The node
// notices, reconnects to the other participant within 10 s, and the chat loses nothing. Real
// headless peers (dist/peer.js) in network namespaces (needs root, ip; see .ci/run).
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cleanup, tempDir } from '../helpers/peers'
import { ensurePeerBuilt, spawnPeer } from '../helpers/headless'
import { type Running, call, post, stopGracefully, until, runningConference } from '../helpers/headless-calls'
import { netnsUnavailable } from '../helpers/netns'
import { makeRoamingLab, type RoamingLab } from '../helpers/roaming-lab'

const unavailable = netnsUnavailable()
const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

describe('network change while a chat runs', { skip: unavailable ?? false, timeout: 120_000 }, () => {
  let lab: RoamingLab | undefined
  const peers: Running[] = []

  async function startIn (netns: string, name: string): Promise<Running> {
    const dir = tempDir('devmeet-roam-')
    const p = spawnPeer(['--data', dir, '--name', name, '--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0'], { netns, env: { DEVMEET_LOG: 'info' } })
    const stopEarly = { name, dir, p } as Running
    peers.push(stopEarly)
    const ready = await p.next(l => l.event === 'ready' || l.event === 'error', 30_000)
    assert.equal(ready.event, 'ready', `${name} started: ${JSON.stringify(ready)}`)
    const lan: string | undefined = ready.addrs.find((a: string) => a.startsWith('/ip4/10.66.'))
    assert.ok(lan != null, `${name} listens in the lab: ${ready.addrs.join(' ')}`)
    // The lab address, not loopback: inside another namespace 127.0.0.1 is someone else.
    return Object.assign(stopEarly, { port: lan.match(/\/tcp\/(\d+)/)![1], peerId: ready.peerId, address: lan })
  }

  before(() => {
    ensurePeerBuilt()
    lab = makeRoamingLab()
  })
  after(async () => {
    await Promise.all(peers.splice(0).map(stopGracefully))
    lab?.destroy()
    await cleanup()
  })

  it('reconnects within 10 s of the laptop\'s address change, and the chat ends with every message on both sides', async () => {
    const bob = await startIn(lab!.office, 'Bob')
    const alice = await startIn(lab!.laptop, 'Alice')
    const id = await runningConference(bob, [alice])

    const sent = new Map<Running, number[]>([[alice, []], [bob, []]])
    let sending = true
    let n = 0
    const chatter = (async () => {
      while (sending) {
        for (const r of [alice, bob]) sent.get(r)!.push(post(r, 'send', { conferenceId: id, body: `${r.name}-${n}` }))
        n++
        await sleep(200)
      }
    })()
    const afterTheChange = async (): Promise<void> => {
      await sleep(1000)
      const seenBefore = (r: Running): number => r.p.lines.filter(l => l.event === 'message').length
      assert.ok(seenBefore(bob) > 0 && seenBefore(alice) > 0, 'the chat runs before the change')

      const changedAt = Date.now()
      const firstAfter = n
      lab!.move()
      const gotFromAfter = (r: Running, other: Running): boolean => r.p.lines.some(l => l.event === 'message' && l.message.author === other.peerId &&
        Number(l.message.body.split('-')[1]) >= firstAfter)
      await until('messages sent after the change arrive both ways', async () => gotFromAfter(bob, alice) && gotFromAfter(alice, bob), 20_000)
      const reconnectMs = Date.now() - changedAt
      process.stderr.write(`network change: chat flowing both ways again ${reconnectMs} ms after the address change\n`)
      assert.ok(reconnectMs <= 10_000, `reconnected after ${reconnectMs} ms`)

      await sleep(1000)
      sending = false
      await chatter
      // Every send was acknowledged by its own node; each must end up on both sides, once.
      for (const [r, ids] of sent) for (const sid of ids) assert.equal((await r.p.next(l => l.id === sid, 30_000)).ok, true, `${r.name}'s send ${sid}`)
      const total = sent.get(alice)!.length + sent.get(bob)!.length
      let histories: any[][] = []
      await until('both hold every message', async () => {
        histories = await Promise.all([alice, bob].map(async r => await call(r, 'history', { conferenceId: id })))
        return histories.every(h => h.length >= total)
      }, 30_000)
      for (const h of histories) {
        const keys = h.map(m => `${m.author}#${m.seq}`)
        assert.equal(new Set(keys).size, keys.length, 'no duplicates')
        assert.equal(h.length, total, 'nothing lost, nothing extra')
      }
    }
    // The chatter stops whatever happens: left running after a failed assertion, it kept the test file alive for ever.
    try {
      await afterTheChange()
    } finally {
      sending = false
      await chatter
    }
  })
})
