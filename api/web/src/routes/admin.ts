// Routes of the admin area. meta: title (message key of the page's title),
// roles (who may open it; anyone else sees the "not allowed" page), nav
// (message key of its link in the header, shown only to those roles) and
// navOrder (the link's place: admin's pages use the range in router.ts);
// homeFor: the roles whose start page it is.
import type { RouteRecordRaw } from 'vue-router'

const ADMINS = ['admin']

export const routes: RouteRecordRaw[] = [
  { path: '/admin/users', name: 'admin-users', component: () => import('../pages/admin/UsersPage.vue'),
    meta: { title: 'nav.users', roles: ADMINS, nav: 'nav.users', navOrder: 80, homeFor: ADMINS } },
  { path: '/admin/departments', name: 'admin-departments', component: () => import('../pages/admin/DepartmentsPage.vue'),
    meta: { title: 'nav.departments', roles: ADMINS, nav: 'nav.departments', navOrder: 81 } },
  { path: '/admin/keys', name: 'admin-keys', component: () => import('../pages/admin/KeysPage.vue'),
    meta: { title: 'nav.keys', roles: ADMINS, nav: 'nav.keys', navOrder: 82 } },
  { path: '/admin/health', name: 'admin-health', component: () => import('../pages/admin/HealthPage.vue'),
    meta: { title: 'nav.health', roles: ADMINS, nav: 'nav.health', navOrder: 83 } },
]
