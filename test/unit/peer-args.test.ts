import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parsePeerArgs } from '../../src/cli/args'

describe('devmeet-peer options', () => {
  it('a relay sets no per-connection limit unless told to', () => {
    const plain = parsePeerArgs(['--relay'])
    assert.ok(plain !== 'help')
    assert.equal(plain.config.relayServer, true)
    assert.equal(plain.config.relayLimit, undefined)
    const limited = parsePeerArgs(['--relay', '--relay-limit-duration', '8000', '--relay-limit-data', '65536'])
    assert.ok(limited !== 'help')
    assert.deepEqual(limited.config.relayLimit, { durationMs: 8000, dataBytes: 65536 })
  })
  it('refuses relay limits without --relay, and limits that are not positive whole numbers', () => {
    assert.throws(() => parsePeerArgs(['--relay-limit-duration', '8000']), /needs --relay/)
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      assert.throws(() => parsePeerArgs(['--relay', `--relay-limit-data=${bad}`]), /positive whole number/)
    }
  })
  it('takes STUN servers for WebRTC, and leaves libp2p\'s default when none are given', () => {
    const args = parsePeerArgs(['--webrtc', '--stun', 'stun:203.0.113.1:3478', '--stun', 'stun:203.0.113.2:3478'])
    assert.ok(args !== 'help')
    assert.deepEqual(args.config.iceServers, ['stun:203.0.113.1:3478', 'stun:203.0.113.2:3478'])
    assert.ok(args.config.listenAddresses.includes('/webrtc'))
    const none = parsePeerArgs(['--webrtc'])
    assert.ok(none !== 'help')
    assert.equal(none.config.iceServers, undefined)
  })
})
