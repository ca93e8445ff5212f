// 5. Invitation round trip: create → invite delivered → every invitee answers → every peer holds
// the organizer's context with every answer in it.
import type { BenchOptions } from '../options'
import { inOneProcess, type Row } from '../report'
import { budget } from '../calibration'
import { corePool, stopCores } from '../cores'
import { settle, summarize, until } from '../stats'
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
    return rows
  } finally {
    await stopCores(cores)
  }
}

async function roundTrip (org: DevMeet, invitees: DevMeet[], timeoutMs: number): Promise<number> {
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
    await org.conferences.cancel(context.id)
    return ms
  } finally {
    for (const off of offs) off()
  }
}
