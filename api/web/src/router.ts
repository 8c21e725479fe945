// Client routes, one folder of pages per role group (pages/staff,
// pages/approvals). Every page but the login needs a session; a page for
// roles the user does not have sends them to the search page.
import { createRouter, createWebHistory } from 'vue-router'
import { whenSessionEnds } from './api/client'
import { forget, hasRole, loadSession, session } from './session'
import LoginPage from './pages/LoginPage.vue'
// Every other page is its own chunk, loaded when its route is first visited.

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: 'login.title' } },
    { path: '/', redirect: '/search' },
    { path: '/search', name: 'search', component: () => import('./pages/staff/SearchPage.vue'), meta: { title: 'nav.search' } },
    { path: '/records/:id', name: 'record', component: () => import('./pages/staff/RecordPage.vue'), props: true, meta: { title: 'record.title' } },
    { path: '/records/:id/view', name: 'viewer', component: () => import('./pages/staff/ViewerPage.vue'), props: true, meta: { title: 'viewer.title' } },
    { path: '/records/:id/borrow', name: 'borrow', component: () => import('./pages/staff/LoanRequestPage.vue'), props: true, meta: { title: 'loanRequest.title' } },
    { path: '/loans', name: 'loans', component: () => import('./pages/staff/LoansPage.vue'), meta: { title: 'nav.loans' } },
    { path: '/loans/:id', name: 'loan', component: () => import('./pages/staff/LoanPage.vue'), props: true, meta: { title: 'loan.title' } },
    { path: '/notifications', name: 'notifications', component: () => import('./pages/staff/NotificationsPage.vue'), meta: { title: 'nav.notifications' } },
    {
      path: '/approvals',
      name: 'approvals',
      component: () => import('./pages/approvals/ApprovalsPage.vue'),
      meta: { title: 'nav.approvals', roles: ['dept_manager', 'legal', 'archive_admin'] },
    },
    { path: '/holds', name: 'holds', component: () => import('./pages/approvals/HoldsPage.vue'), meta: { title: 'nav.holds', roles: ['legal'] } },
    { path: '/:rest(.*)*', redirect: '/search' },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession()
  if (to.meta.public) return session.me && to.name === 'login' && !to.query.reason ? { name: 'search' } : true
  if (!session.me) return { name: 'login', query: { redirect: to.fullPath } }
  const roles = to.meta.roles as string[] | undefined
  if (roles && !hasRole(...roles)) return { name: 'search' }
  return true
})

// A session that ended under the user's feet (expired, revoked, account
// disabled) brings them back to the login page with the reason.
whenSessionEnds((code) => {
  if (!session.me) return
  forget()
  void router.push({ name: 'login', query: { reason: code } })
})
