// The `localized` template tag (see localizedTag in src/shared/shown-text.ts) for the text modules
// that run under plain Node in the unit tests (no 'vscode' import): until the gate
// (user-messages.ts) installs vscode.l10n as the translator, the templates stay as written
// (English), which is what the tests compare.
import { localizedTag, type Translate } from '../shared/shown-text'

let translate: Translate = key => key

/** Installs the translator; called once by the gate when the extension loads. */
export function useTranslator (t: Translate): void {
  translate = t
}

/** ShownText in the user's language: the literal text is ours, the parts untrusted() or ShownText. */
export const localized = localizedTag((key, placeholderCount) => translate(key, placeholderCount))
