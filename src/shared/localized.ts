// The `localized` template tag (see localizedTag in shown-text.ts), shared by the UI's text modules
// and the core's warnings; no 'vscode' import, so all of them run under plain Node in the unit
// tests. Until the gate (src/vscode/user-messages.ts) installs vscode.l10n as the translator, the
// templates stay as written (English), which is what the tests compare. The core is its own bundle
// (dist/core.js) with its own copy of this module: the extension installs the same translator there
// when it loads the core. The headless peer (dist/peer.js) installs none and speaks English.
import { localizedTag, type ShownText, type Translate } from './shown-text'
import { pluralForm } from './plural'

let translate: Translate = key => key
/** The language the messages are shown in; undefined while they stay English. */
let language: string | undefined

/**
 * Installs the translator; called once by the gate when the extension loads. `messagesLanguage`
 * is the language the translations are in (undefined when none is loaded), for plural rules.
 */
export function useTranslator (t: Translate, messagesLanguage?: string): void {
  translate = t
  language = messagesLanguage
}

/** The installed translator and its language, to install in another bundle's copy of this module. */
export function currentTranslation (): { translate: Translate, language: string | undefined } {
  return { translate, language }
}

/** ShownText in the user's language: the literal text is ours, the parts untrusted() or ShownText. */
export const localized = localizedTag((key, placeholderCount) => translate(key, placeholderCount))

/**
 * One of two texts by the count's plural form in the messages' language:
 * `plural(n, localized\`${n} peer\`, localized\`${n} peers\`)`. Both are ordinary messages, so a
 * translation gives each its own words (French uses the first for 0 and 1).
 */
export function plural (count: number, one: ShownText, other: ShownText): ShownText {
  return pluralForm(count, language ?? 'en') === 'one' ? one : other
}

/**
 * A message for a document that escapes its own parts (the transcript's markdown): the translated
 * template with `parts` put in as they are. `key` must be a literal: scripts/l10n-export.ts reads it.
 */
export function documentText (key: string, ...parts: Array<string | number>): string {
  return fillTemplate(translate(key, placeholderCount(key)), parts)
}

/** A template with its {0}, {1}… replaced by `parts` (a placeholder with no part becomes empty). */
export function fillTemplate (template: string, parts: ReadonlyArray<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => {
    const part = parts[Number(i)]
    return part == null ? '' : String(part)
  })
}

/** How many parts a key takes: its highest placeholder plus one. */
export function placeholderCount (key: string): number {
  return Math.max(-1, ...[...key.matchAll(/\{(\d+)\}/g)].map(m => Number(m[1]))) + 1
}
