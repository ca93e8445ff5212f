// The `localized` tag for the UI's modules: one definition, in src/shared/localized.ts, which the
// core's warnings use too.
export { localized, plural, useTranslator } from '../shared/localized'
