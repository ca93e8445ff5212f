// A running conference between a core in the benchmark's process (the organizer) and a headless
// peer in its own process, both in its chat: the two-process mode of throughput and catch-up.
import type { BenchOptions } from './options'
import type { DevMeet } from '../../src/core/devmeet'
import type { HeadlessPeer } from './processes'
import { budget } from './calibration'
import { until, within } from './stats'

/** Invites the headless peer (it accepts), joins both to the chat; resolves with the conference ID once the chat link is up. */
export async function headlessConference (opts: Pick<BenchOptions, 'slowdown'>, org: DevMeet, peer: HeadlessPeer, title: string): Promise<string> {
  const ready = await within('the headless peer is ready', budget(opts, 30_000), peer.ready)
  const peerId = String(ready.peerId)
  await org.connect(String(ready.address))
  const answered = new Promise<void>(resolve => {
    const off = peer.onLine(line => {
      if (line.event !== 'invitation') return
      off()
      void peer.command('respond', { conferenceId: line.conference.context.id, answer: 'accepted' }).then(() => resolve(), () => resolve())
    })
  })
  const { context } = await org.conferences.create({ title, start: Date.now(), durationMinutes: 120, invitees: [peerId] })
  await within('the headless peer accepts', budget(opts, 30_000), answered)
  await until('the organizer has the answer', () => org.conferences.participants(context.id).length === 2, budget(opts, 30_000))
  await org.chat.join(context.id)
  await peer.command('join', { conferenceId: context.id })
  await until('the chat link is up', () => org.chat.presence(context.id).linked.includes(peerId), budget(opts, 30_000))
  return context.id
}
