/** Where the core writes its log lines: VS Code's LogOutputChannel, or stderr for the headless peer. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug'

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 }

/** A logger that writes `level prefix message` lines through `write`, dropping lines below `level`. */
export function lineLogger (write: (line: string) => void, level: LogLevel = 'info'): Logger {
  const at = (l: Exclude<LogLevel, 'off'>) => (message: string) => {
    if (RANK[l] <= RANK[level]) write(`${new Date().toISOString()} [${l}] ${message}`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export const silentLogger: Logger = { debug () {}, info () {}, warn () {}, error () {} }
