/** Where the core writes its log lines: VS Code's LogOutputChannel, or stderr for the headless peer. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug'

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 }

// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g

/**
 * A log message as one visible line: peer text inside a message (a name, an error a peer sent)
 * cannot start a line of its own that looks like ours, nor hide or reorder text with control or
 * bidi characters. Line breaks (stack traces too) show as ␤.
 */
export function logSafe (message: string): string {
  return String(message).replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ␤ ').replace(HIDDEN, '')
}

/** A logger that writes `level prefix message` lines through `write`, dropping lines below `level`. */
export function lineLogger (write: (line: string) => void, level: LogLevel = 'info'): Logger {
  const at = (l: Exclude<LogLevel, 'off'>) => (message: string) => {
    if (RANK[l] <= RANK[level]) write(`${new Date().toISOString()} [${l}] ${logSafe(message)}`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export const silentLogger: Logger = { debug () {}, info () {}, warn () {}, error () {} }
