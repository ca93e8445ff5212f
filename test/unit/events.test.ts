import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Emitter } from '../../src/core/events'
import type { DevMeetEvents } from '../../src/core/devmeet-events'
import type { Logger } from '../../src/core/log'

function recordingLogger (): Logger & { errors: string[] } {
  const errors: string[] = []
  return { errors, debug: () => {}, info: () => {}, warn: () => {}, error: m => { errors.push(m) } }
}

// Compiled by `npm run typecheck`, never run: each line below must fail to compile.
export function misspeltEventsDoNotCompile (events: Emitter<DevMeetEvents>): void {
  // @ts-expect-error 'mesage' is not an event
  events.on('mesage', () => {})
  // @ts-expect-error 'conference:updated' is not an event
  events.emit('conference:updated', undefined as never)
  // @ts-expect-error a status event carries a NodeStatus, not a string
  events.emit('status', 'running')
  // @ts-expect-error the storage event's value has no 'ok'
  events.on('storage', value => value.ok)
}

describe('events', () => {
  it('delivers a value to every listener of its event', () => {
    const events = new Emitter<DevMeetEvents>()
    const seen: string[] = []
    events.on('storage', v => seen.push(`a ${v.writable}`))
    events.on('storage', v => seen.push(`b ${v.writable}`))
    events.on('peers', () => seen.push('peers'))
    events.emit('storage', { writable: false })
    assert.deepEqual(seen, ['a false', 'b false'])
  })

  it('logs a listener that throws, and the other listeners still run', () => {
    const log = recordingLogger()
    const events = new Emitter<DevMeetEvents>(log)
    const seen: boolean[] = []
    events.on('storage', () => { throw new Error('broken view') })
    events.on('storage', v => seen.push(v.writable))
    events.emit('storage', { writable: true })
    assert.deepEqual(seen, [true])
    assert.equal(log.errors.length, 1)
    assert.match(log.errors[0], /a listener of storage failed: Error: broken view/)
  })

  it('stops calling a listener once removed', () => {
    const events = new Emitter<DevMeetEvents>()
    let calls = 0
    const off = events.on('storage', () => { calls++ })
    events.emit('storage', { writable: true })
    off()
    events.emit('storage', { writable: true })
    assert.equal(calls, 1)
  })

  it('once() rejects with a TimeoutError when the event does not come', async () => {
    const events = new Emitter<DevMeetEvents>()
    await assert.rejects(events.once('storage', () => true, 20), (err: Error) => err.name === 'TimeoutError' && /timed out waiting for storage/.test(err.message))
  })
})
