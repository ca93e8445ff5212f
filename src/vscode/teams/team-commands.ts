// The commands on teams: create, rename, add members, remove a member, delete, copy as a line,
// paste a line. Teams are local, so nothing here sends anything; still, a `command:` link can run
// any of them with any argument: an argument only names a team or fills a box, and deleting asks.
import * as vscode from 'vscode'
import type { DevMeet } from '../../core/devmeet'
import type { Team } from '../../core/teams'
import { requireCore } from '../core-access'
import type { DevMeetHost } from '../host'
import { isOurArgument, peerIdOf } from '../command-args'
import { MultiStepInput } from '../conferences/multi-step-input'
import { pickPeers } from '../conferences/peer-picker'
import { joinShown, shown, untrusted } from '../../shared/shown-text'
import { shortPeerId } from '../../shared/peer-id'
import { errorShown } from '../notification-texts'
import { localized, plural, askText, confirmModal, pickOne, setStatusMessage, showError, showInfo, type ShownPickItem } from '../user-messages'
import { memberLabel } from './team-rows'
import { knownPeer } from './teams-tree'

type Register = (id: string, fn: (...args: any[]) => unknown) => void

const MAX_NAME_CHARS = 64
const MAX_PASTE_CHARS = 64 * 1024
const TEAM_LINE_PREFIX = 'devmeet-team:'

/** The team id inside a command argument: a Teams row (`{teamId}`) or a string. */
export function teamIdOf (arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg
  if (arg == null || typeof arg !== 'object') return undefined
  const id = (arg as { teamId?: unknown }).teamId
  return typeof id === 'string' ? id : undefined
}

function checkName (value: string): string | undefined {
  if (value.trim() === '') return vscode.l10n.t('Give the team a name.')
  if (Array.from(value.trim()).length > MAX_NAME_CHARS) return vscode.l10n.t('A team name has at most 64 characters.')
  return undefined
}

