import { sendRecord, INVITE_PROTOCOL, RSVP_PROTOCOL, MAX_INVITE_BYTES, MAX_RSVP_BYTES } from '../invite/protocols'
import type { OutboxItem } from '../invite/outbox'
import type { ConferenceState } from './state'

/** What awaits an acknowledgement, as the outbox names it. */
export type Undelivered = Pick<OutboxItem, 'kind' | 'conferenceId' | 'to'>

/**
 * The outbox's delivery of one item: the latest context to an invitee (organizer side) or my
 * latest answer to the organizer (invitee side). Resolves when acknowledged (or refused for good).
 */
export async function deliver (state: ConferenceState, item: OutboxItem): Promise<void> {
  const { components } = state
  const conf = state.store.get(item.conferenceId)
  if (conf == null) return
  if (item.kind === 'context') {
    const invitee = conf.context.invitees.find(i => i.peerId === item.to)
    if (invitee == null || conf.context.organizer.peerId !== state.me()) return
    await components.dialer.dialKnown(item.to, invitee.addrs)
    const sentSequence = conf.context.sequence
    const ack = await sendRecord(components.node, item.to, INVITE_PROTOCOL, MAX_INVITE_BYTES, conf.envelope)
    if (!ack.ok) components.log.warn(`${invitee.displayName} refused conference ${conf.context.title}: ${ack.error}`)
    await state.locked(item.conferenceId, async () => {
      const current = state.store.get(item.conferenceId)
      if (current == null || current.context.sequence !== sentSequence) return
      // 'delivered' means the invitee kept it; a refusal is final for this version and shown with its reason.
      const { [item.to]: _, ...refusals } = current.refusals ?? {}
      if (!ack.ok) refusals[item.to] = (ack.error ?? 'no reason given').slice(0, 500)
      state.store.putSoon({ ...current, delivery: { ...current.delivery, [item.to]: ack.ok ? 'delivered' : 'refused' }, refusals })
      state.updated(state.store.get(item.conferenceId)!)
    })
    return
  }
  if ((conf.myRsvp == null || conf.myRsvp.acked) && !(conf.myOccurrenceRsvps ?? []).some(a => !a.acked)) return
  await components.dialer.dialKnown(item.to, conf.context.organizer.addrs)
  // My series answer and my answers to single occurrences share this entry: each unacknowledged one is sent.
  if (conf.myRsvp != null && !conf.myRsvp.acked) await deliverAnswer(state, item, conf.myRsvp.envelope, conf.myRsvp.rsvpSeq)
  for (const answer of state.store.get(item.conferenceId)?.myOccurrenceRsvps ?? []) {
    if (!answer.acked) await deliverAnswer(state, item, answer.envelope, answer.rsvpSeq, answer.occurrence)
  }
}

/** Sends one of my answers to the organizer and marks it acknowledged (or refused for good) if it is still my latest for its slot. */
async function deliverAnswer (state: ConferenceState, item: OutboxItem, envelope: Uint8Array, sentSeq: number, occurrence?: number): Promise<void> {
  const { components } = state
  const ack = await sendRecord(components.node, item.to, RSVP_PROTOCOL, MAX_RSVP_BYTES, envelope)
  if (!ack.ok) components.log.warn(`the organizer refused an answer to ${state.store.get(item.conferenceId)?.context.title ?? item.conferenceId}: ${ack.error}`)
  // A refusal is final for this answer (not retried) and shown with the organizer's reason.
  const outcome = { acked: true, ...(ack.ok ? {} : { refused: (ack.error ?? 'no reason given').slice(0, 500) }) }
  await state.locked(item.conferenceId, async () => {
    const current = state.store.get(item.conferenceId)
    if (current == null) return
    if (occurrence == null) {
      if (current.myRsvp == null || current.myRsvp.rsvpSeq !== sentSeq) return
      state.store.putSoon({ ...current, myRsvp: { ...current.myRsvp, ...outcome } })
    } else {
      const list = current.myOccurrenceRsvps ?? []
      if (!list.some(a => a.occurrence === occurrence && a.rsvpSeq === sentSeq)) return
      state.store.putSoon({ ...current, myOccurrenceRsvps: list.map(a => a.occurrence === occurrence && a.rsvpSeq === sentSeq ? { ...a, ...outcome } : a) })
    }
    state.updated(state.store.get(item.conferenceId)!)
  })
}

/** What the store says still awaits an acknowledgement: contexts to invitees (organizer), my RSVPs (invitee). */
export function undelivered (state: ConferenceState): Undelivered[] {
  const me = state.me()
  const out: Undelivered[] = []
  for (const c of state.store.all()) {
    if (c.context.organizer.peerId === me) {
      for (const i of c.context.invitees) if ((c.delivery[i.peerId] ?? 'pending') === 'pending') out.push({ kind: 'context', conferenceId: c.context.id, to: i.peerId })
    } else if ((c.myRsvp != null && !c.myRsvp.acked) || (c.myOccurrenceRsvps ?? []).some(a => !a.acked)) {
      out.push({ kind: 'rsvp', conferenceId: c.context.id, to: c.context.organizer.peerId })
    }
  }
  return out
}
