/** Per author, the highest sequence held with no gap below it. */
export type Summary = Record<string, number>

/** What the other side lacks: for each author, the sequences we hold above their contiguous mark, in order. */
export function planSync (held: Map<string, Set<number> | Iterable<number>>, theirs: Summary): Array<{ author: string, seq: number }> {
  const out: Array<{ author: string, seq: number }> = []
  for (const [author, seqs] of held) {
    const have = theirs[author] ?? 0
    const missing = [...seqs].filter(s => s > have).sort((a, b) => a - b)
    for (const seq of missing) out.push({ author, seq })
  }
  return out
}

/** The contiguous mark of a set of sequences starting at 1. */
export function contiguousHigh (seqs: Set<number>, from = 0): number {
  let n = from
  while (seqs.has(n + 1)) n++
  return n
}

/** A summary with its per-author digests, as told to a peer. */
export interface Told { summary: Summary, digests: Record<string, string> }

/**
 * What changed since we last told a peer: the authors whose mark or digest moved, with both.
 * An ack carries only these: the whole summary and digests are a few KiB at 50 participants, and
 * a message reaching a participant on six links made six of them.
 */
export function changedSince (before: Told | undefined, now: Told): Told {
  if (before == null) return now
  const summary: Summary = {}
  const digests: Record<string, string> = {}
  for (const [author, mark] of Object.entries(now.summary)) {
    if (before.summary[author] === mark && before.digests[author] === now.digests[author]) continue
    summary[author] = mark
    if (now.digests[author] != null) digests[author] = now.digests[author]
  }
  return { summary, digests }
}

/**
 * A peer's summary after an ack that names only what changed: its marks for the authors we know
 * (or it told before) are updated, others are ignored, so a peer cannot grow it without bound.
 */
export function mergedSummary (known: Summary, update: Summary, ours: Summary): Summary {
  const out: Summary = { ...known }
  for (const [author, mark] of Object.entries(update)) {
    if (Object.hasOwn(ours, author) || Object.hasOwn(known, author)) out[author] = mark
  }
  return out
}
