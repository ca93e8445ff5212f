// The chat page's messages in the user's language, for the page's HTML and its <meta>: the same
// translator as every `localized` text (vscode.l10n once the gate installed it).
import { PAGE_TEXTS, placeholderCount, type PageTextKey, type PageTexts } from '../../shared/page-text'
import { currentTranslation } from '../../shared/localized'

/** Every page message translated (untranslated ones are left out: the page falls back to the key). */
export function translatedPageTexts (): PageTexts {
  const { translate } = currentTranslation()
  const out: PageTexts = {}
  for (const key of PAGE_TEXTS) {
    const text = translate(key, placeholderCount(key))
    if (text !== key) out[key] = text
  }
  return out
}

/** The language the page's <html lang> names: the messages' language, English without a translation. */
export function pageLanguage (): string {
  return currentTranslation().language ?? 'en'
}

/** One page message from `texts`, the English key when it has no translation. */
export function textOf (texts: PageTexts, key: PageTextKey): string {
  return texts[key] ?? key
}
