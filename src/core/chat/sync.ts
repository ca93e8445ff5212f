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
