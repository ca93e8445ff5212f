// @mentions: resolved to participants' peer IDs when a message is sent (the signed record carries
// the IDs, not the names, so a later rename or a look-alike name cannot redirect a mention).
import type { ChatMessage } from '../core/api'
import { MAX_MENTIONS } from './limits'
import { visibleLine } from './shown-text'

export interface Mentionable {
  peerId: string
  name: string
}

/**
 * The participants `text` mentions as `@Name` (case-insensitive, the name as shown, followed by a
 * non-word character or the end), at most MAX_MENTIONS, each once; longer names are tried first
 * so that "@Ann Lee" is not taken for "@Ann".
 */
export function mentionsIn (text: string, participants: readonly Mentionable[]): string[] {
  const lower = text.normalize('NFC').toLowerCase()
  const byLength = participants
    .map(p => ({ peerId: p.peerId, name: visibleLine(p.name).toLowerCase() }))
    .filter(p => p.name !== '')
    .sort((a, b) => b.name.length - a.name.length)
  const found: string[] = []
  let at = lower.indexOf('@')
  while (at >= 0 && found.length < MAX_MENTIONS) {
    const rest = lower.slice(at + 1)
    const hit = byLength.find(p => rest.startsWith(p.name) && !/^[\p{L}\p{N}_]/u.test(rest.slice(p.name.length)))
    if (hit != null && !found.includes(hit.peerId)) found.push(hit.peerId)
    at = lower.indexOf('@', at + 1)
  }
  return found
}

/** Whether `m` mentions `me` and should be announced (not my own, not a re-sent equivocation mark). */
export function mentionsMe (m: ChatMessage, me: string | undefined): boolean {
  return me != null && m.author !== me && m.equivocated !== true && (m.kind === 'text' || m.kind === 'code') && m.mentions?.includes(me) === true
}
