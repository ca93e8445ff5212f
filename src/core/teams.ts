// Teams: named groups of peers ("Backend team") that the user picks as invitees in one go. Local
// to the user, never sent to a peer: one atomic JSON file in the data folder, like the contacts.
// Bounded (MAX_TEAMS, MAX_TEAM_MEMBERS, names like display names), and each team on the disk is
// checked on its own, so one damaged entry never costs the others.
import * as z from 'zod'
import { randomBytes } from 'node:crypto'
import { type Storage } from './storage'
import { DamagedFileError, TeamRuleError, isError } from './errors'
import { sanitizeDisplayName } from './identity'
import { MAX_TEAM_MEMBERS, isPeerIdText, teamMemberName, type TeamMember } from './team-member'
import { decodeTeamLine, encodeTeamLine, type TeamLineResult } from './team-line'
import { localized } from '../shared/localized'

export { MAX_TEAM_MEMBERS, TeamRuleError, isPeerIdText, type TeamMember }

export const MAX_TEAMS = 100
export const MAX_TEAM_NAME_CHARS = 64

export interface Team {
  /** local only: 16 random bytes, base64url */
  id: string
  name: string
  members: TeamMember[]
  createdAt: number
  updatedAt: number
}

/** A team's name cleaned like a display name; an empty one is refused. */
export function cleanTeamName (raw: unknown): string {
  const name = sanitizeDisplayName(raw, '')
  if (name === '') throw new TeamRuleError(localized`Give the team a name.`)
  return name
}

const memberSchema = z.strictObject({
  peerId: z.string().max(64).refine(isPeerIdText, 'not a peer ID'),
  name: z.string().max(256).transform(teamMemberName)
})

const teamSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{16,43}$/),
  name: z.string().min(1).max(256).transform(n => sanitizeDisplayName(n, 'Unnamed team')),
  members: z.array(memberSchema).max(MAX_TEAM_MEMBERS),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative()
})

const fileSchema = z.object({
  version: z.literal(1),
  teams: z.array(z.unknown())
})

const FILE = 'teams.json'

/** The user's teams, persisted as one atomic JSON file. */
export class TeamStore {
  private readonly teams = new Map<string, Team>()
  private saving: Promise<void> = Promise.resolve()
  private dirty = false
  private loading: Promise<{ damaged?: string, skipped?: number }> | undefined
  private readonly listeners = new Set<() => void>()

  constructor (private readonly storage: Storage, private readonly now: () => number = Date.now) {}

  /**
   * Loads the file once; a file that is not a teams list is moved aside by Storage and the list
   * starts empty. Malformed teams and those over MAX_TEAMS are left out (and counted), a team's
   * duplicate members kept once.
   */
  async load (): Promise<{ damaged?: string, skipped?: number }> {
    // Once: the node's start and a command that comes first share one read.
    this.loading ??= this.read()
    return await this.loading
  }

  private async read (): Promise<{ damaged?: string, skipped?: number }> {
    try {
      const data = await this.storage.readJson(FILE, v => fileSchema.parse(v))
      let skipped = 0
      for (const raw of data?.teams ?? []) {
        const parsed = teamSchema.safeParse(raw)
        if (!parsed.success || this.teams.size >= MAX_TEAMS || this.teams.has(parsed.data.id)) { skipped++; continue }
        this.teams.set(parsed.data.id, { ...parsed.data, members: distinctMembers(parsed.data.members) })
      }
      if (skipped > 0) this.scheduleSave()
      this.changed()
      return skipped > 0 ? { skipped } : {}
    } catch (err) {
      if (isError(err, DamagedFileError)) return { damaged: err.message }
      throw err
    }
  }

  /** Called after every change (load, create, rename, members, delete). Returns the unsubscribe. */
  onChange (listener: () => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** The teams, by name. */
  list (): Team[] {
    return [...this.teams.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)).map(copy)
  }

  get (id: string): Team | undefined {
    const t = this.teams.get(id)
    return t == null ? undefined : copy(t)
  }

  /** Makes a team. A name that is taken gets " (2)", " (3)"…, so that a pasted team never replaces one. */
  create (name: string, members: TeamMember[] = []): Team {
    if (this.teams.size >= MAX_TEAMS) throw new TeamRuleError(localized`You have ${MAX_TEAMS} teams, the most DevMeet keeps; delete one first.`)
    const checked = checkMembers(members)
    if (checked.length > MAX_TEAM_MEMBERS) throw new TeamRuleError(localized`A team has at most ${MAX_TEAM_MEMBERS} members.`)
    const at = this.now()
    const team: Team = { id: randomBytes(16).toString('base64url'), name: this.freeName(cleanTeamName(name)), members: checked, createdAt: at, updatedAt: at }
    this.teams.set(team.id, team)
    this.save()
    return copy(team)
  }

