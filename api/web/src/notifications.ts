// The caller's notifications and how many are unread. The API keeps no
// read state: the newest id the user has seen on the notifications page is
// remembered per user in localStorage (an id, nothing sensitive).
import { reactive } from 'vue'
import { api, call } from './api/client'
import type { Notification } from './api/types'
import { session } from './session'

export const notifications = reactive<{ items: Notification[]; unread: number }>({ items: [], unread: 0 })

function seenKey(): string {
  return 'vault.notifications.seen.' + (session.me?.username ?? '')
}

function lastSeen(): number {
  return Number(localStorage.getItem(seenKey()) ?? '0') || 0
}

export async function refreshNotifications(): Promise<void> {
  if (!session.me) return
  try {
    const r = await call<{ items: Notification[] }>(api.GET('/api/v1/notifications', { params: { query: { limit: 200 } } }))
    notifications.items = [...r.items].sort((a, b) => b.id - a.id)
    const seen = lastSeen()
    notifications.unread = notifications.items.filter((n) => n.id > seen).length
  } catch {
    // The header shows the last count; the page itself reports errors.
  }
}

export function markAllSeen(): void {
  const newest = notifications.items.reduce((m, n) => Math.max(m, n.id), lastSeen())
  localStorage.setItem(seenKey(), String(newest))
  notifications.unread = 0
}
