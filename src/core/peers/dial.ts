import type { Connection } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { DevMeetLibp2p } from '../node'
import type { Logger } from '../log'
import type { PeerAddress } from '../address'
import { DialFailedError, NoKnownAddressError } from '../errors'
import { describeDialError } from '../error-wording'

export const CONNECT_TIMEOUT_MS = 15_000

/**
 * Dials a parsed address: its multiaddrs, or a bare peer ID through the DHT. Throws
 * DialFailedError with a sentence the user can act on.
 */
export async function dialAddress (node: DevMeetLibp2p, address: PeerAddress, log: Logger): Promise<Connection> {
  const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS)
  try {
    if (address.multiaddrs.length > 0) return await node.dial(address.multiaddrs, { signal })
    const peerId = peerIdFromString(address.peerId!)
    const found = await node.peerRouting.findPeer(peerId, { signal })
    if (found.multiaddrs.length === 0) throw new NoKnownAddressError()
    await node.peerStore.merge(peerId, { multiaddrs: found.multiaddrs })
    return await node.dial(peerId, { signal })
  } catch (err: any) {
    // A dial can fail while another path to the peer worked (a WebRTC attempt that opened a
    // relayed connection for its signalling, then failed): a working connection is success.
    const open = address.peerId == null ? undefined : node.getConnections(peerIdFromString(address.peerId)).find(c => c.status === 'open')
    if (open == null) throw new DialFailedError(describeDialError(err), { cause: err })
    log.debug(`dial of ${address.peerId} failed (${err?.message ?? err}) but a connection is open: using it`)
    return open
  }
}

/** Dials a peer by ID, adding `addrs` to what the peer store knows. Never throws: false when it failed. */
export async function dialById (node: DevMeetLibp2p, peerId: string, addrs: string[], log: Logger): Promise<boolean> {
  try {
    const id = peerIdFromString(peerId)
    if (node.getConnections(id).length > 0) return true
    const { multiaddr } = await import('@multiformats/multiaddr')
    const parsed = [...new Set(addrs)]
      .map(a => { try { return multiaddr(a) } catch { return undefined } })
      .filter(a => a != null)
    if (parsed.length > 0) await node.peerStore.merge(id, { multiaddrs: parsed }).catch(() => {})
    await node.dial(id, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) })
    return true
  } catch (err: any) {
    log.debug(`dial ${peerId} failed: ${err?.message ?? err}`)
    return false
  }
}

/**
 * Dials a peer at exactly these addresses (each bound to its ID, so only that peer can answer),
 * not the peer store's: a dial of the peer by ID that is already under way with stale addresses
 * would swallow them. Never throws: false when it failed.
 */
export async function dialAt (node: DevMeetLibp2p, peerId: string, addrs: string[], log: Logger): Promise<boolean> {
  try {
    const { multiaddr } = await import('@multiformats/multiaddr')
    const suffix = `/p2p/${peerId}`
    const bound = [...new Set(addrs.map(a => a.endsWith(suffix) ? a : `${a}${suffix}`))].map(a => multiaddr(a))
    if (bound.length === 0) return false
    await node.dial(bound, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) })
    await node.peerStore.merge(peerIdFromString(peerId), { multiaddrs: bound }).catch(() => {})
    return true
  } catch (err: any) {
    log.debug(`dial ${peerId} at ${addrs.join(' ')} failed: ${err?.message ?? err}`)
    return false
  }
}
