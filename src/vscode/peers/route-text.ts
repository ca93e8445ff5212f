import type { Route, RelayStatus } from '../../core/relay/super-peer'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'

/** How we are connected to a peer, in words; the relay's name came from a peer, so it goes through untrusted(). */
export function routeText (route: Route | undefined, nameOf: (peerId: string) => string): ShownText {
  if (route == null) return shown`not connected`
  switch (route.kind) {
    case 'direct': return route.transport === 'tcp' ? shown`direct (TCP)` : shown`direct`
    case 'webrtc': return shown`direct (WebRTC)`
    case 'relayed': return shown`relayed through ${untrusted(nameOf(route.relay), 64)}`
  }
}

/** Our part as a relay in one line: serving our conference peers, holding slots on others, or neither. */
export function relayStatusText (status: RelayStatus, nameOf: (peerId: string) => string): ShownText {
  const reach = status.reachability === 'reachable'
    ? shown`peers can dial you`
    : status.reachability === 'unreachable' ? shown`peers cannot dial you (NAT)` : shown`not checked yet`
  if (status.serving) {
    const n = status.slotHolders.length
    return shown`Reachability: ${reach}; relaying for your conference peers (${untrusted(String(n))} slot${n === 1 ? shown`` : shown`s`} in use)`
  }
  if (status.slotsOn.length > 0) {
    return shown`Reachability: ${reach}; reachable through ${untrusted(status.slotsOn.map(nameOf).join(', '), 200)}`
  }
  return shown`Reachability: ${reach}`
}
