// How teams appear in the Teams view and in the invitee pick: a team's row, a member's row, and a
// member's name (the name I know the peer by now, else the one it had when added). Names are
// peer text or pasted text: shown through untrusted() only. No 'vscode' import.
import type { Team, TeamMember } from '../../core/teams'
import { shortPeerId } from '../../shared/peer-id'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { localized, plural } from '../localized'

/** What the UI knows about a peer now (DevMeet.peerInfo); undefined when it is not known. */
export type KnownPeer = (peerId: string) => { label: string, online: boolean, known: boolean }

export function memberLabel (m: TeamMember, known: KnownPeer): string {
  const peer = known(m.peerId)
  return peer.known ? peer.label : m.name
}

export function teamLabel (team: Team): ShownText {
  return localized`${untrusted(team.name, 64)}`
}

export function teamDescription (team: Team, known: KnownPeer): ShownText {
  const n = team.members.length
  const online = team.members.filter(m => known(m.peerId).online).length
  const members = plural(n, localized`${n} member`, localized`${n} members`)
  return online > 0 ? localized`${members} · ${online} online` : members
}

export function memberRow (m: TeamMember, known: KnownPeer): { label: ShownText, description: ShownText, tooltip: ShownText } {
  const peer = known(m.peerId)
  const name = untrusted(memberLabel(m, known), 64)
  const id = untrusted(shortPeerId(m.peerId))
  return {
    label: localized`${name}`,
    description: peer.online ? localized`${id} · online` : localized`${id}`,
    tooltip: localized`${name}\nPeer ID: ${untrusted(m.peerId)}${peer.known ? shown`` : localized`\nNot met yet: invitations wait in the outbox until the peer is reachable`}`
  }
}
