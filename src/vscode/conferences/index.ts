import type { DevMeetHost } from '../host'

/** Registers the Conferences view, its commands and notifications. */
export function registerConferenceUi (_host: DevMeetHost): void {}
