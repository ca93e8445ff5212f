import { untrusted } from '../../shared/shown-text'
import { localized } from '../../shared/localized'

/**
 * What one conference's chat may hold on this peer (HOSTILE-INPUTS 41): a participant, or several
 * under different identities, can otherwise fill the disk through the chat. 200,000 messages is
 * twenty times a long, busy meeting (the soak and the benchmark stay under 20,000); 256 MiB of
 * signed envelopes is room for those at a little over 1 KiB each, and for 16,000 messages of the
 * largest size. Loading a log that size takes a few seconds; beyond it, a new conference.
 */
export const MAX_CONFERENCE_MESSAGES = 200_000
export const MAX_CONFERENCE_BYTES = 256 * 1024 * 1024

export interface ConferenceQuota {
  messages: number
  bytes: number
}

/** Why a conference holding `held` has no room for `more`, or undefined when it has. */
export function quotaExceeded (quota: ConferenceQuota, held: { messages: number, bytes: number }, more: { messages: number, bytes: number }): string | undefined {
  if (held.messages + more.messages > quota.messages) return localized`it holds ${untrusted(held.messages.toLocaleString('en-US'))} messages, the most one conference keeps`
  if (held.bytes + more.bytes > quota.bytes) return localized`its messages take ${Math.round(held.bytes / 2 ** 20)} MiB, the most one conference keeps`
  return undefined
}
