/** How we are connected to a peer, one entry per open connection. */
export type Route =
  | { kind: 'direct', transport: 'tcp' | 'other' }
  | { kind: 'webrtc' }
  | { kind: 'relayed', relay: string }

/**
 * Reads a connection's remote address: a WebRTC connection set up through a relay carries
 * `/p2p-circuit/webrtc` but its data flows directly, so /webrtc wins over /p2p-circuit; a relayed
 * one names its relay as the /p2p/ part before /p2p-circuit.
 */
export function routeOf (remoteAddr: string): Route {
  if (/\/webrtc(\/|$)/.test(remoteAddr)) return { kind: 'webrtc' }
  const circuit = remoteAddr.indexOf('/p2p-circuit')
  if (circuit >= 0) {
    const relay = /\/p2p\/([^/]+)$/.exec(remoteAddr.slice(0, circuit))?.[1] ?? '?'
    return { kind: 'relayed', relay }
  }
  return { kind: 'direct', transport: remoteAddr.includes('/tcp/') ? 'tcp' : 'other' }
}

/** The best of a peer's routes (direct over WebRTC over relayed), or undefined when there is none. */
export function bestRoute (routes: Route[]): Route | undefined {
  const rank = (r: Route): number => r.kind === 'direct' ? 0 : r.kind === 'webrtc' ? 1 : 2
  return [...routes].sort((a, b) => rank(a) - rank(b))[0]
}

/** One plain line for a route; `nameOf` turns the relay's peer ID into what the user knows it by. */
export function describeRoute (route: Route | undefined, nameOf: (peerId: string) => string): string {
  if (route == null) return 'not connected'
  switch (route.kind) {
    case 'direct': return route.transport === 'tcp' ? 'direct (TCP)' : 'direct'
    case 'webrtc': return 'direct (WebRTC)'
    case 'relayed': return `relayed through ${nameOf(route.relay)}`
  }
}
