import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { DevMeet } from '../../src/core/devmeet'
import { seriesCommands } from '../../src/cli/series-commands'
import { conferenceCommands } from '../../src/cli/conference-commands'

/** A DevMeet whose conference service records what the commands ask of it. */
function recorder (): { devmeet: DevMeet, calls: unknown[][] } {
  const calls: unknown[][] = []
  const record = (name: string) => async (...args: unknown[]) => { calls.push([name, ...args]); return { ok: name } }
  const conferences = {
    create: record('create'),
    cancelOccurrence: record('cancelOccurrence'),
    rescheduleOccurrence: record('rescheduleOccurrence'),
    rescheduleFollowing: record('rescheduleFollowing'),
    respond: record('respond'),
    respondToOccurrence: record('respondToOccurrence'),
    occurrences: (...args: unknown[]) => { calls.push(['occurrences', ...args]); return [] },
    get: () => undefined
  }
  const chat = { history: record('history') }
  return { devmeet: { conferences, chat } as unknown as DevMeet, calls }
}

describe('headless peer: series commands', () => {
  it('passes recurrence to create, and occurrence times as ISO text or epoch ms', async () => {
    const { devmeet, calls } = recorder()
    const recurrence = { freq: 'weekly', interval: 1, byDay: ['MO'], count: 5 }
    await conferenceCommands.create(devmeet, { title: 'Review', start: '2027-01-04T08:00:00Z', invitees: [], recurrence, timeZone: 'Europe/Berlin' })
    assert.deepEqual((calls[0][1] as any).recurrence, recurrence)
    await seriesCommands.occurrences(devmeet, { conferenceId: 'c', from: '2027-01-01T00:00:00Z', to: 1_800_000_000_000 })
    assert.deepEqual(calls[1], ['occurrences', 'c', Date.parse('2027-01-01T00:00:00Z'), 1_800_000_000_000, 1000])
    await seriesCommands.cancelOccurrence(devmeet, { conferenceId: 'c', occurrence: '2027-01-11T08:00:00Z' })
    assert.deepEqual(calls[2], ['cancelOccurrence', 'c', Date.parse('2027-01-11T08:00:00Z')])
    await seriesCommands.rescheduleOccurrence(devmeet, { conferenceId: 'c', occurrence: 1, start: 2, durationMinutes: 45 })
    assert.deepEqual(calls[3], ['rescheduleOccurrence', 'c', 1, 2, 45])
    await seriesCommands.rescheduleFollowing(devmeet, { conferenceId: 'c', occurrence: '2027-01-18T08:00:00Z', start: '2027-01-18T09:00:00Z', durationMinutes: 30 })
    assert.deepEqual(calls[4], ['rescheduleFollowing', 'c', Date.parse('2027-01-18T08:00:00Z'), Date.parse('2027-01-18T09:00:00Z'), 30])
    await conferenceCommands.respond(devmeet, { conferenceId: 'c', answer: 'declined', occurrence: '2027-01-21T08:00:00Z' })
    assert.deepEqual(calls[5], ['respondToOccurrence', 'c', Date.parse('2027-01-21T08:00:00Z'), 'declined'])
    await conferenceCommands.respond(devmeet, { conferenceId: 'c', answer: 'accepted' })
    assert.deepEqual(calls[6], ['respond', 'c', 'accepted', undefined], 'without occurrence, the answer is to the series')
    await seriesCommands.occurrenceHistory(devmeet, { conferenceId: 'c', occurrence: 7 })
    assert.deepEqual(calls[7], ['history', 'c', 7])
  })

  it('refuses malformed arguments with a message, and an unknown conference for ics', async () => {
    const { devmeet } = recorder()
    await assert.rejects(seriesCommands.occurrences(devmeet, { conferenceId: 'c', from: 'soon', to: 1 }), /"from" must be/)
    await assert.rejects(seriesCommands.rescheduleOccurrence(devmeet, { conferenceId: 'c', occurrence: 1, start: 2, durationMinutes: '45' }), /"durationMinutes" must be a number/)
    await assert.rejects(seriesCommands.cancelOccurrence(devmeet, { occurrence: 1 }), /"conferenceId"/)
    await assert.rejects(seriesCommands.ics(devmeet, { conferenceId: 'nope' }), /no such conference/)
    await assert.rejects(conferenceCommands.respond(devmeet, { conferenceId: 'c', answer: 'declined', occurrence: 'friday' }), /"occurrence" must be/)
    await assert.rejects(seriesCommands.occurrenceHistory(devmeet, { conferenceId: 'c' }), /"occurrence" must be/)
  })
})
