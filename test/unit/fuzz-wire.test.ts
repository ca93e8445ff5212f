import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { z } from 'zod'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import * as lp from 'it-length-prefixed'
import { decodeJson, encodeJson, frameStream } from '../../src/core/wire/framing'
import { seal, open, DOMAINS } from '../../src/core/wire/envelope'
import { parsePeerAddress } from '../../src/core/address'
import { conferenceContextSchema, rsvpPayloadSchema } from '../../src/core/conference/model'
import { chatPayloadSchema } from '../../src/core/chat/message'
import type { ConferenceContext } from '../../src/core/api'
import { InvalidAddressError, InvalidFrameError, InvalidSignatureError } from '../../src/core/errors'

const ORG = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const ANN = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'
const NOW = Date.UTC(2026, 10, 25, 8, 0)
const CONFERENCE_ID = 'q3X1eZ0bVnTq9u7sYk2mWg'

const validContext: ConferenceContext = {
  id: CONFERENCE_ID,
  nonce: 'n0nce-n0nce-n0nce-n0nce',
  title: 'Design review',
  agenda: '# API',
  start: NOW + 3_600_000,
  timeZone: 'Europe/Berlin',
  durationMinutes: 30,
  organizer: { peerId: ORG, displayName: 'Olga', addrs: ['/ip4/127.0.0.1/tcp/4001'] },
  invitees: [{ peerId: ANN, displayName: 'Ann', addrs: [], rsvp: 'pending' }],
  sequence: 1,
  status: 'scheduled',
  createdAt: NOW,
  updatedAt: NOW
}

const validChat = {
  conferenceId: CONFERENCE_ID,
  author: ORG,
  seq: 1,
  lamport: 1,
  sentAt: NOW,
  kind: 'text',
  body: 'hello'
}

const validRsvp = { conferenceId: CONFERENCE_ID, sequence: 1, answer: 'accepted', rsvpSeq: 1 }

/** Runs `fn` and lets through only the error classes the caller expects; anything else fails the property. */
async function onlyExpected (fn: () => unknown, expected: Array<new (...args: any[]) => Error>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (expected.some(cls => err instanceof cls)) return
    throw err
  }
}

/** Byte-level edits: overwrite, insert, delete, truncate. */
const byteEdits = fc.array(fc.record({
  kind: fc.constantFrom('set', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 })
}), { minLength: 1, maxLength: 6 })

function mutateBytes (bytes: Uint8Array, edits: Array<{ kind: string, at: number, byte: number }>): Uint8Array {
  const out = Array.from(bytes)
  for (const e of edits) {
    const i = out.length === 0 ? 0 : e.at % out.length
    if (e.kind === 'set' && out.length > 0) out[i] = e.byte
    else if (e.kind === 'insert') out.splice(i, 0, e.byte)
    else if (e.kind === 'delete') out.splice(i, 1)
    else if (e.kind === 'truncate') out.length = i
  }
  return Uint8Array.from(out)
}

/** A valid object with some fields replaced by arbitrary JSON values, removed, or joined by unknown fields. */
function mutatedObject (base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base)
  return fc.record({
    replace: fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
    remove: fc.subarray(keys, { maxLength: 2 }),
    extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 })
  }).map(({ replace, remove, extra }) => {
    const out: Record<string, unknown> = { ...extra, ...base, ...replace }
    for (const k of remove) delete out[k]
    return out
  })
}

