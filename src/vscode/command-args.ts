// What a command's argument names. Commands get a tree row, a core object, or a bare id from the
// palette, a menu, a notification button or another extension; a `command:` link in markdown can
// pass any JSON, so these read ids only and never trust anything else in the argument.
// No 'vscode' import, so they are unit tested.

/** The conference id inside a command argument: a tree row (`{conferenceId}`), a ConferenceView, or a string. */
export function conferenceIdOf (arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg
  if (arg == null || typeof arg !== 'object') return undefined
  const a = arg as { conferenceId?: unknown, context?: { id?: unknown } }
  if (typeof a.conferenceId === 'string') return a.conferenceId
  if (typeof a.context?.id === 'string') return a.context.id
  return undefined
}

/** The occurrence inside a command argument (`{ conferenceId, occurrence }`, a meeting's row), if a finite number. */
export function occurrenceOf (arg: unknown): number | undefined {
  if (arg == null || typeof arg !== 'object') return undefined
  const o = (arg as { occurrence?: unknown }).occurrence
  return typeof o === 'number' && Number.isFinite(o) ? o : undefined
}

/** The peer ID inside a command argument: a Peers tree row (`{peer}`), a PeerInfo, or a string. */
export function peerIdOf (arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg
  if (arg == null || typeof arg !== 'object') return undefined
  const a = arg as { peer?: { peerId?: unknown }, peerId?: unknown }
  if (typeof a.peer?.peerId === 'string') return a.peer.peerId
  if (typeof a.peerId === 'string') return a.peerId
  return undefined
}

/**
 * Arguments our own UI made (tree rows, notification buttons). A `command:` link or another
 * extension can only pass fresh objects, never one of these, so a command may act at once on
 * these and ask the user first about any other.
 */
const fromOurUi = new WeakSet<object>()

/** Marks an argument object as made by our own UI; returns it. */
export function ourArgument<T extends object> (arg: T): T {
  fromOurUi.add(arg)
  return arg
}

/** Whether our own UI made this argument (so the user chose it there). */
export function isOurArgument (arg: unknown): boolean {
  return arg != null && typeof arg === 'object' && fromOurUi.has(arg)
}
