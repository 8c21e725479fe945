// Routes of the staff and approver pages (pages/staff/, pages/approvals/).
// Kept apart from router.ts (which loads the app) so tests can read every
// area's route definitions without the app: tests/web/journeys/
// 40-role-boundaries.spec.ts checks each role against them.
import type { RouteRecordRaw } from 'vue-router'
import { APPROVERS, BORROWERS, DOCUMENT_READERS } from './roles'

export const routes: RouteRecordRaw[] = [
  { path: '/search', name: 'search', component: () => import('../pages/staff/SearchPage.vue'),
    meta: { title: 'nav.search', roles: DOCUMENT_READERS, nav: 'nav.search', navOrder: 0 } },
  { path: '/records/:id', name: 'record', component: () => import('../pages/staff/RecordPage.vue'), props: true,
    meta: { title: 'record.title', roles: DOCUMENT_READERS } },
  { path: '/records/:id/view', name: 'viewer', component: () => import('../pages/staff/ViewerPage.vue'), props: true,
    meta: { title: 'viewer.title', roles: DOCUMENT_READERS } },
  { path: '/records/:id/borrow', name: 'borrow', component: () => import('../pages/staff/LoanRequestPage.vue'), props: true,
    meta: { title: 'loanRequest.title', roles: BORROWERS } },
  { path: '/loans', name: 'loans', component: () => import('../pages/staff/LoansPage.vue'),
    meta: { title: 'nav.loans', roles: BORROWERS, nav: 'nav.loans', navOrder: 1 } },
  { path: '/loans/:id', name: 'loan', component: () => import('../pages/staff/LoanPage.vue'), props: true,
    meta: { title: 'loan.title', roles: BORROWERS } },
  { path: '/notifications', name: 'notifications', component: () => import('../pages/staff/NotificationsPage.vue'),
    meta: { title: 'nav.notifications' } },
  { path: '/approvals', name: 'approvals', component: () => import('../pages/approvals/ApprovalsPage.vue'),
    meta: { title: 'nav.approvals', roles: APPROVERS, nav: 'nav.approvals', navOrder: 2 } },
  { path: '/holds', name: 'holds', component: () => import('../pages/approvals/HoldsPage.vue'),
    meta: { title: 'nav.holds', roles: ['legal'], nav: 'nav.holds', navOrder: 3 } },
]
