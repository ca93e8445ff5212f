// A team as one line a colleague can paste: `devmeet-team:<base64url of {"v":1,"name",
// "members":[{"id","name"}]}>`. What comes back is hostile input (a chat message, a web page or a
// joker can hand anyone such a line): bounded before decoding, strict schema, every peer ID parsed
// by libp2p, names cleaned like display names; an error says what is wrong and nothing is kept.
import * as z from 'zod'
import { MAX_TEAM_MEMBERS, isPeerIdText, teamMemberName, type TeamMember } from './team-member'
import { sanitizeDisplayName } from './identity'
import { untrusted } from '../shared/shown-text'
import { localized } from '../shared/localized'

export const TEAM_LINE_PREFIX = 'devmeet-team:'
/** 200 members with 64-character names fit in about 40,000 characters; anything longer is refused unread. */
export const MAX_TEAM_LINE_CHARS = 64 * 1024
const VERSION = 1

const lineSchema = z.strictObject({
  v: z.literal(VERSION),
  name: z.string().min(1).max(256),
  members: z.array(z.strictObject({
    id: z.string().max(64),
    name: z.string().max(256).optional()
  })).max(MAX_TEAM_MEMBERS)
})

export type TeamLineResult =
  | { ok: true, name: string, members: TeamMember[] }
  | { ok: false, reason: string }

/** The line for a team. */
export function encodeTeamLine (team: { name: string, members: readonly TeamMember[] }): string {
  const body = { v: VERSION, name: team.name, members: team.members.map(m => ({ id: m.peerId, name: m.name })) }
  return TEAM_LINE_PREFIX + Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')
}

/** Reads a pasted line; never throws. */
export function decodeTeamLine (pasted: unknown): TeamLineResult {
  const fail = (reason: string): TeamLineResult => ({ ok: false, reason })
  if (typeof pasted !== 'string') return fail(localized`Paste a team line.`)
  if (pasted.length > MAX_TEAM_LINE_CHARS) return fail(localized`That is too long for a team line (at most ${MAX_TEAM_LINE_CHARS} characters).`)
  const line = pasted.trim()
  if (!line.startsWith(TEAM_LINE_PREFIX)) return fail(localized`A team line starts with "${untrusted(TEAM_LINE_PREFIX)}"; ask for one made by "Copy Team".`)
  const encoded = line.slice(TEAM_LINE_PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return fail(localized`The team line is damaged (it must be one line, as "Copy Team" made it).`)
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64url')))
  } catch {
    return fail(localized`The team line is damaged: it does not decode.`)
  }
  if (value != null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { v?: unknown }).v === 'number' && (value as { v: number }).v > VERSION) {
    return fail(localized`The team line comes from a newer DevMeet; update the extension to read it.`)
  }
  const parsed = lineSchema.safeParse(value)
  if (!parsed.success) return fail(localized`The team line is not a DevMeet team (${untrusted(parsed.error.issues[0]?.message ?? 'unexpected content')}).`)
  const name = sanitizeDisplayName(parsed.data.name, '')
  if (name === '') return fail(localized`The team line has no name.`)
  const members: TeamMember[] = []
  for (const [i, m] of parsed.data.members.entries()) {
    if (!isPeerIdText(m.id)) return fail(localized`Member ${i + 1} of the team line is not a peer ID.`)
    if (!members.some(x => x.peerId === m.id)) members.push({ peerId: m.id, name: teamMemberName(m.name) })
  }
  return { ok: true, name, members }
}
