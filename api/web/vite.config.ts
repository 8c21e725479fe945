import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build is served by vaultd (vaultd.web_root): hashed files under
// /assets/ (cached for a year), index.html revalidated. No inline scripts:
// the page runs under script-src 'self' (docs/web.md).
export default defineConfig({
  plugins: [vue()],
  define: {
    // vue-i18n compiles messages without eval (CSP forbids it).
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
    __VUE_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    modulePreload: { polyfill: false },
    // Page code apart from the libraries: each route is its own chunk
    // (router.ts), pdf.js only in the viewer's; Element Plus (only the
    // components main.ts registers) and Vue + router + i18n each in one
    // chunk that stays cached across UI releases that do not touch them.
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined
          if (id.includes('/pdfjs-dist/')) return undefined
          if (/\/node_modules\/(element-plus|@element-plus|@floating-ui|@popperjs|@ctrl|@vueuse|lodash|lodash-es|lodash-unified|async-validator|dayjs|memoize-one|normalize-wheel-es|escape-html)\//.test(id)) return 'element-plus'
          return 'vendor'
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8640' },
  },
})
