// Message files are composed from one base file per locale (zh-CN.ts,
// en.ts hold the staff pages) and one file per area of the UI
// (areas/<area>.<locale>.ts), so that each area keeps its own words. Objects
// merge key by key (an area may add to nav, errors, roles...); a key defined
// twice with a string is a mistake and throws at start.
type Obj = Record<string, unknown>

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function mergeInto(into: Obj, from: Obj, path: string): void {
  for (const [k, v] of Object.entries(from)) {
    const have = into[k]
    if (have === undefined) into[k] = isObj(v) ? mergeInto2({}, v, path + k + '.') : v
    else if (isObj(have) && isObj(v)) mergeInto(have, v, path + k + '.')
    else throw new Error(`i18n: message ${path}${k} is defined twice`)
  }
}

function mergeInto2(into: Obj, from: Obj, path: string): Obj {
  mergeInto(into, from, path)
  return into
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

export function compose<T extends Obj[]>(...parts: T): UnionToIntersection<T[number]> {
  const out: Obj = {}
  for (const p of parts) mergeInto(out, p, '')
  return out as UnionToIntersection<T[number]>
}
