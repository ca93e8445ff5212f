// Which name a person shows under in a conference. My own petname for a peer wins over anything a
// peer says, the organizer included: otherwise an organizer could label a stranger "Alice" and the
// chat would show two Alices. Where two people of one conference still show the same name (two
// peers both calling themselves Alice), each gets a longer piece of its peer ID beside the name.
import type { ConferenceContext } from './api'
import { sanitizeDisplayName } from './identity'

export interface NameSources {
  /** my peer ID */
  me: string | undefined
  /** my own display name */
  myName: string
  /** the name I gave a peer, if any */
  petname(peerId: string): string | undefined
  /** the name a peer gives itself (its profile, learned on connection) */
  ownName(peerId: string): string | undefined
}

/** Enough of a peer ID that a second identity cannot be made to match it by grinding keys. */
export const COLLISION_ID_CHARS = 16

function baseName (peerId: string, listed: string | undefined, src: NameSources): string {
  if (peerId === src.me) return src.myName
  const petname = src.petname(peerId)
  if (petname != null && petname.trim() !== '') return sanitizeDisplayName(petname)
  const own = src.ownName(peerId)
  if (own != null && own.trim() !== '') return sanitizeDisplayName(own)
  if (listed != null && listed.trim() !== '') return sanitizeDisplayName(listed)
  return `peer …${peerId.slice(-8)}`
}

/** Names compare the way a reader sees them: case and compatibility forms folded. */
function collisionKey (name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim()
}

/**
 * The shown name of every person of a conference (organizer, invitees, and `others` such as
 * message authors no longer listed), keyed by peer ID.
 */
export function shownNames (ctx: ConferenceContext | undefined, src: NameSources, others: Iterable<string> = []): Map<string, string> {
  const listed = new Map<string, string | undefined>()
  if (ctx != null) {
    listed.set(ctx.organizer.peerId, ctx.organizer.displayName)
    for (const i of ctx.invitees) listed.set(i.peerId, i.displayName)
  }
  for (const id of others) if (!listed.has(id)) listed.set(id, undefined)
  if (src.me != null && !listed.has(src.me)) listed.set(src.me, undefined)

  const base = new Map<string, string>()
  const byKey = new Map<string, string[]>()
  for (const [id, name] of listed) {
    const shownBase = baseName(id, name, src)
    base.set(id, shownBase)
    const key = collisionKey(shownBase)
    byKey.set(key, [...(byKey.get(key) ?? []), id])
  }
  const names = new Map<string, string>()
  for (const [id, name] of base) {
    const clash = byKey.get(collisionKey(name))!.length > 1
    // My own name stays as it is: I know who I am; the others are set apart from me.
    names.set(id, clash && id !== src.me ? `${name} (…${id.slice(-COLLISION_ID_CHARS)})` : name)
  }
  return names
}

/** The shown name of one person in a conference. */
export function shownNameOf (peerId: string, ctx: ConferenceContext | undefined, src: NameSources): string {
  return shownNames(ctx, src, [peerId]).get(peerId)!
}
