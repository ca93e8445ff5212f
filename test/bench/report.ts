// The benchmark's output: one row per figure with its baselines and target, as markdown and JSON.
import * as os from 'node:os'

/** Named numbers of one measurement, e.g. { p50: 1.2, p99: 3.4 } or { value: 5000 }. */
export type Figures = Record<string, number>

export interface Row {
  scenario: string
  measure: string
  /** where the participants ran: inOneProcess() or inProcesses(n); printed before the measure */
  where?: string
  unit: string
  devmeet: Figures
  baselines: Array<{ label: string, figures: Figures }>
  /** DevMeet / first baseline, for the figure the target speaks of */
  ratio?: number
  target?: string
  /** true met, false not met, null not measured */
  met?: boolean | null
  note?: string
}

export interface Machine {
  cpu: string
  cores: number
  /** calibration work here vs on the project's machine (calibration.ts); waits scale by it */
  slowdown?: number
  memoryGiB: number
  node: string
  platform: string
  date: string
}

export function machine (): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString()
  }
}

function num (v: number): string {
  if (!Number.isFinite(v)) return 'n/a'
  const a = Math.abs(v)
  if (a >= 1000) return Math.round(v).toLocaleString('en-US')
  if (a >= 100) return v.toFixed(0)
  if (a >= 10) return v.toFixed(1)
  return v.toFixed(2)
}

export function formatFigures (f: Figures, unit: string): string {
  const parts = Object.entries(f).map(([k, v]) => k === 'value' ? num(v) : `${k} ${num(v)}`)
  return parts.length === 0 ? 'n/a' : `${parts.join(' / ')} ${unit}`
}

function cell (text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function markdown (m: Machine, rows: Row[], mode: string): string {
  const lines = [
    `## DevMeet benchmark (${mode})`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; run ${m.date}` +
      (m.slowdown != null ? `; calibration ${m.slowdown.toFixed(2)}× the project machine's time (waits scaled by it)` : ''),
    '',
    '| # | Measure | DevMeet | Baseline (same run) | Ratio | Target | Met |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const r of rows) {
    const base = r.baselines.map(b => `${b.label}: ${formatFigures(b.figures, r.unit)}`).join('; ') || '-'
    const met = r.met === true ? 'met' : r.met === false ? 'not met' : r.target != null ? 'n/a' : '-'
    const what = r.where != null ? `[${r.where}] ${r.measure}` : r.measure
    const measure = r.note != null ? `${what} (${r.note})` : what
    lines.push(`| ${r.scenario} | ${cell(measure)} | ${cell(formatFigures(r.devmeet, r.unit))} | ${cell(base)} | ${r.ratio != null && Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '-'} | ${cell(r.target ?? '-')} | ${met} |`)
  }
  return lines.join('\n')
}

/** Every participant and baseline node shared this one process (one event loop, one clock). */
export function inOneProcess (): string {
  return 'in one process'
}

/** Each participant (and each baseline node) in its own process, on this machine's cores. */
export function inProcesses (n: number): string {
  const cores = os.cpus().length
  return `${n} processes on ${cores} core${cores === 1 ? '' : 's'}`
}

/** A row for a scenario that could not run: the reason instead of figures. */
export function failedRow (scenario: string, measure: string, err: unknown, target?: string): Row {
  return { scenario, measure, unit: '', devmeet: {}, baselines: [], target, met: target != null ? null : undefined, note: `not measured: ${String((err as any)?.message ?? err).split('\n')[0].slice(0, 160)}` }
}
