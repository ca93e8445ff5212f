// The benchmark with tiny sizes, so it cannot rot: every scenario runs and yields figures.
// Asserts nothing about time.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('npm run bench --smoke', () => {
  it('runs every scenario and writes the same figures as a table and as JSON', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-bench-smoke-'))
    try {
      const out = path.join(dir, 'bench.json')
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', path.join(repo, 'test', 'bench', 'run.ts'), '--smoke', '--out', out], { cwd: repo, timeout: 230_000, maxBuffer: 16 * 1024 * 1024 }, (err, so, se) => {
          if (err != null) reject(new Error(`the benchmark failed: ${err.message}\n${so}\n${se}`))
          else resolve(so)
        })
      })
      const results = JSON.parse(readFileSync(out, 'utf8'))
      assert.ok(results.machine.cores >= 1 && results.machine.node.startsWith('v'), 'the machine is recorded')
      assert.match(stdout, /Machine: .+ cores, .+ Node v/)
      const scenarios = new Set(results.rows.map((r: any) => r.scenario))
      for (const n of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) assert.ok(scenarios.has(n), `scenario ${n} has a row`)
      for (const row of results.rows) {
        assert.doesNotMatch(row.note ?? '', /not measured/, `${row.measure} was measured`)
        if (row.measure === 'devmeet.vsix') continue
        const figures = Object.values(row.devmeet) as number[]
        assert.ok(figures.length > 0 && figures.every(v => Number.isFinite(v) && v >= 0), `${row.measure} has figures`)
        for (const b of row.baselines) assert.ok(Object.values(b.figures).every(v => Number.isFinite(v as number)), `${row.measure}: ${b.label} has figures`)
        assert.ok(stdout.includes(row.measure.replace(/\|/g, '\\|')), `${row.measure} is in the table`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
