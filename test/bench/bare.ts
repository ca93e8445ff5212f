// The baselines: libp2p with DevMeet's transport stack (TCP, noise, yamux) and none of its
// protocols, speaking '/bench/1.0.0' (length-prefixed frames); and a bare TCP socket.
import * as net from 'node:net'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'

export const BENCH_PROTOCOL = '/bench/1.0.0'
const MAX_FRAME = 64 * 1024

export type FrameHandler = (frame: Uint8Array, from: string) => void

/** A bare libp2p node on loopback; every inbound frame on '/bench/1.0.0' goes to `onFrame`. */
export class BareNode {
  onFrame: FrameHandler = () => {}
  private readonly outbound = new Map<string, LengthPrefixedStream<Stream>>()

  private constructor (readonly node: Libp2p) {}

  static async start (): Promise<BareNode> {
    const node = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      // The same bound as DevMeet's node.
      streamMuxers: [yamux({ maxMessageSize: 64 * 1024 } as any)],
      connectionGater: { denyDialMultiaddr: () => false },
      connectionMonitor: { abortConnectionOnPingFailure: false },
      // Every peer of a mesh dials from 127.0.0.1: the per-host inbound rate limit must not refuse them.
      connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1000 }
    })
    const bare = new BareNode(node)
    await node.handle(BENCH_PROTOCOL, (stream, connection) => {
      void bare.readLoop(stream, connection.remotePeer.toString())
    }, { maxInboundStreams: 256, maxOutboundStreams: 256 })
    return bare
  }

  get peerId (): string {
    return this.node.peerId.toString()
  }

  get addr (): string {
    return this.node.getMultiaddrs()[0].toString()
  }

  /** Opens (once) a stream to the node at `addr`. */
  async open (addr: string): Promise<LengthPrefixedStream<Stream>> {
    let lp = this.outbound.get(addr)
    if (lp == null) {
      const { multiaddr } = await import('@multiformats/multiaddr')
      const stream = await this.node.dialProtocol(multiaddr(addr), BENCH_PROTOCOL)
      lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      this.outbound.set(addr, lp)
    }
    return lp
  }

  async send (addr: string, frame: Uint8Array): Promise<void> {
    await (await this.open(addr)).write(frame)
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }

  private async readLoop (stream: Stream, from: string): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
    try {
      for (;;) {
        // Read first: the handler is looked up after the frame arrived (tests swap it between runs).
        const frame = (await lp.read()).subarray()
        this.onFrame(frame, from)
      }
    } catch (err) { if (process.env.BENCH_DEBUG != null) console.error('bare read ended', err) }
  }
}

/** Two ends of a loopback TCP connection with 4-byte length-prefixed frames. */
export class BareTcpPair {
  onFrame: (frame: Buffer) => void = () => {}

  private constructor (private readonly server: net.Server, private readonly client: net.Socket, private readonly accepted: net.Socket) {}

  static async open (): Promise<BareTcpPair> {
    const server = net.createServer()
    const acceptedP = new Promise<net.Socket>(resolve => server.once('connection', resolve))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as net.AddressInfo).port
    const client = net.connect(port, '127.0.0.1')
    client.setNoDelay(true)
    await new Promise<void>(resolve => client.once('connect', resolve))
    const accepted = await acceptedP
    accepted.setNoDelay(true)
    const pair = new BareTcpPair(server, client, accepted)
    let buf = Buffer.alloc(0)
    accepted.on('data', chunk => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0)
        if (buf.length < 4 + len) break
        pair.onFrame(buf.subarray(4, 4 + len))
        buf = buf.subarray(4 + len)
      }
    })
    return pair
  }

  send (frame: Uint8Array): void {
    const head = Buffer.alloc(4)
    head.writeUInt32BE(frame.length, 0)
    this.client.write(Buffer.concat([head, frame]))
  }

  async close (): Promise<void> {
    this.client.destroy()
    this.accepted.destroy()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }
}

/** Starts `n` bare nodes and opens a stream from every node to every other (a full mesh). */
export async function bareMesh (n: number): Promise<BareNode[]> {
  const nodes = await Promise.all(Array.from({ length: n }, () => BareNode.start()))
  for (const a of nodes) {
    for (const b of nodes) if (a !== b) await a.open(b.addr)
  }
  return nodes
}
