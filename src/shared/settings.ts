// Maps `devmeet.*` settings to the core's configuration. Pure (no 'vscode' import) so it is unit-tested.
import type { NetworkConfig } from '../core/config'
import type { LogLevel } from '../core/log'

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/webrtc']

/** Reads one setting; returns undefined when unset (the default from package.json applies). */
export type SettingReader = (key: string) => unknown

export interface DevMeetSettings {
  network: NetworkConfig
  /** empty: use git's user.name, else the OS user name */
  displayName: string
  logLevel: LogLevel
  reminderMinutes: number
  openChatAutomatically: boolean
}

/** Keys whose change needs a node restart. */
export const NETWORK_SETTING_KEYS = ['listenAddresses', 'mdns.enabled', 'bootstrapPeers', 'publicDht.enabled', 'webrtc.enabled', 'webrtc.stunServers']

export function readSettings (get: SettingReader): DevMeetSettings {
  const webrtc = bool(get('webrtc.enabled'), true)
  return {
    network: {
      listenAddresses: strings(get('listenAddresses')) ?? [...DEFAULT_LISTEN],
      mdns: bool(get('mdns.enabled'), true),
      bootstrapPeers: strings(get('bootstrapPeers')) ?? [],
      publicDht: bool(get('publicDht.enabled'), false),
      webrtc,
      relayServer: false,
      // unset (null): the WebRTC transport's own public STUN servers; an empty list: none
      ...(Array.isArray(get('webrtc.stunServers')) ? { iceServers: strings(get('webrtc.stunServers')) } : {})
    },
    displayName: typeof get('displayName') === 'string' ? (get('displayName') as string).trim() : '',
    logLevel: logLevel(get('log.level')),
    reminderMinutes: minutes(get('reminderMinutes')),
    openChatAutomatically: bool(get('chat.openAutomatically'), true)
  }
}

function bool (v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback
}

function strings (v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined
  return v.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map(s => s.trim())
}

function logLevel (v: unknown): LogLevel {
  return v === 'off' || v === 'error' || v === 'warn' || v === 'info' || v === 'debug' ? v : 'info'
}

function minutes (v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(Math.floor(v), 1440) : 5
}
