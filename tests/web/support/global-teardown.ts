import * as fs from 'node:fs'
import { STATE_FILE, type State } from './env'

export default async function globalTeardown(): Promise<void> {
  if (!fs.existsSync(STATE_FILE)) return
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as State
  try {
    process.kill(state.pid, 'SIGTERM')
  } catch {
    // already gone
  }
}
