/*
 * How a known peer's remembered addresses change when it is seen again. What the peer itself says
 * now (identify on an authenticated connection) comes first; what we knew before stays behind it
 * for a few more sightings (a laptop back on its home network may answer there again), and falls
 * off after that: each sighting pushes older addresses further back, and only the first
 * MAX_OLDER_ADDRS of them survive it.
 */

/** Addresses kept in total per peer (ContactStore keeps the same number). */
export const MAX_REMEMBERED_ADDRS = 16
/** Addresses from earlier sightings kept behind the fresh ones. */
export const MAX_OLDER_ADDRS = 4

/** The remembered list after a sighting: `fresh` first (in its order), then up to MAX_OLDER_ADDRS of `previous`. */
export function refreshedAddresses (fresh: string[], previous: string[]): string[] {
  const freshSet = new Set(fresh)
  const older = previous.filter(a => !freshSet.has(a)).slice(0, MAX_OLDER_ADDRS)
  return [...new Set([...fresh, ...older])].slice(0, MAX_REMEMBERED_ADDRS)
}

/** Addresses worth remembering: dialable ones (a host first), without a trailing `/p2p/<id>` of the peer itself. */
export function rememberableAddresses (peerId: string, addrs: string[]): string[] {
  const suffix = `/p2p/${peerId}`
  const kept = addrs
    .map(a => a.endsWith(suffix) ? a.slice(0, -suffix.length) : a)
    .filter(a => a.length <= 1024 && /^\/(ip4|ip6|dns|dns4|dns6)\//.test(a))
  return [...new Set(kept)]
}
