import { mayChat, type ChatComponents } from './ports'

/** What every part of the chat shares: the components, who I am, and who may chat now. */
export class ChatScope {
  constructor (readonly components: ChatComponents) {}

  /** My peer ID (the node must be running). */
  me (): string {
    return this.components.node.peerId.toString()
  }

  /** The injected clock's time. */
  now (): number {
    return this.components.clock.now()
  }

  /** Whether `peerId` may chat in the conference now (see mayChat). */
  mayChat (conferenceId: string, peerId: string): boolean {
    return mayChat(this.components.membership, conferenceId, peerId)
  }

  /** Whether both ends of a stream still take part in its conference. */
  bothTakePart (link: { conferenceId: string, peer: string }): boolean {
    return this.mayChat(link.conferenceId, link.peer) && this.mayChat(link.conferenceId, this.me())
  }
}
