import type { Stream } from '@libp2p/interface'

const RELAY_PROTOCOLS = new Set(['/libp2p/circuit/relay/0.2.0/hop', '/libp2p/circuit/relay/0.2.0/stop'])
/** How often the node's relay streams are looked over. */
export const SWEEP_EVERY_MS = 10_000

interface Sweepable {
  getConnections(): Array<{ streams: Stream[] }>
}

/**
 * Relay streams that one side has finished with and the other never will. libp2p's relay server
 * answers a refused reservation or circuit and returns without closing its side; the client
 * closes only its own, so the stream stays open on both ends for the life of the connection, and
 * holds the connection as busy (at 50 participants, a super peer held 34 connections this way).
 * A relay stream found half-closed at two sweeps in a row is reset; a working circuit's stream is
 * open both ways and left alone. Returns how many were reset.
 */
export class HalfClosedRelayStreams {
  private seen = new WeakSet<Stream>()

  sweep (node: Sweepable): number {
    const now = new WeakSet<Stream>()
    let reset = 0
    for (const c of node.getConnections()) {
      for (const s of c.streams) {
        if (!RELAY_PROTOCOLS.has(s.protocol ?? '') || s.status !== 'open') continue
        const halfClosed = (s.writeStatus === 'closed') !== (s.remoteWriteStatus === 'closed')
        if (!halfClosed) continue
        if (this.seen.has(s)) {
          s.abort(new Error('relay stream left half-closed by its other side'))
          reset++
        } else {
          now.add(s)
        }
      }
    }
    this.seen = now
    return reset
  }
}
