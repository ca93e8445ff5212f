// Text on its way to a surface that interprets it: notifications turn `[x](command:…)` into links
// that run commands on a click, hovers render markdown, quick picks and the status bar turn `$(name)`
// into icons. Only the `shown` template makes ShownText, and it takes outside text only as
// Untrusted, which only `untrusted()` makes, after neutralizing all of that. Interpolating a plain
// string (or `any`) into `shown` is a compile error, so the mistake cannot be written again.
// No 'vscode' import: the core builds its warnings with it too.

declare const shownBrand: unique symbol
declare const untrustedBrand: unique symbol

/** Text safe for a notification, tooltip, quick pick, dialog or status bar. Made only by `shown`. */
export type ShownText = string & { readonly [shownBrand]: true }

/** Outside text made inert by `untrusted()`. */
export type Untrusted = string & { readonly [untrustedBrand]: true }

/** What `shown` accepts between its literal parts. */
export type ShownPart = Untrusted | ShownText | number

type IsAny<T> = 0 extends (1 & T) ? true : false
/** `any` would slip through a plain `ShownPart[]`; this maps it (and anything not a ShownPart) to never. */
type OnlyShownParts<P extends readonly unknown[]> = { [K in keyof P]: IsAny<P[K]> extends true ? never : P[K] extends ShownPart ? P[K] : never }

/** Line and paragraph breaks of every kind: collapsed to one space. */
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /[\r\n\u000b\u000c\u0085\u2028\u2029\t]+/g
/**
 * Characters that hide or reorder text: C0/C1 controls (ANSI escapes start with one), the soft
 * hyphen, Arabic letter mark, Hangul fillers, zero-width space/joiners/marks, bidi embeddings,
 * overrides and isolates, word joiner and invisible operators, the BOM, interlinear annotation
 * marks, and the Unicode tag characters used to smuggle invisible ASCII.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu

/** One line of outside text with nothing hidden: NFC, no controls, bidi or zero-width characters, no line breaks. */
export function visibleLine (text: string): string {
  return text.normalize('NFC').replace(LINE_BREAKS, ' ').replace(HIDDEN, '').replace(/\s+/g, ' ').trim()
}

/** Multi-line outside text with its line structure kept but nothing hidden (for plain-text copies). */
export function withoutHidden (text: string): string {
  return text.normalize('NFC').replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n').split('\n').map(l => l.replace(/\t/g, '  ').replace(HIDDEN, '')).join('\n')
}

/** Breaks up the syntax that the workbench turns into links and icons. Idempotent. */
function neutralize (text: string): string {
  return text
    // markdown link and image `[x](target)`: the form notifications turn into clickable links
    .replace(/\]\(/g, '] (')
    // autolink `<command:…>`, `<https://…>`
    .replace(/<([a-z][a-z0-9+.-]*:)/gi, '< $1')
    // codicon `$(name)` in quick picks, the status bar and hovers
    .replace(/\$\(/g, '$ (')
}

/** Cuts to `max` characters (code points, never half a surrogate pair), marking the cut with "…". */
function cap (text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length > max ? chars.slice(0, Math.max(0, max - 1)).join('') + '…' : text
}

/**
 * Outside text (a peer's name, title, agenda line, comment, code path, error message) made fit to
 * interpolate into `shown`: one visible line of at most `maxChars` characters, no link or icon syntax.
 */
export function untrusted (text: unknown, maxChars = 200): Untrusted {
  const s = typeof text === 'string' ? text : text == null ? '' : String(text)
  return cap(neutralize(visibleLine(s)), maxChars) as Untrusted
}

/**
 * The one way to make ShownText: the literal parts are ours, the interpolations Untrusted, numbers
 * or ShownText. Where two pieces meet, a space keeps them from forming `](`, `$(` or `<scheme:`
 * together (`${untrusted('[x]')}${untrusted('(command:y)')}`).
 */
export function shown<const P extends readonly unknown[]> (strings: TemplateStringsArray, ...parts: OnlyShownParts<P>): ShownText {
  // A real tagged template passes a frozen array with `raw`; a hand-made array is refused.
  if (!Object.isFrozen(strings) || !Array.isArray(strings.raw)) throw new TypeError('shown is a template tag')
  let out = strings[0]
  for (let i = 0; i < parts.length; i++) {
    const part: unknown = parts[i]
    if (typeof part !== 'string' && typeof part !== 'number') throw new TypeError('shown takes only untrusted(), shown`` or numbers')
    out = joinSafely(joinSafely(out, String(part)), strings[i + 1])
  }
  return out as ShownText
}

/**
 * Turns a message key into the user's language. The key is the template's literal text with `{0}`,
 * `{1}`… where its parts go; the result keeps those placeholders (it is a translation of ours,
 * shipped inside the extension, never text from outside).
 */
export type Translate = (key: string, placeholderCount: number) => string

/**
 * Makes a `localized` template tag: like `shown`, the literal parts are ours and the interpolations
 * Untrusted, numbers or ShownText (checked by the same types), but the literal text is first looked
 * up through `translate`. The parts are put into the translation where its placeholders say (a
 * translation may reorder them), with the same safe joins as `shown`, so a translated template
 * cannot glue a part into link or icon syntax either. Why this is safe: the template and its
 * translations are ours, and every part was neutralized by untrusted() before it got here.
 */
export function localizedTag (translate: Translate) {
  return function localized<const P extends readonly unknown[]> (strings: TemplateStringsArray, ...parts: OnlyShownParts<P>): ShownText {
    if (!Object.isFrozen(strings) || !Array.isArray(strings.raw)) throw new TypeError('localized is a template tag')
    for (const part of parts as readonly unknown[]) {
      if (typeof part !== 'string' && typeof part !== 'number') throw new TypeError('localized takes only untrusted(), shown`` or numbers')
    }
    const key = strings.reduce((k, literal, i) => i === 0 ? literal : `${k}{${i - 1}}${literal}`, '')
    const template = translate(key, parts.length)
    let out = ''
    let last = 0
    for (const m of template.matchAll(/\{(\d+)\}/g)) {
      const part: unknown = parts[Number(m[1])]
      out = joinSafely(out, template.slice(last, m.index))
      out = joinSafely(out, part == null ? '' : String(part))
      last = m.index + m[0].length
    }
    return joinSafely(out, template.slice(last)) as ShownText
  }
}

function joinSafely (left: string, right: string): string {
  if (left === '' || right === '') return left + right
  const formsSyntax = (/[\]$]$/.test(left) && right.startsWith('(')) || (left.endsWith('<') && /^[a-z][a-z0-9+.-]*:/i.test(right))
  return formsSyntax ? `${left} ${right}` : left + right
}

/** ShownText pieces joined by a separator (itself ShownText). */
export function joinShown (pieces: readonly ShownText[], separator: ShownText): ShownText {
  return pieces.reduce<ShownText>((acc, p, i) => i === 0 ? p : shown`${acc}${separator}${p}`, shown``)
}

/** Multi-line outside text (an agenda) as lines of Untrusted, at most `maxLines`, each capped. */
export function untrustedLines (text: unknown, maxLines = 40, maxChars = 200): Untrusted[] {
  const s = typeof text === 'string' ? text : ''
  const lines = s.split(/\r\n|[\r\n\u2028\u2029\u0085]/).map(l => untrusted(l, maxChars))
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines.length > maxLines ? [...lines.slice(0, maxLines), '…' as Untrusted] : lines
}
