import { peerIdFromString, peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import * as z from 'zod'
import { decodeJson } from './framing'
import { InvalidFrameError, InvalidSignatureError, UnsupportedKeyError } from '../errors'

/**
 * Signed records. An envelope is UTF-8 JSON: {k: domain, s: signer peer ID, p: payload JSON text,
 * g: base64url signature}. The signature covers "devmeet-envelope\0" + domain + "\0" + the
 * payload's UTF-8 bytes, so a signature made for one kind of record (or one conference, when the
 * domain names it) never verifies as another. Verification runs over the payload bytes exactly
 * as received; the payload is parsed only after it verified.
 */
export const DOMAINS = {
  conference: 'devmeet/conference/1',
  rsvp: 'devmeet/rsvp/1',
  chat: 'devmeet/chat/1',
  /** a participant's signed word that it is online (or typing, or gone) in a conference: src/core/chat/mesh-presence.ts */
  presence: 'devmeet/presence/1'
} as const

const PREFIX = 'devmeet-envelope\0'
const MAX_PAYLOAD_CHARS = 512 * 1024

/** An envelope's fields: domain, signer, payload JSON text, signature. */
export const envelopeSchema = z.strictObject({
  k: z.string().max(128),
  s: z.string().min(1).max(128),
  p: z.string().max(MAX_PAYLOAD_CHARS),
  g: z.string().max(256)
})

export type Envelope = z.infer<typeof envelopeSchema>

/** envelopeSchema's test, written out (~20× quicker than zod's); it agrees with the schema (test/unit/envelope-quick-check.test.ts). */
export function isEnvelope (v: unknown): v is Envelope {
  if (typeof v !== 'object' || v == null || Array.isArray(v)) return false
  let n = 0
  for (const key in v) {
    if (!Object.hasOwn(v, key)) return false
    if (key !== 'k' && key !== 's' && key !== 'p' && key !== 'g') return false
    n++
  }
  const { k, s, p, g } = v as Record<string, unknown>
  return n === 4 && typeof k === 'string' && k.length <= 128 && typeof s === 'string' && s.length >= 1 && s.length <= 128 &&
    typeof p === 'string' && p.length <= MAX_PAYLOAD_CHARS && typeof g === 'string' && g.length <= 256
}

/** envelopeSchema's verdict: the written-out test first, zod (the definition, with its errors) for anything it does not pass. */
function asEnvelope (v: unknown): Envelope {
  return isEnvelope(v) ? v : envelopeSchema.parse(v)
}

/*
 * Quick tests of a payload schema: each may only accept what the schema accepts, and returns
 * false for anything it is not sure of (the schema, the definition, then decides). They spare the
 * common case zod's cost on every received chat message (~10 µs each).
 */
const quickChecks = new WeakMap<z.ZodType, (v: unknown) => boolean>()

/** Lets `check` accept payloads for `schema` ahead of it; it must never accept what the schema refuses. */
export function acceptQuickly<T> (schema: z.ZodType<T>, check: (v: unknown) => v is T): void {
  quickChecks.set(schema, check)
}

export interface OpenedEnvelope<T> {
  signer: string
  payload: T
  /** the envelope exactly as received, for storing and forwarding unchanged */
  bytes: Uint8Array
}

const encoder = new TextEncoder()
const publicKeys = new Map<string, PublicKey>()

function signedBytes (domain: string, payloadText: string): Uint8Array {
  return encoder.encode(PREFIX + domain + '\0' + payloadText)
}

/** Signs `payload` (any JSON value) for `domain` with `key`; returns the envelope bytes. */
export async function seal (key: PrivateKey, domain: string, payload: unknown): Promise<Uint8Array> {
  return encoder.encode(sealText(key, domain, payload))
}

/** seal(), synchronously and as text: for a caller that must know the envelope before anything else runs. */
export function sealText (key: PrivateKey, domain: string, payload: unknown): string {
  const payloadText = JSON.stringify(payload)
  const sig = signWith(key, signedBytes(domain, payloadText))
  const signer = peerIdFromPublicKeyCached(key)
  return JSON.stringify({ k: domain, s: signer, p: payloadText, g: Buffer.from(sig).toString('base64url') })
}

/**
 * Verifies an envelope for `domain` and validates its payload with `schema`.
 * Throws InvalidFrameError for a malformed envelope or payload, InvalidSignatureError for a bad signature.
 */
export async function open<T> (bytes: Uint8Array, domain: string, schema: z.ZodType<T>, { offThread = false }: { offThread?: boolean } = {}): Promise<OpenedEnvelope<T>> {
  const env = decodeJson(bytes, envelopeSchema)
  const signed = signedPart(env, domain)
  if (!await verifySigned(signed, offThread)) throw new InvalidSignatureError('signature does not verify')
  return { signer: env.s, payload: parsePayload(env.p, schema), bytes }
}

/** What a signature covers and the signature itself, checked for form (not verified). */
export interface SignedPart {
  signer: string
  publicKey: PublicKey
  readonly data: Uint8Array
  sig: Uint8Array
}

/*
 * The bytes a signature covers, encoded only when the signature is checked: in a hash-chained
 * frame most messages are vouched for by their successor and never need them (docs/HASH-CHAIN.md).
 */
class LazySignedPart implements SignedPart {
  private bytes?: Uint8Array
  constructor (readonly signer: string, readonly publicKey: PublicKey, readonly sig: Uint8Array, private readonly domain: string, private readonly payloadText: string) {}
  get data (): Uint8Array {
    return (this.bytes ??= signedBytes(this.domain, this.payloadText))
  }
}

/** An envelope whose form and payload were checked but whose signature was NOT (see verifySigned). */
export interface ParsedEnvelope<T> {
  signer: string
  payload: T
  signed: SignedPart
}

function signedPart (env: Envelope, domain: string): SignedPart {
  if (env.k !== domain) throw new InvalidSignatureError(`envelope is for ${env.k.slice(0, 40)}, expected ${domain}`)
  const publicKey = publicKeyOf(env.s)
  const sig = Buffer.from(env.g, 'base64url')
  if (sig.length !== 64) throw new InvalidSignatureError('malformed signature')
  return new LazySignedPart(env.s, publicKey, sig, domain, env.p)
}

function parsePayload<T> (payloadText: string, schema: z.ZodType<T>): T {
  let value: unknown
  try {
    value = JSON.parse(payloadText)
  } catch {
    throw new InvalidFrameError('payload is not JSON')
  }
  return shapePayload(value, schema)
}

function shapePayload<T> (value: unknown, schema: z.ZodType<T>): T {
  if (quickChecks.get(schema)?.(value) === true) return value as T
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new InvalidFrameError(`payload has the wrong shape: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`)
  return parsed.data
}

/**
 * Reads an envelope for `domain` and shapes its payload with `schema`, WITHOUT verifying the
 * signature: for records authenticated another way (a hash chain, see src/core/chat/chain.ts) or
 * verified next with verifySigned. Nothing read this way may be accepted before one of those.
 * Throws as open() does for what is malformed.
 */
export function parseEnvelope<T> (envelope: string, domain: string, schema: z.ZodType<T>, peeked?: PeekedEnvelope): ParsedEnvelope<T> {
  let env: Envelope
  try {
    env = asEnvelope(peeked != null ? peeked.env : JSON.parse(envelope))
  } catch {
    throw new InvalidFrameError('not an envelope')
  }
  const signed = signedPart(env, domain)
  return { signer: env.s, payload: peeked != null ? shapePayload(peeked.payload, schema) : parsePayload(env.p, schema), signed }
}

/** An envelope's JSON and its payload's JSON, parsed once (NOT checked, NOT verified). */
export interface PeekedEnvelope {
  env: { p: string }
  payload: unknown
}

/** peekPayload() keeping both parsed values, for parseEnvelope() to check without parsing again; undefined when either is not JSON. */
export function peekEnvelope (envelope: string): PeekedEnvelope | undefined {
  try {
    const env = JSON.parse(envelope)
    if (typeof env?.p !== 'string') return undefined
    return { env, payload: JSON.parse(env.p) }
  } catch {
    return undefined
  }
}

/** Whether the signature of a parsed envelope holds; with `offThread` on libuv's thread pool. */
export async function verifySigned (signed: SignedPart, offThread = false): Promise<boolean> {
  return await verifyWith(signed.signer, signed.publicKey, signed.data, signed.sig, offThread)
}

/**
 * An envelope's signer and payload, parsed and shaped by `schema` but NOT verified: for lines we
 * verified before we wrote them. Throws InvalidFrameError when it does not parse.
 */
export function readUnverified<T> (envelope: string, schema: z.ZodType<T>): { signer: string, payload: T } {
  let env: Envelope
  try {
    env = asEnvelope(JSON.parse(envelope))
  } catch (err) {
    throw new InvalidFrameError('not an envelope', { cause: err })
  }
  return { signer: env.s, payload: parsePayload(env.p, schema) }
}

/** What an envelope's payload claims, parsed but NOT verified (never enough to accept it); undefined when it does not parse. */
export function peekPayload (envelope: string): unknown {
  try {
    return JSON.parse(JSON.parse(envelope).p)
  } catch {
    return undefined
  }
}

function publicKeyOf (peerId: string): PublicKey {
  let key = publicKeys.get(peerId)
  if (key != null) return key
  let id
  try {
    id = peerIdFromString(peerId)
  } catch {
    throw new InvalidSignatureError('signer is not a peer ID')
  }
  if (id.type !== 'Ed25519' || id.publicKey == null) throw new InvalidSignatureError('signer is not an Ed25519 peer ID')
  key = id.publicKey
  if (publicKeys.size > 10_000) publicKeys.clear()
  publicKeys.set(peerId, key)
  return key
}

const signerIds = new WeakMap<PrivateKey, string>()

function peerIdFromPublicKeyCached (key: PrivateKey): string {
  let id = signerIds.get(key)
  if (id == null) {
    id = peerIdFromPrivateKey(key).toString()
    signerIds.set(key, id)
  }
  return id
}

/*
 * Ed25519 through Node's KeyObjects, made once per key: @libp2p/crypto imports the raw key for
 * every call, which roughly doubles the cost of signing (~65 → ~30 µs) and adds ~15 µs to each
 * verification; both sit on every chat message's path.
 */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const signingKeys = new WeakMap<PrivateKey, KeyObject>()
const verifyingKeys = new Map<string, KeyObject>()

function signWith (key: PrivateKey, data: Uint8Array): Uint8Array {
  if (key.type !== 'Ed25519') throw new UnsupportedKeyError()
  let ko = signingKeys.get(key)
  if (ko == null) {
    ko = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, key.raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' })
    signingKeys.set(key, ko)
  }
  return nodeSign(null, data, ko)
}

/** Checks a signature here, or with `offThread` on libuv's thread pool (so many run in parallel). */
async function verifyWith (signer: string, publicKey: PublicKey, data: Uint8Array, sig: Uint8Array, offThread: boolean): Promise<boolean> {
  let ko = verifyingKeys.get(signer)
  if (ko == null) {
    ko = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey.raw]), format: 'der', type: 'spki' })
    if (verifyingKeys.size > 10_000) verifyingKeys.clear()
    verifyingKeys.set(signer, ko)
  }
  if (!offThread) return nodeVerify(null, data, ko, sig)
  const key = ko
  return await new Promise<boolean>((resolve, reject) => {
    nodeVerify(null, data, key, sig, (err, ok) => { if (err != null) reject(new InvalidSignatureError(err.message)); else resolve(ok) })
  })
}
