import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { Storage } from '../../src/core/storage'
import { silentLogger } from '../../src/core/log'
import { ContactStore } from '../../src/core/contacts'
import { refreshedAddresses, rememberableAddresses, MAX_OLDER_ADDRS } from '../../src/core/peers/address-book'
import { usableAddresses, MAX_DIALLED_PER_ANSWER } from '../../src/core/peers/peer-exchange'
import { withRememberedPorts, rememberPorts } from '../../src/core/listen-port'
import { NetworkChangeWatch, participantsOfRunningConferences } from '../../src/core/peers/network-change'

const dirs: string[] = []
function dir (): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-unit-'))
  dirs.push(d)
  return d
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

const ID_A = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ID_B = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'

describe('remembered addresses of a known peer', () => {
  it('puts what the peer says now first, and ages older addresses out after a few sightings', () => {
    let addrs = ['/ip4/10.0.0.1/tcp/1']
    for (let port = 2; port <= 10; port++) addrs = refreshedAddresses([`/ip4/10.0.0.1/tcp/${port}`], addrs)
    assert.equal(addrs[0], '/ip4/10.0.0.1/tcp/10')
    assert.equal(addrs.length, 1 + MAX_OLDER_ADDRS)
    assert.ok(!addrs.includes('/ip4/10.0.0.1/tcp/1'), 'the oldest aged out')
  })

  it('keeps dialable addresses without the peer\'s own /p2p suffix, once each', () => {
    assert.deepEqual(rememberableAddresses(ID_A, [`/ip4/1.2.3.4/tcp/5/p2p/${ID_A}`, '/ip4/1.2.3.4/tcp/5', '/p2p-circuit', '/webrtc', `/ip4/9.9.9.9/tcp/1/p2p/${ID_B}/p2p-circuit`]),
      ['/ip4/1.2.3.4/tcp/5', `/ip4/9.9.9.9/tcp/1/p2p/${ID_B}/p2p-circuit`])
  })

  it('survives a restart: the contacts file holds the refreshed order', async () => {
    const d = dir()
    const store = new ContactStore(new Storage(d))
    await store.load()
    store.upsert({ peerId: ID_A, displayName: 'Ann', addrs: ['/ip4/127.0.0.1/tcp/1'], lastSeen: 1, via: 'connection' })
    store.refreshAddresses(ID_A, ['/ip4/127.0.0.1/tcp/2'], 2)
    await store.flush()
    const again = new ContactStore(new Storage(d))
    await again.load()
    assert.deepEqual(again.get(ID_A)?.addrs, ['/ip4/127.0.0.1/tcp/2', '/ip4/127.0.0.1/tcp/1'])
  })
})

describe('a peer-exchange answer', () => {
  it('keeps at most a few parsed addresses that name no peer but the one asked about (a relay may be named before it)', () => {
    const kept = usableAddresses(ID_A, [
      'garbage', '/unix/x', `/ip4/1.1.1.1/tcp/1/p2p/${ID_B}`, `/ip4/1.1.1.1/tcp/1/p2p/${ID_A}/p2p-circuit`,
      `/ip4/2.2.2.2/tcp/2/p2p/${ID_B}/p2p-circuit/p2p/${ID_A}`, '/ip4/3.3.3.3/tcp/3', '/ip4/3.3.3.3/tcp/3', '/ip4/4.4.4.4/tcp/4', '/ip4/5.5.5.5/tcp/5'
    ])
    assert.deepEqual(kept, [`/ip4/2.2.2.2/tcp/2/p2p/${ID_B}/p2p-circuit/p2p/${ID_A}`, '/ip4/3.3.3.3/tcp/3', '/ip4/4.4.4.4/tcp/4'])
    assert.equal(kept.length, MAX_DIALLED_PER_ANSWER)
  })
})

