// The "Outcomes" section of a transcript: decisions and action items, each one escaped line (the
// text came from a peer and a markdown viewer renders it). Assignees are resolved against the
// participants the context names (organizer, accepted and tentative invitees).
import type { ChatMessage, ConferenceContext } from '../core/api'
import { outcomeParticipants, outcomesOf } from './outcomes'
import { documentText } from './localized'

/**
 * The section's lines, or none when the chat holds no outcome. `escapeInline` is the transcript's
 * (passed in, so that transcript.ts can use this module without an import cycle).
 */
export function outcomesSection (ctx: ConferenceContext, messages: readonly ChatMessage[], escapeInline: (text: string, maxChars: number) => string): string[] {
  const ids = [ctx.organizer.peerId, ...ctx.invitees.filter(i => i.rsvp === 'accepted' || i.rsvp === 'tentative').map(i => i.peerId)]
  const participants = outcomeParticipants(ctx, ids)
  const outcomes = outcomesOf(messages, participants)
  if (outcomes.length === 0) return []
  const nameOf = (id: string): string => participants.find(p => p.peerId === id)?.name ?? id
  const lines = ['', `## ${documentText('Outcomes')}`, '']
  for (const o of outcomes) {
    const what = o.kind === 'decision'
      ? documentText('Decision')
      : o.assignee != null ? documentText('Action item for {0}', escapeInline(nameOf(o.assignee), 64)) : documentText('Action item')
    lines.push(`- ${what}: ${escapeInline(o.text, 500)} (${escapeInline(o.authorName, 64)})`)
  }
  return lines
}
