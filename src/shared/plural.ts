// Which plural form a count takes in a language, by the Unicode CLDR rules built into Intl. The
// extension host and the chat page both choose with it.

/** The forms our messages come in: English has two, so every message has a "one" and an "other" text. */
export type PluralForm = 'one' | 'other'

const rules = new Map<string, Intl.PluralRules>()

/**
 * "one" when the language says the count takes its singular form (1 in English, 0 and 1 in French),
 * otherwise "other". Languages with more forms (few, many: Polish, Russian, Arabic) get their
 * "other" text for those counts: the bundle has one key per English form.
 */
export function pluralForm (count: number, locale: string | undefined): PluralForm {
  const key = locale ?? ''
  let r = rules.get(key)
  if (r == null) {
    r = new Intl.PluralRules(supported(locale))
    if (rules.size < 16) rules.set(key, r)
  }
  return r.select(count) === 'one' ? 'one' : 'other'
}

function supported (locale: string | undefined): string | undefined {
  if (locale == null || locale === '') return undefined
  try {
    return Intl.PluralRules.supportedLocalesOf([locale])[0]
  } catch {
    return undefined
  }
}
