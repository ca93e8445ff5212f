// The chat page's own words. The page cannot call vscode.l10n: the extension translates these
// messages when it writes the page's HTML and puts them in a <meta> the page reads (no script, so
// the CSP stays as strict as it was). The keys are the English texts with {0}, {1}… where the page
// puts names, counts or times, the same key format as `localized` (scripts/l10n-export.ts reads
// this list into l10n/bundle.l10n.json). No DOM, no 'vscode': both sides import it.
export { fillTemplate, placeholderCount } from './localized'

/** Every message the page (and its HTML) shows. The page can only ask for one of these (PageTextKey). */
export const PAGE_TEXTS = [
  // the page's HTML (src/vscode/chat/chat-page.ts)
  'DevMeet chat',
  'Search messages',
  'Search',
  'Previous result',
  'Previous result (Shift+Enter)',
  'Next result',
  'Next result (Enter)',
  'Details',
  'Hide details',
  'Messages',
  'Up and Down arrows move between messages, Home and End go to the first and the last.',
  'Write a message',
  'Message',
  'Message (Enter sends, Shift+Enter for a new line; markdown works)',
  'Conference details',
  // messages
  '{0} at {1}',
  'pending',
  'sent',
  '(edited)',
  'Open this file and range in your workspace',
  'Show more',
  'New messages',
  '{0} / {1} bytes',
  '⚠ This author sent two different versions of this message; every participant sees this one.',
  'This message was deleted.',
  'a message not held here',
  // reactions, replies, edits
  '{0} {1}, yours: click to withdraw',
  'React with {0}',
  'Add a reaction',
  'Reply',
  'Edit',
  'Delete',
  'Replying to {0}: {1}',
  'Editing your message',
  'Cancel (Escape)',
  // the side column
  'Participants',
  'Agenda',
  'organizer',
  'accepted',
  'declined',
  'tentative',
  'no answer yet',
  'you',
  'online',
  'offline',
  'typing…',
  '{0}, {1}',
  'Outcomes',
  'Decision',
  'To do',
  'To do · {0}',
  '(no text)',
  'From {0}',
  // search
  'No results',
  '{0} of {1}',
  // durations and times, worded by src/shared/time.ts through `localized` on the page too
  '{0} min',
  '{0} h',
  '{0} h {1} min',
  'unknown time',
  // announcements for screen readers
  '{0}: {1}',
  '{0} shared code {1}'
] as const

export type PageTextKey = typeof PAGE_TEXTS[number]

/** The translations the page gets: message key to its text in the user's language. */
export type PageTexts = Partial<Record<PageTextKey, string>>

const KNOWN = new Set<string>(PAGE_TEXTS)
/** A translation longer than this is not ours: the page keeps its English text. */
const MAX_TEXT_CHARS = 1000

/** Reads the page texts from the page's <meta> (JSON): only known keys with string values, bounded. */
export function parsePageTexts (json: string | null | undefined): PageTexts {
  const out: Record<string, string> = {}
  if (json == null || json === '' || json.length > 200_000) return out
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return out
  }
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) return out
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (KNOWN.has(key) && typeof value === 'string' && value.length <= MAX_TEXT_CHARS) out[key] = value
  }
  return out
}

