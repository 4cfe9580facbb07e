// The header's notifications link and its unread count, on every staff page: read when a page
// starts, again every minute while the page is shown, when it is shown again, and whenever a
// page marks notices read (it calls refreshUnread()).

import { request } from "/common/api.js";

const EVERY_MS = 60000;
let timer = null;
let asking = null;

/** Shows `count` unread on the header's link (nothing when none). */
function showCount(count) {
  const link = document.getElementById("notifications-link");
  const badge = document.getElementById("unread-count");
  if (!link || !badge) return;
  badge.hidden = !count;
  badge.textContent = count > 99 ? "99+" : String(count);
  link.dataset.unread = String(count);
  link.setAttribute("aria-label", count ? `Notifications, ${count} unread` : "Notifications, none unread");
  link.title = count ? `${count} unread notification${count === 1 ? "" : "s"}` : "Notifications";
}

/** Asks the server how many are unread (the list's total, one notice long) and shows it. */
export function refreshUnread() {
  asking ||= request("GET", "/api/v1/me/notifications?unread=true&limit=1").then((answer) => {
    asking = null;
    if (answer.ok) showCount(answer.data.pagination.total);
  });
  return asking;
}

/** Starts following the count (once per page). */
export function followUnread() {
  if (timer) return;
  refreshUnread();
  timer = setInterval(() => { if (!document.hidden) refreshUnread(); }, EVERY_MS);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshUnread(); });
}
