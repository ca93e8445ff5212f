// The short soak that runs in npm test (the full one is npm run soak): 10 participants in two
// processes chat for a minute while one restarts every 15 s.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatSummary, runSoak } from '../soak/harness'

describe('a short soak', () => {
  it('ten participants chatting for a minute through restarts end with the same history and nothing lost', { timeout: 240_000 }, async () => {
    const summary = await runSoak({
      processes: 2,
      coresPerProcess: 5,
      durationMs: 60_000,
      everyMs: 3000,
      restartEveryMs: 15_000,
      downMs: 3000,
      firstSampleMs: 20_000,
      settleTimeoutMs: 60_000,
      log: line => process.stderr.write(`soak: ${line}\n`)
    })
    process.stderr.write(formatSummary(summary) + '\n')
    assert.ok(summary.sent > 100, `steady chat (${summary.sent} messages)`)
    assert.ok(summary.restarts >= 3, 'participants restarted')
    assert.equal(summary.lost, 0, 'no message is lost')
    assert.equal(summary.hashes, 1, 'every participant holds the same history in the same order')
    assert.ok(summary.counts.every(c => c === summary.sent), 'and nothing more')
    assert.equal(summary.unhandledRejections, 0)
    // Memory is judged by the full soak; a minute is too short to tell growth from warm-up, so only a leak of tens of MiB fails here.
    for (const m of summary.memory) assert.ok(m.rssEnd - m.rssFirst < 64 * 2 ** 20, `process ${m.worker} did not balloon`)
  })
})