  rename (id: string, name: string): Team {
    const team = this.require(id)
    const clean = cleanTeamName(name)
    team.name = clean === team.name ? clean : this.freeName(clean)
    team.updatedAt = this.now()
    this.save()
    return copy(team)
  }

  /** Adds members (those already in keep their place; a new name for one is taken). */
  addMembers (id: string, members: TeamMember[]): Team {
    const team = this.require(id)
    const merged = distinctMembers([...team.members, ...checkMembers(members)])
    if (merged.length > MAX_TEAM_MEMBERS) throw new TeamRuleError(localized`A team has at most ${MAX_TEAM_MEMBERS} members.`)
    team.members = merged
    team.updatedAt = this.now()
    this.save()
    return copy(team)
  }

  removeMember (id: string, peerId: string): Team {
    const team = this.require(id)
    team.members = team.members.filter(m => m.peerId !== peerId)
    team.updatedAt = this.now()
    this.save()
    return copy(team)
  }

  /** The team as one line to paste elsewhere (team-line.ts). */
  line (id: string): string {
    return encodeTeamLine(this.require(id))
  }

  /** What a pasted line holds, or why it is refused; changes nothing. */
  readLine (pasted: string): TeamLineResult {
    return decodeTeamLine(pasted)
  }

  /**
   * Adds the team a pasted line describes, as a new team (a taken name gets " (2)"): nothing the
   * user has is replaced. Throws TeamRuleError saying what is wrong with the line.
   */
  importLine (pasted: string): Team {
    const read = decodeTeamLine(pasted)
    if (!read.ok) throw new TeamRuleError(read.reason)
    return this.create(read.name, read.members)
  }

  delete (id: string): boolean {
    const had = this.teams.delete(id)
    if (had) this.save()
    return had
  }

  /** Resolves when every change so far is on disk (rejects when the last write failed). */
  async flush (): Promise<void> {
    if (this.dirty) this.scheduleSave()
    await this.saving
  }

  private require (id: string): Team {
    const team = this.teams.get(id)
    if (team == null) throw new TeamRuleError(localized`That team no longer exists.`)
    return team
  }

  private freeName (name: string): string {
    const taken = new Set([...this.teams.values()].map(t => t.name))
    if (!taken.has(name)) return name
    for (let n = 2; n <= MAX_TEAMS + 1; n++) {
      const candidate = `${Array.from(name).slice(0, MAX_TEAM_NAME_CHARS - 6).join('')} (${n})`
      if (!taken.has(candidate)) return candidate
    }
    return name
  }

  private save (): void {
    this.scheduleSave()
    this.changed()
  }

  private changed (): void {
    for (const l of this.listeners) {
      try { l() } catch {}
    }
  }

  private scheduleSave (): void {
    this.dirty = true
    this.saving = this.saving.catch(() => {}).then(async () => {
      if (!this.dirty) return
      this.dirty = false
      try {
        await this.storage.writeJson(FILE, { version: 1, teams: [...this.teams.values()] })
      } catch (err) {
        this.dirty = true
        throw err
      }
    })
    this.saving.catch(() => {})
  }
}

function copy (t: Team): Team {
  return { ...t, members: t.members.map(m => ({ ...m })) }
}

/** Members checked as they arrive from the user or a pasted line: peer IDs parsed, names cleaned. */
function checkMembers (members: readonly TeamMember[]): TeamMember[] {
  if (members.length > MAX_TEAM_MEMBERS) throw new TeamRuleError(localized`A team has at most ${MAX_TEAM_MEMBERS} members.`)
  const out: TeamMember[] = []
  for (const m of members) {
    if (!isPeerIdText(m?.peerId)) throw new TeamRuleError(localized`A member is not a peer ID.`)
    out.push({ peerId: m.peerId, name: teamMemberName(m.name) })
  }
  return distinctMembers(out)
}

/** Each peer once: the first place, the last name given. */
function distinctMembers (members: readonly TeamMember[]): TeamMember[] {
  const byId = new Map<string, TeamMember>()
  for (const m of members) {
    const had = byId.get(m.peerId)
    byId.set(m.peerId, had == null ? m : { ...had, name: m.name })
  }
  return [...byId.values()]
}
