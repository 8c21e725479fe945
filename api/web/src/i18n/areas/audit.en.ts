// Words of the audit area (en); areas/audit.zh-CN.ts must have the same keys.
export default {}
