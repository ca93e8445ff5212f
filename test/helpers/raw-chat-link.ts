// A chat stream driven by hand, as a modified client would (the hostile side of integration
// tests): hello, then any frame; msgs frames received are counted and acknowledged.
import { peerIdFromString } from '@libp2p/peer-id'
import type { Stream, PrivateKey } from '@libp2p/interface'
import type { TestPeer } from './peers'
import { seal, sealText, DOMAINS } from '../../src/core/wire/envelope'
import { chainHash } from '../../src/core/chat/chain'
import { frameStream, type FrameStream } from '../../src/core/wire/framing'
import { CHAT_PROTOCOL, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'

const decoder = new TextDecoder()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** A chat stream driven by hand: hello, then any frame; msgs frames received are counted and acknowledged. */
export class RawLink {
  readonly envelopes: string[] = []
  /** bytes of msgs frames received */
  msgBytes = 0
  framesIn = 0
  theirAcked = 0
  sentFrames = 0
  closed = false
  private writes: Promise<void> = Promise.resolve()

  private constructor (readonly stream: Stream, readonly frames: FrameStream, readonly hello: any) {}

  static async open (from: TestPeer, to: string, conferenceId: string, summary: Record<string, number> = {}): Promise<RawLink> {
    const stream = await from.libp2p.dialProtocol(peerIdFromString(to), CHAT_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const frames = frameStream(stream, MAX_CHAT_FRAME_BYTES)
    try {
      await frames.write({ t: 'hello', conferenceId, summary })
      const hello = JSON.parse(decoder.decode(await frames.readBytes(5000)))
      const link = new RawLink(stream, frames, hello)
      void link.readLoop()
      return link
    } catch (err) {
      stream.abort(new Error('refused'))
      throw err
    }
  }

  private async readLoop (): Promise<void> {
    try {
      for (;;) {
        const bytes = await this.frames.readBytes(0)
        const frame = JSON.parse(decoder.decode(bytes))
        if (frame.t === 'msgs') {
          this.envelopes.push(...frame.e)
          this.msgBytes += bytes.length
          this.framesIn++
          void this.send({ t: 'ack', summary: {}, frames: this.framesIn }).catch(() => {})
        } else if (frame.t === 'ack' && typeof frame.frames === 'number') {
          this.theirAcked = frame.frames
        }
      }
    } catch {
      this.closed = true
    }
  }

  async send (frame: unknown): Promise<void> {
    const next = this.writes.then(async () => await this.frames.write(frame, 5000))
    this.writes = next.catch(() => {})
    await next
  }

  /** Sends envelopes in frames under the size limit, keeping at most 4 unacknowledged (as the real sender's window does). */
  async push (envelopes: string[]): Promise<void> {
    let batch: string[] = []
    let bytes = 0
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      await this.send({ t: 'msgs', e: batch })
      this.sentFrames++
      batch = []
      bytes = 0
      const until = Date.now() + 15_000
      while (this.theirAcked < this.sentFrames - 4 && !this.closed && Date.now() < until) await sleep(5)
    }
    for (const e of envelopes) {
      if (bytes + e.length > 40 * 1024 || batch.length >= 1000) await flush()
      batch.push(e)
      bytes += e.length
    }
    await flush()
    const until = Date.now() + 15_000
    while (this.theirAcked < this.sentFrames && !this.closed && Date.now() < until) await sleep(5)
  }

  bodies (): string[] {
    return this.envelopes.map(e => JSON.parse(JSON.parse(e).p).body)
  }

  close (): void {
    this.stream.abort(new Error('done'))
  }
}

export async function sealed (key: PrivateKey, author: string, conferenceId: string, seq: number, lamport: number, body: string): Promise<string> {
  return decoder.decode(await seal(key, DOMAINS.chat, { conferenceId, author, seq, lamport, sentAt: Date.now(), kind: 'text', body }))
}


/**
 * Messages from..from+n-1 of `author`, hash-chained (the first linked to `prev` when given).
 * With `forger`, signed by that key while naming `author` as signer: forgeries.
 */
export function chainedMessages (key: PrivateKey, author: string, conferenceId: string, from: number, n: number, opts: { prev?: string, body?: string, lamport?: number, forger?: PrivateKey } = {}): string[] {
  const out: string[] = []
  let prev = opts.prev
  for (let seq = from; seq < from + n; seq++) {
    const payload = { conferenceId, author, seq, lamport: (opts.lamport ?? 0) + seq, sentAt: Date.now(), kind: 'text', body: `${opts.body ?? 'message'} ${seq}`, ...(prev != null ? { prev } : {}) }
    const env = opts.forger == null ? sealText(key, DOMAINS.chat, payload) : JSON.stringify({ ...JSON.parse(sealText(opts.forger, DOMAINS.chat, payload)), s: author })
    out.push(env)
    prev = chainHash(env)
  }
  return out
}
