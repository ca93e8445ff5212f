// Action items and decisions, derived from the chat. A text message whose body starts with `/todo`
// or `/decision` IS the outcome: no new record kind and no new wire format, so outcomes are signed
// by their author and converge on every peer exactly like the messages they come from (same
// history in, same outcomes out). This module is the one pure parser that every surface uses: the
// chat's side column, the transcript and the "My action items" group of the Conferences view.
// Bounds: a body is at most 16 KiB already (the chat schema); the parser looks at a bounded prefix
// only, the assignee token is at most MAX_NAME_CHARS, and at most MAX_OUTCOMES_SHOWN per conference
// are kept (the newest), so a flood of `/todo`s costs a fixed amount of memory and rendering.
// Edits and deletes (src/shared/message-effects.ts, whose fold this reuses) apply: an outcome is a
// message whose original body starts with the command; its author's latest edit gives its text
// (an edit without the command ends it), and a deleted one is gone. Only the original needs the
// command, so an index need only keep those and the edits and deletes aimed at them.
import type { ChatMessage } from '../core/api'
import { applyEffects, targetKey } from './message-effects'
import { messageKey } from './message-order'
import { visibleLine } from './shown-text'

export type OutcomeKind = 'todo' | 'decision'

/** Someone an action item can be assigned to: a participant of the conference, with the name shown for them. */
export interface OutcomeParticipant {
  peerId: string
  name: string
}

/** What one message says, parsed. */
export interface ParsedOutcome {
  kind: OutcomeKind
  /** one visible line, without the command and the assignee; may be empty */
  text: string
  /** peer ID of the participant named by `@name`; absent when nobody (or more than one) matches */
  assignee?: string
}

/** A chat record an outcome is derived from: an original message, or an edit or delete of one. */
export type OutcomeSource = ChatMessage

/** An outcome with the message it came from (its identity is the message's: author and seq). */
export interface Outcome extends ParsedOutcome {
  conferenceId: string
  author: string
  authorName: string
  seq: number
  lamport: number
  sentAt: number
}

export const MAX_OUTCOMES_SHOWN = 200
export const MAX_OUTCOME_TEXT_CHARS = 500
const MAX_NAME_CHARS = 64
/** Enough for a command, an assignee and MAX_OUTCOME_TEXT_CHARS of text with room for hidden characters. */
const PARSED_PREFIX_CHARS = 4 * MAX_OUTCOME_TEXT_CHARS
const COMMAND = /^\/(todo|decision)(?=\s|$)/
// Only a short run of non-space characters after one `@`: linear on any input (10,000 `@`s included).
const ASSIGNEE = /^@([^\s@]{1,64})(?=\s|$)/u
/** Characters that make a name look like another (bidi controls, zero-width, other format characters). */
const HIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\u115f\u1160\u3164\uffa0]/u

/** Whether a body is an outcome command at all (cheap; no parsing): used to filter message events. */
export function looksLikeOutcome (body: string): boolean {
  return body.startsWith('/todo') || body.startsWith('/decision')
}

/** How `@name` is compared: case-insensitive, spaces removed (a name "Bob Smith" is `@bobsmith`). */
function nameKey (name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, '')
}

/**
 * The participant an `@token` names: by peer ID, or by the shown name (case-insensitive, spaces
 * removed). Undefined when nobody or more than one participant matches, or the token hides
 * characters (a bidi override or zero-width joiner could make `@bob` look like someone else).
 */
export function resolveAssignee (token: string, participants: readonly OutcomeParticipant[]): string | undefined {
  if (token.length === 0 || token.length > MAX_NAME_CHARS || HIDDEN_IN_NAME.test(token)) return undefined
  const byId = participants.find(p => p.peerId === token)
  if (byId != null) return byId.peerId
  const key = nameKey(token)
  const matches = new Set(participants.filter(p => nameKey(p.name) === key).map(p => p.peerId))
  return matches.size === 1 ? [...matches][0] : undefined
}

