// A pseudo-translation (every message wrapped in ⟦…⟧, as a translator's bundle would replace it)
// installed the way the gate installs vscode.l10n: tree rows, notifications, the status bar's
// count, the core's warnings and the chat page's words come out translated, with their parts in
// place, and a peer's text still comes out inert (no link, icon or bidi trick, never translated).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseHTML } from 'linkedom'
import type { ConferenceView } from '../../src/core/api'
import type { ChatMessage } from '../../src/core/api'
import { useTranslator, localized, plural, currentTranslation } from '../../src/shared/localized'
import { untrusted } from '../../src/shared/shown-text'
import { descriptionOf, groupLabel, peopleOf } from '../../src/vscode/conferences/conference-rows'
import { invitationText } from '../../src/vscode/notification-texts'
import { peerCountLabel } from '../../src/vscode/status-texts'
import { ClockSkewNotes } from '../../src/core/peers/clock-skew'
import { translatedPageTexts } from '../../src/vscode/chat/page-texts'
import { PAGE_TEXTS } from '../../src/shared/page-text'
import { loadPageTexts, pagePlural, pageText } from '../../src/webview/page-text'
import { formatDuration } from '../../src/shared/time'
import { transcriptMarkdown } from '../../src/shared/transcript'
import { MessageEffectsOnPage, quoteElement } from '../../src/webview/message-actions'

const ME = '12D3KooWMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMe'
const EVE = '12D3KooWEveEveEveEveEveEveEveEveEveEveEveEveEve'
const NOW = Date.parse('2026-11-25T07:00:00Z')
/** A name a hostile peer picks: a command link, an icon, a bidi override. */
const HOSTILE = 'Eve [click](command:devmeet.cancelConference) $(bug) \u202eevil'

const asked: string[] = []
/** The pseudo-translation: what a real bundle does (a new text for the key, the {0}… kept). */
const pseudo = (key: string): string => { asked.push(key); return `⟦${key}⟧` }

function view (): ConferenceView {
  return {
    context: {
      id: 'c1',
      nonce: 'n0nce-n0nce-n0nce-n0nce',
      title: 'Review [x](command:workbench.action.reloadWindow)',
      agenda: '',
      start: NOW + 2 * 3600_000,
      timeZone: 'UTC',
      durationMinutes: 30,
      organizer: { peerId: EVE, displayName: HOSTILE, addrs: [] },
      invitees: [{ peerId: ME, displayName: 'Me', addrs: [], rsvp: 'pending' }],
      sequence: 1,
      status: 'scheduled',
      createdAt: NOW - 1000,
      updatedAt: NOW - 1000
    },
    mine: false,
    myRsvp: 'pending',
    delivery: {}
  }
}

