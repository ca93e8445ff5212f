// A bare libp2p node with GossipSub in its own process (the mesh fan-out's baseline): DevMeet's
// transport stack (TCP, noise, yamux) plus identify and @libp2p/gossipsub with its defaults
// (signed messages, D = 6). Commands on stdin as JSON lines: {cmd:'dial', addrs}, {cmd:'publish',
// body}, {cmd:'stats'}; prints its ready line and one line per message received.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import * as readline from 'node:readline'

export const GOSSIP_TOPIC = 'devmeet-bench'

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux({ maxMessageSize: 64 * 1024 } as any)],
  connectionGater: { denyDialMultiaddr: () => false },
  connectionMonitor: { abortConnectionOnPingFailure: false },
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1000 },
  services: {
    identify: identify(),
    pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false })
  }
})
const pubsub = node.services.pubsub
pubsub.subscribe(GOSSIP_TOPIC)
const decoder = new TextDecoder()
const out = (line: unknown): void => { process.stdout.write(JSON.stringify(line) + '\n') }
pubsub.addEventListener('message', evt => {
  if (evt.detail.topic !== GOSSIP_TOPIC) return
  out({ event: 'message', body: decoder.decode(evt.detail.data).slice(0, 64) })
})
out({ event: 'ready', addr: node.getMultiaddrs()[0].toString(), peerId: node.peerId.toString() })

readline.createInterface({ input: process.stdin }).on('line', text => {
  void (async () => {
    const line = JSON.parse(text)
    try {
      let result: unknown = true
      if (line.cmd === 'dial') {
        const dialled = await Promise.allSettled((line.addrs as string[]).map(async a => await node.dial(multiaddr(a))))
        result = { failed: dialled.filter(d => d.status === 'rejected').length }
      } else if (line.cmd === 'publish') {
        await pubsub.publish(GOSSIP_TOPIC, new TextEncoder().encode(line.body))
      } else if (line.cmd === 'stats') {
        result = { connections: node.getConnections().length, mesh: (pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(GOSSIP_TOPIC).length }
      }
      out({ id: line.id, ok: true, result })
    } catch (err: any) {
      out({ id: line.id, ok: false, error: String(err?.message ?? err) })
    }
  })()
})
const stop = (): void => { void Promise.resolve(node.stop()).finally(() => process.exit(0)) }
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
