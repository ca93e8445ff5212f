// A hostile process for test/integration/stream-limits.test.ts: one identity opens many
// connections to the target; then it and ten more identities from the same host open streams on
// every DevMeet protocol and never send a byte, first within the limits (half-open), then far
// over them (a stream flood). Prints a JSON line of what it saw after each phase.
import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { CHAT_PROTOCOL } from '../../src/core/chat/link'
import { INVITE_PROTOCOL, RSVP_PROTOCOL } from '../../src/core/invite/protocols'

const { values } = parseArgs({ options: { target: { type: 'string' }, peer: { type: 'string' }, connections: { type: 'string', default: '40' }, sybils: { type: 'string', default: '10' } } })
const addr = multiaddr(values.target!)
const targetPeer = values.peer!
const nodes: DevMeetLibp2p[] = []

async function rawNode (): Promise<DevMeetLibp2p> {
  const node = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false }
  })
  await node.start()
  nodes.push(node)
  return node
}

interface Opened { stream: Stream, at: number, closedAt?: number }

function openConns (node: DevMeetLibp2p): Array<import('@libp2p/interface').Connection> {
  return node.getConnections().filter(c => c.remotePeer.toString() === targetPeer && c.status === 'open')
}

/**
 * Opens streams to the target on every connection (or only on each node's `only`-th); negotiated:
 * the protocol is agreed, then silence; else the protocol is never even named.
 */
async function openStreams (counts: Array<[string, number, boolean]>, only?: number): Promise<{ opened: Opened[], refused: number }> {
  const opened: Opened[] = []
  let refused = 0
  await Promise.all(nodes.flatMap(node => openConns(node).slice(only ?? 0, only != null ? only + 1 : undefined).flatMap(conn => counts.flatMap(([protocol, n, negotiated]) => Array.from({ length: n }, async () => {
    try {
      const stream = await conn.newStream(protocol, { maxOutboundStreams: 100_000, negotiateFully: negotiated, signal: AbortSignal.timeout(10_000) })
      const o: Opened = { stream, at: Date.now() }
      opened.push(o)
      if (stream.status !== 'open') o.closedAt = o.at
      else stream.addEventListener('close', () => { o.closedAt = Date.now() }, { once: true })
    } catch {
      refused++
    }
  })))))
  return { opened, refused }
}

async function allClosed (opened: Opened[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (opened.some(o => o.closedAt == null) && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 100))
}

function lifetimes (opened: Opened[]): number[] {
  return opened.map(o => (o.closedAt ?? Date.now()) - o.at).sort((a, b) => a - b)
}

async function main (): Promise<void> {
  const one = await rawNode()
  let dialled = 0
  for (let i = 0; i < Number(values.connections); i++) {
    try {
      await one.dial(addr, { force: true, signal: AbortSignal.timeout(10_000) })
      dialled++
    } catch {}
  }
  // Connections the target refuses after the upgrade close within moments.
  await new Promise(resolve => setTimeout(resolve, 500))
  const kept = openConns(one).length
  const sybils = await Promise.all(Array.from({ length: Number(values.sybils) }, () => rawNode()))
  // The target accepts only so many connections a second from one host: a refused sybil tries again.
  await Promise.all(sybils.map(async s => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await s.dial(addr, { signal: AbortSignal.timeout(10_000) })
        return
      } catch {
        await new Promise(resolve => setTimeout(resolve, 300))
      }
    }
  }))
  const connections = nodes.reduce((n, node) => n + openConns(node).length, 0)
  process.stdout.write(JSON.stringify({ event: 'connected', dialled, kept, connections }) + '\n')

  // 1. Half-open streams within every limit (per connection and per peer): on one connection of
  // each identity, streams whose protocol is agreed, then silence (the target's first-frame
  // deadline must end them); on a second one, streams that never name a protocol (libp2p's
  // negotiation deadline must).
  const half = await Promise.all([
    openStreams([[CHAT_PROTOCOL, 20, true], [INVITE_PROTOCOL, 4, true], [RSVP_PROTOCOL, 4, true]], 0),
    openStreams([[CHAT_PROTOCOL, 20, false]], 1)
  ]).then(([a, b]) => ({ opened: [...a.opened, ...b.opened], refused: a.refused + b.refused }))
  await allClosed(half.opened, 30_000)
  const halfLives = lifetimes(half.opened)
  process.stdout.write(JSON.stringify({
    event: 'half-open',
    opened: half.opened.length,
    refused: half.refused,
    stillOpen: half.opened.filter(o => o.closedAt == null).length,
    shortest: halfLives[0] ?? 0,
    median: halfLives[Math.floor(halfLives.length / 2)] ?? 0,
    longest: halfLives.at(-1) ?? 0
  }) + '\n')

  // 2. A stream flood over the limits: refused or reset at once, and the connections of a repeat offender closed.
  const t0 = Date.now()
  const flood = await openStreams([[CHAT_PROTOCOL, 100, true], [INVITE_PROTOCOL, 10, true], [RSVP_PROTOCOL, 10, true]])
  const openedIn = Date.now() - t0
  await allClosed(flood.opened, 30_000)
  const floodLives = lifetimes(flood.opened)
  process.stdout.write(JSON.stringify({
    event: 'done',
    attempted: flood.opened.length + flood.refused,
    openedIn,
    resetAtOnce: flood.refused + flood.opened.filter(o => o.closedAt != null && o.closedAt - o.at < 2000).length,
    stillOpen: flood.opened.filter(o => o.closedAt == null).length,
    longest: floodLives.at(-1) ?? 0,
    connectionsLeft: nodes.reduce((n, node) => n + openConns(node).length, 0)
  }) + '\n')
  await Promise.all(nodes.map(async n => { try { await n.stop() } catch {} }))
  process.exit(0)
}

void main().catch(err => { process.stdout.write(JSON.stringify({ event: 'error', error: String(err?.stack ?? err) }) + '\n'); process.exit(1) })
