import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { shownNames, shownNameOf, COLLISION_ID_CHARS, type NameSources } from '../../src/core/shown-names'
import type { ConferenceContext } from '../../src/core/api'

const ME = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ALICE = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const MALLORY = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const ORG = '12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE'

function ctx (invitees: Array<[string, string]>): ConferenceContext {
  return {
    id: 'q1w2e3r4t5y6u7i8o9p0aA',
    title: 't',
    agenda: '',
    start: 0,
    timeZone: 'UTC',
    durationMinutes: 30,
    organizer: { peerId: ORG, displayName: 'Olga', addrs: [] },
    invitees: invitees.map(([peerId, displayName]) => ({ peerId, displayName, addrs: [], rsvp: 'accepted' as const })),
    sequence: 1,
    status: 'scheduled',
    createdAt: 0,
    updatedAt: 0
  } as unknown as ConferenceContext
}

function sources (petnames: Record<string, string> = {}, own: Record<string, string> = {}): NameSources {
  return { me: ME, myName: 'Me', petname: id => petnames[id], ownName: id => own[id] }
}

describe('shown names', () => {
  it('my petname wins over the name the organizer lists', () => {
    // The organizer labels Mallory "Alice"; I named the real Alice myself.
    const c = ctx([[ALICE, 'Alice'], [MALLORY, 'Alice']])
    const names = shownNames(c, sources({ ALICE: '', [ALICE]: 'Alice' }, { [MALLORY]: 'Mallory' }))
    assert.equal(names.get(ALICE), 'Alice')
    assert.equal(names.get(MALLORY), 'Mallory', 'the peer\'s own name beats the organizer\'s label for it')
    assert.equal(shownNameOf(ALICE, c, sources({ [ALICE]: 'Alice (work)' })), 'Alice (work)')
  })

  it('two people of one conference never show the same name: more of the peer ID sets them apart', () => {
    const c = ctx([[ALICE, 'Alice'], [MALLORY, 'alice']])
    const names = shownNames(c, sources({}, { [ALICE]: 'Alice', [MALLORY]: 'ALICE' }))
    const a = names.get(ALICE)!
    const m = names.get(MALLORY)!
    assert.notEqual(a, m)
    assert.equal(a, `Alice (…${ALICE.slice(-COLLISION_ID_CHARS)})`)
    assert.equal(m, `ALICE (…${MALLORY.slice(-COLLISION_ID_CHARS)})`)
    assert.equal(names.get(ORG), 'Olga', 'names that do not collide stay short')
  })

  it('a peer that calls itself by my name is set apart from me; I stay as I am', () => {
    const names = shownNames(ctx([[MALLORY, 'Me']]), sources())
    assert.equal(names.get(ME), 'Me')
    assert.equal(names.get(MALLORY), `Me (…${MALLORY.slice(-COLLISION_ID_CHARS)})`)
  })

  it('a petname that collides with a peer\'s own name is set apart too, and hidden characters do not make names differ', () => {
    const names = shownNames(ctx([[ALICE, 'x'], [MALLORY, 'y']]), sources({ [ALICE]: 'Alice' }, { [MALLORY]: 'Al\u200bice' }))
    assert.notEqual(names.get(ALICE), names.get(MALLORY))
    assert.match(names.get(MALLORY)!, /^Alice \(…/)
  })

  it('an author no longer listed gets a name too', () => {
    assert.equal(shownNameOf(MALLORY, ctx([]), sources()), `peer …${MALLORY.slice(-8)}`)
    assert.equal(shownNameOf(MALLORY, undefined, sources({}, { [MALLORY]: 'Mal' })), 'Mal')
  })
})
