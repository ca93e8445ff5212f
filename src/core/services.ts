import { type Components, withPorts } from './components'
import type { ContactStore } from './contacts'
import type { InvitationContactsPort } from './conference/ports'
import type { DevMeetLibp2p } from './node'
import type { BackoffOptions } from './invite/outbox'
import { PeerDirectory } from './peers/directory'
import { ConferenceNames } from './peers/conference-names'
import { NetworkChangeWatch, participantsOfRunningConferences } from './peers/network-change'
import { ConferenceService } from './conference/service'
import { ChatService } from './chat/service'
import { SuperPeer, type SuperPeerOptions } from './relay/super-peer'
import type { WebRTCStatus } from './webrtc-support'

/** What the services need from the DevMeet that owns them, read when used. */
export interface ServiceOwner {
  contacts: ContactStore
  /** the running node, or undefined while stopped */
  node: () => DevMeetLibp2p | undefined
  displayName: () => string
  peerId: () => string | undefined
  listenAddrs: () => string[]
  webrtc: () => WebRTCStatus
  /** the node's listen addresses changed (a network change) */
  addressesChanged: (addrs: string[]) => void
  outboxBackoff?: BackoffOptions
  superPeer?: SuperPeerOptions
}

/** The core's services, each built from the components plus the narrow ports it uses. */
export interface Services {
  directory: PeerDirectory
  conferences: ConferenceService
  chat: ChatService
  superPeer: SuperPeer
  networkWatch: NetworkChangeWatch
}

/** Wires the services to each other through their ports; none of them sees DevMeet. */
export function buildServices (components: Components, owner: ServiceOwner): Services {
  const { contacts } = owner
  // Assigned below; the ports that read it run only after construction.
  let conferences: ConferenceService
  const directory = new PeerDirectory(components, {
    contacts,
    myName: owner.displayName,
    shareAConference: (a, b) => conferences.list().some(v => {
      const taking = conferences.participants(v.context.id)
      return taking.includes(a) && taking.includes(b)
    }),
    inMyConferences: peerId => conferences.peersInConferences().has(peerId)
  })
  const self = { displayName: owner.displayName, listenAddrs: owner.listenAddrs }
  conferences = new ConferenceService(withPorts(components, { dialer: directory, peers: directory, contacts: contactsOnAnswer(contacts, directory), self }), { backoff: owner.outboxBackoff })
  const names = new ConferenceNames({ conferences, contacts, me: owner.peerId, myName: owner.displayName })
  const chat = new ChatService(withPorts(components, { membership: conferences, names, dialer: directory }))
  const superPeer = new SuperPeer(components, {
    inConferences: () => conferences.peersInConferences(),
    contact: peerId => contacts.get(peerId),
    webrtc: () => owner.webrtc().state === 'on',
    noteAddrs: (peerId, addrs) => { contacts.upsert({ peerId, addrs }) }
  }, owner.superPeer)
  const networkWatch = new NetworkChangeWatch({
    node: owner.node,
    participantsNow: () => participantsOfRunningConferences(conferences, owner.peerId(), components.clock.now()),
    dialKnown: async peerId => await directory.dialKnown(peerId),
    addressesChanged: owner.addressesChanged,
    log: components.log
  })
  return { directory, conferences, chat, superPeer, networkWatch }
}

/** Starts the protocol services (invite, RSVP, chat, relay) once the node runs. */
export async function startServices (services: Services, relayServer: boolean): Promise<void> {
  await services.conferences.start()
  await services.chat.start()
  await services.superPeer.start(relayServer)
}

/** Stops the protocol services, before the node stops. */
export async function stopServices (services: Services): Promise<void> {
  services.networkWatch.stop()
  await services.superPeer.stop()
  await services.chat.stop()
  await services.conferences.stop()
}

/** The contacts as the conference service sees them: answering a nearby stranger's invitation makes it a contact. */
function contactsOnAnswer (contacts: ContactStore, directory: PeerDirectory): InvitationContactsPort {
  return {
    promote: peerId => { directory.keep(peerId); contacts.promote(peerId) },
    noteInvitation: (organizer, seenAt) => { contacts.noteInvitation(organizer, seenAt) },
    hasMet: peerId => contacts.hasMet(peerId)
  }
}
