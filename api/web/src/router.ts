// Client routes: each area's in routes/<area>.ts (its pages in
// pages/<area>/; the staff and approver pages in routes/staff.ts). Every page but the login
// needs a session; a page whose meta.roles leave the user out shows the
// "not allowed" page (the API refuses its calls anyway). The header's
// navigation is built from the routes' meta (nav, navOrder, roles), so each
// role sees only the pages it may use. navOrder ranges: staff 0-19,
// archive 20-39, records 40-59, audit 60-79, admin 80-99.
import { createRouter, createWebHistory } from 'vue-router'
import { whenSessionEnds } from './api/client'
import { forget, loadSession, session } from './session'
import LoginPage from './pages/LoginPage.vue'
import { routes as staff } from './routes/staff'
import { routes as archive } from './routes/archive'
import { routes as records } from './routes/records'
import { routes as audit } from './routes/audit'
import { routes as admin } from './routes/admin'
// "/" and unknown paths render nothing: their guard (which runs once the
// session is known) sends the user to the first page of their navigation.
const Nothing = { render: () => null }
// Every other page is its own chunk, loaded when its route is first visited.

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

// Where "/" and unknown paths lead: the page whose meta.homeFor names the
// user's role, else the first page of their navigation.
export function homePath(): string {
  const role = session.me?.role
  const home = role && router.getRoutes().find((r) => (r.meta.homeFor as string[] | undefined)?.includes(role))
  return home ? home.path : navItems()[0]?.path ?? '/notifications'
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
