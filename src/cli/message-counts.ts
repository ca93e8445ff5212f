import type { DevMeet } from '../core/devmeet'
import { stringArg, type PeerCommand } from './commands'

/**
 * Counts of chat messages received (from others) per conference since the peer started, and a
 * command that answers once a count is reached: for a driver that must know when thousands of
 * messages arrived without reading a line per message (see DEVMEET_PEER_MESSAGE_EVENTS=off).
 */
export function messageCounts (devmeet: DevMeet): Record<string, PeerCommand> {
  const counts = new Map<string, number>()
  let waiters: Array<{ conferenceId: string, count: number, answer: (n: number) => void }> = []
  devmeet.events.on('message', m => {
    if (m.author === devmeet.peerId) return
    const n = (counts.get(m.conferenceId) ?? 0) + 1
    counts.set(m.conferenceId, n)
    if (waiters.length > 0) waiters = waiters.filter(w => w.conferenceId !== m.conferenceId || n < w.count || (w.answer(n), false))
  })
  return {
    /** messages of others received in the conference since start (a message shown again counts again) */
    async received (_devmeet, line) {
      return counts.get(stringArg(line, 'conferenceId')) ?? 0
    },
    /** answers once `count` messages of others were received in the conference since start */
    async waitReceived (_devmeet, line) {
      const conferenceId = stringArg(line, 'conferenceId')
      const count = Number(line.count)
      if (!Number.isSafeInteger(count) || count < 1) throw new Error('"count" must be a positive integer')
      const now = counts.get(conferenceId) ?? 0
      if (now >= count) return now
      return await new Promise<number>(resolve => waiters.push({ conferenceId, count, answer: resolve }))
    }
  }
}
