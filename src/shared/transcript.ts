// A conference's transcript as markdown: metadata, participants, then every message.
import type { ChatMessage, ConferenceContext } from '../core/api'

function fence (body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map(m => m[0].length))
  return '`'.repeat(longest + 1)
}

export function transcriptMarkdown (ctx: ConferenceContext, messages: ChatMessage[]): string {
  const lines: string[] = []
  lines.push(`# ${ctx.title}`, '')
  lines.push(`- Start: ${new Date(ctx.start).toISOString()} (${ctx.timeZone}), ${ctx.durationMinutes} min`)
  lines.push(`- Status: ${ctx.status}`)
  lines.push(`- Organizer: ${ctx.organizer.displayName} (${ctx.organizer.peerId})`)
  lines.push('- Invitees:')
  for (const i of ctx.invitees) lines.push(`  - ${i.displayName} (${i.peerId}): ${i.rsvp}`)
  if (ctx.agenda.trim() !== '') lines.push('', '## Agenda', '', ctx.agenda)
  lines.push('', '## Messages', '')
  for (const m of messages) {
    lines.push(`**${m.authorName}** (${m.author.slice(-8)}), ${new Date(m.sentAt).toISOString()}:`, '')
    if (m.kind === 'code' && m.code != null) {
      const f = fence(m.body)
      lines.push(`\`${m.code.path}:${m.code.startLine}-${m.code.endLine}\``, '', `${f}${m.code.languageId}`, m.body, f)
    } else {
      lines.push(m.body)
    }
    lines.push('')
  }
  return lines.join('\n')
}
