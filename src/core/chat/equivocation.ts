import { createHash } from 'node:crypto'

/*
 * Two truths from one author (HOSTILE-INPUTS 43): an author can sign two different messages with
 * one (author, sequence) and send each to different participants. Deduplication by that key
 * alone would let their histories differ forever, so every peer keeps the same version by a rule
 * that needs no coordination, and the summaries exchanged on each stream carry a digest of every
 * author's messages, so two peers that hold different versions notice when they meet.
 */

function hashOf (envelope: string): Buffer {
  return createHash('sha256').update(envelope).digest()
}

/** The version every peer keeps of two that share (author, sequence): the envelope whose SHA-256 is smaller. */
export function preferredVersion (a: string, b: string): string {
  if (a === b) return a
  return Buffer.compare(hashOf(a), hashOf(b)) <= 0 ? a : b
}

const DIGEST_BYTES = 16

/**
 * Per author, the XOR of the hashes of its messages 1..n (n: the contiguous mark in the summary).
 * XOR makes it cheap to keep up as messages arrive in any order and to correct when a version is
 * replaced; it is a check between honest peers, not a defence: a peer that lies about it only
 * makes us send it that author's messages, each at most once per stream.
 */
export class PrefixDigests {
  private readonly digests = new Map<string, Buffer>()

  /** Adds (or, for a replaced version, removes) one message's hash (the SHA-256 of its envelope). */
  toggle (author: string, h: Uint8Array): void {
    let d = this.digests.get(author)
    if (d == null) this.digests.set(author, d = Buffer.alloc(DIGEST_BYTES))
    for (let i = 0; i < DIGEST_BYTES; i++) d[i] ^= h[i]
  }

  get (author: string): string | undefined {
    return this.digests.get(author)?.toString('base64url')
  }

  all (): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [author, d] of this.digests) out[author] = d.toString('base64url')
    return out
  }
}
