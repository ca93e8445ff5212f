import type { Storage } from '../storage'
import { ChatLog } from './log'

/** Every conference's chat log, loaded once on first use. */
export class ChatLogs {
  private readonly logs = new Map<string, Promise<ChatLog>>()

  constructor (private readonly storage: Storage) {}

  /** The conference's log, loaded. */
  open (conferenceId: string): Promise<ChatLog> {
    let p = this.logs.get(conferenceId)
    if (p == null) {
      const log = new ChatLog(this.storage, conferenceId)
      // Damaged lines are reported by the storage layer (with where the original was kept).
      p = log.load().then(() => log)
      this.logs.set(conferenceId, p)
    }
    return p
  }

  /** The conference's log when it was opened. */
  opened (conferenceId: string): Promise<ChatLog> | undefined {
    return this.logs.get(conferenceId)
  }

  /** Waits for queued appends, so no acknowledged message is lost, then forgets the logs. */
  async close (): Promise<void> {
    await Promise.all([...this.logs.values()].map(p => p.catch(() => undefined)))
    this.logs.clear()
  }
}
