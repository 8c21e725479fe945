import { createApp } from 'vue'
// Element Plus on demand: only the components the pages use are registered
// (the rest is tree-shaken away); its stylesheet stays whole (docs/web.md).
import {
  ElAlert,
  ElButton,
  ElConfigProvider,
  ElDialog,
  ElInput,
  ElInputNumber,
  ElLoading,
  ElPagination,
  ElTag,
} from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import './style.css'

const app = createApp(App).use(i18n).use(router)
for (const c of [ElAlert, ElButton, ElConfigProvider, ElDialog, ElInput, ElInputNumber, ElPagination, ElTag]) app.use(c)
app.use(ElLoading)
app.mount('#app')
