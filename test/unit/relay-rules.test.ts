import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { routeOf, bestRoute, describeRoute } from '../../src/core/relay/routes'
import { sameHostAddrs } from '../../src/core/relay/dial-back'
import { RelayAdmission, circuitsOf } from '../../src/core/relay/policy'
import type { Contact } from '../../src/core/contacts'

const RELAY = '12D3KooWRelayRelayRelayRelayRelayRelayRelayRelay'
const PEER = '12D3KooWPeerPeerPeerPeerPeerPeerPeerPeerPeerPeer'

describe('relay rules', () => {
  it('reads how a connection runs from its remote address', () => {
    assert.deepEqual(routeOf('/ip4/10.0.0.2/tcp/4001/p2p/' + PEER), { kind: 'direct', transport: 'tcp' })
    assert.deepEqual(routeOf(`/ip4/203.0.113.1/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`), { kind: 'relayed', relay: RELAY })
    // set up through the relay, but the data flows directly
    assert.deepEqual(routeOf(`/ip4/203.0.113.1/tcp/4001/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`), { kind: 'webrtc' })
    assert.deepEqual(bestRoute([{ kind: 'relayed', relay: RELAY }, { kind: 'webrtc' }]), { kind: 'webrtc' })
    assert.equal(describeRoute({ kind: 'relayed', relay: RELAY }, () => 'Carol'), 'relayed through Carol')
    assert.equal(describeRoute(undefined, () => ''), 'not connected')
  })

  it('dials back only TCP addresses on the IP the request came from, never through a relay', () => {
    const claimed = ['/ip4/203.0.113.11/tcp/4001', '/ip4/198.51.100.7/tcp/80', '/ip4/203.0.113.11/udp/1/quic-v1', 'not a multiaddr', '/dns4/x.example/tcp/1']
    assert.deepEqual(sameHostAddrs(claimed, multiaddr('/ip4/203.0.113.11/tcp/51234')).map(String), ['/ip4/203.0.113.11/tcp/4001'])
    assert.deepEqual(sameHostAddrs(claimed, multiaddr(`/ip4/203.0.113.1/tcp/1/p2p/${RELAY}/p2p-circuit`)), [])
  })

  it('admits conference peers and chosen contacts, not peers that merely connected', () => {
    const contacts = new Map<string, Contact>([
      ['typed', { peerId: 'typed', addrs: [], lastSeen: 0, via: 'address' }],
      ['named', { peerId: 'named', addrs: [], lastSeen: 0, via: 'connection', petname: 'Bo' }],
      ['connected', { peerId: 'connected', addrs: [], lastSeen: 0, via: 'connection' }],
      ['mdns', { peerId: 'mdns', addrs: [], lastSeen: 0, via: 'mdns' }]
    ])
    const admission = new RelayAdmission({ inConferences: () => new Set(['invitee']), contact: id => contacts.get(id) })
    assert.deepEqual(['invitee', 'typed', 'named', 'connected', 'mdns', 'stranger'].filter(p => admission.allows(p)), ['invitee', 'typed', 'named'])
  })

  it('counts the circuits a peer is part of from its streams on the relay', () => {
    const hop = { protocol: '/libp2p/circuit/relay/0.2.0/hop' }
    const stop = { protocol: '/libp2p/circuit/relay/0.2.0/stop' }
    const chat = { protocol: '/devmeet/chat/1.0.0' }
    assert.deepEqual(circuitsOf([{ streams: [hop, chat, stop] }, { streams: [hop, {}] }]), { asSource: 2, asDestination: 1 })
  })
})
