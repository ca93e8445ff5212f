// The chat's warnings for the user. Names, ids and titles came from peers: they reach the text
// only through sanitizeDisplayName and untrusted() inside `localized`.
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { localized } from '../../shared/localized'
import { sanitizeDisplayName } from '../identity'

function who (name: string, peerId: string): ShownText {
  return shown`${untrusted(sanitizeDisplayName(name), 64)} (${untrusted(peerId.slice(-8), 8)})`
}

export function lamportNotice (name: string, peerId: string, lamport: number): ShownText {
  return localized`${who(name, peerId)} sent a chat message stamped far ahead of the conference's clock (Lamport time ${lamport}); it was refused, as it would stop the chat's ordering.`
}

export function equivocationNotice (name: string, peerId: string): ShownText {
  return localized`${who(name, peerId)} sent two different versions of a chat message; every participant keeps the same one, marked in the chat.`
}

export function forkNotice (name: string, peerId: string): ShownText {
  return localized`${who(name, peerId)} forked their chat history: a message of theirs does not follow the one before it. Every participant keeps the same messages; those after the fork are marked in the chat.`
}

export function chatFullNotice (title: string, why: string): ShownText {
  return localized`The chat of "${untrusted(sanitizeDisplayName(title), 80)}" is full: ${untrusted(why)}. New messages are refused; its history stays readable.`
}
