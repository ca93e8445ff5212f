// The benchmark's table: where each figure was measured, its baseline, ratio and target; and the
// waits that scale with the calibration instead of failing on a slower machine.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as os from 'node:os'
import { inOneProcess, inProcesses, machine, markdown, type Row } from '../../test/bench/report'
import { budget, calibrate, REFERENCE_MS } from '../../test/bench/calibration'

describe('bench report', () => {
  it('prints where a figure was measured before its measure, with baseline, ratio, target and verdict', () => {
    const rows: Row[] = [
      { scenario: '1', where: inProcesses(2), measure: 'Latency', unit: 'ms', devmeet: { p50: 3, p99: 9 }, baselines: [{ label: 'bare libp2p', figures: { p50: 1.5, p99: 4 } }], ratio: 2, target: 'p99 < 5 ms', met: false },
      { scenario: '1', where: inOneProcess(), measure: 'Latency', unit: 'ms', devmeet: { p50: 2, p99: 4 }, baselines: [], target: 'p99 < 5 ms', met: true }
    ]
    const lines = markdown({ ...machine(), slowdown: 1.3 }, rows, 'test').split('\n')
    const cores = os.cpus().length
    assert.ok(lines.some(l => l.includes('calibration 1.30×')), 'the calibration is printed')
    assert.ok(lines.includes(`| 1 | [2 processes on ${cores} core${cores === 1 ? '' : 's'}] Latency | p50 3.00 / p99 9.00 ms | bare libp2p: p50 1.50 / p99 4.00 ms | 2.00× | p99 < 5 ms | not met |`), lines.join('\n'))
    assert.ok(lines.includes('| 1 | [in one process] Latency | p50 2.00 / p99 4.00 ms | - | - | p99 < 5 ms | met |'), lines.join('\n'))
  })

  it('scales waits by the slowdown, never below the reference', () => {
    assert.equal(budget({ slowdown: 1 }, 10_000), 10_000)
    assert.equal(budget({ slowdown: 2.5 }, 10_000), 25_000)
    assert.equal(budget({ slowdown: 0.5 }, 10_000), 10_000)
    const c = calibrate()
    assert.ok(c.ms > 0 && c.slowdown >= 1 && Math.abs(c.ratio * REFERENCE_MS - c.ms) < 1e-9, JSON.stringify(c))
  })
})
