// Limits that the core enforces and the UI (extension and chat page) explains before sending.
// One definition here; the core's modules re-export them. No imports: safe in every bundle.

/** A chat message body, UTF-8 bytes. */
export const MAX_CHAT_BODY_BYTES = 16 * 1024

/** A conference title, characters. */
export const MAX_TITLE_CHARS = 200
/** A conference agenda, UTF-8 bytes. */
export const MAX_AGENDA_BYTES = 16 * 1024
export const MAX_INVITEES = 100
/** The comment an invitee may give with an answer, characters. */
export const MAX_COMMENT_CHARS = 500

/** A conference lasts 1 minute to 24 hours. */
export const MIN_DURATION_MINUTES = 1
export const MAX_DURATION_MINUTES = 24 * 60

/** The furthest ahead a start may be. */
export const MAX_START_AHEAD_MS = 365 * 24 * 60 * 60_000

/** UTF-8 length of a text, in a way that works in Node and in the browser. */
export function utf8Bytes (text: string): number {
  return new TextEncoder().encode(text).length
}

/** Whether a duration in minutes is one a conference may have. */
export function isValidDuration (minutes: unknown): minutes is number {
  return typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= MIN_DURATION_MINUTES && minutes <= MAX_DURATION_MINUTES
}

/** Participants one message may mention. */
export const MAX_MENTIONS = 32
/** A reaction's emoji, UTF-8 bytes (one grapheme: a ZWJ family fits, a paragraph does not). */
export const MAX_REACTION_BYTES = 16
