// Known peers find each other again after restarts with the default port-0 settings: headless
// peers (dist/peer.js) in their own processes, mDNS off, no manual connect after the first meeting.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { cleanup } from '../helpers/peers'
import { ensurePeerBuilt, stopAllPeers } from '../helpers/headless'
import { type Running, start, call, line, stopGracefully, stopStarted, until, runningConference } from '../helpers/headless-calls'

const blockers: net.Server[] = []

/** Another program takes `port` on 127.0.0.1, as happens to a remembered port while a peer is down. */
async function holdPort (port: string): Promise<void> {
  const server = net.createServer(s => s.destroy())
  blockers.push(server)
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(Number(port), '127.0.0.1', resolve) })
}

async function online (r: Running, other: Running): Promise<boolean> {
  const peers: any[] = await call(r, 'peers')
  return peers.some(p => p.peerId === other.peerId && p.online === true)
}

/** Stops every peer in `rs` at once and starts each again on its data folder with port 0 (the default); resolves once all are ready. */
async function restart (rs: Running[], beforeStart: () => Promise<void> = async () => {}): Promise<Running[]> {
  await Promise.all(rs.map(stopGracefully))
  await beforeStart()
  return await Promise.all(rs.map(async r => await start(r.name, r.dir, '0')))
}

/** Milliseconds from now until `a` and `b` are connected, both ways. */
async function timeToReconnect (a: Running, b: Running, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now()
  await until(`${a.name} and ${b.name} are connected again`, async () => await online(a, b) && await online(b, a), timeoutMs)
  return Date.now() - t0
}

const figures: string[] = []

