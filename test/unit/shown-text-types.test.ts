// Type-level proof, checked by `npm run typecheck`: only untrusted(), shown`` and numbers go into shown``.
// Each @ts-expect-error line fails the typecheck if that line ever compiles.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { shown, untrusted, type ShownText } from '../../src/shared/shown-text'

/** stands for any gate function: user-messages.ts accepts only ShownText */
function takesShown (text: ShownText): string {
  return text
}

describe('ShownText at the type level', () => {
  it('accepts untrusted(), nested shown`` and numbers; rejects plain strings and any', () => {
    const peerTitle: string = '[Click](command:workbench.action.terminal.sendSequence)'
    const loose: any = peerTitle
    const ok = shown`"${untrusted(peerTitle)}" starts in ${5} min. ${shown`ok`}`
    assert.equal(typeof ok, 'string')
    const bad = (): void => {
      // @ts-expect-error a raw string cannot be interpolated
      shown`"${peerTitle}" starts soon`
      // @ts-expect-error a string literal cannot be interpolated either
      shown`${'[x](command:y)'}`
      // @ts-expect-error `any` (an err.message) cannot be interpolated
      shown`Failed: ${loose}`
      // @ts-expect-error an object is not a part
      shown`${{ toString: () => peerTitle }}`
      // @ts-expect-error a raw string is not ShownText
      takesShown(peerTitle)
      // @ts-expect-error a template literal is a plain string
      takesShown(`"${peerTitle}" starts soon`)
      // @ts-expect-error untrusted text alone is not ShownText until it goes through shown``
      takesShown(untrusted(peerTitle))
    }
    assert.equal(typeof bad, 'function')
    assert.equal(takesShown(ok), '"[Click] (command:workbench.action.terminal.sendSequence)" starts in 5 min. ok')
  })
})
