// The API error codes the UI has words for (errors.<code with _> in every
// message file; tests/web checks that each has one in both languages).
import { CODES as archive } from './codes/archive'
import { CODES as records } from './codes/records'
import { CODES as audit } from './codes/audit'
import { CODES as admin } from './codes/admin'

const BASE = [
  'auth.failed', 'auth.locked', 'auth.disabled', 'auth.expired', 'auth.revoked', 'auth.invalid_token',
  'auth.missing_token', 'auth.busy', 'auth.csrf', 'access.denied', 'document.not_found', 'document.destroyed',
  'document.being_destroyed', 'export.rate_limited', 'export.busy', 'export.not_pdf', 'export.unsupported_type',
  'export.unreadable', 'export.too_large', 'borrow.overdue', 'borrow.suspended', 'borrow.already_open',
  'borrow.period_too_long', 'borrow.bad_duration', 'borrow.kind_not_allowed', 'borrow.bad_purpose',
  'borrow.bad_state', 'borrow.bad_reason', 'borrow.not_your_step', 'borrow.own_request', 'borrow.reason_required',
  'borrow.renewal_limit', 'borrow.renewal_too_early', 'borrow.not_issued', 'borrow.not_electronic',
  'borrow.closed', 'borrow.already_returned', 'borrow.return_too_large', 'borrow.not_found', 'borrow.not_yours',
  'request.bad_json', 'request.too_large', 'server.stopping', 'audit.unavailable', 'hold.not_found',
] as const

export const KNOWN_CODES: readonly string[] = [...BASE, ...archive, ...records, ...audit, ...admin]
