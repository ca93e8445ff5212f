import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { readSettings, DEFAULT_LISTEN } from '../../src/shared/settings'

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
const declared = manifest.contributes.configuration.properties

describe('settings', () => {
  it('uses the defaults when nothing is set', () => {
    const s = readSettings(() => undefined)
    assert.deepEqual(s.network, { listenAddresses: DEFAULT_LISTEN, mdns: true, bootstrapPeers: [], publicDht: false, webrtc: true, relayServer: false })
    assert.equal(s.displayName, '')
    assert.equal(s.logLevel, 'info')
    assert.equal(s.reminderMinutes, 5)
    assert.equal(s.openChatAutomatically, true)
  })

  it('agrees with the defaults declared in package.json', () => {
    const fromManifest = readSettings(key => declared[`devmeet.${key}`]?.default)
    assert.deepEqual(fromManifest, readSettings(() => undefined))
    assert.equal(declared['devmeet.publicDht.enabled'].default, false, 'the public DHT is opt-in')
  })

  it('maps set values and ignores values of the wrong type', () => {
    const values: Record<string, unknown> = {
      listenAddresses: ['/ip4/127.0.0.1/tcp/4001', 42, ' '],
      'mdns.enabled': false,
      bootstrapPeers: ['/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'],
      'publicDht.enabled': 'yes',
      'log.level': 'loud',
      reminderMinutes: -3,
      displayName: '  Ada  '
    }
    const s = readSettings(k => values[k])
    assert.deepEqual(s.network.listenAddresses, ['/ip4/127.0.0.1/tcp/4001'])
    assert.equal(s.network.mdns, false)
    assert.equal(s.network.bootstrapPeers.length, 1)
    assert.equal(s.network.publicDht, false)
    assert.equal(s.logLevel, 'info')
    assert.equal(s.reminderMinutes, 5)
    assert.equal(s.displayName, 'Ada')
  })

  it('passes STUN servers to WebRTC only when set; an empty list means none', () => {
    assert.equal('iceServers' in readSettings(() => undefined).network, false, 'unset: the transport\'s own servers')
    assert.equal('iceServers' in readSettings(k => k === 'webrtc.stunServers' ? null : undefined).network, false)
    assert.deepEqual(readSettings(k => k === 'webrtc.stunServers' ? [] : undefined).network.iceServers, [])
    assert.deepEqual(readSettings(k => k === 'webrtc.stunServers' ? ['stun:stun.example.org:3478', 7] : undefined).network.iceServers, ['stun:stun.example.org:3478'])
  })
})