describe('reconnection after restarts (headless peers, port 0, mDNS off)', () => {
  before(() => { ensurePeerBuilt() })
  after(async () => {
    await stopStarted()
    await stopAllPeers()
    for (const s of blockers.splice(0)) s.close()
    await cleanup()
    if (figures.length > 0) process.stderr.write(`reconnect figures: ${figures.join('; ')}\n`)
  })

  it('Alice and Bob restart twice while Carol stays up; then an invitation, an RSVP and a chat message flow between them within 5 s, with no manual connect', async () => {
    const carol = await start('Carol')
    let [alice, bob] = await Promise.all([start('Alice'), start('Bob')])
    // They met at Carol's standup: both connect to Carol, and the chat connects Alice and Bob.
    await runningConference(carol, [alice, bob])
    await timeToReconnect(alice, bob)

    // Restart 1: both at once; each asks for its remembered port again and gets it.
    const ports1 = [alice.port, bob.port]
    let stopped = Date.now();
    [alice, bob] = await restart([alice, bob])
    assert.deepEqual([alice.port, bob.port], ports1, 'each got its remembered port back')
    const first = await timeToReconnect(alice, bob)
    figures.push(`restart 1 (both, ports kept): ${first} ms after both were ready, ${Date.now() - stopped} ms after the stop`)

    // Restart 2: both at once, and another program holds each one's port meanwhile: new ports,
    // which neither remembers for the other. They find each other through Carol (peer exchange, DHT).
    const ports2 = [alice.port, bob.port]
    stopped = Date.now();
    [alice, bob] = await restart([alice, bob], async () => { for (const p of ports2) await holdPort(p) })
    const ready = Date.now()
    assert.ok(alice.port !== ports2[0] && bob.port !== ports2[1], 'both had to take new ports')
    const second = await timeToReconnect(alice, bob, 10_000)
    figures.push(`restart 2 (both, ports taken, found through Carol): ${second} ms after both were ready, ${Date.now() - stopped} ms after the stop`)

    const view = await call(alice, 'create', { title: 'Pairing', start: Date.now(), durationMinutes: 30, invitees: [bob.peerId] })
    const id: string = view.context.id
    await line(bob, 'the invitation', l => l.event === 'invitation' && l.conference.context.id === id, 5000)
    await call(bob, 'respond', { conferenceId: id, answer: 'accepted' })
    await line(alice, 'Bob\'s RSVP', l => l.event === 'conference:update' && l.conference.context.id === id &&
      l.conference.context.invitees.some((i: any) => i.peerId === bob.peerId && i.rsvp === 'accepted'), 5000)
    await Promise.all([alice, bob].map(async r => await call(r, 'join', { conferenceId: id })))
    await call(alice, 'send', { conferenceId: id, body: 'hello again' })
    await line(bob, 'Alice\'s message', l => l.event === 'message' && l.message.body === 'hello again', 5000)
    const flow = Date.now() - ready
    figures.push(`invitation + RSVP + chat after restart 2: ${flow} ms from ready`)
    assert.ok(flow < 5000, `the invitation, RSVP and message took ${flow} ms after the second restart`)
  })

  it('Alice and Bob alone both restart: they reconnect by the remembered port', async () => {
    let [alice, bob] = await Promise.all([start('Alice'), start('Bob')])
    await call(alice, 'connect', { addr: bob.address })
    await timeToReconnect(alice, bob)
    const ports = [alice.port, bob.port]
    const stopped = Date.now();
    [alice, bob] = await restart([alice, bob])
    assert.deepEqual([alice.port, bob.port], ports, 'each got its remembered port back')
    const ms = await timeToReconnect(alice, bob, 10_000)
    figures.push(`Alice and Bob alone, both restarted: ${ms} ms after both were ready, ${Date.now() - stopped} ms after the stop`)
  })

  it('Alice starts while Bob is still down: she dials him again when he is back, with no one else to ask', async () => {
    let [alice, bob] = await Promise.all([start('Alice'), start('Bob')])
    await call(alice, 'connect', { addr: bob.address })
    await timeToReconnect(alice, bob)
    await Promise.all([alice, bob].map(stopGracefully));
    // Alice's dial at her start finds nobody: Bob's laptop is still asleep.
    [alice] = await Promise.all([start(alice.name, alice.dir, '0')])
    // Her dial at start and her first retry (2 s later) are refused at once: nothing listens there.
    await new Promise(resolve => setTimeout(resolve, 2500))
    assert.equal(await online(alice, bob), false)
    const back = Date.now();
    // Bob only ever had Alice dial in: he does not look for her, so only Alice's retry connects them.
    [bob] = await Promise.all([start(bob.name, bob.dir, bob.port)])
    const ms = await timeToReconnect(alice, bob, 15_000)
    figures.push(`Bob back after Alice started: ${ms} ms after he was ready, ${Date.now() - back} ms after his start`)
  })

  it('Bob restarts on a new port, then Alice does: Alice dials Bob where he said he was, with no one else to ask', async () => {
    let [alice, bob] = await Promise.all([start('Alice'), start('Bob')])
    // They have met both ways: a peer that only dialled in stays in Nearby (in memory, not a
    // contact), and nobody looks for it after a restart.
    await call(alice, 'connect', { addr: bob.address })
    await call(bob, 'connect', { addr: alice.address })
    await timeToReconnect(alice, bob)
    const bobPort = bob.port;
    [bob] = await restart([bob], async () => { await holdPort(bobPort) })
    assert.notEqual(bob.port, bobPort, 'Bob had to take a new port')
    // Bob finds Alice where she was; Alice learns Bob's new address from that connection.
    await timeToReconnect(alice, bob)
    const alicePort = alice.port
    const stopped = Date.now();
    [alice] = await restart([alice], async () => { await holdPort(alicePort) })
    assert.notEqual(alice.port, alicePort, 'Alice had to take a new port too: Bob cannot find her')
    const ms = await timeToReconnect(alice, bob, 10_000)
    figures.push(`Bob moved, then Alice restarted on a new port: ${ms} ms after she was ready, ${Date.now() - stopped} ms after her stop`)
  })
})
