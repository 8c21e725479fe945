import * as path from 'node:path'

export const ROOT = path.resolve(__dirname, '..', '..', '..')
export const BIN = process.env.VAULT_BIN ?? path.join(ROOT, 'build', 'release')
export const STATE_FILE = path.join(ROOT, 'build', 'web-e2e', 'state.json')
export const SCREENSHOTS = path.join(ROOT, 'build', 'web-screenshots')

export interface State {
  baseURL: string
  pid: number
  passwords: Record<string, string>
  docs: Record<string, string>
  dataDir: string
  keyFile: string
}

// The demo's people (scripts/run.sh), plus accounts the journeys disable
// or lock.
export const USERS = [
  { name: 'archivist', role: 'archive_admin', dept: '档案室', clearance: 'confidential', display: '档案管理员' },
  { name: 'manager_south', role: 'dept_manager', dept: '华南销售部', clearance: 'internal', display: '王经理' },
  { name: 'staff_south', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '张三' },
  { name: 'staff_east', role: 'staff', dept: '华东销售部', clearance: 'internal', display: '李四' },
  { name: 'legal', role: 'legal', dept: '法务部', clearance: 'confidential', display: '法务审核' },
  { name: 'auditor', role: 'auditor', dept: '审计部', clearance: 'internal', display: '审计员' },
  { name: 'staff_disabled', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '停用测试' },
  { name: 'staff_locked_zh', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '锁定测试甲' },
  { name: 'staff_locked_en', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '锁定测试乙' },
  { name: 'staff_loans_zh', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '借阅人甲' },
  { name: 'staff_loans_en', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '借阅人乙' },
  { name: 'staff_cleared', role: 'staff', dept: '华南销售部', clearance: 'confidential', display: '机密经办人' },
  { name: 'manager_cleared', role: 'dept_manager', dept: '华南销售部', clearance: 'confidential', display: '周总监' },
  { name: 'staff_late_zh', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '逾期人甲' },
  { name: 'archivist2', role: 'archive_admin', dept: '档案室', clearance: 'confidential', display: '档案复核员' },
  { name: 'sysadmin', role: 'admin', dept: '信息部', clearance: 'internal', display: '系统管理员甲' },
  { name: 'sysadmin2', role: 'admin', dept: '信息部', clearance: 'internal', display: '系统管理员乙' },
  { name: 'staff_late_en', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '逾期人乙' },
  // The archive journeys' borrowers (loans board, register), one per locale.
  { name: 'staff_board_zh', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '看板借阅人甲' },
  { name: 'staff_board_en', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '看板借阅人乙' },
  { name: 'staff_susp_zh', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '暂停测试甲' },
  { name: 'staff_susp_en', role: 'staff', dept: '华南销售部', clearance: 'internal', display: '暂停测试乙' },
]
