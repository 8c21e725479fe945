// Client routes: the staff and approver pages here, every other area's in
// routes/<area>.ts (its pages in pages/<area>/). Every page but the login
// needs a session; a page whose meta.roles leave the user out shows the
// "not allowed" page (the API refuses its calls anyway). The header's
// navigation is built from the routes' meta (nav, navOrder, roles), so each
// role sees only the pages it may use. navOrder ranges: staff 0-19,
// archive 20-39, records 40-59, audit 60-79, admin 80-99.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { whenSessionEnds } from './api/client'
import { forget, loadSession, session } from './session'
import LoginPage from './pages/LoginPage.vue'
import { APPROVERS, BORROWERS, DOCUMENT_READERS } from './routes/roles'
import { routes as archive } from './routes/archive'
import { routes as records } from './routes/records'
import { routes as audit } from './routes/audit'
import { routes as admin } from './routes/admin'
// "/" and unknown paths render nothing: their guard (which runs once the
// session is known) sends the user to the first page of their navigation.
const Nothing = { render: () => null }
// Every other page is its own chunk, loaded when its route is first visited.

const staff: RouteRecordRaw[] = [
  { path: '/search', name: 'search', component: () => import('./pages/staff/SearchPage.vue'),
    meta: { title: 'nav.search', roles: DOCUMENT_READERS, nav: 'nav.search', navOrder: 0 } },
  { path: '/records/:id', name: 'record', component: () => import('./pages/staff/RecordPage.vue'), props: true,
    meta: { title: 'record.title', roles: DOCUMENT_READERS } },
  { path: '/records/:id/view', name: 'viewer', component: () => import('./pages/staff/ViewerPage.vue'), props: true,
    meta: { title: 'viewer.title', roles: DOCUMENT_READERS } },
  { path: '/records/:id/borrow', name: 'borrow', component: () => import('./pages/staff/LoanRequestPage.vue'), props: true,
    meta: { title: 'loanRequest.title', roles: BORROWERS } },
  { path: '/loans', name: 'loans', component: () => import('./pages/staff/LoansPage.vue'),
    meta: { title: 'nav.loans', roles: BORROWERS, nav: 'nav.loans', navOrder: 1 } },
  { path: '/loans/:id', name: 'loan', component: () => import('./pages/staff/LoanPage.vue'), props: true,
    meta: { title: 'loan.title', roles: BORROWERS } },
  { path: '/notifications', name: 'notifications', component: () => import('./pages/staff/NotificationsPage.vue'),
    meta: { title: 'nav.notifications' } },
  { path: '/approvals', name: 'approvals', component: () => import('./pages/approvals/ApprovalsPage.vue'),
    meta: { title: 'nav.approvals', roles: APPROVERS, nav: 'nav.approvals', navOrder: 2 } },
  { path: '/holds', name: 'holds', component: () => import('./pages/approvals/HoldsPage.vue'),
    meta: { title: 'nav.holds', roles: ['legal'], nav: 'nav.holds', navOrder: 3 } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: 'login.title' } },
    { path: '/', name: 'home', component: Nothing, beforeEnter: () => homePath() },
    { path: '/forbidden', name: 'forbidden', component: () => import('./pages/common/ForbiddenPage.vue'),
      meta: { title: 'forbidden.title' } },
    ...staff,
    ...archive,
    ...records,
    ...audit,
    ...admin,
    { path: '/:rest(.*)*', component: Nothing, beforeEnter: () => homePath() },
  ],
})

export interface NavItem {
  path: string
  label: string
}

// The header's links for the logged-in user, in navOrder.
export function navItems(): NavItem[] {
  const role = session.me?.role
  if (!role) return []
  return router
    .getRoutes()
    .filter((r) => typeof r.meta.nav === 'string' && mayOpen(r.meta.roles as string[] | undefined, role))
    .sort((a, b) => (a.meta.navOrder as number) - (b.meta.navOrder as number))
    .map((r) => ({ path: r.path, label: r.meta.nav as string }))
}

function mayOpen(roles: string[] | undefined, role: string): boolean {
  return !roles || roles.includes(role)
}

// Where "/" and unknown paths lead: the first page of the user's navigation.
export function homePath(): string {
  return navItems()[0]?.path ?? '/notifications'
}

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession()
  if (to.meta.public) return session.me && to.name === 'login' && !to.query.reason ? homePath() : true
  if (!session.me) return { name: 'login', query: { redirect: to.fullPath } }
  if (!mayOpen(to.meta.roles as string[] | undefined, session.me.role)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

// A session that ended under the user's feet (expired, revoked, account
// disabled) brings them back to the login page with the reason.
whenSessionEnds((code) => {
  if (!session.me) return
  forget()
  void router.push({ name: 'login', query: { reason: code } })
})
