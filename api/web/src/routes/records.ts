// Routes of the records area. meta: title (message key of the page's title),
// roles (who may open it; anyone else sees the "not allowed" page), nav
// (message key of its link in the header, shown only to those roles) and
// navOrder (the link's place: records's pages use the range in router.ts).
import type { RouteRecordRaw } from 'vue-router'

// policies/roles.json: destruction.request/execute and retention are the
// archive admins'; destruction.approve adds legal; certificate.read adds
// auditors (read only); customer.export is archive admins' and legal's.
const ARCHIVE = ['archive_admin']
const DESTRUCTION_READERS = ['archive_admin', 'legal', 'auditor']
const DATA_SUBJECT = ['archive_admin', 'legal']

export const routes: RouteRecordRaw[] = [
  { path: '/retention', name: 'retention', component: () => import('../pages/records/RetentionPage.vue'),
    meta: { title: 'nav.retention', roles: ARCHIVE, nav: 'nav.retention', navOrder: 40 } },
  { path: '/destructions', name: 'destructions', component: () => import('../pages/records/DestructionsPage.vue'),
    meta: { title: 'nav.destructions', roles: DESTRUCTION_READERS, nav: 'nav.destructions', navOrder: 41 } },
  { path: '/destructions/new', name: 'destruction-new', component: () => import('../pages/records/DestructionNewPage.vue'),
    meta: { title: 'rec.destructionNew.title', roles: ARCHIVE } },
  { path: '/destructions/:id', name: 'destruction', component: () => import('../pages/records/DestructionPage.vue'), props: true,
    meta: { title: 'rec.destruction.title', roles: DESTRUCTION_READERS } },
  { path: '/certificates', name: 'certificates', component: () => import('../pages/records/CertificatesPage.vue'),
    meta: { title: 'nav.certificates', roles: DESTRUCTION_READERS, nav: 'nav.certificates', navOrder: 42 } },
  { path: '/certificates/:id', name: 'certificate', component: () => import('../pages/records/CertificatePage.vue'), props: true,
    meta: { title: 'rec.certificate.title', roles: DESTRUCTION_READERS } },
  { path: '/data-subjects', name: 'data-subjects', component: () => import('../pages/records/DataSubjectPage.vue'),
    meta: { title: 'nav.dataSubjects', roles: DATA_SUBJECT, nav: 'nav.dataSubjects', navOrder: 43 } },
]
