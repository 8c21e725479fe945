// The one place where the API's error codes become words: every code has a
// translated message (errors.<code> in the message files); unknown codes
// fall back to a generic message with the code, never to raw API text.
import type { Composer } from 'vue-i18n'
import { ApiError } from './client'
import { KNOWN_CODES } from './error-codes'

export { KNOWN_CODES }

export function errorKey(code: string): string {
  return 'errors.' + code.replace(/\./g, '_')
}

export function describeError(t: Composer['t'], e: unknown): string {
  if (e instanceof ApiError) {
    if ((KNOWN_CODES as readonly string[]).includes(e.code)) return t(errorKey(e.code))
    return t('errors.unknown', { code: e.code })
  }
  return t('errors.network')
}
