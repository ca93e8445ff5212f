// The core's entry point, bundled as dist/core.js and loaded by the extension after activate() returns.
export { DevMeet } from './devmeet'
export type { DevMeetEvents, DevMeetOptions, NodeStatus, PeerInfo } from './devmeet'
export { defaultNetworkConfig, DEFAULT_LISTEN_ADDRESSES, DEVMEET_VERSION } from './config'
export type { NetworkConfig } from './config'
export type { WebRTCStatus } from './webrtc-support'
export { FileKeyStore, sanitizeDisplayName, shortPeerId } from './identity'
export type { KeyStore } from './identity'
export { parsePeerAddress } from './address'
export { lineLogger } from './log'
export { useTranslator } from '../shared/localized'
export type { Logger, LogLevel } from './log'
export type {
  ConferenceApi, ConferenceContext, ConferenceView, CreateConferenceInput, Invitee, PeerRef, Rsvp, RsvpAnswer, RsvpEvent, DeliveryState
} from './api'
export { ConferenceInputError, InvalidAddressError } from './errors'
export { DOMAINS as ENVELOPE_DOMAINS } from './wire/envelope'
