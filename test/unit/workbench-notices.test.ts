// The status bar's wording, reminders that are worth showing, "typing…" ending with the message,
// and what a restored chat panel says while it shows the saved history.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceView } from '../../src/core/api'
import { peerCountLabel } from '../../src/vscode/status-texts'
import { ReminderGate } from '../../src/vscode/chat/reminder-gate'
import { TypingShown } from '../../src/vscode/chat/typing-shown'
import { previewReason } from '../../src/vscode/chat/restore-follow'

const MIN = 60_000
const NOW = Date.parse('2026-11-30T09:00:00Z')

function view (id: string, start: number, opts: { mine?: boolean, myRsvp?: ConferenceView['myRsvp'] } = {}): ConferenceView {
  const mine = opts.mine ?? false
  return {
    context: {
      id,
      nonce: 'n0nce-n0nce-n0nce-n0nce',
      title: 'Standup',
      agenda: '',
      start,
      timeZone: 'UTC',
      durationMinutes: 15,
      organizer: { peerId: 'org', displayName: 'Org', addrs: [] },
      invitees: [],
      sequence: 1,
      status: 'scheduled',
      createdAt: NOW,
      updatedAt: NOW
    } as unknown as ConferenceView['context'],
    mine,
    myRsvp: mine ? undefined : opts.myRsvp ?? 'pending',
    delivery: {}
  }
}

describe('the status bar item', () => {
  it('says what it counts, so the number does not read as unread messages', () => {
    assert.equal(peerCountLabel(0), '0 peers')
    assert.equal(peerCountLabel(1), '1 peer')
    assert.equal(peerCountLabel(2), '2 peers')
  })
})

describe('reminders', () => {
  it('remind about a conference known since the window opened', () => {
    const gate = new ReminderGate()
    const v = view('a', NOW + 5 * MIN, { myRsvp: 'accepted' })
    gate.baseline([v])
    assert.equal(gate.shouldRemind(v, NOW, 5), true)
  })

  it('stay silent for a conference the user just created inside the reminder window', () => {
    const gate = new ReminderGate()
    gate.baseline([])
    const created = view('b', NOW + 2 * MIN, { mine: true })
    // the scheduler may fire before the creation's update event reaches the UI
    assert.equal(gate.shouldRemind(created, NOW, 5), false)
  })

  it('stay silent for a conference the user just accepted inside the reminder window', () => {
    const gate = new ReminderGate()
    const pending = view('c', NOW + 3 * MIN)
    gate.baseline([pending])
    gate.observe(view('c', NOW + 3 * MIN, { myRsvp: 'accepted' }), NOW - 10_000)
    assert.equal(gate.shouldRemind(view('c', NOW + 3 * MIN, { myRsvp: 'accepted' }), NOW, 5), false)
  })

  it('remind about a conference accepted long before its reminder window', () => {
    const gate = new ReminderGate()
    gate.baseline([view('d', NOW + 60 * MIN)])
    gate.observe(view('d', NOW + 60 * MIN, { myRsvp: 'accepted' }), NOW)
    assert.equal(gate.shouldRemind(view('d', NOW + 60 * MIN, { myRsvp: 'accepted' }), NOW + 55 * MIN, 5), true)
  })
})

describe('"typing…" in the chat panel', () => {
  it('ends when the typist\'s message arrives, though the core still lists them as typing', () => {
    const t = new TypingShown()
    t.presence(['ada'])
    assert.deepEqual(t.shown(['ada']), ['ada'])
    t.messageFrom('ada')
    assert.deepEqual(t.shown(['ada', 'bob']), ['bob'])
    t.presence(['ada', 'bob'])
    assert.deepEqual(t.shown(['ada', 'bob']), ['bob'])
  })

  it('shows again when the author starts typing anew after the signal ended', () => {
    const t = new TypingShown()
    t.presence(['ada'])
    t.messageFrom('ada')
    t.presence([])
    t.presence(['ada'])
    assert.deepEqual(t.shown(['ada']), ['ada'])
  })
})

describe('a restored chat panel before the node runs', () => {
  it('says why it shows the saved history', () => {
    assert.match(previewReason('starting', false), /starting/)
    assert.match(previewReason('locked', false), /another VS Code window/)
    assert.match(previewReason('failed', false), /could not start/)
    assert.match(previewReason('running', false), /no longer known/)
  })
})
