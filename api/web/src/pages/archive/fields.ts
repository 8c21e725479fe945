// The field dictionary on the archive's forms: loading it, the words of
// its entries in the current locale, and per-field error messages.
import { api, call } from '../../api/client'
import type { FieldDictionary, FieldProblem } from '../../api/archive-types'
import type { Composer } from 'vue-i18n'

export async function loadFields(): Promise<FieldDictionary> {
  return call<FieldDictionary>(api.GET('/api/v1/fields'))
}

// The word for `key` under `group` in this area's messages, or the
// dictionary's own name when the dictionary has an entry we have no word for.
export function wordOr(t: Composer['t'], te: Composer['te'], group: string, key: string, fallback: string): string {
  const k = `ingest.${group}.${key}`
  return te(k) ? t(k) : fallback || key
}

// The message for one field's problem (reason codes: docs/openapi.yaml FieldErrors).
export function problemText(t: Composer['t'], te: Composer['te'], p: FieldProblem): string {
  const k = 'ingest.reason.' + p.reason
  return te(k) ? t(k, { max: p.max ?? 0 }) : t('ingest.reason.other', { reason: p.reason })
}

export const ACCEPTED = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']
const EXTENSIONS = /\.(pdf|jpe?g|png|tiff?)$/i

// Whether a dropped or chosen file is of a type the archive takes.
export function accepted(file: File): boolean {
  return ACCEPTED.includes(file.type) || EXTENSIONS.test(file.name)
}
