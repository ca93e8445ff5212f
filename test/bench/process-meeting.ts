// A meeting of headless peers, each in its own process (dist/peer.js): the process mode every
// scenario can use. The first peer organizes: it connects to the others, invites them; all accept,
// join the chat, and the meeting counts as converged once a probe message from every participant
// reached every other (whatever the mesh looks like). Waits scale with the calibration.
import type { BenchOptions } from './options'
import { budget } from './calibration'
import { HeadlessPeer, type PeerSpawnOptions } from './processes'
import { benchDir } from './cores'
import { until, within } from './stats'

export interface SpawnPeersOptions extends PeerSpawnOptions {
  /** names are prefix + index */
  prefix?: string
  /** peers started at once (each start costs ~0.4 s of CPU) */
  batch?: number
}

/** Starts `n` headless peers, a few at a time; resolves once all are ready. */
export async function spawnPeers (n: number, opts: Pick<BenchOptions, 'slowdown'>, options: SpawnPeersOptions = {}): Promise<HeadlessPeer[]> {
  const peers: HeadlessPeer[] = []
  const batch = options.batch ?? 4
  try {
    for (let i = 0; i < n; i += batch) {
      const started = Array.from({ length: Math.min(batch, n - i) }, (_, j) => HeadlessPeer.spawn(`${options.prefix ?? 'Peer'}${i + j}`, benchDir(), options))
      peers.push(...started)
      await within(`${started.length} headless peers print their ready line`, budget(opts, 30_000), Promise.all(started.map(p => p.ready)))
    }
  } catch (err) {
    await stopPeers(peers)
    throw err
  }
  return peers
}

export async function stopPeers (peers: HeadlessPeer[]): Promise<void> {
  await Promise.all(peers.map(p => p.stop().catch(() => {})))
}

/** A message seen by one peer: which peer (index), the message, and when its line reached the benchmark. */
export interface Arrival { peer: number, message: any, at: number }

export interface ProcessMeeting {
  peers: HeadlessPeer[]
  /** peer IDs, by index */
  ids: string[]
  conferenceId: string
  /** ms from the first `join` until every probe reached every participant */
  convergedMs: number
  /** Calls `listener` for every chat message of the meeting any peer reports; returns the unsubscribe. */
  onMessage: (listener: (a: Arrival) => void) => () => void
  /** Resolves once every peer but the author (by index) reported a message whose body is `body`. */
  delivered: (author: number, body: string, timeoutMs?: number) => Promise<void>
  stop: () => Promise<void>
}

export interface MeetingOptions extends SpawnPeersOptions {
  title?: string
}

/** `n` headless peers in a running conference, converged. */
export async function processMeeting (n: number, opts: Pick<BenchOptions, 'slowdown'>, options: MeetingOptions = {}): Promise<ProcessMeeting> {
  if (n < 2) throw new Error('a meeting needs two participants')
  const peers = await spawnPeers(n, opts, options)
  try {
    const ready = await Promise.all(peers.map(p => p.ready))
    const ids = ready.map(r => String(r.peerId))
    const [org, ...others] = peers
    for (const r of ready.slice(1)) await org.command('connect', { addr: r.address })
    const answered = others.map(p => new Promise<void>(resolve => {
      const off = p.onLine(line => {
        if (line.event !== 'invitation') return
        off()
        void p.command('respond', { conferenceId: line.conference.context.id, answer: 'accepted' }).then(() => resolve(), () => resolve())
      })
    }))
    const created = await org.command('create', { title: options.title ?? 'Bench', start: Date.now(), durationMinutes: 120, invitees: ids.slice(1) })
    const conferenceId = String(created.context.id)
    await within('every headless peer answers the invitation', budget(opts, 30_000 + 500 * n), Promise.all(answered))
    const allAccepted = async (p: HeadlessPeer): Promise<boolean> => {
      const list: any[] = await p.command('conferences')
      return list.some(v => v.context.id === conferenceId && v.context.invitees.length === n - 1 && v.context.invitees.every((i: any) => i.rsvp === 'accepted'))
    }
    await until('the organizer has every answer', () => allAccepted(org), budget(opts, 30_000 + 500 * n))

    let listeners: Array<(a: Arrival) => void> = []
    const offs = peers.map((p, i) => p.onLine(line => {
      if (line.event !== 'message' || line.message?.conferenceId !== conferenceId) return
      const a: Arrival = { peer: i, message: line.message, at: performance.now() }
      for (const l of listeners) l(a)
    }))
    const onMessage = (listener: (a: Arrival) => void): (() => void) => {
      listeners.push(listener)
      return () => { listeners = listeners.filter(l => l !== listener) }
    }
    const delivered = (author: number, body: string, timeoutMs = budget(opts, 30_000)): Promise<void> => {
      const waiting = new Set(peers.map((_, i) => i).filter(i => i !== author))
      let off = (): void => {}
      const all = new Promise<void>(resolve => {
        off = onMessage(a => {
          if (a.message.author !== ids[author] || a.message.body !== body) return
          waiting.delete(a.peer)
          if (waiting.size === 0) resolve()
        })
      })
      return within(`${body} from ${peers[author].name} reaches every other participant`, timeoutMs, all)
        .catch(err => { throw new Error(`${String(err.message)} (${waiting.size} of ${peers.length - 1} still waiting)`) })
        .finally(off)
    }

    const t0 = performance.now()
    await Promise.all(peers.map(p => p.command('join', { conferenceId })))
    await until('every participant holds the accepted conference', async () => (await Promise.all(peers.map(allAccepted))).every(Boolean), budget(opts, 30_000 + 500 * n))
    const probes = peers.map((_, i) => delivered(i, `probe ${i}`, budget(opts, 30_000 + 1000 * n)))
    for (const [i, p] of peers.entries()) await p.command('send', { conferenceId, body: `probe ${i}` })
    await Promise.all(probes)
    const convergedMs = performance.now() - t0
    return {
      peers,
      ids,
      conferenceId,
      convergedMs,
      onMessage,
      delivered,
      stop: async () => { offs.forEach(off => off()); await stopPeers(peers) }
    }
  } catch (err) {
    await stopPeers(peers)
    throw err
  }
}
