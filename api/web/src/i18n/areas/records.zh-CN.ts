// Words of the records area (zh-CN); areas/records.en.ts must have the same keys.
export default {}
