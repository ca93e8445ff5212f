// The core-level query for outcomes (action items and decisions): read from the chat history
// through the public chat and conference APIs, so it starts nothing new (no service, no stream,
// no file of its own) and works the same in VS Code, the headless peer and tests. The UI keeps
// its own index up to date from message events instead of calling this on every change.
import type { ChatApi, ConferenceApi } from './api'
import { actionItemsFor, outcomeParticipants, outcomesOf, type Outcome } from '../shared/outcomes'

/** The parts of DevMeet this query reads. */
export interface OutcomeSources {
  conferences: Pick<ConferenceApi, 'get' | 'list' | 'participants'>
  chat: Pick<ChatApi, 'history'>
}

/** One conference's outcomes, assignees resolved against its participants now. */
export async function conferenceOutcomes (src: OutcomeSources, conferenceId: string): Promise<Outcome[]> {
  const view = src.conferences.get(conferenceId)
  if (view == null) return []
  const messages = await src.chat.history(conferenceId)
  return outcomesOf(messages, outcomeParticipants(view.context, src.conferences.participants(conferenceId)))
}

/** The action items assigned to `me` in every conference this peer knows, oldest conference first. */
export async function myActionItems (src: OutcomeSources, me: string): Promise<Outcome[]> {
  const all: Outcome[] = []
  for (const view of src.conferences.list()) {
    all.push(...actionItemsFor(await conferenceOutcomes(src, view.context.id), me))
  }
  return all
}
