// A conference's record and chat history as they lie on disk, read without starting anything: no
// node, no key, no lock, no write. The chat panel shows it at once after a window reload while the
// node starts (which can take seconds, or never happen here when another window owns the node).
// Built as its own small bundle (dist/stored-history.js) so that the extension can load it
// without loading libp2p. Lines were verified before they were written (as in ChatLog.load), so
// they are parsed and schema-checked, not re-verified; what does not parse is skipped and left
// where it is: the node repairs damaged files when it loads them, this reader never writes.
import { promises as fs } from 'node:fs'
import type { ChatMessage, ConferenceContext } from '../api'
import { Storage } from '../storage'
import { conferenceContextSchema } from '../conference/model'
import { chatPayloadSchema, compareMessages, isPlainTextPayload, messageKey, toChatMessage, type ChatPayload, type HeldMessage } from './message'
import { preferredVersion } from './equivocation'
import { chainHash } from './chain'
import { shownNames } from '../shown-names'

/** What was on disk for one conference. */
export interface StoredHistory {
  conference: ConferenceContext
  /** in display order, one version per (author, sequence) */
  messages: ChatMessage[]
  /** lines that did not parse (a line being written right now counts too) */
  skippedLines: number
}

export interface StoredHistoryOptions {
  /** my peer ID, when known, so that my messages carry my own name */
  me?: string
  myName?: string
}

const CONFERENCE_ID = /^[A-Za-z0-9_-]{22,64}$/
const CONFERENCE_DOMAIN = 'devmeet/conference/1'
const CHAT_DOMAIN = 'devmeet/chat/1'

/** The stored record and messages of a conference; undefined when the record is missing or unreadable. */
export async function readStoredHistory (dataDir: string, conferenceId: string, opts: StoredHistoryOptions = {}): Promise<StoredHistory | undefined> {
  if (!CONFERENCE_ID.test(conferenceId)) return undefined
  const storage = new Storage(dataDir)
  const conference = await readConference(storage, conferenceId)
  if (conference == null) return undefined
  const { held, skipped } = await readChatLog(storage, conferenceId)
  const names = shownNames(conference, {
    me: opts.me,
    myName: opts.myName ?? 'me',
    petname: () => undefined,
    ownName: () => undefined
  }, held.map(m => m.payload.author))
  const messages = held.map(m => toChatMessage(m, names.get(m.payload.author) ?? m.payload.author))
  return { conference, messages, skippedLines: skipped }
}

async function readText (storage: Storage, name: string): Promise<string | undefined> {
  try {
    return await fs.readFile(storage.resolve(name), 'utf8')
  } catch {
    return undefined
  }
}

/** The fields of a stored envelope, when `raw` is one of `domain`. */
function envelopeFields (raw: string, domain: string): { signer: string, payload: unknown } | undefined {
  try {
    const env = JSON.parse(raw) as { k?: unknown, s?: unknown, p?: unknown }
    if (env?.k !== domain || typeof env.s !== 'string' || typeof env.p !== 'string') return undefined
    return { signer: env.s, payload: JSON.parse(env.p) }
  } catch {
    return undefined
  }
}

async function readConference (storage: Storage, conferenceId: string): Promise<ConferenceContext | undefined> {
  const text = await readText(storage, `conferences/${conferenceId}.json`)
  if (text == null) return undefined
  try {
    const file = JSON.parse(text) as { envelope?: unknown }
    if (typeof file?.envelope !== 'string') return undefined
    const env = envelopeFields(Buffer.from(file.envelope, 'base64').toString('utf8'), CONFERENCE_DOMAIN)
    if (env == null) return undefined
    const context = conferenceContextSchema.parse(env.payload)
    if (context.id !== conferenceId || context.organizer.peerId !== env.signer) return undefined
    return context
  } catch {
    return undefined
  }
}

/** The payload when chatPayloadSchema takes it (a plain text message by the quicker test that agrees with it). */
function chatPayloadOf (value: unknown): ChatPayload | undefined {
  if (isPlainTextPayload(value)) return value
  const parsed = chatPayloadSchema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

async function readChatLog (storage: Storage, conferenceId: string): Promise<{ held: HeldMessage[], skipped: number }> {
  const text = await readText(storage, `chat/${conferenceId}.log`) ?? ''
  const byKey = new Map<string, HeldMessage>()
  let skipped = 0
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const env = envelopeFields(line, CHAT_DOMAIN)
    const payload = env == null ? undefined : chatPayloadOf(env.payload)
    if (env == null || payload == null || payload.author !== env.signer || payload.conferenceId !== conferenceId) {
      skipped++
      continue
    }
    const m: HeldMessage = { payload, envelope: line }
    const key = messageKey(m.payload.author, m.payload.seq)
    const other = byKey.get(key)
    // Two versions of one message: the one every peer keeps, as ChatLog holds it.
    if (other == null) byKey.set(key, m)
    else if (other.envelope !== line) byKey.set(key, { ...(preferredVersion(other.envelope, line) === line ? m : other), equivocated: true })
  }
  const held = [...byKey.values()].sort((a, b) => compareMessages(a.payload, b.payload))
  // Forks in an author's hash chain are marked as ChatLog marks them (docs/HASH-CHAIN.md).
  for (const m of held) {
    const before = byKey.get(messageKey(m.payload.author, m.payload.seq - 1))
    if (before == null) continue
    const forked = m.payload.prev != null ? m.payload.prev !== chainHash(before.envelope) : before.payload.prev != null
    if (forked) m.forked = true
  }
  return { held, skipped }
}
