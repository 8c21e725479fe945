// Routes of the audit area. meta: title (message key of the page's title),
// roles (who may open it; anyone else sees the "not allowed" page), nav
// (message key of its link in the header, shown only to those roles) and
// navOrder (the link's place: audit's pages use the range in router.ts).
import type { RouteRecordRaw } from 'vue-router'

// audit.read (policies/roles.json): auditors and admins.
export const AUDIT_READERS = ['auditor', 'admin']
// export.trace: archive admins, legal, auditors.
export const TRACERS = ['archive_admin', 'legal', 'auditor']
// alert.read, alert.acknowledge: archive admins and auditors.
export const ALERT_READERS = ['archive_admin', 'auditor']

export const routes: RouteRecordRaw[] = [
  { path: '/audit', name: 'audit-log', component: () => import('../pages/audit/AuditLogPage.vue'),
    meta: { title: 'audit.title', roles: AUDIT_READERS, nav: 'nav.audit', navOrder: 60 } },
  { path: '/trace', name: 'trace', component: () => import('../pages/audit/TracePage.vue'),
    meta: { title: 'trace.title', roles: TRACERS, nav: 'nav.trace', navOrder: 61 } },
  { path: '/alerts', name: 'alerts', component: () => import('../pages/audit/AlertsPage.vue'),
    meta: { title: 'alerts.title', roles: ALERT_READERS, nav: 'nav.alerts', navOrder: 62 } },
]
