// The agenda typed into the one-line Create Conference box. An input box has no new lines, so a
// markdown list typed on one line ("- Demo - Questions", "1. Demo 2. Questions") becomes one item
// a line; a literal \n still works. The box's note shows the lines as they will be kept, so a
// split the user did not mean is seen before Enter. (An editor tab would allow real lines but
// leaves the quick input flow; the agenda is short in practice.) No 'vscode' import: unit tested.
import { localized, plural } from '../localized'

/** The agenda as markdown lines. */
export function agendaFromInput (value: string): string {
  const lines = value.replace(/\\n/g, '\n').split('\n').flatMap(splitOneLineList)
  return lines.map(l => l.trim()).filter((l, i, all) => l !== '' || (i > 0 && i < all.length - 1)).join('\n').trim()
}

function splitOneLineList (line: string): string[] {
  const text = line.trim()
  const bullet = /^([-*+]) /.exec(text)
  if (bullet != null) {
    const marker = bullet[1]
    // split before " - " (the same marker as the first item, spaces on both sides)
    return text.split(new RegExp(` (?=\\${marker} )`))
  }
  if (/^1[.)] /.test(text)) {
    // split before " 2. ", " 3. " … in order only, so "1. Fix 3 bugs" stays one item
    const items: string[] = []
    let rest = text
    for (let n = 2; ; n++) {
      const at = rest.search(new RegExp(` ${n}[.)] `))
      if (at < 0) break
      items.push(rest.slice(0, at))
      rest = rest.slice(at + 1)
    }
    return [...items, rest]
  }
  return [line]
}

/** The note under the box: how the agenda will read, line by line. */
export function agendaPreview (agenda: string, maxChars = 200): string {
  if (agenda === '') return localized`Optional. A list typed on one line ("- Demo - Questions") becomes one item a line.`
  const lines = agenda.split('\n')
  const joined = lines.join('  ⏎  ')
  const shown = joined.length > maxChars ? joined.slice(0, maxChars - 1) + '…' : joined
  return `${plural(lines.length, localized`${lines.length} line:`, localized`${lines.length} lines:`)} ${shown}`
}

/** The agenda back in the one-line box (after Back): a list on one line again, other lines joined by \n. */
export function agendaToInput (agenda: string): string {
  const lines = agenda.split('\n')
  const isList = lines.length > 1 && (lines.every(l => /^[-*+] /.test(l)) || lines.every((l, i) => l.startsWith(`${i + 1}. `) || l.startsWith(`${i + 1}) `)))
  return lines.join(isList ? ' ' : '\\n')
}
