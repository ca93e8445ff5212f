// A file name made from outside text (a conference title) that every file system takes.

/** Windows reserves device names before any extension ("con.ics", "nul.tar.md" cannot be saved there). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])\s*(\.|$)/i

/**
 * `title` as a file name ending in `.extension`: without characters file systems refuse, at most
 * 80 characters, no leading or trailing dots or spaces, never a Windows device name; `fallback`
 * when nothing usable is left.
 */
export function safeFileName (title: string, extension: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const base = String(title).replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ').replace(/\s+/g, ' ').slice(0, 80).replace(/^[.\s]+|[.\s]+$/g, '')
  const name = base === '' ? fallback : WINDOWS_DEVICE.test(base) ? `${fallback} ${base}` : base
  return `${name}.${extension}`
}
