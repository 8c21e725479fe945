// Routes of the archive area. meta: title (message key of the page's title),
// roles (who may open it; anyone else sees the "not allowed" page), nav
// (message key of its link in the header, shown only to those roles) and
// navOrder (the link's place: archive's pages use the range in router.ts).
import type { RouteRecordRaw } from 'vue-router'

const ARCHIVE = ['archive_admin']
// The borrow register is read by archive admins and auditors (register.read);
// the page has no state-changing control.
const REGISTER_READERS = ['archive_admin', 'auditor']

export const routes: RouteRecordRaw[] = [
  { path: '/ingest', name: 'ingest', component: () => import('../pages/archive/IngestPage.vue'),
    meta: { title: 'nav.ingest', roles: ARCHIVE, nav: 'nav.ingest', navOrder: 20 } },
  { path: '/records/:id/version', name: 'new-version', component: () => import('../pages/archive/VersionPage.vue'), props: true,
    meta: { title: 'version.title', roles: ARCHIVE } },
  { path: '/loans-board', name: 'loans-board', component: () => import('../pages/archive/LoansBoardPage.vue'),
    meta: { title: 'nav.loansBoard', roles: ARCHIVE, nav: 'nav.loansBoard', navOrder: 21 } },
  { path: '/register', name: 'register', component: () => import('../pages/archive/RegisterPage.vue'),
    meta: { title: 'nav.register', roles: REGISTER_READERS, nav: 'nav.register', navOrder: 22 } },
]
