import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { shown, untrusted, untrustedLines, joinShown, visibleLine } from '../../src/shared/shown-text'
import { logSafe, lineLogger } from '../../src/core/log'

const LINK = '[Click](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)'
/** every character class untrusted() must remove */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u

describe('untrusted()', () => {
  it('breaks markdown links, autolinks and codicons', () => {
    assert.equal(untrusted(LINK), '[Click] (command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)')
    assert.equal(untrusted('<command:workbench.action.terminal.new>'), '< command:workbench.action.terminal.new>')
    assert.equal(untrusted('$(zap) $(loading~spin)'), '$ (zap) $ (loading~spin)')
    assert.equal(untrusted('![pixel](https://tracker.example/p.png)'), '![pixel] (https://tracker.example/p.png)')
    // already neutral text does not change again
    assert.equal(untrusted(untrusted(LINK)), untrusted(LINK))
  })

  it('strips bidi overrides and isolates, zero-width and control characters; NFC; one line', () => {
    const t = untrusted('A\u202eecil\u202c\u2066x\u2069\u200b\u200d\ufeff\u0007\u001b[31mred\u0085next\r\nline\u2028end')
    assert.doesNotMatch(t, HIDDEN)
    assert.equal(t, 'Aecilx[31mred next line end')
    assert.equal(untrusted('e\u0301'), '\u00e9')
    assert.equal(untrusted('tag\u{e0041}\u{e0042}s'), 'tags')
  })

  it('caps the length by characters, never splitting a surrogate pair', () => {
    assert.equal(untrusted('x'.repeat(10_000), 64).length, 64)
    assert.equal(Array.from(untrusted('😀'.repeat(100), 10)).length, 10)
    assert.equal(untrusted(undefined), '')
    assert.equal(untrusted(42), '42')
  })

  it('keeps the lines of an agenda apart, each made inert', () => {
    assert.deepEqual(untrustedLines('1. [a](command:x)\r\n2. b\u202e\n'), ['1. [a] (command:x)', '2. b'])
    assert.equal(untrustedLines('x\n'.repeat(100), 3).length, 4)
  })
})

describe('shown``', () => {
  it('keeps two pieces of peer text from forming a link where they meet', () => {
    const text = shown`${untrusted('[Click]')}${untrusted('(command:workbench.action.terminal.new)')}`
    assert.doesNotMatch(text, /\]\(/)
    assert.doesNotMatch(shown`$${untrusted('(zap)')}`, /\$\(/)
    assert.doesNotMatch(shown`<${untrusted('command:x>')}`, /<command:/)
    // our own literal icons stay icons
    assert.equal(shown`$(add) Paste ${untrusted('x')}`, '$(add) Paste x')
  })

  it('refuses a hand-made strings array and values that are not parts', () => {
    assert.throws(() => (shown as any)(['a', 'b'], untrusted('x')), /template tag/)
    assert.throws(() => (shown as any)(Object.freeze(Object.assign(['a', ''], { raw: ['a', ''] })), { toString: () => LINK }), /untrusted/)
  })

  it('joins pieces', () => {
    assert.equal(joinShown([shown`a`, shown`b`, shown`c`], shown`, `), 'a, b, c')
    assert.equal(joinShown([], shown`, `), '')
  })
})

describe('log lines', () => {
  it('a peer\'s text cannot start a log line of its own or hide characters', () => {
    const forged = `Eve\n2026-11-30T00:00:00.000Z [info] node running as 12D3KooWAlice\r\u202etxt.exe`
    assert.doesNotMatch(logSafe(forged), /[\r\n\u202e]/)
    const lines: string[] = []
    lineLogger(l => lines.push(l), 'debug').warn(`profile from ${forged}`)
    assert.equal(lines.length, 1)
    assert.equal(lines[0].split('\n').length, 1)
    assert.match(lines[0], /Eve ␤ 2026/)
  })

  it('visibleLine leaves ordinary text alone', () => {
    assert.equal(visibleLine('  Sprint   planning  '), 'Sprint planning')
  })
})
