import { peerIdFromString } from '@libp2p/peer-id'
import { ConferenceInputError } from '../errors'
import { MAX_AGENDA_BYTES, MAX_INVITEES, MAX_TITLE_CHARS } from './model'

const DAY_MS = 24 * 60 * 60_000

/** The title, trimmed; throws ConferenceInputError when empty or too long. */
export function checkTitle (title: string | undefined): string {
  const trimmed = (title ?? '').trim()
  if (trimmed === '' || trimmed.length > MAX_TITLE_CHARS) throw new ConferenceInputError(`A title of 1 to ${MAX_TITLE_CHARS} characters is needed.`)
  return trimmed
}

/** The agenda; throws ConferenceInputError when too long. */
export function checkAgenda (agenda: string | undefined): string {
  const text = agenda ?? ''
  if (Buffer.byteLength(text) > MAX_AGENDA_BYTES) throw new ConferenceInputError('The agenda is longer than 16 KiB.')
  return text
}

/** A start time within five minutes ago and a year ahead. */
export function checkStart (start: number, now: number): void {
  if (typeof start !== 'number' || !Number.isFinite(start)) throw new ConferenceInputError('The start time is not a valid time.')
  if (start < now - 5 * 60_000) throw new ConferenceInputError('The start time is in the past.')
  if (start > now + 366 * DAY_MS) throw new ConferenceInputError('The start time is more than a year ahead.')
}

/** A duration of 1 minute to a day. */
export function checkDuration (minutes: number): void {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new ConferenceInputError('The duration is 1 to 1440 minutes.')
  }
}

/** Invitees as distinct, canonical peer IDs, not me, at most MAX_INVITEES. */
export function checkInvitees (peerIds: string[], me: string): string[] {
  if (!Array.isArray(peerIds)) throw new ConferenceInputError('Invitees are a list of peer IDs.')
  const out: string[] = []
  for (const raw of peerIds) {
    let id: string
    try {
      id = peerIdFromString(String(raw).trim()).toString()
    } catch {
      throw new ConferenceInputError(`"${String(raw).slice(0, 60)}" is not a peer ID.`)
    }
    if (id === me) throw new ConferenceInputError('You organize this conference; you need not invite yourself.')
    if (!out.includes(id)) out.push(id)
  }
  if (out.length > MAX_INVITEES) throw new ConferenceInputError(`At most ${MAX_INVITEES} invitees.`)
  return out
}
