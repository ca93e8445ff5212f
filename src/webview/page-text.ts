// The page's words in the user's language: read once from the <meta name="devmeet-texts"> the
// extension wrote (see src/shared/page-text.ts); English, the keys themselves, when it is missing.
import { fillTemplate, parsePageTexts, type PageTextKey, type PageTexts } from '../shared/page-text'
import { pluralForm } from '../shared/plural'
import { useTranslator } from '../shared/localized'

let texts: PageTexts = {}
let language: string | undefined

/** Reads the translations and the language (the <html lang>) out of `doc`. */
export function loadPageTexts (doc: Document): void {
  texts = parsePageTexts(doc.querySelector('meta[name="devmeet-texts"]')?.getAttribute('content'))
  const lang = doc.documentElement.getAttribute('lang')
  language = lang == null || lang === '' ? undefined : lang
  // The shared helpers the page uses (durations in src/shared/time.ts) speak through `localized`:
  // their messages are in the page's list too.
  const known: Record<string, string | undefined> = texts
  useTranslator(key => known[key] ?? key, language)
}

/** A message of the page with its parts (names, counts: put in as text, never as markup). */
export function pageText (key: PageTextKey, ...parts: Array<string | number>): string {
  return fillTemplate(texts[key] ?? key, parts)
}

/** One of two messages by the count's plural form in the page's language. */
export function pagePlural (count: number, one: PageTextKey, other: PageTextKey, ...parts: Array<string | number>): string {
  return pageText(pluralForm(count, language ?? 'en') === 'one' ? one : other, ...parts)
}
