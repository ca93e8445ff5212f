import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FloodGuard } from '../../src/core/wire/rate-limit'

describe('the chat flood guard', () => {
  it('allows a burst and the steady rate, refuses the excess, and cuts off only a key that stays over the rate past the grace period', () => {
    let now = 0
    const guard = new FloodGuard(50, 100, () => now, 2000, 60_000)
    for (let i = 0; i < 100; i++) assert.equal(guard.take('a'), 'ok', 'the burst')
    assert.equal(guard.take('a'), 'refused', 'over the burst: throttled')
    assert.equal(guard.throttled('a'), true, 'throttled() tells without taking')
    assert.equal(guard.throttled('b'), false)
    assert.equal(guard.take('b'), 'ok', 'another key has its own bucket')
    now += 1000
    for (let i = 0; i < 50; i++) assert.equal(guard.take('a'), 'ok', 'a second at 50/s')
    assert.equal(guard.take('a'), 'refused', 'a new spell of throttling starts')
    // A flood: 1,000 a second for three seconds.
    const verdicts: string[] = []
    for (let ms = 0; ms < 3000; ms++) { now += 1; verdicts.push(guard.take('a')) }
    assert.ok(verdicts.filter(v => v === 'ok').length <= 160, 'about the steady rate gets through')
    assert.ok(verdicts.slice(0, 1900).every(v => v !== 'cut'), 'throttled, not cut, within the grace period')
    assert.ok(verdicts.slice(1900).includes('cut'), 'cut off once the grace period is over')
    assert.ok(guard.refused('a') > 2000)
    assert.equal(guard.offence('a'), 60_000)
    assert.equal(guard.offence('a'), 120_000, 'a repeat offender is cut off twice as long')
  })

  it('a burst followed by a pause is never cut off', () => {
    let now = 0
    const guard = new FloodGuard(50, 100, () => now, 2000)
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 150; i++) assert.notEqual(guard.take('a'), 'cut')
      now += 1500
    }
  })
})
