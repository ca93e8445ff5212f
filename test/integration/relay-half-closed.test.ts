// A refused relay reservation leaves its stream open at both ends (libp2p's relay server answers
// and returns without closing its side): the sweep resets such streams, and leaves open ones alone.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { pbStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { HalfClosedRelayStreams } from '../../src/core/relay/half-closed-streams'

const HOP = '/libp2p/circuit/relay/0.2.0/hop'
/** The relay protocol's HopMessage, just enough of it: RESERVE out (type 0), the status back (field 5, a varint). */
interface Hop { type?: 'RESERVE', status?: number }
const hopMessage = {
  encode: (_: Hop): Uint8Array => Uint8Array.from([0x08, 0x00]),
  decode: (bytes: Uint8Array | { subarray: () => Uint8Array }): Hop => {
    const b = bytes instanceof Uint8Array ? bytes : bytes.subarray()
    const at = b.indexOf(0x28)
    if (at < 0) return { status: undefined }
    return { status: (b[at + 1] & 0x80) === 0 ? b[at + 1] : (b[at + 1] & 0x7f) | (b[at + 2] << 7) }
  }
}
const PERMISSION_DENIED = 202
const nodes: Libp2p[] = []
after(async () => { await Promise.all(nodes.map(async n => await n.stop())) })

async function node (services: Record<string, any>, gater: Record<string, unknown> = {}): Promise<Libp2p> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false, ...gater },
    services: { identify: identify(), ...services }
  })
  nodes.push(n)
  return n
}

const hopStreams = (n: Libp2p): Stream[] => n.getConnections().flatMap(c => c.streams).filter(s => s.protocol === HOP)

describe('relay streams left half-closed', () => {
  it('a refused reservation\'s stream is reset at the second sweep on both ends; a stream still open both ways stays', async () => {
    // A relay that refuses every reservation, as a participant that is not serving does.
    const relay = await node({ relay: circuitRelayServer() }, { denyInboundRelayReservation: async () => true })
    const client = await node({})
    const connection = await client.dial(relay.getMultiaddrs()[0])
    const refused = await connection.newStream(HOP)
    const hop = pbStream(refused).pb(hopMessage)
    await hop.write({ type: 'RESERVE' })
    assert.equal((await hop.read()).status, PERMISSION_DENIED, 'the relay refused the reservation')
    await refused.close()
    // A hop stream whose request is still on its way: open both ways.
    const pending = await connection.newStream(HOP)
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.equal(hopStreams(relay).length, 2, 'without the sweep both stay at the relay')
    assert.equal(hopStreams(client).length, 2)

    const atRelay = new HalfClosedRelayStreams()
    const atClient = new HalfClosedRelayStreams()
    assert.equal(atRelay.sweep(relay), 0, 'a half-closed stream is left for one sweep (it may be closing)')
    assert.equal(atClient.sweep(client), 0)
    assert.equal(atRelay.sweep(relay), 1, 'found half-closed again: reset')
    assert.equal(atClient.sweep(client), 1)
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.deepEqual(hopStreams(client), [pending], 'the open one stays')
    assert.equal(hopStreams(relay).length, 1)
    assert.equal(atRelay.sweep(relay) + atRelay.sweep(relay), 0)
  })
})
