// Search in a conference's history, over the messages already on the chat page. Matching is pure
// and works on plain text: the page highlights by splitting text nodes at these ranges, never by
// writing HTML, so a message body cannot inject markup through a search.

export const MAX_QUERY_CHARS = 200

export interface MatchRange {
  start: number
  end: number
}

/** How a query is compared: case-insensitive, trimmed, bounded. Empty means no search. */
export function normalizeQuery (query: string): string {
  return query.trim().slice(0, MAX_QUERY_CHARS).toLowerCase()
}

/**
 * Where `query` occurs in `text`, case-insensitive, without overlaps, at most `max`. Offsets are
 * into `text` itself: a lowercase form that changes length (`İ`) is skipped over rather than
 * mis-highlighted.
 */
export function findMatches (text: string, query: string, max = 1000): MatchRange[] {
  const q = normalizeQuery(query)
  if (q === '') return []
  const lower = text.toLowerCase()
  if (lower.length !== text.length) return findMatchesSlow(text, q, max)
  const out: MatchRange[] = []
  let at = lower.indexOf(q)
  while (at !== -1 && out.length < max) {
    out.push({ start: at, end: at + q.length })
    at = lower.indexOf(q, at + q.length)
  }
  return out
}

function findMatchesSlow (text: string, q: string, max: number): MatchRange[] {
  const out: MatchRange[] = []
  for (let i = 0; i + q.length <= text.length && out.length < max; i++) {
    if (text.slice(i, i + q.length).toLowerCase() === q) {
      out.push({ start: i, end: i + q.length })
      i += q.length - 1
    }
  }
  return out
}

/** The index to move to from `current` among `total` hits, wrapping around: next (+1) or previous (-1). */
export function stepMatch (current: number, total: number, direction: 1 | -1): number {
  if (total <= 0) return -1
  if (current < 0) return direction === 1 ? 0 : total - 1
  return (current + direction + total) % total
}
