/**
 * Every error the core throws on purpose, in the js-libp2p style: a named class with a static
 * `name`, checked as `err.name === X.name` (an error that crossed a module or bundle boundary may
 * not be `instanceof` the class here, but its name survives).
 */
import path from 'node:path'

/** The base: sets `name` from the class's static name (kept by the minifier, unlike the class name). */
abstract class NamedError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The core was asked for the libp2p node while it is stopped. */
export class NodeNotRunningError extends NamedError {
  static override name = 'NodeNotRunningError'
  constructor (message = 'the DevMeet node is not running') { super(message) }
}

/** The core was asked for the peer key before it was loaded. */
export class KeyNotLoadedError extends NamedError {
  static override name = 'KeyNotLoadedError'
  constructor (message = 'the DevMeet key is not loaded') { super(message) }
}

/** An address a person typed or pasted cannot be used; the message says why. */
export class InvalidAddressError extends NamedError {
  static override name = 'InvalidAddressError'
}

/** A dial the user asked for failed; the message is one sentence they can act on. */
export class DialFailedError extends NamedError {
  static override name = 'DialFailedError'
}

/** The DHT answered, but with no address for the peer. */
export class NoKnownAddressError extends NamedError {
  static override name = 'NoKnownAddressError'
  constructor (message = 'the DHT knows no address for that peer') { super(message) }
}

/** The user's input for a conference cannot be used; the message says why. */
export class ConferenceInputError extends NamedError {
  static override name = 'ConferenceInputError'
}

/** The signed context would be larger than an invite frame may be, so it could reach nobody. */
export class ConferenceTooLargeError extends ConferenceInputError {
  static override name = 'ConferenceTooLargeError'
}

/** A record breaks a conference rule (wrong signer, stale sequence, not an invitee...). */
export class ConferenceRuleError extends NamedError {
  static override name = 'ConferenceRuleError'
}

/** The user's chat input cannot be sent; the message says why. */
export class ChatInputError extends NamedError {
  static override name = 'ChatInputError'
}

/** Thrown by a protocol handler to refuse a frame with an answer (the sender stops retrying). */
export class RefusedError extends NamedError {
  static override name = 'RefusedError'
}

/** A peer opened streams faster than its allowance. */
export class RateLimitedError extends NamedError {
  static override name = 'RateLimitedError'
  constructor (message = 'rate limited') { super(message) }
}

/** A stream ended by us for a reason that was not itself an Error. */
export class StreamResetError extends NamedError {
  static override name = 'StreamResetError'
}

/** A frame that is too large, not JSON, or not of its schema. */
export class InvalidFrameError extends NamedError {
  static override name = 'InvalidFrameError'
}

/** An envelope whose signature, domain or signer does not check out. */
export class InvalidSignatureError extends NamedError {
  static override name = 'InvalidSignatureError'
}

/** A key of a type DevMeet does not sign with. */
export class UnsupportedKeyError extends NamedError {
  static override name = 'UnsupportedKeyError'
  constructor (message = 'DevMeet signs with Ed25519 keys only') { super(message) }
}

/** The key file exists but holds nothing. */
export class EmptyKeyFileError extends NamedError {
  static override name = 'EmptyKeyFileError'
  constructor (message = 'the key file is empty') { super(message) }
}

/** A contact operation named a peer that is not a contact. */
export class UnknownContactError extends NamedError {
  static override name = 'UnknownContactError'
  constructor (message = 'unknown contact') { super(message) }
}

/** A team operation is refused (too many teams or members, a member that is not a peer ID, an unknown team); the message says why. */
export class TeamRuleError extends NamedError {
  static override name = 'TeamRuleError'
}

/** A storage file name outside the data folder's rules (a bug of ours, never user input). */
export class InvalidStorageNameError extends NamedError {
  static override name = 'InvalidStorageNameError'
  constructor (storageName: string) { super(`invalid storage name: ${storageName}`) }
}

/** An awaited event did not come in time. */
export class TimeoutError extends NamedError {
  static override name = 'TimeoutError'
}

/** A write to the data folder failed; `code` and `syscall` come from the system error. */
export class StorageWriteError extends NamedError {
  static override name = 'StorageWriteError'
  readonly code: string | undefined
  readonly syscall: string
  constructor (readonly file: string, cause: any) {
    super(`cannot write ${file} in the DevMeet data folder: ${String(cause?.message ?? cause)}`, { cause })
    this.code = typeof cause?.code === 'string' ? cause.code : undefined
    this.syscall = typeof cause?.syscall === 'string' ? cause.syscall : 'write'
  }
}

/** A file that could not be parsed; it was moved aside (or, failing that, ignored where it is). */
export class DamagedFileError extends NamedError {
  static override name = 'DamagedFileError'
  /** `movedTo` is undefined when the move itself failed (a read-only disk): the file is ignored where it is. */
  constructor (readonly file: string, readonly movedTo: string | undefined, cause: unknown, moveError?: unknown) {
    super(movedTo != null
      ? `${path.basename(file)} was damaged and was moved aside to ${path.basename(movedTo)}`
      : `${path.basename(file)} was damaged and is ignored (it could not be moved aside: ${String((moveError as any)?.message ?? moveError)})`, { cause })
  }
}

/** Whether `err` is an error of class `type`, by name (works across bundles, unlike instanceof). */
export function isError<T extends abstract new (...args: any[]) => Error> (err: unknown, type: T): err is InstanceType<T> {
  return (err as Error | undefined)?.name === type.name
}
