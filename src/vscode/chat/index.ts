import type { DevMeetHost } from '../host'

/** Registers the chat panel, its commands and the start-time behaviour. */
export function registerChatUi (_host: DevMeetHost): void {}
