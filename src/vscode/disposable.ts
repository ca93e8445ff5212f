// The one disposal idiom of the VS Code layer (as in microsoft/vscode-pull-request-github): an
// owner registers every listener, emitter, view, timer and core subscription it makes with
// `_register`, and releases them all, last first, when it is disposed. Owners are themselves
// registered with their owner, up to `context.subscriptions` in extension.ts. No 'vscode' import,
// so it is unit tested.

/** Anything with a dispose(): vscode.Disposable, an owner below, toDisposable(...). */
export interface Releasable {
  dispose(): unknown
}

/** A Releasable that runs `release` once (e.g. the off-function a core event subscription returns). */
export function toDisposable (release: () => void): Releasable {
  let released = false
  return {
    dispose: () => {
      if (released) return
      released = true
      release()
    }
  }
}

export abstract class Disposable implements Releasable {
  private readonly owned: Releasable[] = []
  private disposed = false

  /** Keeps `d` until this owner is disposed; an owner already disposed releases it at once. */
  protected _register<T extends Releasable> (d: T): T {
    if (this.disposed) d.dispose()
    else this.owned.push(d)
    return d
  }

  protected get isDisposed (): boolean {
    return this.disposed
  }

  /** Releases everything registered, last first; one failing release does not keep the others. */
  dispose (): void {
    if (this.disposed) return
    this.disposed = true
    const errors: unknown[] = []
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose()
      } catch (err) {
        errors.push(err)
      }
    }
    if (errors.length > 0) throw errors[0]
  }
}