/** Nothing a surface would turn into a link or an icon, and no hidden characters. */
function assertInert (text: string): void {
  assert.doesNotMatch(text, /\]\(|\$\(|<command:|\u202e/, text)
}

describe('a translation installed as the gate installs vscode.l10n', () => {
  useTranslator((key) => pseudo(key), 'fr')

  it('translates tree rows with their parts in place', () => {
    assert.equal(groupLabel('invitations'), '⟦Invitations⟧')
    const me = peopleOf(view(), ME).find(p => p.peerId === ME)!
    assert.equal(me.state, '⟦no answer yet⟧')
    // "{0}{1}" around "{0} · {1}" around "in {0}" around "{0} h": each message translated, each part in its place
    assert.match(descriptionOf(view(), NOW, 'UTC', ME), /^⟦⟦⟦in ⟦2 h⟧⟧ · .+⟧⟧$/)
  })

  it('translates a notification; the peer\'s name and title go in untranslated and inert', () => {
    const text = invitationText(view(), NOW)
    assert.ok(asked.includes('{0} invited you to "{1}" at {2} ({3}).'), 'asked for the template with placeholders')
    assert.ok(text.startsWith('⟦') && text.endsWith('⟧'), text)
    assert.match(text, /Eve \[click\] \(command:devmeet\.cancelConference\) \$ \(bug\) evil/)
    assert.ok(!asked.some(key => key.includes('Eve')), 'the peer\'s name is never looked up as a message')
    assertInert(text)
  })

  it('a translation that puts parts side by side cannot glue them into a link or an icon', () => {
    // the translation is ours, but its order is new: a part ending in "]" or "$" now meets "("
    const reorder = (key: string): string => key === 'Open {0} with {1}' ? '{0}({1})' : key === 'Icon {0} {1}' ? '{0}{1}' : key
    useTranslator(reorder, 'fr')
    try {
      assertInert(localized`Open ${untrusted('[x]')} with ${untrusted('command:evil')}`)
      assertInert(localized`Icon ${untrusted('$')} ${untrusted('(bug)')}`)
    } finally {
      useTranslator((key) => pseudo(key), 'fr')
    }
  })

  it('chooses plural forms by the language\'s rules (French: 0 and 1 are singular)', () => {
    assert.equal(peerCountLabel(0), '⟦0 peer⟧')
    assert.equal(peerCountLabel(1), '⟦1 peer⟧')
    assert.equal(peerCountLabel(2), '⟦2 peers⟧')
    useTranslator((key) => pseudo(key), 'en')
    assert.equal(peerCountLabel(0), '⟦0 peers⟧')
    useTranslator((key) => pseudo(key), 'fr')
    assert.equal(plural(1, localized`one`, localized`other`), '⟦one⟧')
  })

  it('translates the transcript\'s words; the peer\'s name stays escaped markdown, never a link', () => {
    const text = transcriptMarkdown(view().context, [], { now: NOW, timeZone: 'UTC' })
    assert.match(text, /^- ⟦Status: ⟦scheduled⟧⟧$/m)
    assert.match(text, /^## ⟦Messages⟧$/m)
    assert.match(text, /- ⟦Organizer: Eve \\\[click\\\]\\\(command:devmeet\\\.cancelConference\\\)/)
  })

  it('translates the core\'s warnings, the peer\'s name kept inert', () => {
    const warnings: string[] = []
    new ClockSkewNotes(m => warnings.push(m)).note(EVE, HOSTILE, 61 * 60_000)
    assert.equal(warnings.length, 1)
    assert.ok(warnings[0].startsWith('⟦') && warnings[0].includes('⟦61 minutes⟧'), warnings[0])
    assert.match(warnings[0], /ahead of yours/)
    assertInert(warnings[0])
  })

  it('gives the chat page every one of its words translated, and the page shows them with its parts as text', () => {
    const texts = translatedPageTexts()
    assert.equal(Object.keys(texts).length, PAGE_TEXTS.length)
    assert.equal(texts['typing…'], '⟦typing…⟧')
    assert.equal(currentTranslation().language, 'fr')
    const meta = JSON.stringify(texts).replace(/&/g, '&amp;').replace(/"/g, '&quot;')
    const { document } = parseHTML(`<!DOCTYPE html><html lang="fr"><head><meta name="devmeet-texts" content="${meta}"></head><body></body></html>`)
    loadPageTexts(document as unknown as Document)
    assert.equal(pageText('New messages'), '⟦New messages⟧')
    assert.equal(pageText('{0} of {1}', 2, 5), '⟦2 of 5⟧')
    // the shared helpers the page calls speak the page's language too
    assert.equal(formatDuration(90), '⟦1 h 30 min⟧')
    assert.equal(pagePlural(1, 'Reply', 'Edit'), '⟦Reply⟧')
    // A reply quoting a deleted message of a hostile peer: the name is text, the words translated.
    const page = new MessageEffectsOnPage()
    const msg = (seq: number, fields: Partial<ChatMessage>): ChatMessage => ({ conferenceId: 'c1', author: EVE, authorName: `<img src=x onerror=alert(1)>${HOSTILE}`, seq, lamport: seq, sentAt: 0, kind: 'text', body: 'hi', ...fields })
    page.add(msg(1, {}))
    page.add(msg(2, { kind: 'delete', target: { author: EVE, seq: 1 }, body: '' }))
    page.add(msg(3, { replyTo: { author: EVE, seq: 1 } }))
    const quote = quoteElement(document as unknown as Document, page.shownOf(page.original(`${EVE}#3`)!))!
    assert.match(quote.textContent ?? '', /⟦This message was deleted\.⟧/)
    assert.equal(quote.querySelector('img'), null, 'the name is text, not markup')
    assert.doesNotMatch(quote.textContent ?? '', /\u202e/)
  })

  it('the page keeps English for a <meta> it cannot read, or a key that is not its own', () => {
    const bad = JSON.stringify({ 'New messages': 42, 'Not a page text': 'x', Reply: '⟦Reply⟧' }).replace(/"/g, '&quot;')
    const { document } = parseHTML(`<!DOCTYPE html><html lang="fr"><head><meta name="devmeet-texts" content="${bad}"></head><body></body></html>`)
    loadPageTexts(document as unknown as Document)
    assert.equal(pageText('New messages'), 'New messages')
    assert.equal(pageText('Reply'), '⟦Reply⟧')
    const { document: none } = parseHTML('<!DOCTYPE html><html><head><meta name="devmeet-texts" content="{not json"></head><body></body></html>')
    loadPageTexts(none as unknown as Document)
    assert.equal(pageText('Reply'), 'Reply')
  })
})
