import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { PeerRateLimiter } from '../../src/core/wire/rate-limit'

describe('the per-peer rate limit on the invite and RSVP protocols', () => {
  it('allows a burst, then the steady rate, per peer', () => {
    let now = 0
    const limiter = new PeerRateLimiter(20, 40, () => now)
    for (let i = 0; i < 40; i++) assert.equal(limiter.take('a'), true, 'the burst')
    assert.equal(limiter.take('a'), false, 'over the burst')
    assert.equal(limiter.take('b'), true, 'another peer has its own bucket')
    now += 500
    for (let i = 0; i < 10; i++) assert.equal(limiter.take('a'), true, 'half a second at 20 per second')
    assert.equal(limiter.take('a'), false)
    assert.equal(limiter.denied('a'), false, 'two strikes are not yet a denial')
  })

  it('denies a repeat offender for a while, then forgives', () => {
    let now = 0
    const limiter = new PeerRateLimiter(20, 40, () => now, 10, 60_000)
    for (let i = 0; i < 9; i++) assert.equal(limiter.strike('a'), false)
    assert.equal(limiter.strike('a'), true, 'the tenth strike denies')
    assert.equal(limiter.denied('a'), true)
    assert.equal(limiter.take('a'), false)
    assert.equal(limiter.take('b'), true)
    now += 60_001
    assert.equal(limiter.denied('a'), false)
    assert.equal(limiter.take('a'), true)
  })

  it('counts going over the rate as a strike', () => {
    let now = 0
    const limiter = new PeerRateLimiter(1, 1, () => now, 3, 1000)
    assert.equal(limiter.take('a'), true)
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('a'), false)
    assert.equal(limiter.denied('a'), true)
    now += 1001
    assert.equal(limiter.take('a'), true)
  })
})
