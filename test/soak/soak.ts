// npm run soak: 30 participants (5 processes × 6 DevMeet cores) in one conference for 10 minutes
// of steady chat with random restarts. Passes when every participant ends with the same history,
// nothing is lost, and no process's RSS grew more than 20 % beyond its first minute.
//   --minutes N        chat duration (env SOAK_MINUTES; default 10)
//   --processes N      worker processes (default 5)
//   --cores N          participants per process (default 6)
//   --every S          seconds between one participant's messages, on average (default 10)
//   --restart-every S  a random participant restarts this often (default 60)
//   --down S           how long it stays down (default 5)
import { parseArgs } from 'node:util'
import { formatSummary, runSoak } from './harness'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: process.env.SOAK_MINUTES ?? '10' },
    processes: { type: 'string', default: '5' },
    cores: { type: 'string', default: '6' },
    every: { type: 'string', default: '10' },
    'restart-every': { type: 'string', default: '60' },
    down: { type: 'string', default: '5' }
  }
})

function num (name: string, v: string | undefined): number {
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${v}`)
  return n
}

const durationMs = num('minutes', values.minutes) * 60_000
const summary = await runSoak({
  processes: num('processes', values.processes),
  coresPerProcess: num('cores', values.cores),
  durationMs,
  everyMs: num('every', values.every) * 1000,
  restartEveryMs: num('restart-every', values['restart-every']) * 1000,
  downMs: num('down', values.down) * 1000,
  firstSampleMs: Math.min(60_000, durationMs / 2),
  settleTimeoutMs: 180_000,
  log: line => process.stdout.write(line + '\n')
})
process.stdout.write('\n' + formatSummary(summary) + '\n')
const failures: string[] = []
if (summary.lost > 0) failures.push(`${summary.lost} messages lost`)
if (summary.hashes !== 1) failures.push('the participants hold different histories')
for (const m of summary.memory) if (m.growth > 0.2) failures.push(`process ${m.worker} grew ${(m.growth * 100).toFixed(1)} % beyond its first minute`)
if (summary.unhandledRejections > 0) failures.push(`${summary.unhandledRejections} unhandled rejections`)
process.stdout.write(failures.length === 0 ? 'PASS\n' : `FAIL: ${failures.join('; ')}\n`)
process.exit(failures.length === 0 ? 0 : 1)
