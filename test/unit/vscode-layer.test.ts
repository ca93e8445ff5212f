// The VS Code layer's pure parts: disposal, command arguments, what commands ask before they act
// on an argument, file names, and the key store's fallback message.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConferenceView } from '../../src/core/api'
import { Disposable, toDisposable } from '../../src/vscode/disposable'
import { conferenceIdOf, isOurArgument, ourArgument, peerIdOf } from '../../src/vscode/command-args'
import { answerQuestion, createQuestion, inviteQuestion, rescheduleQuestion } from '../../src/vscode/conferences/confirm-texts'
import { fallbackText } from '../../src/vscode/secret-key-store'
import { safeFileName } from '../../src/shared/file-name'
import { icsFileName } from '../../src/shared/ics'

const ANNA = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const EVIL = 'Ev\u202Eil [click](command:devmeet.forgetPeer) $(zap)'
const NOW = Date.parse('2026-11-25T07:00:00Z')

class Owner extends Disposable {
  register<T extends { dispose(): unknown }> (d: T): T { return this._register(d) }
}

function view (): ConferenceView {
  return {
    context: {
      id: 'c1', nonce: 'n', title: EVIL, agenda: '', start: NOW + 3_600_000, timeZone: 'UTC', durationMinutes: 30,
      organizer: { peerId: ANNA, displayName: EVIL, addrs: [] }, invitees: [], sequence: 1, status: 'scheduled', createdAt: NOW, updatedAt: NOW
    },
    mine: true,
    delivery: {}
  }
}

function inert (text: string): void {
  assert.doesNotMatch(text, /\]\(|\$\(|\u202E|<command:/)
}

describe('the Disposable base', () => {
  it('releases everything registered once, last first, and at once what comes after disposal', () => {
    const order: string[] = []
    const owner = new Owner()
    owner.register(toDisposable(() => order.push('first')))
    owner.register(toDisposable(() => order.push('second')))
    owner.dispose()
    owner.dispose()
    assert.deepEqual(order, ['second', 'first'])
    owner.register(toDisposable(() => order.push('late')))
    assert.deepEqual(order, ['second', 'first', 'late'], 'a subscription made after disposal (a core that loaded late) is released at once')
  })

  it('releases the rest when one release throws, then reports it', () => {
    const released: string[] = []
    const owner = new Owner()
    owner.register(toDisposable(() => released.push('a')))
    owner.register({ dispose: () => { throw new Error('boom') } })
    assert.throws(() => owner.dispose(), /boom/)
    assert.deepEqual(released, ['a'])
  })
})

describe('command arguments', () => {
  it('read ids from rows, core objects and strings, and nothing else', () => {
    assert.equal(conferenceIdOf('c1'), 'c1')
    assert.equal(conferenceIdOf({ kind: 'conference', conferenceId: 'c2' }), 'c2')
    assert.equal(conferenceIdOf({ context: { id: 'c3' } }), 'c3')
    assert.equal(conferenceIdOf({ conferenceId: 7 }), undefined)
    assert.equal(peerIdOf({ kind: 'peer', peer: { peerId: ANNA } }), ANNA)
    assert.equal(peerIdOf({ peerId: ANNA }), ANNA)
    assert.equal(peerIdOf(['x']), undefined)
  })

  it('tell our own rows from look-alikes a link could pass', () => {
    const row = ourArgument({ kind: 'conference', conferenceId: 'c1' })
    assert.equal(isOurArgument(row), true)
    assert.equal(isOurArgument(JSON.parse(JSON.stringify(row))), false)
    assert.equal(isOurArgument('c1'), false)
    assert.equal(isOurArgument(undefined), false)
  })
})

describe('what a command asks before acting on its argument', () => {
  it('shows every detail of the argument as inert text', () => {
    const names = (): string => EVIL
    const questions = [
      createQuestion({ title: EVIL, start: NOW + 3_600_000, durationMinutes: 90, invitees: [ANNA], timeZone: 'UTC' }, names, NOW),
      inviteQuestion(view(), [ANNA], names),
      rescheduleQuestion(view(), NOW + 7_200_000, 45, NOW),
      answerQuestion({ ...view(), mine: false, myRsvp: 'pending' }, 'accepted', NOW)
    ]
    for (const q of questions) {
      inert(q.message)
      inert(q.detail)
      assert.match(q.detail, /came with the command/)
    }
    assert.match(questions[0].message, /^Create "Evil \[click\] \(command:devmeet\.forgetPeer\) \$ \(zap\)" on .* 1 h 30 min and send invitations to 1 peer\?$/)
    assert.match(questions[0].detail, /Invitations go to Evil .* \(…NbQ2zYiG\)\./)
    assert.match(questions[2].detail, /It is now .*30 min\. Every invitee is told\./)
  })

  it('lists at most ten people and counts the rest', () => {
    const ids = Array.from({ length: 13 }, (_, i) => `${ANNA.slice(0, -2)}${String(i).padStart(2, '0')}`)
    assert.match(inviteQuestion(view(), ids, () => 'P').detail, /and 3 more\./)
  })
})

describe('file names from titles', () => {
  it('avoid Windows device names and characters file systems refuse, for transcripts and .ics alike', () => {
    assert.equal(safeFileName('con', 'md', 'transcript'), 'transcript con.md')
    assert.equal(safeFileName('LPT1.notes', 'md', 'transcript'), 'transcript LPT1.notes.md')
    assert.equal(safeFileName('a/b:c*?', 'md', 'transcript'), 'a b c.md')
    assert.equal(safeFileName(' ... ', 'md', 'transcript'), 'transcript.md')
    assert.equal(icsFileName({ ...view().context, title: 'nul' }), 'conference nul.ics')
  })
})

describe('the key store fallback message', () => {
  it('says the key file is private only when the file store finds nothing wrong', () => {
    assert.match(fallbackText('no keyring', '/home/a/.data', undefined), /kept in a file readable only by you in \/home\/a\/\.data\.$/)
    const told = fallbackText('no keyring', 'D:\\data', 'the peer key file D:\\data\\peer.key is outside your user profile')
    assert.doesNotMatch(told, /readable only by you/)
    assert.match(told, /but it may not be private: the peer key file .* is outside your user profile\.$/)
    inert(fallbackText(EVIL, EVIL, EVIL))
  })
})
