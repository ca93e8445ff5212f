import type { ShownText } from '../../shared/shown-text'
import { MAX_LAMPORT_JUMP } from './lamport'
import type { ChatPayload } from './message'
import { chatFullNotice, lamportNotice } from './notices'
import type { ChatComponents } from './ports'

/** What the chat refused or noticed, counted, logged, and told the user once. */
export class Refusals {
  /** what else was refused or noticed, for tests and diagnostics */
  readonly stats = { lamport: 0, quota: 0, equivocations: 0, forks: 0, requestsThrottled: 0 }
  /** warnings given once: kind, conference and author */
  private readonly warned = new Set<string>()

  constructor (private readonly components: Pick<ChatComponents, 'log' | 'events' | 'membership' | 'names'>) {}

  /** A message whose Lamport time runs too far ahead (HOSTILE-INPUTS 40): refused, not forwarded, reported once per author. */
  lamport (conferenceId: string, from: string, payload: ChatPayload, seen: number): void {
    this.stats.lamport++
    this.components.log.warn(`chat: refused ${payload.author}#${payload.seq} from ${from}: Lamport time ${payload.lamport} is more than ${MAX_LAMPORT_JUMP} ahead of ${seen}`)
    this.warnOnce('lamport', conferenceId, payload.author, name => lamportNotice(name, payload.author, payload.lamport))
  }

  /** A message that does not fit the conference's quota: refused; the user is told once. */
  full (conferenceId: string, why: string): void {
    this.stats.quota++
    const key = `full|${conferenceId}`
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.components.log.warn(`chat: ${conferenceId} is full (${why}); new messages are refused`)
    this.components.events.emit('warning', chatFullNotice(this.components.membership.get(conferenceId)?.context.title ?? conferenceId, why))
  }

  /** A warning for the user, once per kind, conference and author. */
  warnOnce (kind: string, conferenceId: string, author: string, text: (name: string) => ShownText): void {
    const key = `${kind}|${conferenceId}|${author}`
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.components.events.emit('warning', text(this.components.names.nameOf(conferenceId, author)))
  }
}
