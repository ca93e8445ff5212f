// What a team member is, shared by the team store and the team line: a peer ID that libp2p can
// read and a name cleaned like a display name.
import { peerIdFromString } from '@libp2p/peer-id'
import { sanitizeDisplayName } from './identity'

export const MAX_TEAM_MEMBERS = 200

/** A member as a team keeps it: the peer ID and the name it had when added (shown when the peer is not known). */
export interface TeamMember {
  peerId: string
  name: string
}

/** A member's name: like a display name (NFC, no control or bidi characters, at most 64 characters). */
export function teamMemberName (raw: unknown): string {
  return sanitizeDisplayName(raw, 'Unnamed peer')
}

/** True for a peer ID libp2p can read (a key's multihash in base58btc), written as libp2p writes it. */
export function isPeerIdText (text: unknown): text is string {
  if (typeof text !== 'string' || text.length < 40 || text.length > 64 || !/^[1-9A-HJ-NP-Za-km-z]+$/.test(text)) return false
  try {
    return peerIdFromString(text).toString() === text
  } catch {
    return false
  }
}
