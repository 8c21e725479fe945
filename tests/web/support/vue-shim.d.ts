// The route files (api/web/src/routes/*.ts) name their pages' .vue files in
// lazy imports the tests never run; this lets the tests type-check them.
declare module '*.vue' {
  const component: unknown
  export default component
}
