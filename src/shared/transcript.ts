// A conference's transcript as markdown: metadata, participants, then every message.
// Everything in it came from peers, and a markdown viewer interprets it: names, titles and code
// paths are escaped to inert inline text; each body (and the agenda) sits in its own fence,
// longer than any backtick run inside, so a body can neither forge a line attributed to someone
// else nor carry raw HTML or links that render.
import type { ChatMessage, ConferenceContext } from '../core/api'
import { foldMessages } from './message-effects'
import { documentText } from './localized'
import { visibleLine } from './shown-text'
import { shortPeerId } from './peer-id'
import { outcomesSection } from './outcomes-transcript'
import { formatClock, formatDuration, formatInputTime, formatLocal, localTimeZone } from './time'

/** A backtick fence longer than any run of backticks in `body` (at least three). */
export function fenceFor (body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map(m => m[0].length))
  return '`'.repeat(longest + 1)
}

/** One line of outside text as inert markdown inline text: nothing hidden, every markdown and HTML character escaped. */
export function escapeInline (text: string, maxChars = 300): string {
  const line = Array.from(visibleLine(String(text))).slice(0, maxChars).join('')
  return line
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, c => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
}

/** Bidi embeddings, overrides and isolates: they make code read differently from what it is. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g

/** A fenced block holding `body` verbatim (but for bidi controls); `info` is reduced to a language word. */
function fenced (body: string, info = ''): string[] {
  const text = body.replace(/\r\n?/g, '\n').replace(BIDI_CONTROLS, '')
  const f = fenceFor(text)
  return [`${f}${info.replace(/[^A-Za-z0-9_+-]/g, '').slice(0, 32)}`, text, f]
}

/** What a conference is at `now`: cancelled, scheduled (not begun), in progress, or ended. */
export function conferenceStateAt (ctx: Pick<ConferenceContext, 'status' | 'start' | 'durationMinutes'>, now: number): 'cancelled' | 'scheduled' | 'in progress' | 'ended' {
  if (ctx.status === 'cancelled') return 'cancelled'
  if (now < ctx.start) return 'scheduled'
  return now < ctx.start + ctx.durationMinutes * 60_000 ? 'in progress' : 'ended'
}

function stateWords (state: ReturnType<typeof conferenceStateAt>): string {
  switch (state) {
    case 'cancelled': return documentText('cancelled')
    case 'scheduled': return documentText('scheduled')
    case 'in progress': return documentText('in progress')
    case 'ended': return documentText('ended')
  }
}

function rsvpWords (rsvp: ConferenceContext['invitees'][number]['rsvp']): string {
  switch (rsvp) {
    case 'accepted': return documentText('accepted')
    case 'declined': return documentText('declined')
    case 'tentative': return documentText('tentative')
    case 'pending': return documentText('pending')
  }
}

export interface TranscriptOptions {
  /** when it is exported (default now): decides "in progress" or "ended" */
  now?: number
  /** the reader's zone, in which every time is written (default the machine's) */
  timeZone?: string
}

/**
 * The transcript. Times are written like everywhere else in DevMeet (formatLocal, the reader's
 * locale and zone, named once at the top); a message shows its clock time only when it falls on
 * the day of the one before it.
 */
export function transcriptMarkdown (ctx: ConferenceContext, messages: ChatMessage[], opts: TranscriptOptions = {}): string {
  const now = opts.now ?? Date.now()
  const zone = opts.timeZone ?? localTimeZone()
  const lines: string[] = []
  lines.push(`# ${escapeInline(ctx.title)}`, '')
  // The words are messages (documentText), the parts escaped here for markdown.
  lines.push(`- ${documentText('Start: {0} ({1}), {2}', escapeInline(formatLocal(ctx.start, zone)), escapeInline(zone, 64), escapeInline(formatDuration(ctx.durationMinutes)))}`)
  lines.push(`- ${documentText('Status: {0}', stateWords(conferenceStateAt(ctx, now)))}`)
  lines.push(`- ${documentText('Organizer: {0} ({1})', escapeInline(ctx.organizer.displayName, 64), escapeInline(ctx.organizer.peerId, 64))}`)
  lines.push(`- ${documentText('Invitees:')}`)
  for (const i of ctx.invitees) lines.push(`  - ${escapeInline(i.displayName, 64)} (${escapeInline(i.peerId, 64)}): ${rsvpWords(i.rsvp)}`)
  if (ctx.agenda.trim() !== '') lines.push('', `## ${documentText('Agenda')}`, '', ...fenced(ctx.agenda, 'markdown'))
  // Decisions and action items before the messages they come from: what a reader looks for first.
  // Outcomes take the raw records: src/shared/outcomes.ts applies edits and deletes by the same
  // rule as the chat page and the core query (an outcome's final text; none from a deleted message).
  lines.push(...outcomesSection(ctx, messages, escapeInline))
  // Reactions, edits and deletes are records of their own: the transcript shows their result.
  const folded = foldMessages(messages)
  lines.push('', `## ${documentText('Messages')}`, '')
  let day = formatInputTime(ctx.start, zone).slice(0, 10)
  for (const shown of folded) {
    const m = shown.message
    const mDay = formatInputTime(m.sentAt, zone).slice(0, 10)
    const when = mDay === day ? formatClock(m.sentAt, zone) : formatLocal(m.sentAt, zone)
    day = mDay
    const marks = shown.deleted ? ` ${documentText('(deleted)')}` : shown.edited ? ` ${documentText('(edited)')}` : ''
    const header = `**${escapeInline(m.authorName, 120)}** (${escapeInline(shortPeerId(m.author), 16)}), ${escapeInline(when, 64)}${marks}`
    if (shown.replyTo != null) {
      const q = shown.replyTo
      const quoted = q.deleted === true ? documentText('This message was deleted.') : q.excerpt ?? documentText('a message not held here')
      lines.push(`> ${documentText('In reply to {0}: {1}', escapeInline(q.authorName ?? shortPeerId(q.to.author), 120), escapeInline(quoted, 160))}`, '')
    }
    // A fence may follow a paragraph line directly: no blank line between a header and its body.
    if (shown.deleted) {
      lines.push(`${header}: _${documentText('This message was deleted.')}_`)
    } else if (m.kind === 'code' && m.code != null) {
      lines.push(`${header}, ${escapeInline(m.code.path, 500)}:${Number(m.code.startLine)}-${Number(m.code.endLine)}:`, ...fenced(shown.body, m.code.languageId))
    } else {
      lines.push(`${header}:`, ...fenced(shown.body, 'text'))
    }
    if (shown.reactions.length > 0) lines.push(documentText('Reactions: {0}', shown.reactions.map(r => `${escapeInline(r.emoji, 16)} ${r.by.length}`).join(', ')))
    lines.push('')
  }
  return lines.join('\n')
}
