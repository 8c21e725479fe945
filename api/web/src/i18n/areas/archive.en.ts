// Words of the archive area (en); areas/archive.zh-CN.ts must have the same keys.
export default {}