describe('the remembered listen port', () => {
  it('asks for the port it got last time, and takes a new one when another program holds it', async () => {
    const storage = new Storage(dir())
    await storage.init()
    const listen = ['/ip4/127.0.0.1/tcp/0', '/webrtc']
    assert.deepEqual(await withRememberedPorts(storage, listen, silentLogger), listen, 'nothing remembered yet')
    const free = net.createServer()
    await new Promise<void>(resolve => free.listen(0, '127.0.0.1', resolve))
    const port = (free.address() as net.AddressInfo).port
    await new Promise(resolve => free.close(resolve))
    await rememberPorts(storage, listen, [`/ip4/127.0.0.1/tcp/${port}/p2p/${ID_A}`], silentLogger)
    assert.deepEqual(await withRememberedPorts(storage, listen, silentLogger), [`/ip4/127.0.0.1/tcp/${port}`, '/webrtc'])
    const holder = net.createServer()
    await new Promise<void>(resolve => holder.listen(port, '127.0.0.1', resolve))
    try {
      assert.deepEqual(await withRememberedPorts(storage, listen, silentLogger), listen, 'a taken port falls back to any port')
    } finally {
      await new Promise(resolve => holder.close(resolve))
    }
  })

  it('leaves a configured port alone, and survives a damaged file', async () => {
    const d = dir()
    const storage = new Storage(d)
    await storage.init()
    writeFileSync(path.join(d, 'listen-ports.json'), '{"version":1,"ports":{"/ip4/0.0.0.0/tcp/0":"x"}}')
    assert.deepEqual(await withRememberedPorts(storage, ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/0'], silentLogger), ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/0'])
  })
})

describe('network changes', () => {
  function stubNode (conns: Array<{ peer: string, addr: string }>): any {
    const aborted: string[] = []
    return {
      aborted,
      getMultiaddrs: () => [],
      getConnections: () => conns.filter(c => !aborted.includes(c.peer)).map(c => ({
        remotePeer: { toString: () => c.peer },
        remoteAddr: { toString: () => c.addr },
        status: 'open',
        abort: () => { aborted.push(c.peer) }
      })),
      addEventListener () {},
      removeEventListener () {}
    }
  }

  it('aborts connections to other hosts when an address goes away, and redials the participants and the peers it had', async () => {
    let ifaces = ['10.0.0.2']
    const node = stubNode([{ peer: 'lan', addr: '/ip4/10.0.0.9/tcp/1' }, { peer: 'local', addr: '/ip4/127.0.0.1/tcp/2' }])
    const dialled: string[] = []
    const watch = new NetworkChangeWatch({ node: () => node, participantsNow: () => ['bob'], dialKnown: async p => { dialled.push(p); return true }, addressesChanged: () => {}, log: silentLogger, interfaceAddresses: () => ifaces })
    watch.start()
    try {
      ifaces = ['10.0.0.2', '10.0.1.2']
      watch.check()
      assert.deepEqual(node.aborted, [], 'a new address alone breaks nothing')
      ifaces = ['10.0.1.2']
      watch.check()
      assert.deepEqual(node.aborted, ['lan'], 'loopback connections stay')
      await new Promise(resolve => setTimeout(resolve, 20))
      assert.deepEqual(dialled.sort(), ['bob', 'lan'])
    } finally {
      watch.stop()
    }
  })

  it('treats a wake from sleep as a change', () => {
    let now = 1000
    const node = stubNode([{ peer: 'lan', addr: '/ip4/10.0.0.9/tcp/1' }])
    const watch = new NetworkChangeWatch({ node: () => node, participantsNow: () => [], dialKnown: async () => true, addressesChanged: () => {}, log: silentLogger, interfaceAddresses: () => ['10.0.0.2'], now: () => now })
    watch.start()
    try {
      now += 5000
      watch.check()
      assert.deepEqual(node.aborted, [])
      now += 60_000
      watch.check()
      assert.deepEqual(node.aborted, ['lan'])
    } finally {
      watch.stop()
    }
  })

  it('reconnects to the participants of conferences running now, not of past or later ones', () => {
    const now = Date.parse('2026-11-30T10:00:00Z')
    const conf = (id: string, start: number, durationMinutes: number) => ({ context: { id, start, durationMinutes } })
    const port = {
      list: () => [conf('now', now - 10 * 60_000, 60), conf('past', now - 3 * 3_600_000, 60), conf('later', now + 3_600_000, 30), conf('declined', now, 60)],
      takesPart: (id: string) => id !== 'declined',
      participants: (id: string) => ({ now: ['me', 'bob'], past: ['me', 'carol'], later: ['me', 'dave'], declined: ['erin'] } as Record<string, string[]>)[id]
    }
    assert.deepEqual(participantsOfRunningConferences(port, 'me', now), ['bob'])
  })
})
