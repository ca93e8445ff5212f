import type { Components } from './components'
import { warnUser } from './components'
import { untrusted } from '../shared/shown-text'
import { localized } from '../shared/localized'

/** While writes fail, how often a small write checks whether the folder works again. */
const STORAGE_PROBE_MS = 5000

/**
 * Follows whether the data folder takes writes: tells the user once when it stops (with why),
 * then tries a small write every few seconds until it works again.
 */
export class StorageHealth {
  private probe: unknown

  constructor (
    private readonly components: Pick<Components, 'storage' | 'clock' | 'log' | 'events'>,
    /** what to do once writes work again (flush what waited) */
    private readonly onRecovered: () => void,
    /** whether to keep probing (the node runs) */
    private readonly active: () => boolean
  ) {}

  /** Storage's report that writes began to fail or work again. */
  onWritable (writable: boolean, error?: string): void {
    this.components.events.emit('storage', { writable, ...(error != null ? { error } : {}) })
    if (!writable) {
      warnUser(this.components, localized`${error == null ? localized`cannot write the data folder` : untrusted(error, 300)}. DevMeet keeps running, but changes are not saved and messages are not sent until it can write again.`)
      this.schedule()
      return
    }
    this.stop()
    this.components.log.info('the data folder takes writes again')
    this.onRecovered()
  }

  /** Stops probing (the node stops, or writes work). */
  stop (): void {
    if (this.probe != null) this.components.clock.clearTimeout(this.probe)
    this.probe = undefined
  }

  private schedule (): void {
    if (this.probe != null) return
    this.probe = this.components.clock.setTimeout(() => {
      this.probe = undefined
      void this.components.storage.probe().then(ok => { if (!ok && this.active()) this.schedule() })
    }, STORAGE_PROBE_MS)
  }
}
