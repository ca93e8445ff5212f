import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidAddressError } from './errors'
import { untrusted } from '../shared/shown-text'
import { localized } from '../shared/localized'

/**
 * A peer address a person can paste: the peer ID, then its multiaddrs, separated by spaces,
 * e.g. `12D3KooW… /ip4/192.168.1.20/tcp/40123 /ip4/127.0.0.1/tcp/40123`.
 * Also accepted: a bare multiaddr (with or without /p2p/), or a bare peer ID (found through the DHT).
 */
export interface PeerAddress {
  peerId?: string
  multiaddrs: Multiaddr[]
}

const MAX_ADDRESS_LENGTH = 4096
const MAX_MULTIADDRS = 32

/** Parses an address string; throws InvalidAddressError with a reason a person can act on. */
export function parsePeerAddress (input: string): PeerAddress {
  const text = input.trim()
  if (text === '') throw new InvalidAddressError(localized`Paste a DevMeet address, a multiaddr or a peer ID.`)
  if (text.length > MAX_ADDRESS_LENGTH) throw new InvalidAddressError(localized`That is too long to be a DevMeet address.`)
  const tokens = text.split(/[\s,]+/).filter(t => t !== '')
  let peerId: string | undefined
  const multiaddrs: Multiaddr[] = []
  for (const token of tokens) {
    if (token.startsWith('/')) {
      let ma: Multiaddr
      try {
        ma = multiaddr(token)
      } catch {
        throw new InvalidAddressError(localized`"${untrusted(clip(token))}" is not a valid multiaddr.`)
      }
      const embedded = targetPeerId(ma)
      if (embedded != null) {
        if (peerId != null && peerId !== embedded) throw new InvalidAddressError(localized`The address names two different peer IDs.`)
        peerId = embedded
      }
      multiaddrs.push(ma)
    } else {
      let id: string
      try {
        id = peerIdFromString(token).toString()
      } catch {
        throw new InvalidAddressError(localized`"${untrusted(clip(token))}" is neither a peer ID nor a multiaddr (multiaddrs start with "/").`)
      }
      if (peerId != null && peerId !== id) throw new InvalidAddressError(localized`The address names two different peer IDs.`)
      peerId = id
    }
  }
  if (multiaddrs.length > MAX_MULTIADDRS) throw new InvalidAddressError(localized`At most ${MAX_MULTIADDRS} multiaddrs, please.`)
  // Give every multiaddr the peer ID, so the dial is authenticated against it.
  const withIds = multiaddrs.map(ma => {
    return (peerId != null && targetPeerId(ma) == null) ? ma.encapsulate(`/p2p/${peerId}`) : ma
  })
  return { peerId, multiaddrs: withIds }
}

/** Formats our own address string: the peer ID, then multiaddrs (without the /p2p/ suffix), best first. */
export function formatPeerAddress (peerId: string, multiaddrs: Multiaddr[]): string {
  const plain = new Set<string>()
  for (const ma of multiaddrs) {
    const text = ma.toString()
    const suffix = `/p2p/${peerId}`
    plain.add(text.endsWith(suffix) ? text.slice(0, -suffix.length) : text)
  }
  const sorted = [...plain].sort((a, b) => addressRank(a) - addressRank(b))
  return [peerId, ...sorted].join(' ')
}

/**
 * The peer a multiaddr leads to. In a relay address (`…/p2p/<relay>/p2p-circuit[/webrtc]/p2p/<peer>`)
 * that is the ID after the last `/p2p-circuit`, never the relay's; `…/p2p-circuit` alone names none.
 */
export function targetPeerId (ma: Multiaddr): string | undefined {
  const components = ma.getComponents()
  const circuit = components.findLastIndex(c => c.name === 'p2p-circuit')
  return components.slice(circuit + 1).findLast(c => c.name === 'p2p')?.value
}

function addressRank (ma: string): number {
  if (ma.includes('/p2p-circuit')) return 3
  if (ma.startsWith('/ip4/127.') || ma.startsWith('/ip6/::1/')) return 2
  return 1
}

function clip (s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s
}
