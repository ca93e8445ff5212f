// 5. Invitation round trip: create → invite delivered → every invitee answers → every peer holds
// the organizer's context with every answer in it. Then a large conference whose 50 invitees all
// answer the moment the invitation arrives (the organizer coalesces answers that arrive together).
import type { BenchOptions } from '../options'
import { inOneProcess, type Row } from '../report'
import { budget } from '../calibration'
import { corePool, stopCores } from '../cores'
import { settle, sleep, summarize, until } from '../stats'
import type { DevMeet } from '../../../src/core/devmeet'

export async function invitation (opts: BenchOptions): Promise<Row[]> {
  const largest = Math.max(...opts.inviteSizes)
  const cores = await corePool(largest + 1)
  const [org, ...others] = cores
  const rows: Row[] = []
  try {
    for (const size of opts.inviteSizes) {
      const invitees = others.slice(0, size)
      const samples: number[] = []
      const warm = opts.smoke ? 0 : 1
      for (let i = 0; i < warm + opts.inviteSamples; i++) {
        const ms = await roundTrip(org, invitees, budget(opts, 60_000))
        if (i >= warm) samples.push(ms)
        await settle()
      }
      const s = summarize(samples)
      rows.push({
        scenario: '5',
        where: inOneProcess(),
        measure: `Invitation round trip, ${size} invitee${size === 1 ? '' : 's'}: create → delivered → RSVP → all converged (${s.n} runs)`,
        unit: 'ms',
        devmeet: { p50: s.p50, max: s.max },
        baselines: [],
        target: size >= 20 ? '20 invitees < 500 ms' : undefined,
        met: size >= 20 ? s.p50 < 500 : undefined
      })
    }
  } finally {
    await stopCores(cores)
  }
  if (!opts.smoke) rows.push(await allAtOnce(AT_ONCE, opts))
  return rows
}

const AT_ONCE = 50

/** A pool of its own (the rows above keep their smaller one): 50 invitees, each answering as soon as it is invited. */
async function allAtOnce (size: number, opts: BenchOptions): Promise<Row> {
  const cores = await corePool(size + 1)
  const [org, ...invitees] = cores
  try {
    await quiet(budget(opts, 60_000))
    const samples: number[] = []
    const versions: number[] = []
    for (let i = 0; i < 1 + 3; i++) {
      const ms = await roundTrip(org, invitees, budget(opts, 120_000), sequence => { if (i >= 1) versions.push(sequence - 1) })
      if (i >= 1) samples.push(ms)
      await settle()
    }
    const s = summarize(samples)
    return {
      scenario: '5',
      where: inOneProcess(),
      measure: `Invitation, ${size} invitees all answering at once: create → every peer holds every answer (${s.n} runs)`,
      unit: 'ms',
      devmeet: { p50: s.p50, max: s.max },
      baselines: [],
      note: `the organizer made ${range(versions)} versions for ${size} answers (one per answer before answers arriving together shared one)`
    }
  } finally {
    await stopCores(cores)
  }
}

function range (values: number[]): string {
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  return lo === hi ? String(lo) : `${lo}–${hi}`
}

/** Waits until the pool's start-up work (identify, relay reservations, DHT) has died down: it would be measured otherwise. */
async function quiet (timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs
  while (performance.now() < end) {
    const cpu = process.cpuUsage()
    await sleep(2000)
    const used = process.cpuUsage(cpu)
    if ((used.user + used.system) / 1000 < 400) return
  }
}

async function roundTrip (org: DevMeet, invitees: DevMeet[], timeoutMs: number, finalSequence?: (sequence: number) => void): Promise<number> {
  const offs = invitees.map(p => p.events.on('invitation', v => { void p.conferences.respond(v.context.id, 'accepted') }))
  try {
    const t0 = performance.now()
    const { context } = await org.conferences.create({ title: 'Round trip', start: Date.now() + 3_600_000, durationMinutes: 30, invitees: invitees.map(p => p.peerId!) })
    const all = [org, ...invitees]
    await until('every peer holds every answer', () => all.every(p => {
      const c = p.conferences.get(context.id)?.context
      return c != null && c.invitees.every(i => i.rsvp === 'accepted')
    }), timeoutMs)
    const ms = performance.now() - t0
    finalSequence?.(org.conferences.get(context.id)!.context.sequence)
    await org.conferences.cancel(context.id)
    return ms
  } finally {
    for (const off of offs) off()
  }
}
