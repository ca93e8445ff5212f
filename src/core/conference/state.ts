import type { ConferenceView, PeerRef } from '../api'
import { shown, untrusted } from '../../shared/shown-text'
import { ConferenceStore, type StoredConference } from './store'
import type { SignedAnswer } from './verify'
import * as participation from './participation'
import type { ConferenceComponents } from './ports'
import { NextOccurrenceCache } from './recurrence'
import { answersForOccurrence, type MyOccurrenceRsvp } from './occurrence-answers'
import { CheckedAnswers } from './checked-answers'

/**
 * What the parts of the conference service share: the store, one lock per conference (two RSVPs
 * never race on one sequence), who I am, and how a stored conference looks to the UI.
 */
export class ConferenceState {
  readonly store: ConferenceStore
  /** answers whose signatures this peer already checked: each new version of a context carries the earlier ones again */
  readonly checkedAnswers = new CheckedAnswers()
  private readonly locks = new Map<string, Promise<unknown>>()
  private readonly nextOccurrences = new NextOccurrenceCache()

  constructor (readonly components: ConferenceComponents) {
    this.store = new ConferenceStore(components.storage, m => components.events.emit('warning', shown`${untrusted(m, 500)}`), this.checkedAnswers)
  }

  /** My peer ID (the node runs). */
  me (): string {
    return this.components.node.peerId.toString()
  }

  /** Me as the organizer of a record I sign. */
  myRef (): PeerRef {
    const { self } = this.components
    return { peerId: this.me(), displayName: self.displayName(), addrs: self.listenAddrs().slice(0, 16) }
  }

  /** My own latest signed answer, which counts at once, before the organizer's updated context arrives. */
  mine (c: StoredConference): { peerId: string, answer?: SignedAnswer, occurrences?: MyOccurrenceRsvp[] } {
    return {
      peerId: this.me(),
      ...(c.myRsvp != null ? { answer: { answer: c.myRsvp.answer, rsvpSeq: c.myRsvp.rsvpSeq } } : {}),
      ...(c.myOccurrenceRsvps != null ? { occurrences: c.myOccurrenceRsvps } : {})
    }
  }

  /** A stored conference as the UI shows it. */
  view (c: StoredConference): ConferenceView {
    const me = this.me()
    const mine = c.context.organizer.peerId === me
    const invited = c.context.invitees.some(i => i.peerId === me)
    // Only my own signature says what I answered: my latest answer, or the one the verified context carries.
    const myAnswer = participation.answerOf(c.context, c.answers, me, this.mine(c))
    const refused = c.myRsvp?.refused ?? (c.myOccurrenceRsvps ?? []).find(a => a.refused != null)?.refused
    const next = c.context.recurrence == null ? undefined : this.nextOccurrences.next(c.context, this.components.clock.now())
    return {
      context: c.context,
      mine,
      myRsvp: mine || !invited ? undefined : (myAnswer ?? 'pending'),
      delivery: { ...c.delivery },
      ...(c.refusals != null && Object.keys(c.refusals).length > 0 ? { refusals: { ...c.refusals } } : {}),
      // My answers to single occurrences travel like my series answer, and count here too.
      ...(c.myRsvp != null || c.myOccurrenceRsvps != null ? { rsvpPending: c.myRsvp?.acked === false || (c.myOccurrenceRsvps ?? []).some(a => !a.acked) } : {}),
      ...(refused != null ? { rsvpRefused: refused } : {}),
      ...(next != null ? { nextOccurrence: { ...next, answers: answersForOccurrence(c.context, c.answers, next.occurrence, this.mine(c)) } } : {})
    }
  }

  /** Tells the UI that a conference changed; returns its view. */
  updated (c: StoredConference): ConferenceView {
    const view = this.view(c)
    this.components.events.emit('conference:update', view)
    return view
  }

  /** Runs `fn` after every earlier change to conference `id` has finished. */
  async locked<T> (id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve()
    const run = prev.catch(() => {}).then(fn)
    this.locks.set(id, run)
    try {
      return await run
    } finally {
      if (this.locks.get(id) === run) this.locks.delete(id)
    }
  }
}
