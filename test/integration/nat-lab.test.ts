// The NAT lab: real headless peers (dist/peer.js) in Linux network namespaces made by this test.
//
//   public segment 203.0.113.0/24 (namespace "pub", a bridge): the relays and a STUN server, 203.0.113.1
//   home 0: router r0 (WAN 203.0.113.11, nftables masquerade) -> host h0 10.0.1.2 (Alice, Carol, Erin)
//   home 1: router r1 (WAN 203.0.113.12, nftables masquerade) -> host h1 10.0.2.2 (Bob, Dan, Frank)
//
// The routers forward only what their own side started and have no port forwarding, so the two
// homes cannot dial each other; every namespace is closed (no route out of the lab).
//
// What it shows:
// 1. The homes cannot dial each other directly.
// 2. With WebRTC (as in the extension), Alice dials Bob's address string through the relay: the
//    relayed connection carries only WebRTC's signalling, ICE punches a hole through both NATs
//    (with a STUN server on the public segment to learn the routers' public ports), and the direct
//    connection carries invitation, RSVP and chat. The test relay limits each relayed connection to
//    8 s and 64 KiB; the chat outlives both limits, and the relay being stopped.
//    There is no TCP hole punching (DCUtR): @libp2p/dcutr is not part of DevMeet, and Node's TCP
//    cannot dial from its listening port (no SO_REUSEPORT for outgoing sockets), so a NAT would not
//    map the dial to the port the other side was told about. WebRTC (UDP) is the direct path.
// 3. Behind symmetric NATs (a new public port for every destination) no hole can be punched: the
//    WebRTC attempt fails and the chat runs over DevMeet's relay, which sets no limits
//    (NetworkConfig.relayLimit). libp2p's handling of the failed attempt costs about 30 s; see there.
// 4. Without WebRTC (the headless default) the chat runs over the relay as well, and more than
//    libp2p's default 128 KiB relay data limit passes, with not one packet between the homes.
// 5. A relay that flips one byte of relayed data breaks the peers' Noise session: the connection is
//    dropped, no altered message is ever shown, and the relay never saw the plaintext.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { tempDir, cleanup } from '../helpers/peers'
import { spawnPeer, ensurePeerBuilt, stopAllPeers, ROOT, type HeadlessPeer } from '../helpers/headless'
import { makeNatLab, netnsUnavailable, directPackets, setSymmetricNat, type NatLab, type HomeNetwork } from '../helpers/netns'

const unavailable = netnsUnavailable()
const STUN_PORT = 3478
const RELAY_LIMIT_MS = 8000
const RELAY_LIMIT_BYTES = 64 * 1024
const MARKER = 'plaintext-marker-7f3a'

interface Script { proc: ChildProcess, lines: any[], next(match: (l: any) => boolean, timeoutMs?: number): Promise<any>, send(line: string): void }

