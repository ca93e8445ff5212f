// Unread counts per conference. Local state only: never on the wire (what I have read is nobody
// else's business, and a count from a peer would be one more number to distrust). Kept in memory
// and saved in the extension's global state so that a reload keeps it. A message counts when
// someone else wrote it while the chat panel was not visible and focused; opening or focusing the
// panel reads them all. The first unread message is remembered too: the chat page puts its "New
// messages" divider before it when the panel opens.

/** A count is shown as at most this ("99+" beyond); also the clamp for what is read back from storage. */
export const MAX_UNREAD_COUNTED = 9999

export interface UnreadEntry {
  count: number
  /** the first message not read yet: author and sequence */
  first?: { author: string, seq: number }
}

export type UnreadSnapshot = Record<string, UnreadEntry>

/**
 * The rule: a message counts as unread when another participant wrote it and I am not looking at
 * the chat. Only messages of their own (text, shared code): a reaction, edit or delete changes a
 * message already counted or read, as in the chat apps people know.
 */
export function countsAsUnread (m: { author: string, kind: string }, me: string | undefined, panelSeen: boolean): boolean {
  return !panelSeen && m.author !== me && (m.kind === 'text' || m.kind === 'code')
}

/** The panel title with the count first, as chat apps do: "(3) Sync". */
export function titleWithUnread (title: string, count: number): string {
  return count > 0 ? `(${unreadLabel(count)}) ${title}` : title
}

/** The count as shown: "3", "99+". */
export function unreadLabel (count: number): string {
  return count > 99 ? '99+' : String(count)
}

/** The counts of every conference; `changed` runs after each change (to save and repaint). */
export class UnreadCounts {
  private readonly entries = new Map<string, UnreadEntry>()

  constructor (saved: unknown = undefined, private readonly changed: (conferenceId: string) => void = () => {}) {
    for (const [id, entry] of Object.entries(parseSnapshot(saved))) this.entries.set(id, entry)
  }

  count (conferenceId: string): number {
    return this.entries.get(conferenceId)?.count ?? 0
  }

  firstUnread (conferenceId: string): { author: string, seq: number } | undefined {
    return this.entries.get(conferenceId)?.first
  }

  /** Counts one new message if the rule says so; true when it counted. */
  message (m: { conferenceId: string, author: string, seq: number, kind: string }, me: string | undefined, panelSeen: boolean): boolean {
    if (!countsAsUnread(m, me, panelSeen)) return false
    const { conferenceId, author, seq } = m
    const entry = this.entries.get(conferenceId) ?? { count: 0 }
    this.entries.set(conferenceId, { count: Math.min(MAX_UNREAD_COUNTED, entry.count + 1), first: entry.first ?? { author, seq } })
    this.changed(conferenceId)
    return true
  }

  /** Everything in the conference is read (its panel is visible and focused). */
  read (conferenceId: string): void {
    if (!this.entries.has(conferenceId)) return
    this.entries.delete(conferenceId)
    this.changed(conferenceId)
  }

  /** What is saved: plain JSON. */
  snapshot (): UnreadSnapshot {
    return Object.fromEntries(this.entries)
  }
}

/** Reads saved counts back, keeping only well-formed entries (the state file is outside input too). */
export function parseSnapshot (saved: unknown): UnreadSnapshot {
  const out: UnreadSnapshot = {}
  if (saved == null || typeof saved !== 'object' || Array.isArray(saved)) return out
  for (const [id, raw] of Object.entries(saved as Record<string, unknown>).slice(0, 10_000)) {
    const e = raw as { count?: unknown, first?: { author?: unknown, seq?: unknown } } | null
    if (id.length > 64 || e == null || typeof e !== 'object' || !Number.isSafeInteger(e.count) || (e.count as number) < 1) continue
    const first = typeof e.first?.author === 'string' && e.first.author.length <= 64 && Number.isSafeInteger(e.first.seq) && (e.first.seq as number) >= 1
      ? { author: e.first.author, seq: e.first.seq as number }
      : undefined
    out[id] = { count: Math.min(MAX_UNREAD_COUNTED, e.count as number), ...(first != null ? { first } : {}) }
  }
  return out
}
