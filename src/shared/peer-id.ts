// How a peer ID is shown beside a name, the same in the trees, notifications and the chat page.

/** The short form of a peer ID shown beside every name: enough to tell peers apart. */
export function shortPeerId (peerId: string): string {
  const id = typeof peerId === 'string' ? peerId : ''
  return id.length <= 12 ? id : `…${id.slice(-8)}`
}
