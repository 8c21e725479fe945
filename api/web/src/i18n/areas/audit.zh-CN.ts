// Words of the audit area (zh-CN); areas/audit.en.ts must have the same keys.
export default {}
