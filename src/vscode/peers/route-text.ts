import type { Route, RelayStatus } from '../../core/relay/super-peer'
import { untrusted, type ShownText } from '../../shared/shown-text'
import { localized, plural } from '../localized'

/** How we are connected to a peer, in words; the relay's name came from a peer, so it goes through untrusted(). */
export function routeText (route: Route | undefined, nameOf: (peerId: string) => string): ShownText {
  if (route == null) return localized`not connected`
  switch (route.kind) {
    case 'direct': return route.transport === 'tcp' ? localized`direct (TCP)` : localized`direct`
    case 'webrtc': return localized`direct (WebRTC)`
    case 'relayed': return localized`relayed through ${untrusted(nameOf(route.relay), 64)}`
  }
}

/** Our part as a relay in one line: serving our conference peers, holding slots on others, or neither. */
export function relayStatusText (status: RelayStatus, nameOf: (peerId: string) => string): ShownText {
  const reach = status.reachability === 'reachable'
    ? localized`peers can dial you`
    : status.reachability === 'unreachable' ? localized`peers cannot dial you (NAT)` : localized`not checked yet`
  if (status.serving) {
    const n = status.slotHolders.length
    return plural(n, localized`Reachability: ${reach}; relaying for your conference peers (${n} slot in use)`, localized`Reachability: ${reach}; relaying for your conference peers (${n} slots in use)`)
  }
  if (status.slotsOn.length > 0) {
    return localized`Reachability: ${reach}; reachable through ${untrusted(status.slotsOn.map(nameOf).join(', '), 200)}`
  }
  return localized`Reachability: ${reach}`
}
