import { TimeoutError } from './errors'
/** A small typed event emitter: `on` returns the function that removes the listener. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(value: any) => void>>()

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
      try { l(value) } catch {}
    }
  }
}
