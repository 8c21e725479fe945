// A fresh vault for the journeys: real PDFs (tools/demo_docs.cc) and a
// scan, the demo's users, and vaultd on a free loopback port serving the
// built UI. What the tests need to know is written to build/web-e2e/state.json.
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import { BIN, ROOT, STATE_FILE, USERS, type State } from './env'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

async function waitUp(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error('vaultd did not come up at ' + url)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export default async function globalSetup(): Promise<void> {
  const base = path.join(ROOT, 'build', 'web-e2e')
  fs.rmSync(base, { recursive: true, force: true })
  const samples = path.join(base, 'samples')
  fs.mkdirSync(samples, { recursive: true })
  const env = { ...process.env, VAULT_DATA: path.join(base, 'data'), VAULT_KEY_FILE: path.join(base, 'keys', 'master.key') }
  const ctl = (args: string[], input?: string) =>
    execFileSync(path.join(BIN, 'vaultctl'), args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString()

  execFileSync(path.join(BIN, 'vault_demo_docs'), [samples])
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', path.join(samples, 'order.pdf'), path.join(samples, 'scan')],
    { stdio: 'ignore' })  // poppler grumbles about libharu's ToUnicode maps
  ctl(['init'])
  const put = (file: string, args: string[]) => JSON.parse(ctl(['put', path.join(samples, file), ...args, '--json']))
  const docs: Record<string, string> = {}
  docs.contract = put('contract.pdf', ['--customer', 'C0001', '--customer-name', '深圳市示例科技有限公司', '--type', '合同',
    '--title', '2026 年度框架合同', '--department', '华南销售部', '--classification', 'internal',
    '--field', 'contact_phone=0755-86013388', '--field', 'contract_date=2026-01-15', '--tag', '重点客户']).id
  docs.quotation = put('quotation.pdf', ['--customer', 'C0001', '--type', 'quotation', '--title', '工业传感器报价',
    '--department', '华南销售部', '--classification', 'internal']).id
  docs.order = put('order.pdf', ['--customer', 'C0002', '--type', 'order', '--title', 'Order 2026-0042',
    '--department', '华东销售部', '--classification', 'public']).id
  docs.scan = put('scan.png', ['--customer', 'C0001', '--type', 'order', '--title', '订单扫描件',
    '--department', '华南销售部', '--classification', 'internal']).id
  docs.secret = put('contract.pdf', ['--customer', 'C0001', '--type', '合同', '--title', '保密补充协议',
    '--department', '华南销售部', '--classification', 'confidential']).id
  docs.xss = put('quotation.pdf', ['--customer', 'C0001', '--type', 'quotation', '--title', '<img src=x onerror=alert(1)>',
    '--department', '华南销售部', '--classification', 'internal']).id
  for (let i = 1; i <= 21; i++) {
    put('quotation.pdf', ['--customer', 'C0001', '--type', 'quotation', '--title', `季度样品记录 ${i}`,
      '--department', '华南销售部', '--classification', 'internal'])
  }
  docs.loanable = put('contract.pdf', ['--customer', 'C0001', '--type', '合同', '--title', '借阅测试合同',
    '--department', '华南销售部', '--classification', 'internal']).id
  // The records area (journeys 20-29): per locale, contracts whose
  // retention (10 years after contract_end_date) has expired, and a
  // customer of its own for the data-subject requests; in a department no
  // staff member or manager of the other journeys belongs to.
  for (const loc of ['zh-CN', 'en']) {
    const n = loc === 'en' ? '2' : '1'
    const expired = (title: string, customer: string) => put('contract.pdf', ['--customer', customer, '--type', '合同',
      '--title', title, '--department', '华北销售部', '--classification', 'internal', '--field', 'contract_end_date=2012-06-30']).id
    docs['due_' + loc] = expired(`到期待销毁合同 ${loc}`, 'C010' + n)
    docs['due2_' + loc] = expired(`到期待销毁补充合同 ${loc}`, 'C010' + n)
    docs['held_' + loc] = expired(`到期但保全的合同 ${loc}`, 'C010' + n)
    docs['cert_' + loc] = expired(`证明页测试合同 ${loc}`, 'C010' + n)
    docs['ds_quote_' + loc] = put('quotation.pdf', ['--customer', 'C020' + n, '--customer-name', '数据主体测试公司', '--type', 'quotation',
      '--title', `数据主体报价单 ${loc}`, '--department', '华北销售部', '--classification', 'internal']).id
    docs['ds_held_' + loc] = put('contract.pdf', ['--customer', 'C020' + n, '--type', '合同', '--title', `数据主体合同 ${loc}`,
      '--department', '华北销售部', '--classification', 'internal']).id
  }

  const passwords: Record<string, string> = {}
  for (const u of USERS) {
    const password = 'pw-' + u.name + '-' + Math.random().toString(36).slice(2, 10)
    passwords[u.name] = password
    ctl(['user', 'add', u.name, '--role', u.role, '--department', u.dept, '--clearance', u.clearance,
      '--display-name', u.display, '--password-stdin'], password + '\n')
  }
  for (const u of USERS) {
    if (u.role === 'staff') ctl(['user', 'assign', u.name, u.dept === '华南销售部' ? 'C0001' : 'C0002'])
  }
  // The archive journeys' borrowers also look after C0009 (their invoices).
  for (const name of ['staff_board_zh', 'staff_board_en', 'staff_susp_zh', 'staff_susp_en']) ctl(['user', 'assign', name, 'C0009'])

  // The archive journeys' loans board (1x-*.spec.ts) needs a borrower
  // suspended for being overdue within seconds: a copy of policies/ whose
  // borrowing.json has one more rule, first, for invoices (发票, a type no
  // other journey lends): approved by an archive admin, suspended 1 second
  // overdue. Every other loan follows the shipped rules.
  const policies = path.join(base, 'policies')
  fs.cpSync(path.join(ROOT, 'policies'), policies, { recursive: true })
  const borrowing = JSON.parse(fs.readFileSync(path.join(policies, 'borrowing.json'), 'utf8'))
  borrowing.rules.unshift({
    name: 'web_test_invoice', doc_types: ['invoice', '发票'], default_period: 'P7D', max_period: 'P30D', renewals: 0,
    renewal_period: 'P7D', renew_not_before: 'P1D', remind_before: ['PT0S'], overdue_every: 'PT0S', suspend_after: 'PT1S',
    escalate_after: 'P30D', kinds: ['electronic', 'paper'], approval_chain: ['archive_admin'],
  })
  fs.writeFileSync(path.join(policies, 'borrowing.json'), JSON.stringify(borrowing, null, 2))

  // The loan scheduler runs every second, so a loan past due turns overdue
  // while a journey watches.
  const config = path.join(base, 'vaultd.properties')
  // Signed audit checkpoints every 2 seconds, so the audit viewer has
  // checkpoints to show and download (journeys 30-39) and the health page
  // a last checkpoint.
  // The alert pass every second too (journey 33 waits for its alert), with
  // the shipped rules of policies/alerts.json.
  fs.writeFileSync(config, 'vaultd.borrow_schedule_seconds = 1\nvaultd.checkpoint_interval_seconds = 2\nvaultd.alert_scan_seconds = 1\n')
  const port = await freePort()
  const log = fs.openSync(path.join(base, 'vaultd.log'), 'w')
  const vaultd = spawn(path.join(BIN, 'vaultd'), ['--config', config, '--data', env.VAULT_DATA, '--key', env.VAULT_KEY_FILE,
    '--listen', `127.0.0.1:${port}`, '--policies', policies,
    '--web-root', path.join(ROOT, 'api', 'web', 'dist')], { env, stdio: ['ignore', log, log], detached: false })
  const baseURL = `http://127.0.0.1:${port}`
  await waitUp(baseURL + '/healthz', Date.now() + 20_000)
  const state: State = { baseURL, pid: vaultd.pid!, passwords, docs, dataDir: env.VAULT_DATA, keyFile: env.VAULT_KEY_FILE }
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2))
  vaultd.unref()
}
