// Words of the records area (en); areas/records.zh-CN.ts must have the same keys.
export default {}
