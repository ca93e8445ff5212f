// Dynamic super peers in the NAT lab (test/helpers/netns.ts): real headless peers (dist/peer.js) in
// network namespaces. Carol is an ordinary participant on the public segment (default settings,
// not --relay); Alice and Bob are at home behind two NAT routers (cone NATs, port-preserving).
// Nobody is told about a relay: Carol learns from a dial-back that she is reachable and serves as
// one for her conference's participants; Alice and Bob reserve a slot on her by themselves, reach
// each other through it, and move to a direct WebRTC connection (holes punched through both NATs).
// Then Carol is killed, and Alice and Bob keep chatting with nothing lost. Mallory, a stranger on
// the public segment using libp2p's own relay client, gets no slot on Carol.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { tempDir, cleanup } from '../helpers/peers'
import { spawnPeer, ensurePeerBuilt, stopAllPeers, ROOT, type HeadlessPeer } from '../helpers/headless'
import { makeNatLab, netnsUnavailable, directPackets, setSymmetricNat, type NatLab } from '../helpers/netns'

const unavailable = netnsUnavailable()
const STUN_PORT = 3479

describe('NAT lab: a reachable participant serves as its conference\'s relay', { skip: unavailable ?? false, timeout: 180_000 }, () => {
  let lab: NatLab
  let stun: ChildProcess | undefined
  const peers: HeadlessPeer[] = []

  function peer (name: string, netns: string, args: string[] = []): HeadlessPeer {
    const p = spawnPeer(['--data', tempDir(), '--no-mdns', '--name', name, '--webrtc', '--stun', `stun:${lab.pubIp}:${STUN_PORT}`, ...args],
      { netns, env: { DEVMEET_LOG: 'info' } })
    peers.push(p)
    return p
  }

  let seq = 5000
  async function ask (p: HeadlessPeer, cmd: Record<string, unknown>, timeoutMs = 30_000): Promise<any> {
    const id = ++seq
    p.send({ ...cmd, id })
    const answer = await p.next(l => l.id === id, timeoutMs)
    assert.equal(answer.ok, true, `${JSON.stringify(cmd)}: ${JSON.stringify(answer)}\n${p.stderr.slice(-20).join('\n')}`)
    return answer.result
  }

  async function ready (p: HeadlessPeer): Promise<any> {
    return await p.next(l => l.event === 'ready', 60_000)
  }

  async function until<T> (what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const value = await probe()
      if (value !== undefined && value !== false) return value
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
      await new Promise(resolve => setTimeout(resolve, 250))
    }
  }

  async function say (from: HeadlessPeer, to: HeadlessPeer, conferenceId: string, body: string): Promise<void> {
    await ask(from, { cmd: 'send', conferenceId, body })
    await to.next(l => l.event === 'message' && l.message.conferenceId === conferenceId && l.message.body === body, 60_000)
  }

  /** How `p` reaches `peerId` now, from the headless status command. */
  async function routeTo (p: HeadlessPeer, peerId: string): Promise<any> {
    const status = await ask(p, { cmd: 'status' })
    return status.peers?.find((x: any) => x.peerId === peerId)
  }

  before(async () => {
    ensurePeerBuilt()
    lab = makeNatLab()
    process.once('exit', () => lab.destroy())
    stun = spawn('ip', ['netns', 'exec', lab.pub, process.execPath, '--import', 'tsx', path.join(ROOT, 'test/helpers/lab-stun.ts'), lab.pubIp, String(STUN_PORT)],
      { stdio: ['pipe', 'pipe', 'ignore'], cwd: ROOT }) // it exits when its stdin ends
    await new Promise<void>(resolve => readline.createInterface({ input: stun!.stdout! }).on('line', l => { if (l === 'ready') resolve() }))
  })

  after(async () => {
    try {
      for (const p of peers) if (p.proc.exitCode == null && p.proc.signalCode == null) p.proc.kill('SIGKILL')
      stun?.kill('SIGKILL')
      await stopAllPeers()
    } finally {
      lab?.destroy()
      await cleanup()
    }
  })

  /** Carol on the public segment organizes; Alice and Bob at home accept; each holds a slot on Carol. */
  async function meetAtCarol (title: string): Promise<{ carol: HeadlessPeer, alice: HeadlessPeer, bob: HeadlessPeer, rc: any, ra: any, rb: any, conferenceId: string }> {
    const carol = peer('Carol', lab.pub)
    const alice = peer('Alice', lab.home[0].host)
    const bob = peer('Bob', lab.home[1].host)
    const [rc, ra, rb] = await Promise.all([ready(carol), ready(alice), ready(bob)])
    // Alice and Bob have Carol's address (pasted, or from an earlier meeting); Carol cannot dial them.
    await ask(alice, { cmd: 'connect', addr: rc.address }, 60_000)
    await ask(bob, { cmd: 'connect', addr: rc.address }, 60_000)

    const created = await ask(carol, { cmd: 'create', title: title, start: Date.now() + 2000, durationMinutes: 30, invitees: [ra.peerId, rb.peerId] })
    const conferenceId: string = created.context.id
    for (const p of [alice, bob]) await p.next(l => l.event === 'invitation' && l.conference.context.id === conferenceId, 60_000)
    // As invitees they are admitted on Carol's relay; they take a slot while their users read the invitation.
    for (const p of [alice, bob]) {
      await until('a slot on Carol', async () => (await ask(p, { cmd: 'status' })).relay.slotsOn.includes(rc.peerId), 30_000)
      await ask(p, { cmd: 'respond', conferenceId, answer: 'accepted' })
    }

    const carolStatus = await until('Carol serves as a relay, with a slot for each of Alice and Bob', async () => {
      const s = await ask(carol, { cmd: 'status' })
      return s.relay.serving === true && s.relay.slotHolders.length === 2 ? s : undefined
    }, 60_000)
    assert.equal(carolStatus.relay.reachability, 'reachable', 'decided by a dial-back, though 203.0.113.0/24 counts as private to libp2p')
    assert.deepEqual([...carolStatus.relay.slotHolders].sort(), [ra.peerId, rb.peerId].sort())
    for (const p of [alice, bob]) {
      const s = await ask(p, { cmd: 'status' })
      assert.equal(s.relay.serving, false, 'a peer behind NAT does not serve')
      assert.deepEqual(s.relay.slotsOn, [rc.peerId])
    }

    return { carol, alice, bob, rc, ra, rb, conferenceId }
  }

  it('Alice and Bob, behind two NATs, reach each other through Carol\'s relay, then chat directly over WebRTC and go on without Carol; a stranger gets no slot', async () => {
    const { carol, alice, bob, rc, ra, rb, conferenceId } = await meetAtCarol('Across two homes')

    // The context Carol publishes after each RSVP carries the invitee's relayed address for the others.
    const seenByBob = await until('Bob\'s copy lists Alice\'s relayed address', async () => {
      const list: any[] = await ask(bob, { cmd: 'conferences' })
      const addrs: string[] = list.find(v => v.context.id === conferenceId)?.context.invitees.find((i: any) => i.peerId === ra.peerId)?.addrs ?? []
      return addrs.some(a => a.includes(`/p2p/${rc.peerId}/p2p-circuit`)) ? addrs : undefined
    }, 30_000)
    assert.ok(seenByBob.length <= 16)

    // A stranger with libp2p's own relay client asks Carol for a slot: refused.
    const carolTcp = (rc.addrs as string[]).find(a => a.startsWith(`/ip4/${lab.pubIp}/tcp/`))!.replace(/\/p2p\/.*$/, '')
    const mallory = peer('Mallory', lab.pub, ['--listen', '/ip4/0.0.0.0/tcp/0', '--listen', '/p2p-circuit', '--bootstrap', `${carolTcp}/p2p/${rc.peerId}`])
    const rm = await ready(mallory)
    await until('Mallory is connected to Carol', async () => (await ask(mallory, { cmd: 'status' })).peers.some((x: any) => x.peerId === rc.peerId), 30_000)
    await new Promise(resolve => setTimeout(resolve, 3000))
    assert.ok(!(await ask(mallory, { cmd: 'address' })).includes('/p2p-circuit'), 'Mallory holds no slot')
    assert.ok(!(await ask(carol, { cmd: 'status' })).relay.slotHolders.includes(rm.peerId), 'Carol keeps no slot for Mallory')

    // The chat: Alice and Bob reach each other through Carol's relay; WebRTC then runs directly.
    for (const p of [carol, alice, bob]) await ask(p, { cmd: 'join', conferenceId })
    const sent: string[] = ['hello from the start']
    await say(alice, bob, conferenceId, sent[0])
    const directBefore = directPackets(lab.home[0]) + directPackets(lab.home[1])
    const routes: string[] = []
    const route = await until('Alice reaches Bob directly over WebRTC', async () => {
      const r = await routeTo(alice, rb.peerId)
      if (r != null && routes[routes.length - 1] !== r.connection) routes.push(r.connection)
      return r?.route?.kind === 'webrtc' ? r : undefined
    }, 60_000)
    assert.equal(route.connection, 'direct (WebRTC)')
    for (let i = 0; i < 3; i++) {
      sent.push(`a${i}`, `b${i}`)
      await say(alice, bob, conferenceId, `a${i}`)
      await say(bob, alice, conferenceId, `b${i}`)
    }
    assert.ok(directPackets(lab.home[0]) + directPackets(lab.home[1]) > directBefore, 'packets went straight between the homes')

    carol.proc.kill('SIGKILL')
    await new Promise(resolve => carol.proc.once('exit', resolve))
    for (let i = 0; i < 3; i++) {
      sent.push(`after a${i}`, `after b${i}`)
      await say(alice, bob, conferenceId, `after a${i}`)
      await say(bob, alice, conferenceId, `after b${i}`)
    }
    for (const p of [alice, bob]) {
      const bodies = new Set((await ask(p, { cmd: 'history', conferenceId })).map((m: any) => m.body))
      assert.deepEqual(sent.filter(b => !bodies.has(b)), [], 'nothing lost')
    }
    assert.equal((await routeTo(alice, rb.peerId)).route.kind, 'webrtc', 'still direct without Carol')
    console.log(`routes Alice -> Bob seen: ${routes.join(' -> ')}`)
  })

  it('behind symmetric NATs no hole can be punched: Alice and Bob chat through Carol\'s relay', async () => {
    for (const home of lab.home) setSymmetricNat(home, true)
    try {
      const { carol, alice, bob, rc, rb, conferenceId } = await meetAtCarol('Behind symmetric NATs')
      for (const p of [carol, alice, bob]) await ask(p, { cmd: 'join', conferenceId })
      // libp2p tries the WebRTC address first; ICE fails (each destination gets a new public port),
      // and the relayed connection through Carol carries the chat.
      await say(alice, bob, conferenceId, 'through Carol')
      await say(bob, alice, conferenceId, 'through Carol, back')
      const route = await until('Alice reaches Bob through Carol', async () => {
        const r = await routeTo(alice, rb.peerId)
        return r?.route?.kind === 'relayed' ? r : undefined
      }, 60_000)
      assert.equal(route.route.relay, rc.peerId)
      for (let i = 0; i < 4; i++) await say(i % 2 === 0 ? alice : bob, i % 2 === 0 ? bob : alice, conferenceId, `relayed ${i}`)
      // (ICE's connectivity checks do go straight to the other router, in vain: no data does.)
      const after = await routeTo(alice, rb.peerId)
      assert.deepEqual(after.route, { kind: 'relayed', relay: rc.peerId }, 'still relayed: no WebRTC connection came up')
      console.log(`symmetric NATs: Alice -> Bob ${after.connection}`)
      for (const p of [carol, alice, bob]) p.proc.kill('SIGKILL')
    } finally {
      for (const home of lab.home) setSymmetricNat(home, false)
    }
  })
})
