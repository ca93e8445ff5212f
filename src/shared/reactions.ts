// Which reactions a message may carry. A reaction is shown to everyone beside a message, so it is
// bounded like a name: one of the picker's emoji, or any single grapheme of at most 16 bytes that
// is not a letter, digit, control or bidi character (no words, no hidden text).
import { MAX_REACTION_BYTES, utf8Bytes } from './limits'

/** The picker's emoji, in the order shown. */
export const COMMON_REACTIONS = ['👍', '❤️', '😄', '🎉', '👀', '🚀', '✅', '❓'] as const

const FORBIDDEN = /[\p{L}\p{N}\p{Cc}\p{Cf}\p{Z}\u202a-\u202e\u2066-\u2069]/u
const ZWJ = '\u200d'
const VARIATION_SELECTOR = /[\ufe0e\ufe0f]/gu

function graphemeCount (text: string): number {
  const Segmenter = (Intl as unknown as { Segmenter?: new (l?: string, o?: { granularity: string }) => { segment(t: string): Iterable<unknown> } }).Segmenter
  if (Segmenter == null) return Array.from(text).length
  return Array.from(new Segmenter(undefined, { granularity: 'grapheme' }).segment(text)).length
}

/** Whether `emoji` may be a reaction. */
export function isReactionEmoji (emoji: unknown): emoji is string {
  if (typeof emoji !== 'string' || emoji === '') return false
  if ((COMMON_REACTIONS as readonly string[]).includes(emoji)) return true
  if (emoji.length > MAX_REACTION_BYTES || utf8Bytes(emoji) > MAX_REACTION_BYTES) return false
  // ZWJ and variation selectors are format characters that emoji sequences legitimately use.
  if (FORBIDDEN.test(emoji.replaceAll(ZWJ, '').replace(VARIATION_SELECTOR, ''))) return false
  return graphemeCount(emoji) === 1
}