export function registerTeamCommands (reg: Register, host: DevMeetHost): void {
  async function teams (): Promise<DevMeet | undefined> {
    const devmeet = await requireCore(host)
    if (devmeet == null) return undefined
    await devmeet.teams.load()
    return devmeet
  }

  /** The team a command is about: from its argument, else a pick. */
  async function target (arg: unknown, placeHolder: ReturnType<typeof localized>): Promise<{ devmeet: DevMeet, team: Team } | undefined> {
    const devmeet = await teams()
    if (devmeet == null) return undefined
    let id = teamIdOf(arg)
    if (id == null) {
      const list = devmeet.teams.list()
      if (list.length === 0) {
        void showInfo(localized`You have no teams yet: "DevMeet: Create Team…" makes one.`)
        return undefined
      }
      const picked = await pickOne<ShownPickItem & { id: string }>(list.map(t => ({
        label: localized`${untrusted(t.name, 64)}`,
        description: plural(t.members.length, localized`${t.members.length} member`, localized`${t.members.length} members`),
        id: t.id
      })), { placeHolder })
      id = picked?.id
    }
    const team = id == null ? undefined : devmeet.teams.get(id)
    return team == null ? undefined : { devmeet, team }
  }

  /** Asks for peers to add (known DevMeet peers, or an address pasted there); [] when cancelled. */
  async function pickMembers (devmeet: DevMeet, title: ReturnType<typeof localized>, exclude: string[], requireOne: boolean): Promise<string[] | undefined> {
    let chosen: string[] = []
    const done = await MultiStepInput.run(async input => {
      chosen = await pickPeers(input, devmeet, {
        title,
        step: 1,
        totalSteps: 1,
        placeholder: localized`Who is in the team? Space selects, Enter adds`,
        exclude,
        requireOne
      }, [])
      return undefined
    })
    return done ? chosen : undefined
  }

  const membersOf = (devmeet: DevMeet, peerIds: string[]): Array<{ peerId: string, name: string }> =>
    peerIds.map(peerId => ({ peerId, name: devmeet.peerInfo(peerId).label }))

  reg('devmeet.createTeam', async () => {
    const devmeet = await teams()
    if (devmeet == null) return undefined
    const name = await askText({
      title: localized`Create Team`,
      prompt: localized`The team's name, e.g. Backend team. Only you see your teams.`,
      ignoreFocusOut: true,
      validateInput: v => v === '' ? undefined : checkName(v)
    })
    if (name == null || checkName(name) != null) return undefined
    const peerIds = await pickMembers(devmeet, localized`Create Team "${untrusted(name.trim(), 64)}"`, [], false)
    if (peerIds == null) return undefined
    try {
      const team = devmeet.teams.create(name, membersOf(devmeet, peerIds))
      setStatusMessage(localized`DevMeet: team "${untrusted(team.name, 64)}" created`, 4000)
      return team.id
    } catch (err) {
      void showError(localized`Could not create the team: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.renameTeam', async (arg?: unknown) => {
    const t = await target(arg, localized`Rename which team?`)
    if (t == null) return undefined
    const name = await askText({
      title: localized`Rename Team "${untrusted(t.team.name, 64)}"`,
      prompt: localized`The team's new name`,
      value: t.team.name,
      ignoreFocusOut: true,
      validateInput: checkName
    })
    if (name == null || checkName(name) != null) return undefined
    try {
      return t.devmeet.teams.rename(t.team.id, name).id
    } catch (err) {
      void showError(localized`Could not rename the team: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.addTeamMembers', async (arg?: unknown) => {
    const t = await target(arg, localized`Add members to which team?`)
    if (t == null) return undefined
    const peerIds = await pickMembers(t.devmeet, localized`Add to "${untrusted(t.team.name, 64)}"`, t.team.members.map(m => m.peerId), true)
    if (peerIds == null || peerIds.length === 0) return undefined
    try {
      return t.devmeet.teams.addMembers(t.team.id, membersOf(t.devmeet, peerIds)).id
    } catch (err) {
      void showError(localized`Could not add to the team: ${errorShown(err)}`)
      return undefined
    }
  })

  // From a peer's row in the Peers view: the user picks the team (or a new one), so an argument alone adds nobody.
  reg('devmeet.addPeerToTeam', async (arg?: unknown) => {
    const peerId = peerIdOf(arg)
    if (peerId == null) return undefined
    const devmeet = await teams()
    if (devmeet == null) return undefined
    const peer = devmeet.peerInfo(peerId)
    type Item = ShownPickItem & { teamId?: string }
    const items: Item[] = [
      ...devmeet.teams.list().filter(t => !t.members.some(m => m.peerId === peerId)).map(t => ({
        label: localized`${untrusted(t.name, 64)}`,
        description: plural(t.members.length, localized`${t.members.length} member`, localized`${t.members.length} members`),
        teamId: t.id
      })),
      { label: localized`$(add) New Team…` }
    ]
    const picked = await pickOne(items, { placeHolder: localized`Add ${untrusted(peer.label, 64)} (${untrusted(shortPeerId(peerId))}) to which team?` })
    if (picked == null) return undefined
    try {
      if (picked.teamId != null) return devmeet.teams.addMembers(picked.teamId, [{ peerId, name: peer.label }]).id
      const name = await askText({
        title: localized`Create Team`,
        prompt: localized`The team's name, e.g. Backend team. Only you see your teams.`,
        ignoreFocusOut: true,
        validateInput: v => v === '' ? undefined : checkName(v)
      })
      if (name == null || checkName(name) != null) return undefined
      return devmeet.teams.create(name, [{ peerId, name: peer.label }]).id
    } catch (err) {
      void showError(localized`Could not add to the team: ${errorShown(err)}`)
      return undefined
    }
  })

  reg('devmeet.removeTeamMember', async (arg?: unknown) => {
    const t = await target(arg, localized`Remove a member of which team?`)
    if (t == null) return undefined
    const known = knownPeer(t.devmeet)
    let peerId = isOurArgument(arg) ? peerIdOf(arg) : undefined
    if (peerId == null) {
      const picked = await pickOne<ShownPickItem & { peerId: string }>(t.team.members.map(m => ({
        label: localized`${untrusted(memberLabel(m, known), 64)}`,
        description: localized`${untrusted(shortPeerId(m.peerId))}`,
        peerId: m.peerId
      })), { placeHolder: localized`Remove whom from "${untrusted(t.team.name, 64)}"?` })
      peerId = picked?.peerId
    }
    if (peerId == null) return undefined
    return t.devmeet.teams.removeMember(t.team.id, peerId).id
  })

  reg('devmeet.deleteTeam', async (arg?: unknown) => {
    const t = await target(arg, localized`Delete which team?`)
    if (t == null) return undefined
    const remove = { title: localized`Delete Team` }
    const answer = await confirmModal(
      plural(t.team.members.length, localized`Delete the team "${untrusted(t.team.name, 64)}" (${t.team.members.length} member)?`, localized`Delete the team "${untrusted(t.team.name, 64)}" (${t.team.members.length} members)?`),
      localized`Only the team goes; the peers stay in your Peers view and in your conferences.`,
      remove)
    if (answer !== remove) return undefined
    t.devmeet.teams.delete(t.team.id)
    return t.team.id
  })

  reg('devmeet.copyTeam', async (arg?: unknown) => {
    const t = await target(arg, localized`Copy which team?`)
    if (t == null) return undefined
    const line = t.devmeet.teams.line(t.team.id)
    await vscode.env.clipboard.writeText(line)
    void showInfo(localized`The team "${untrusted(t.team.name, 64)}" is on the clipboard as one line. A colleague adds it with "DevMeet: Paste Team…".`)
    return line
  })

  // A line in the argument or on the clipboard only fills the box: the user sees what it holds and presses Enter.
  reg('devmeet.pasteTeam', async (arg?: unknown) => {
    const devmeet = await teams()
    if (devmeet == null) return undefined
    const clipboard = await Promise.resolve(vscode.env.clipboard.readText()).catch(() => '')
    const suggested = typeof arg === 'string' ? arg : clipboard.trim().startsWith(TEAM_LINE_PREFIX) ? clipboard.trim() : ''
    const line = await askText({
      title: localized`Paste Team`,
      prompt: localized`Paste the line a colleague made with "Copy Team" (it starts with devmeet-team:)`,
      value: suggested.slice(0, MAX_PASTE_CHARS),
      ignoreFocusOut: true,
      validateInput: value => {
        if (value.trim() === '') return undefined
        const read = devmeet.teams.readLine(value)
        if (!read.ok) return { message: read.reason, severity: vscode.InputBoxValidationSeverity.Error }
        // Pasted names are outside text: shown through untrusted() like a peer's.
        const names = joinShown(read.members.slice(0, 5).map(m => localized`${untrusted(m.name, 64)}`), localized`, `)
        const more = read.members.length > 5 ? localized` and ${read.members.length - 5} more` : shown``
        const message = plural(read.members.length,
          localized`Adds the team "${untrusted(read.name, 64)}" with ${read.members.length} member: ${names}${more}. Enter adds it.`,
          localized`Adds the team "${untrusted(read.name, 64)}" with ${read.members.length} members: ${names}${more}. Enter adds it.`)
        return { message, severity: vscode.InputBoxValidationSeverity.Info }
      }
    })
    if (line == null || line.trim() === '') return undefined
    try {
      const team = devmeet.teams.importLine(line)
      void showInfo(plural(team.members.length,
        localized`Added the team "${untrusted(team.name, 64)}" with ${team.members.length} member. Invitations to peers you have not met wait until they are reachable.`,
        localized`Added the team "${untrusted(team.name, 64)}" with ${team.members.length} members. Invitations to peers you have not met wait until they are reachable.`))
      return team.id
    } catch (err) {
      void showError(localized`Could not add the team: ${errorShown(err)}`)
      return undefined
    }
  })
}