describe('fuzzing the wire decoders', () => {
  let key: PrivateKey
  before(async () => { key = await generateKeyPair('Ed25519') })

  it('decodeJson throws only InvalidFrameError for random bytes, random JSON and mutated frames', async () => {
    const schemas: Array<z.ZodType<unknown>> = [conferenceContextSchema, chatPayloadSchema, rsvpPayloadSchema]
    const encodedContext = encodeJson(validContext)
    let accepted = 0
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 256 }),
        fc.jsonValue({ maxDepth: 4 }).map(v => encodeJson(v)),
        fc.string({ unit: 'binary', maxLength: 128 }).map(s => new TextEncoder().encode(s)),
        byteEdits.map(edits => mutateBytes(encodedContext, edits)),
        // the same record laid out differently, so the accepting side is reached on every run
        fc.integer({ min: 0, max: 8 }).map(indent => new TextEncoder().encode(JSON.stringify(validContext, null, indent)))
      ),
      fc.constantFrom(...schemas.keys()),
      async (bytes, which) => {
        await onlyExpected(() => { decodeJson(bytes, schemas[which]); accepted++ }, [InvalidFrameError])
      }
    ), { numRuns: 800 })
    // the generator must reach the decoder's accepting side too, or the property proves little
    assert.ok(accepted > 0, 'some mutated frames are still valid and decode')
    assert.deepEqual(decodeJson(encodedContext, conferenceContextSchema), validContext)
  })

  it('the conference, RSVP and chat decoders reject mutated records with InvalidFrameError only', async () => {
    const cases: Array<[Record<string, unknown>, z.ZodType<unknown>]> = [
      [validContext as unknown as Record<string, unknown>, conferenceContextSchema],
      [validRsvp, rsvpPayloadSchema],
      [validChat, chatPayloadSchema]
    ]
    for (const [base, schema] of cases) {
      assert.doesNotThrow(() => decodeJson(encodeJson(base), schema), 'the unmutated record is accepted')
      await fc.assert(fc.asyncProperty(mutatedObject(base), async (obj) => {
        await onlyExpected(() => decodeJson(encodeJson(obj), schema), [InvalidFrameError])
      }), { numRuns: 400 })
    }
  })

  it('open() throws only InvalidFrameError or InvalidSignatureError for random, mutated and re-signed envelopes', async () => {
    const genuine = await seal(key, DOMAINS.conference, validContext)
    const fields = JSON.parse(new TextDecoder().decode(genuine)) as Record<string, string>
    let tamperedAccepted = 0
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map(b => ({ bytes: b, tampered: true })),
        byteEdits.map(edits => ({ bytes: mutateBytes(genuine, edits), tampered: true })),
        mutatedObject(fields).map(o => ({ bytes: encodeJson(o), tampered: true }))
      ),
      async ({ bytes }) => {
        await onlyExpected(async () => {
          const opened = await open(bytes, DOMAINS.conference, conferenceContextSchema)
          // Some edits leave the signed content alone: JSON whitespace between fields, or the unused
          // low bits of the signature's last base64url character. Those may verify; what must never
          // verify is a different signer or payload.
          const sameContent = opened.signer === fields.s && JSON.stringify(opened.payload) === fields.p
          if (!sameContent) tamperedAccepted++
        }, [InvalidFrameError, InvalidSignatureError])
      }
    ), { numRuns: 800 })
    assert.equal(tamperedAccepted, 0, 'no altered envelope verified')
    assert.deepEqual((await open(genuine, DOMAINS.conference, conferenceContextSchema)).payload, validContext)
  })

  it('correctly signed but malformed conference and chat payloads fail with InvalidFrameError only', async () => {
    await fc.assert(fc.asyncProperty(
      fc.oneof(mutatedObject(validContext as unknown as Record<string, unknown>), fc.jsonValue({ maxDepth: 3 })),
      fc.oneof(mutatedObject(validChat), fc.jsonValue({ maxDepth: 3 })),
      async (ctx, chat) => {
        await onlyExpected(async () => await open(await seal(key, DOMAINS.conference, ctx), DOMAINS.conference, conferenceContextSchema), [InvalidFrameError])
        await onlyExpected(async () => await open(await seal(key, DOMAINS.chat, chat), DOMAINS.chat, chatPayloadSchema), [InvalidFrameError])
      }
    ), { numRuns: 300 })
  })

  it('parsePeerAddress throws only InvalidAddressError for random and mutated addresses', async () => {
    const good = `/ip4/127.0.0.1/tcp/4001/p2p/${ORG}`
    assert.equal(parsePeerAddress(good).peerId, ORG)
    const pieces = ['/ip4/', '/ip6/', '/tcp/', '/udp/', '/p2p/', '/p2p-circuit', '/webrtc', '/dns4/', '/quic-v1', ORG, ANN, '127.0.0.1', '::1', '4001', ' ', ',', '\n', '/', '%', '\u202e']
    fc.assert(fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map(p => p.join('')),
        byteEdits.map(edits => new TextDecoder().decode(mutateBytes(new TextEncoder().encode(good), edits))),
        fc.string({ minLength: 3000, maxLength: 5000 })
      ),
      (text) => {
        try {
          parsePeerAddress(text)
        } catch (err) {
          if (!(err instanceof InvalidAddressError)) throw err
        }
      }
    ), { numRuns: 1500 })
  })

  it('a frame stream fed hostile length-prefixed bytes fails the read with a stream or frame error and never hangs', async () => {
    const MAX = 1024
    const seenErrors = new Set<string>()
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        // arbitrary bytes, including bogus varint lengths
        fc.uint8Array({ maxLength: 64 }),
        // a well-formed length prefix around garbage or random JSON
        fc.uint8Array({ maxLength: 64 }).map(b => lp.encode.single(b).subarray()),
        fc.jsonValue({ maxDepth: 3 }).map(v => lp.encode.single(encodeJson(v)).subarray()),
        // a length just over the limit
        fc.integer({ min: MAX + 1, max: MAX + 64 }).map(n => lp.encode.single(new Uint8Array(n)).subarray()),
        // a huge announced length with nothing behind it
        fc.constant(Uint8Array.from([0xff, 0xff, 0xff, 0x7f]))
      ),
      async (bytes) => {
        const [outbound, inbound] = await streamPair()
        try {
          const frames = frameStream(inbound, MAX)
          outbound.send(bytes)
          await outbound.close()
          try {
            await frames.read(chatPayloadSchema, 200)
          } catch (err) {
            assert.ok(err instanceof Error, 'only Error objects escape')
            seenErrors.add(err.name)
          }
        } finally {
          outbound.abort(new Error('done'))
          inbound.abort(new Error('done'))
        }
      }
    ), { numRuns: 120 })
    // Every failure is one of the reasons the framing layer names; an unknown class would be a bug to look at.
    const allowed = new Set(['InvalidFrameError', 'InvalidDataLengthError', 'InvalidDataLengthLengthError', 'UnexpectedEOFError', 'InvalidMessageLengthError', 'AbortError', 'TimeoutError'])
    for (const name of seenErrors) assert.ok(allowed.has(name), `unexpected error class ${name}`)
    assert.ok(seenErrors.has('InvalidFrameError'))
  })
})