describe('NAT lab: peers behind two NAT routers meet through a relay', { skip: unavailable ?? false, timeout: 360_000 }, () => {
  let lab: NatLab
  const scripts: ChildProcess[] = []
  const peers: HeadlessPeer[] = []

  /** A TypeScript helper script run inside a namespace, read as JSON lines (or plain "ready"). */
  function runScript (ns: string, file: string, args: string[]): Script {
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', path.join(ROOT, 'test/helpers', file), ...args],
      { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT })
    scripts.push(proc)
    const lines: any[] = []
    const waiters: Array<{ match: (l: any) => boolean, resolve: (l: any) => void }> = []
    let stderr = ''
    proc.stderr!.on('data', d => { stderr = (stderr + String(d)).slice(-4000) })
    readline.createInterface({ input: proc.stdout! }).on('line', text => {
      let line: any = text
      try { line = JSON.parse(text) } catch { /* a plain line */ }
      lines.push(line)
      for (const w of [...waiters]) if (w.match(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
    })
    return {
      proc,
      lines,
      send: line => { proc.stdin!.write(line + '\n') },
      next (match, timeoutMs = 30_000) {
        const seen = lines.find(match)
        if (seen != null) return Promise.resolve(seen)
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${file}: no such line; stderr: ${stderr}`)), timeoutMs)
          waiters.push({ match, resolve: l => { clearTimeout(timer); resolve(l) } })
        })
      }
    }
  }

  function peer (args: string[], netns: string): HeadlessPeer {
    const p = spawnPeer(['--data', tempDir(), '--no-mdns', ...args], { netns, env: { DEVMEET_LOG: 'warn' } })
    peers.push(p)
    return p
  }

  /** A DevMeet relay (`devmeet-peer --relay`) on the public segment. */
  async function startRelay (port: number, extra: string[] = []): Promise<{ p: HeadlessPeer, addr: string }> {
    const p = peer(['--name', `Relay${port}`, '--relay', '--listen', `/ip4/${lab.pubIp}/tcp/${port}`, ...extra], lab.pub)
    const ready = await ready_(p)
    return { p, addr: `/ip4/${lab.pubIp}/tcp/${port}/p2p/${ready.peerId}` }
  }

  /** A user's peer at home, with the relay as its bootstrap peer and a reservation on it. */
  function homePeer (name: string, home: HomeNetwork, relayAddr: string, extra: string[] = []): HeadlessPeer {
    return peer(['--name', name, '--listen', '/ip4/0.0.0.0/tcp/0', '--listen', '/p2p-circuit', '--bootstrap', relayAddr, ...extra], home.host)
  }

  let seq = 1000
  async function ask (p: HeadlessPeer, cmd: Record<string, unknown>, timeoutMs = 30_000): Promise<any> {
    const id = ++seq
    p.send({ ...cmd, id })
    const answer = await p.next(l => l.id === id, timeoutMs)
    return answer
  }

  async function ready_ (p: HeadlessPeer): Promise<any> {
    try {
      return await p.next(l => l.event === 'ready', 60_000)
    } catch (err) {
      throw new Error(`peer not ready: ${String(err)}\n${p.stderr.join('\n')}`, { cause: err })
    }
  }

  /** Polls the peer's address string until its relay reservation (and /webrtc on it, if wanted) is in. */
  async function relayedAddress (p: HeadlessPeer, webrtc: boolean): Promise<string> {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const address: string = (await ask(p, { cmd: 'address' })).result
      if (address.includes('/p2p-circuit') && (!webrtc || address.includes('/p2p-circuit/webrtc'))) return address
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    throw new Error(`no relay reservation within 60 s\n${p.stderr.join('\n')}`)
  }

  /** Alice connects with Bob's address string, invites him, he accepts, both join the chat. */
  async function meet (alice: HeadlessPeer, bob: HeadlessPeer, bobAddress: string, bobId: string, connect = true): Promise<string> {
    if (connect) {
      const connected = await ask(alice, { cmd: 'connect', addr: bobAddress }, 60_000)
      assert.equal(connected.ok, true, `connect through the relay: ${JSON.stringify(connected)}`)
    }
    const created = await ask(alice, { cmd: 'create', title: 'Across two NATs', start: Date.now() + 60_000, durationMinutes: 30, invitees: [bobId] })
    assert.equal(created.ok, true, JSON.stringify(created))
    const conferenceId: string = created.result.context.id
    await bob.next(l => l.event === 'invitation' && l.conference.context.id === conferenceId, 60_000)
    const accepted = await ask(bob, { cmd: 'respond', conferenceId, answer: 'accepted' })
    assert.equal(accepted.ok, true, JSON.stringify(accepted))
    await alice.next(l => l.event === 'rsvp' && JSON.stringify(l).includes(bobId), 120_000)
    for (const p of [alice, bob]) assert.equal((await ask(p, { cmd: 'join', conferenceId })).ok, true)
    return conferenceId
  }

  /** Sends a message and waits until the other side shows it, unaltered. */
  async function say (from: HeadlessPeer, to: HeadlessPeer, conferenceId: string, body: string): Promise<void> {
    const sent = await ask(from, { cmd: 'send', conferenceId, body })
    assert.equal(sent.ok, true, JSON.stringify(sent))
    await to.next(l => l.event === 'message' && l.message.conferenceId === conferenceId && l.message.body === body, 60_000)
  }

  async function until (what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }

  /** SIGTERMs the processes and waits for them to exit; SIGKILLs what is left after 10 s. */
  async function stopProcs (procs: ChildProcess[]): Promise<void> {
    const alive = procs.filter(p => p.exitCode == null && p.signalCode == null)
    const exits = alive.map(p => new Promise(resolve => p.once('exit', resolve)))
    for (const p of alive) p.kill('SIGTERM')
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(exits), new Promise(resolve => { timer = setTimeout(resolve, 10_000) })])
    clearTimeout(timer)
    for (const p of alive) if (p.exitCode == null && p.signalCode == null) p.kill('SIGKILL')
  }

  async function stop (p: HeadlessPeer): Promise<void> {
    await stopProcs([p.proc])
  }

  before(async () => {
    ensurePeerBuilt()
    lab = makeNatLab()
    // Should the after() hook never run (the runner killed on a timeout), the namespaces still go.
    process.once('exit', () => lab.destroy())
    const stun = runScript(lab.pub, 'lab-stun.ts', [lab.pubIp, String(STUN_PORT)])
    await stun.next(l => l === 'ready')
  })

  after(async () => {
    try {
      await stopProcs([...peers.map(p => p.proc), ...scripts])
      await stopAllPeers()
    } finally {
      lab?.destroy()
      await cleanup()
    }
  })

  it('homes behind NAT cannot dial each other; WebRTC through the relay punches through, and the chat outlives the relay\'s limits', async () => {
    const relay = await startRelay(4001, ['--relay-limit-duration', String(RELAY_LIMIT_MS), '--relay-limit-data', String(RELAY_LIMIT_BYTES)])
    const webrtc = ['--webrtc', '--stun', `stun:${lab.pubIp}:${STUN_PORT}`]
    const alice = homePeer('Alice', lab.home[0], relay.addr, webrtc)
    const bob = homePeer('Bob', lab.home[1], relay.addr, webrtc)
    const [, rb] = await Promise.all([ready_(alice), ready_(bob)])
    const bobAddress = await relayedAddress(bob, true)

    // Bob's own TCP address, and his router's public address at the same port: neither answers.
    const port = bobAddress.match(new RegExp(`/ip4/${lab.home[1].hostIp.replaceAll('.', '\\.')}/tcp/(\\d+)`))?.[1]
    assert.ok(port != null, bobAddress)
    for (const direct of [`/ip4/${lab.home[1].hostIp}/tcp/${port}`, `/ip4/${lab.home[1].publicIp}/tcp/${port}`]) {
      const answer = await ask(alice, { cmd: 'connect', addr: `${rb.peerId} ${direct}` })
      assert.equal(answer.ok, false, `Alice must not reach Bob at ${direct}`)
    }
    assert.equal(directPackets(lab.home[0]) > 0, true, 'the refused dials went out towards Bob\'s home')

    const directBefore = [directPackets(lab.home[0]), directPackets(lab.home[1])]
    const connectedAt = Date.now()
    const conferenceId = await meet(alice, bob, bobAddress, rb.peerId)
    // The relayed connection is limited, and DevMeet's protocols do not run on limited connections:
    // that the invitation and the RSVP arrived at all means they travelled on the direct connection.
    await say(alice, bob, conferenceId, `Hi Bob, ${MARKER}`)
    await say(bob, alice, conferenceId, 'Hi Alice')
    const directAfter = [directPackets(lab.home[0]), directPackets(lab.home[1])]
    assert.ok(directAfter[0] > directBefore[0] && directAfter[1] > directBefore[1],
      `both homes sent packets straight to each other (hole punched): ${directBefore} -> ${directAfter}`)

    // More than the relay's data limit, then past its time limit, then with the relay gone.
    const chunk = 'x'.repeat(12_000)
    for (let i = 0; i < 7; i++) await say(alice, bob, conferenceId, `${i} ${chunk}`)
    const expiry = connectedAt + RELAY_LIMIT_MS + 1000 - Date.now()
    if (expiry > 0) await new Promise(resolve => setTimeout(resolve, expiry))
    await say(alice, bob, conferenceId, 'after the relay limit')
    await say(bob, alice, conferenceId, 'still here')
    await stop(relay.p)
    await say(alice, bob, conferenceId, 'the relay is gone')
    await say(bob, alice, conferenceId, 'we do not need it')
    await Promise.all([stop(alice), stop(bob)])
  })

  it('behind symmetric NATs no hole can be punched: the WebRTC attempt fails and the chat runs through DevMeet\'s relay', async () => {
    for (const home of lab.home) setSymmetricNat(home, true)
    try {
      const relay = await startRelay(4004)
      const webrtc = ['--webrtc', '--stun', `stun:${lab.pubIp}:${STUN_PORT}`]
      const gina = homePeer('Gina', lab.home[0], relay.addr, webrtc)
      const hank = homePeer('Hank', lab.home[1], relay.addr, webrtc)
      const [, rh] = await Promise.all([ready_(gina), ready_(hank)])
      const hankAddress = await relayedAddress(hank, true)
      // What happens here, seen in libp2p's debug log (libp2p 3.3, @libp2p/webrtc 6.0):
      // - libp2p tries the WebRTC address first; ICE fails after about 6 s (each NAT gives packets to
      //   a new destination a new port, so the ports learnt from STUN are useless to the other side);
      // - libp2p's next dial, on the plain relay address, is refused as a duplicate of the relayed
      //   connection the WebRTC attempt opened for signalling ("Remote closed connection during
      //   opening"); that relayed connection is up and carries the invitation, so `connect` uses
      //   it and answers with success;
      // - the answering side keeps a WebRTC connection that never got through for about 30 s and
      //   opens its streams on it, so the RSVP is delayed until that connection dies and the outbox
      //   retries on the relayed one. Hence the long waits; nothing is lost.
      const connected = await ask(gina, { cmd: 'connect', addr: hankAddress }, 60_000)
      assert.equal(connected.ok, true, `connect answered: ${JSON.stringify(connected)}`)
      const conferenceId = await meet(gina, hank, hankAddress, rh.peerId, false)
      await say(gina, hank, conferenceId, 'through the relay')
      await say(hank, gina, conferenceId, 'through the relay, back')
      const directBefore = [directPackets(lab.home[0]), directPackets(lab.home[1])]
      for (let i = 0; i < 4; i++) await say(i % 2 === 0 ? gina : hank, i % 2 === 0 ? hank : gina, conferenceId, `relayed ${i}`)
      assert.deepEqual([directPackets(lab.home[0]), directPackets(lab.home[1])], directBefore, 'the chat went through the relay only')
      await Promise.all([stop(gina), stop(hank), stop(relay.p)])
    } finally {
      for (const home of lab.home) setSymmetricNat(home, false)
    }
  })

  it('without WebRTC the chat runs through DevMeet\'s relay, beyond libp2p\'s default relay data limit, and never straight between the homes', async () => {
    const relay = await startRelay(4002)
    const carol = homePeer('Carol', lab.home[0], relay.addr)
    const dan = homePeer('Dan', lab.home[1], relay.addr)
    const [, rd] = await Promise.all([ready_(carol), ready_(dan)])
    const danAddress = await relayedAddress(dan, false)
    const directBefore = [directPackets(lab.home[0]), directPackets(lab.home[1])]
    const conferenceId = await meet(carol, dan, danAddress, rd.peerId)
    // libp2p's default relay limits are 2 minutes and 128 KiB per relayed connection.
    const chunk = 'y'.repeat(12_000)
    for (let i = 0; i < 12; i++) await say(i % 2 === 0 ? carol : dan, i % 2 === 0 ? dan : carol, conferenceId, `${i} ${chunk}`)
    await say(carol, dan, conferenceId, 'all 144 KB through the relay')
    assert.deepEqual([directPackets(lab.home[0]), directPackets(lab.home[1])], directBefore, 'not one packet went straight between the homes')
    await Promise.all([stop(carol), stop(dan), stop(relay.p)])
  })

  it('a relay that flips a byte in relayed data breaks the connection and alters no message; it never sees plaintext', async () => {
    const relay = runScript(lab.pub, 'tampering-relay.ts', [`/ip4/${lab.pubIp}/tcp/4003`, MARKER])
    const relayReady = await relay.next(l => l.event === 'ready')
    const relayAddr = `/ip4/${lab.pubIp}/tcp/4003/p2p/${relayReady.peerId}`
    const erin = homePeer('Erin', lab.home[0], relayAddr)
    const frank = homePeer('Frank', lab.home[1], relayAddr)
    const [re, rf] = await Promise.all([ready_(erin), ready_(frank)])
    const frankAddress = await relayedAddress(frank, false)
    const conferenceId = await meet(erin, frank, frankAddress, rf.peerId)
    await say(erin, frank, conferenceId, `before: ${MARKER}`)
    await say(frank, erin, conferenceId, 'before, back')

    relay.send('arm')
    await relay.next(l => l.event === 'armed')
    const body = `tampered? ${MARKER} ${'z'.repeat(500)}`
    const sent = await ask(erin, { cmd: 'send', conferenceId, body })
    assert.equal(sent.ok, true)
    await relay.next(l => l.event === 'tampered')
    // Noise's authentication tag fails on the flipped byte: the peers drop the connection.
    await until('a peer drops the connection', () =>
      erin.lines.some(l => l.event === 'peer:disconnect' && l.peer.peerId === rf.peerId) ||
      frank.lines.some(l => l.event === 'peer:disconnect' && l.peer.peerId === re.peerId), 30_000)
    relay.send('report')
    const report = await relay.next(l => l.event === 'report')
    assert.ok(report.relayedBytes > 1000, `the relay carried the chat (${report.relayedBytes} bytes)`)
    assert.equal(report.sawMarker, false, 'the relay never saw a message in plaintext')
    const bodies = new Set([`before: ${MARKER}`, 'before, back', body])
    const shown = frank.lines.filter(l => l.event === 'message').map(l => l.message.body)
    assert.ok(shown.every(b => bodies.has(b)), `no altered message shown: ${JSON.stringify(shown.map(b => b.slice(0, 40)))}`)
    // The relay tampered once; the peers reconnect, and the sync delivers the message intact.
    await frank.next(l => l.event === 'message' && l.message.body === body, 90_000)
    const again = frank.lines.filter(l => l.event === 'message').map(l => l.message.body)
    assert.ok(again.every(b => bodies.has(b)), 'still no altered message')
    await Promise.all([stop(erin), stop(frank)])
  })
})
