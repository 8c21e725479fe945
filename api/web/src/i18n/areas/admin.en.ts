// Words of the admin area (en); areas/admin.zh-CN.ts must have the same keys.
export default {}