/**
 * Parses one message body: `/todo [@name] text` or `/decision text`. Undefined when it is not an
 * outcome. The assignee is resolved against `participants` only (the conference's, never the
 * contacts), else the item is unassigned and `@token` stays part of the text.
 */
export function parseOutcome (body: string, participants: readonly OutcomeParticipant[]): ParsedOutcome | undefined {
  const head = body.slice(0, PARSED_PREFIX_CHARS)
  const command = COMMAND.exec(head)
  if (command == null) return undefined
  const kind = command[1] as OutcomeKind
  let rest = head.slice(command[0].length).replace(/^\s+/, '')
  let assignee: string | undefined
  if (kind === 'todo') {
    const at = ASSIGNEE.exec(rest)
    if (at != null) {
      assignee = resolveAssignee(at[1], participants)
      if (assignee != null) rest = rest.slice(at[0].length)
    }
  }
  const text = Array.from(visibleLine(rest)).slice(0, MAX_OUTCOME_TEXT_CHARS).join('')
  return assignee != null ? { kind, text, assignee } : { kind, text }
}

/** Whether a record starts an outcome: a text message (shared code that starts with `/todo` is code). */
export function startsOutcome (m: Pick<ChatMessage, 'kind' | 'body'>): boolean {
  return m.kind === 'text' && looksLikeOutcome(m.body)
}

/**
 * Whether a record matters for outcomes, given the keys (author#seq) of the ones held already:
 * an outcome's original, or an edit or delete aimed at one. What an index keeps.
 */
export function mattersForOutcomes (m: ChatMessage, held: (key: string) => boolean): boolean {
  if (startsOutcome(m)) return true
  const target = (m.kind === 'edit' || m.kind === 'delete') ? targetKey(m) : undefined
  return target != null && held(target)
}

/**
 * The outcomes of one conference's records (in display order), edits and deletes applied, the
 * newest MAX_OUTCOMES_SHOWN (or `max`) only.
 */
export function outcomesOf (records: readonly OutcomeSource[], participants: readonly OutcomeParticipant[], max = MAX_OUTCOMES_SHOWN): Outcome[] {
  const originals = records.filter(startsOutcome)
  const wanted = new Set(originals.map(m => messageKey(m.author, m.seq)))
  const effects = new Map<string, ChatMessage[]>()
  for (const r of records) {
    if (r.kind !== 'edit' && r.kind !== 'delete') continue
    const key = targetKey(r)
    if (key == null || !wanted.has(key)) continue
    const list = effects.get(key)
    if (list != null) list.push(r)
    else effects.set(key, [r])
  }
  const out: Outcome[] = []
  for (let i = originals.length - 1; i >= 0 && out.length < max; i--) {
    const m = originals[i]
    const shown = applyEffects(m, effects.get(messageKey(m.author, m.seq)) ?? [])
    if (shown.deleted) continue
    const parsed = parseOutcome(shown.body, participants)
    if (parsed == null) continue
    out.push({ ...parsed, conferenceId: m.conferenceId, author: m.author, authorName: m.authorName, seq: m.seq, lamport: m.lamport, sentAt: m.sentAt })
  }
  return out.reverse()
}

/** The action items assigned to `me` among `outcomes`. */
export function actionItemsFor (outcomes: readonly Outcome[], me: string): Outcome[] {
  return outcomes.filter(o => o.kind === 'todo' && o.assignee === me)
}

/** The people an assignee can be: the conference's participants with the names their context gives them. */
export function outcomeParticipants (ctx: { organizer: { peerId: string, displayName: string }, invitees: ReadonlyArray<{ peerId: string, displayName: string }> }, participantIds: readonly string[]): OutcomeParticipant[] {
  const ids = new Set(participantIds)
  return [ctx.organizer, ...ctx.invitees].filter(p => ids.has(p.peerId)).map(p => ({ peerId: p.peerId, name: p.displayName }))
}
