// Words of the archive area (zh-CN); areas/archive.en.ts must have the same keys.
export default {}
