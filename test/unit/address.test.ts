import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parsePeerAddress, formatPeerAddress } from '../../src/core/address'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidAddressError } from '../../src/core/errors'

const ID = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const OTHER = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'

describe('address strings', () => {
  it('parses our own format back into peer ID and multiaddrs with the ID attached', () => {
    const text = formatPeerAddress(ID, [multiaddr(`/ip4/127.0.0.1/tcp/4001/p2p/${ID}`), multiaddr('/ip4/192.168.1.5/tcp/4001')])
    assert.equal(text, `${ID} /ip4/192.168.1.5/tcp/4001 /ip4/127.0.0.1/tcp/4001`)
    const parsed = parsePeerAddress(text)
    assert.equal(parsed.peerId, ID)
    assert.deepEqual(parsed.multiaddrs.map(m => m.toString()), [`/ip4/192.168.1.5/tcp/4001/p2p/${ID}`, `/ip4/127.0.0.1/tcp/4001/p2p/${ID}`])
  })
  it('accepts a bare multiaddr with or without a peer ID, and a bare peer ID', () => {
    assert.equal(parsePeerAddress(`/ip4/127.0.0.1/tcp/1/p2p/${ID}`).peerId, ID)
    assert.equal(parsePeerAddress('/ip4/127.0.0.1/tcp/1').peerId, undefined)
    const bare = parsePeerAddress(`  ${ID}\n`)
    assert.equal(bare.peerId, ID)
    assert.equal(bare.multiaddrs.length, 0)
  })
  it('keeps a relay address (the relay\'s peer ID inside) and attaches the target peer\'s ID after the circuit', () => {
    const relayed = `/ip4/203.0.113.1/tcp/4001/p2p/${OTHER}/p2p-circuit`
    const text = formatPeerAddress(ID, [multiaddr(`${relayed}/p2p/${ID}`), multiaddr(`${relayed}/webrtc/p2p/${ID}`), multiaddr('/ip4/10.0.0.2/tcp/4001')])
    assert.equal(text, `${ID} /ip4/10.0.0.2/tcp/4001 ${relayed} ${relayed}/webrtc`)
    const parsed = parsePeerAddress(text)
    assert.equal(parsed.peerId, ID)
    assert.deepEqual(parsed.multiaddrs.map(m => m.toString()), [`/ip4/10.0.0.2/tcp/4001/p2p/${ID}`, `${relayed}/p2p/${ID}`, `${relayed}/webrtc/p2p/${ID}`])
    assert.equal(parsePeerAddress(`${relayed}/p2p/${ID}`).peerId, ID, 'a bare relay address names its target, not the relay')
    assert.throws(() => parsePeerAddress(`${ID} ${relayed}/p2p/${OTHER}`), /two different peer IDs/)
  })
  it('explains what is wrong with bad input', () => {
    assert.throws(() => parsePeerAddress(''), InvalidAddressError)
    assert.throws(() => parsePeerAddress('hello world'), /neither a peer ID nor a multiaddr/)
    assert.throws(() => parsePeerAddress('/ip4/999.1.1.1/tcp/1'), /not a valid multiaddr/)
    assert.throws(() => parsePeerAddress(`${ID} /ip4/127.0.0.1/tcp/1/p2p/${OTHER}`), /two different peer IDs/)
    assert.throws(() => parsePeerAddress('/'.repeat(5000)), /too long/)
  })
})
