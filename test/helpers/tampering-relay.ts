// A hostile circuit relay for the NAT lab: a stock libp2p relay that watches every byte it relays
// for a plaintext marker and, when told to, flips one byte of the next relayed chunk (the data a
// peer sent through it to another peer). A relay sees only the two peers' own Noise session, so it
// should never see the marker, and a flipped byte must make that session fail, not alter a message.
// Usage: node --import tsx tampering-relay.ts <listen multiaddr> <marker>
// stdin lines: "arm" (flip one byte of the next relayed chunk), "report"; stdout: JSON lines.
import * as readline from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { circuitRelayServer, RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'

const [listen, marker] = process.argv.slice(2)
const out = (value: unknown): void => { process.stdout.write(JSON.stringify(value) + '\n') }

const node = await createLibp2p({
  start: false,
  addresses: { listen: [listen] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionGater: { denyDialMultiaddr: () => false },
  services: {
    identify: identify(),
    // No limits, like DevMeet's own relay: relayed connections carry the chat itself.
    relay: circuitRelayServer({ reservations: { applyDefaultLimit: false } })
  }
})

let armed = false
let relayedBytes = 0
let sawMarker = false
const needle = Buffer.from(marker)
let tail = Buffer.alloc(0)

// Wrap the HOP handler so that our listener sees each relayed chunk before the relay forwards it.
const registrar = (node as any).components.registrar
const handle = registrar.handle.bind(registrar)
registrar.handle = async (protocol: string, handler: any, opts: any) => {
  if (protocol !== RELAY_V2_HOP_CODEC) return handle(protocol, handler, opts)
  return handle(protocol, (stream: any, connection: any) => {
    stream.addEventListener('message', (evt: any) => {
      const data = evt.data
      const bytes: Uint8Array = data instanceof Uint8Array ? data : data.subarray()
      relayedBytes += bytes.byteLength
      const window = Buffer.concat([tail, Buffer.from(bytes)])
      if (window.includes(needle)) sawMarker = true
      tail = window.subarray(Math.max(0, window.length - needle.length))
      if (armed && bytes.byteLength >= 64) {
        armed = false
        const i = Math.floor(bytes.byteLength / 2)
        // Edit the relay's own buffer in place: the relay forwards the flipped byte.
        if (data instanceof Uint8Array) data[i] ^= 0x01
        else data.set(i, data.get(i) ^ 0x01)
        out({ event: 'tampered', size: bytes.byteLength })
      }
    })
    return handler(stream, connection)
  }, opts)
}

await node.start()
out({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

readline.createInterface({ input: process.stdin }).on('line', line => {
  if (line === 'arm') {
    armed = true
    out({ event: 'armed' })
  } else if (line === 'report') {
    out({ event: 'report', relayedBytes, sawMarker })
  }
}).on('close', () => { void shutdown() })
process.on('SIGTERM', () => { void shutdown() })

async function shutdown (): Promise<void> {
  await node.stop()
  process.exit(0)
}
