// Routes of the audit area. meta: title (message key of the page's title),
// roles (who may open it; anyone else sees the "not allowed" page), nav
// (message key of its link in the header, shown only to those roles) and
// navOrder (the link's place: audit's pages use the range in router.ts).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = []
