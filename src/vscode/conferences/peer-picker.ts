// Choosing invitees: known DevMeet peers (online first) plus "Paste an address…", which connects
// to a new peer and adds it to the choice. Shared by "Create Conference" and "Invite More".
import type { DevMeet, PeerInfo } from '../../core/devmeet'
import { InputFlowAction, type MultiStepInput, type StepTitle } from './multi-step-input'
import { shortPeerId } from '../../shared/peer-id'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { errorShown } from '../notification-texts'
import type { ShownPickItem } from '../user-messages'
import { localized, plural } from '../user-messages'

export type PeerItem = ShownPickItem & {
  peerId?: string
  /** the "Paste an address…" row */
  paste?: true
  /** a team's row: choosing it selects its members */
  teamId?: string
}

export const PASTE_ADDRESS_LABEL = localized`$(add) Paste an address…`
const MAX_ADDRESS_CHARS = 4096

function peerItem (peer: PeerInfo): PeerItem {
  return {
    label: localized`${untrusted(peer.label, 64)}`,
    description: localized`${untrusted(shortPeerId(peer.peerId))}${peer.online ? localized` · online` : shown``}`,
    peerId: peer.peerId
  }
}

/** Known DevMeet peers other than me and those excluded, online first (devmeet.peers() sorts them so). */
export function peerItems (devmeet: DevMeet, exclude: Iterable<string> = []): PeerItem[] {
  const skip = new Set(exclude)
  if (devmeet.peerId != null) skip.add(devmeet.peerId)
  const known = devmeet.peers().filter(p => p.isDevMeet && !skip.has(p.peerId)).map(peerItem)
  return [...known, { label: PASTE_ADDRESS_LABEL, description: localized`connect to a peer by its DevMeet address`, paste: true, alwaysShow: true }]
}

/** The user's teams as rows that select their members (devmeet.teams, local only). */
export function teamItems (devmeet: DevMeet): PeerItem[] {
  let teams: ReturnType<DevMeet['teams']['list']>
  try {
    teams = devmeet.teams.list()
  } catch {
    return []
  }
  return teams.filter(t => t.members.length > 0).map(t => ({
    label: localized`$(organization) ${untrusted(t.name, 64)}`,
    description: plural(t.members.length, localized`team · selects its ${t.members.length} member`, localized`team · selects its ${t.members.length} members`),
    teamId: t.id,
    alwaysShow: true
  }))
}

/**
 * A multi-select pick of peers inside a multi-step input. `chosen` holds the peer IDs selected so far
 * (also across Back); resolves with the final choice. Pasting an address connects first, then
 * returns to the pick with the new peer selected.
 */
export async function pickPeers (
  input: MultiStepInput,
  devmeet: DevMeet,
  step: StepTitle & { placeholder: ShownText, exclude?: string[], requireOne: boolean },
  chosen: string[]
): Promise<string[]> {
  let selectedIds = [...chosen]
  const added: PeerInfo[] = []
  // Team members I have not met yet: listed by the name the team gives them.
  const teamNames = new Map<string, string>()
  for (;;) {
    const exclude = step.exclude ?? []
    const items = peerItems(devmeet, exclude)
    items.splice(items.length - 1, 0, ...teamItems(devmeet))
    // A peer connected by address but not (yet) known as a DevMeet peer still belongs in the list.
    for (const peer of added) {
      if (!items.some(i => i.peerId === peer.peerId)) items.splice(items.length - 1, 0, peerItem(peer))
    }
    for (const id of selectedIds) {
      const name = teamNames.get(id)
      if (!items.some(i => i.peerId === id)) {
        items.splice(items.length - 1, 0, name != null
          ? { label: localized`${untrusted(name, 64)}`, description: localized`${untrusted(shortPeerId(id))} · from a team, not met yet`, peerId: id }
          : { label: localized`peer ${untrusted(shortPeerId(id))}`, description: localized`${untrusted(shortPeerId(id))}`, peerId: id })
      }
    }
    const outcome = await input.showQuickPick<PeerItem>({
      ...step,
      items,
      selected: items.filter(i => i.peerId != null && selectedIds.includes(i.peerId)),
      isAction: item => item.paste === true || item.teamId != null,
      checkSelection: selected => step.requireOne && selected.length === 0
        ? localized`Pick at least one peer (Space selects), or paste an address.`
        : undefined
    })
    if (outcome.kind === 'chosen') return outcome.items.map(i => i.peerId!).filter(id => id != null)
    selectedIds = outcome.selected.map(i => i.peerId!).filter(id => id != null)
    if (outcome.item.teamId != null) {
      const team = devmeet.teams.get(outcome.item.teamId)
      for (const m of team?.members ?? []) {
        if (exclude.includes(m.peerId) || m.peerId === devmeet.peerId) continue
        teamNames.set(m.peerId, m.name)
        if (!selectedIds.includes(m.peerId)) selectedIds.push(m.peerId)
      }
      continue
    }
    try {
      const peer = await pasteAddress(input, devmeet, step)
      if (peer != null && !exclude.includes(peer.peerId)) {
        added.push(peer)
        if (!selectedIds.includes(peer.peerId)) selectedIds.push(peer.peerId)
      }
    } catch (err) {
      // Back from the address box returns to the pick; cancel ends the whole flow.
      if (err !== InputFlowAction.back) throw err
    }
  }
}

async function pasteAddress (input: MultiStepInput, devmeet: DevMeet, step: StepTitle): Promise<PeerInfo | undefined> {
  let connected: PeerInfo | undefined
  await input.showInputBox({
    title: localized`${step.title}: Paste an Address`,
    step: step.step,
    totalSteps: step.totalSteps,
    prompt: localized`Paste the peer's DevMeet address (they get it from "DevMeet: Copy My Address"), a multiaddr, or a peer ID. Enter connects.`,
    placeholder: localized`12D3KooW… /ip4/192.168.1.20/tcp/40123`,
    check: value => {
      if (value.length > MAX_ADDRESS_CHARS) return { error: localized`That is too long for an address.` }
      if (value.trim() === '') return { note: localized`Paste the peer's DevMeet address, then press Enter.` }
      if (devmeet.peerId != null && value.includes(devmeet.peerId)) return { error: localized`That is your own address.` }
      return {}
    },
    onAccept: async value => {
      if (value.trim() === '') return localized`Paste an address first.`
      try {
        connected = await devmeet.connect(value.trim())
        return undefined
      } catch (err) {
        return localized`Could not connect: ${errorShown(err)}`
      }
    }
  })
  return connected
}
