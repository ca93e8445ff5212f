import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { agendaFromInput, agendaPreview, agendaToInput } from '../../src/vscode/conferences/agenda-input'

describe('the agenda typed on one line in Create Conference', () => {
  it('turns a bulleted list typed on one line into one item a line', () => {
    assert.equal(agendaFromInput('- Demo - Questions - Next steps'), '- Demo\n- Questions\n- Next steps')
    assert.equal(agendaFromInput('* a * b'), '* a\n* b')
  })

  it('turns a numbered list into lines only in order, so numbers inside an item stay', () => {
    assert.equal(agendaFromInput('1. Fix 3 bugs 2. Demo 3. Q&A'), '1. Fix 3 bugs\n2. Demo\n3. Q&A')
    assert.equal(agendaFromInput('1) a 2) b'), '1) a\n2) b')
  })

  it('leaves other text alone, splits at a typed \\n, and keeps hyphenated words', () => {
    assert.equal(agendaFromInput('Talk about the roll-out'), 'Talk about the roll-out')
    assert.equal(agendaFromInput('Intro\\nDemo'), 'Intro\nDemo')
    assert.equal(agendaFromInput('- fix the a-b test - ship'), '- fix the a-b test\n- ship')
    assert.equal(agendaFromInput('   '), '')
  })

  it('goes back into the box as it was typed', () => {
    for (const typed of ['- Demo - Questions', '1. a 2. b', 'Intro\\nDemo']) assert.equal(agendaToInput(agendaFromInput(typed)), typed)
  })

  it('previews the lines it will keep', () => {
    assert.equal(agendaPreview('- a\n- b'), '2 lines: - a  ⏎  - b')
    assert.match(agendaPreview(''), /Optional/)
  })
})
