// Words of the admin area (zh-CN); areas/admin.en.ts must have the same keys.
export default {}
