import { TimeoutError } from './errors'
import type { Logger } from './log'

/**
 * A small typed event emitter: `on` returns the function that removes the listener. `Events` maps
 * each event name to its value, so an unknown name is a compile error. A listener that throws is
 * logged and the others still run: one broken view must not silence the rest.
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(value: any) => void>>()

  constructor (private readonly log?: Logger) {}

  on<K extends keyof Events> (event: K, listener: (value: Events[K]) => void): () => void {
    let set = this.listeners.get(event)
    if (set == null) this.listeners.set(event, set = new Set())
    set.add(listener)
    return () => { set.delete(listener) }
  }

  /** Resolves with the first event for which `match` holds. */
  once<K extends keyof Events> (event: K, match: (value: Events[K]) => boolean = () => true, timeoutMs = 30_000): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new TimeoutError(`timed out waiting for ${String(event)}`)) }, timeoutMs)
      const off = this.on(event, v => {
        if (!match(v)) return
        clearTimeout(timer)
        off()
        resolve(v)
      })
    })
  }

  emit<K extends keyof Events> (event: K, value: Events[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(value)
      } catch (err: any) {
        this.log?.error(`a listener of ${String(event)} failed: ${err?.stack ?? err}`)
      }
    }
  }
}
