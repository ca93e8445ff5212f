import { hash } from 'node:crypto'

/*
 * Hash-chained messages (issue 14; docs/HASH-CHAIN.md). Each message names the SHA-256 of its
 * author's previous envelope, exactly as signed and stored, in its signed `prev`. A verified
 * signature on message n therefore vouches for message n-1 (its bytes are fixed by the hash),
 * which vouches for n-2, and so on: a batch needs one signature check per author and chain.
 */

/** SHA-256 of an envelope's UTF-8 bytes: what `prev` names (in base64url) and what the summaries' digests are made of. */
export function envelopeDigest (envelope: string): Buffer {
  // one-shot: no Hash object per message (a catch-up hashes every message it receives)
  return hash('sha256', envelope, 'buffer')
}

/** The hash a message's successor names in `prev`: SHA-256 of its envelope's UTF-8 bytes, base64url. */
export function chainHash (envelope: string): string {
  return envelopeDigest(envelope).toString('base64url')
}

const digests = new WeakMap<object, { digest: Buffer, hash?: string }>()

/** envelopeDigest of a held message, computed once per message (or given by whoever computed it). */
export function heldDigest (m: { envelope: string }): Buffer {
  return known(m).digest
}

/** chainHash of a held message's envelope, encoded once. */
export function heldHash (m: { envelope: string }): string {
  const k = known(m)
  if (k.hash == null) k.hash = k.digest.toString('base64url')
  return k.hash
}

/** Records the digest (and its base64url, when known) already computed for a message about to be held. */
export function rememberDigest (m: { envelope: string }, digest: Buffer, hash?: string): void {
  digests.set(m, { digest, hash })
}

function known (m: { envelope: string }): { digest: Buffer, hash?: string } {
  let k = digests.get(m)
  if (k == null) digests.set(m, k = { digest: envelopeDigest(m.envelope) })
  return k
}

/** What the chain check needs of one message of a batch (parsed and shaped, not yet authenticated). */
export interface ChainItem {
  author: string
  seq: number
  prev?: string
  /** chainHash of its envelope */
  hash: string
}

/**
 * Which messages of a batch need their own signature checked: a message is vouched for when a
 * message of the same author with the next sequence names its hash, either in the batch (to be
 * authenticated itself) or held (authenticated already). `heldNextPrev` gives the `prev` of the
 * held message that follows (author, seq).
 */
export function vouchers (items: readonly ChainItem[], heldNextPrev: (author: string, seq: number) => string | undefined): { byHash: Map<string, number[]>, heldVouched: boolean[] } {
  // the indexes of the batch's messages that name each hash as their previous message
  const byHash = new Map<string, number[]>()
  for (let i = 0; i < items.length; i++) {
    const prev = items[i].prev
    if (prev == null) continue
    const list = byHash.get(prev)
    if (list == null) byHash.set(prev, [i])
    else list.push(i)
  }
  const heldVouched = items.map(it => heldNextPrev(it.author, it.seq) === it.hash)
  return { byHash, heldVouched }
}

/** rounds of signature checks that follow failed vouchers down a chain, before the rest is checked at once */
const MAX_ROUNDS = 4

/**
 * Authenticates a batch with as few signature checks as the chains allow. `verify` checks the
 * signatures of the messages it is given (all at once, so they may run in parallel) and says
 * which hold. The first round checks the messages nothing vouches for: per author, the newest
 * of each contiguous chain, and any message whose chain is broken. A message whose vouchers all
 * failed (a forged message spliced onto a real chain) is checked in the next round, as the new
 * top of what is left; after MAX_ROUNDS, whatever is left is checked at once. No signature is
 * checked twice, so a hostile batch costs at most what checking each message did.
 * Returns, per message, whether it is authenticated.
 */
export async function authenticateChains (items: readonly ChainItem[], heldNextPrev: (author: string, seq: number) => string | undefined, verify: (indexes: number[]) => Promise<boolean[]>): Promise<boolean[]> {
  const { byHash, heldVouched } = vouchers(items, heldNextPrev)
  const vouchersOf = items.map((it, i) => (byHash.get(it.hash) ?? []).filter(v => items[v].author === it.author && items[v].seq === it.seq + 1 && v !== i))
  // From the newest sequence down, so a voucher is decided before the messages it vouches for.
  const order = items.map((_, i) => i).sort((a, b) => items[b].seq - items[a].seq)
  const checked: Array<boolean | undefined> = new Array(items.length)
  const ok = new Array<boolean>(items.length).fill(false)
  const settle = (): void => {
    for (const i of order) ok[i] = heldVouched[i] || checked[i] === true || vouchersOf[i].some(v => ok[v])
  }
  settle()
  for (let round = 1; ; round++) {
    // what is left: not authenticated, not checked, and nothing left above it could vouch for it
    const next = order.filter(i => !ok[i] && checked[i] == null && (round > MAX_ROUNDS || vouchersOf[i].every(v => checked[v] === false)))
    if (next.length === 0) return ok
    const results = await verify(next)
    next.forEach((i, k) => { checked[i] = results[k] })
    settle()
  }
}
