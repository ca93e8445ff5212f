import type { PrivateKey } from '@libp2p/interface'
import type { DevMeetLibp2p } from './node'
import type { Storage } from './storage'
import type { Clock } from './clock'
import type { Logger } from './log'
import type { Emitter } from './events'
import type { DevMeetEvents } from './devmeet-events'
import { shown, untrusted, type ShownText } from '../shared/shown-text'
import { KeyNotLoadedError, NodeNotRunningError } from './errors'

/**
 * What every service of the core may use, in the js-libp2p way: a service takes this (plus its own
 * narrow ports) instead of the whole DevMeet. `node` and `key` exist only while the node runs, so
 * they are read when used, never copied at construction.
 */
export interface Components {
  /** the running libp2p node; throws NodeNotRunningError while stopped */
  readonly node: DevMeetLibp2p
  /** the peer key; throws KeyNotLoadedError before the first start */
  readonly key: PrivateKey
  readonly storage: Storage
  readonly clock: Clock
  readonly log: Logger
  readonly events: Emitter<DevMeetEvents>
}

export interface ComponentsInit {
  node: () => DevMeetLibp2p | undefined
  key: () => PrivateKey | undefined
  storage: Storage
  clock: Clock
  log: Logger
  events: Emitter<DevMeetEvents>
}

/** Builds the components from the owner's getters for the node and key. */
export function createComponents (init: ComponentsInit): Components {
  const { storage, clock, log, events } = init
  return {
    get node () { return init.node() ?? throwError(new NodeNotRunningError()) },
    get key () { return init.key() ?? throwError(new KeyNotLoadedError()) },
    storage,
    clock,
    log,
    events
  }
}

/** The components plus a service's ports, keeping `node` and `key` read when used (a spread would read them now). */
export function withPorts<P extends object> (components: Components, ports: P): Components & P {
  return {
    get node () { return components.node },
    get key () { return components.key },
    storage: components.storage,
    clock: components.clock,
    log: components.log,
    events: components.events,
    ...ports
  }
}

function throwError (err: Error): never {
  throw err
}

/** Something the user should see: logged, and sent to the UI as a `warning` event. */
export function warnUser (components: Pick<Components, 'log' | 'events'>, message: ShownText): void {
  components.log.warn(message)
  components.events.emit('warning', message)
}

/** A warning whose whole text came from outside (a file name, an error): shown as outside text. */
export function warnUserOfOutsideText (components: Pick<Components, 'log' | 'events'>, message: string): void {
  warnUser(components, shown`${untrusted(message, 500)}`)
}
