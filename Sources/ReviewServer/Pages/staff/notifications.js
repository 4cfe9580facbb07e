// My notifications: comments, replies and statuses in the sessions I made, joined or am
// assigned to, newest first; all or only the unread; each marked read on its own, or all at
// once. The header's count follows (unread.js).

import { request } from "/common/api.js";
import { ago, el, humane } from "/common/dom.js";
import { busy, problemLine } from "/staff/ui.js";
import { refreshUnread } from "/staff/unread.js";

const PAGE = 50;
const STATUS_WORDS = { approved: "approved", requires_changes: "asked for changes on", pending: "set back to pending" };

export default async function render(page) {
  page.setTitle("Notifications", [["Notifications"]]);
  let onlyUnread = new URLSearchParams(location.search).get("show") === "unread";
  let limit = PAGE;

  const allButton = el("button", { type: "button", class: "secondary small", id: "show-all" }, "All");
  const unreadButton = el("button", { type: "button", class: "secondary small", id: "show-unread" }, "Unread");
  const markAll = el("button", { type: "button", class: "secondary", id: "mark-all-read" }, "Mark all read");
  const counts = el("span", { class: "muted", id: "notices-count", "aria-live": "polite" });
  const problem = problemLine();
  const list = el("ol", { class: "notices", id: "notices", "aria-busy": "true" }, el("li", { class: "loading" }, "Loading your notifications…"));
  const more = el("button", { type: "button", class: "secondary", id: "older-notices", hidden: true }, "Show older");

  page.main.replaceChildren(
    el("div", { class: "page-head" }, el("h1", {}, "Notifications"), counts, el("span", { class: "spacer" }),
      el("div", { class: "segmented", role: "group", "aria-label": "Show" }, allButton, unreadButton), markAll),
    el("p", { class: "muted notices-note" }, "Comments, replies and statuses in the sessions you made, joined or are assigned to. ",
      el("a", { href: "/staff/account#mail-form" }, "Mail about them"), " is set on your account page."),
    problem, list, el("div", { class: "actions more-line" }, more));

  allButton.addEventListener("click", () => choose(false));
  unreadButton.addEventListener("click", () => choose(true));
  more.addEventListener("click", () => { limit += PAGE; load(more); });
  markAll.addEventListener("click", async () => {
    const answer = await busy(markAll, "Marking…", () => request("POST", "/api/v1/me/notifications/read"), {
      problem, done: (data) => data.marked ? `Marked ${data.marked} read.` : "Nothing was unread.",
    });
    if (answer.ok) { await load(); refreshUnread(); }
  });

  function choose(unread) {
    onlyUnread = unread;
    limit = PAGE;
    history.replaceState(null, "", unread ? "?show=unread" : location.pathname);
    load();
  }

  async function load(button = null) {
    allButton.setAttribute("aria-pressed", String(!onlyUnread));
    unreadButton.setAttribute("aria-pressed", String(onlyUnread));
    const answer = await busy(button, "Loading…", () => request("GET", `/api/v1/me/notifications?limit=${limit}${onlyUnread ? "&unread=true" : ""}`));
    list.removeAttribute("aria-busy");
    if (!answer.ok) {
      problem.textContent = `Your notifications could not be read: ${humane(answer.error.message)}`;
      return;
    }
    problem.textContent = "";
    const notices = answer.data.data;
    const total = answer.data.pagination.total;
    markAll.disabled = onlyUnread && !total;
    counts.textContent = onlyUnread ? `${total} unread` : `${total} in all`;
    more.hidden = notices.length >= total;
    list.replaceChildren(...(notices.length ? notices.map(noticeItem) : [el("li", { class: "card empty" },
      onlyUnread ? "Nothing unread. " : "No notifications yet: comments and statuses in your sessions show up here.",
      onlyUnread ? el("button", { type: "button", class: "link", onclick: () => choose(false) }, "Show all") : "")]));
  }

  function noticeItem(notice) {
    const details = notice.details || {};
    const author = details.author?.name || "Someone";
    const review = `/review/preview/${encodeURIComponent(notice.session_id)}/items/${encodeURIComponent(notice.item_id)}`;
    const where = [details.frame_number !== undefined && details.frame_number !== null
      ? details.last_frame_number !== undefined && details.last_frame_number !== null && details.last_frame_number !== details.frame_number
        ? `frames ${details.frame_number}–${details.last_frame_number}` : `frame ${details.frame_number}` : null,
    details.timecode || null].filter(Boolean).join(" · ");
    const what = notice.kind === "status" ? STATUS_WORDS[details.status] || "changed the status of"
      : notice.kind === "reply" ? "replied on" : "commented on";
    const read = el("button", { type: "button", class: "link mark-read" }, "Mark read");
    const itemProblem = el("small", { class: "problem" });
    const item = el("li", { class: `notice-item card${notice.read_at ? "" : " unread"}`, "data-notice": notice.id, "data-kind": notice.kind },
      el("span", { class: "notice-dot", "aria-hidden": "true" }),
      el("div", { class: "notice-body" },
        el("p", { class: "notice-line" },
          notice.read_at ? null : el("span", { class: "visually-hidden" }, "Unread: "),
          el("strong", {}, author), ` ${what} `,
          el("a", { href: review, class: "notice-open" }, details.version_name || "an item"),
          " in ", el("a", { href: `/staff/sessions/${encodeURIComponent(notice.session_id)}` }, details.session_title || "a session"),
          details.internal ? el("span", { class: "chip" }, "internal") : null,
          details.status ? el("span", { class: `chip ${details.status === "approved" ? "good" : details.status === "requires_changes" ? "bad" : ""}` },
            details.status.replace("_", " ")) : null),
        details.text ? el("blockquote", { class: "notice-text" }, details.text) : null,
        el("p", { class: "notice-meta muted" }, ago(notice.created_at), where ? ` · ${where}` : "",
          details.author?.kind === "collaborator" ? " · collaborator" : "")),
      el("div", { class: "notice-actions" }, notice.read_at ? null : read, itemProblem));
    read.setAttribute("aria-label", `Mark read: ${author} on ${details.version_name || "an item"}`);
    read.addEventListener("click", async () => {
      const answer = await busy(read, "Marking…", () => request("POST", `/api/v1/me/notifications/${notice.id}/read`), { problem: itemProblem, done: "Marked read." });
      if (!answer.ok) return;
      refreshUnread();
      item.classList.remove("unread");
      const next = item.nextElementSibling?.querySelector(".mark-read") || item.querySelector(".notice-open");
      read.remove();
      item.querySelector(".notice-line .visually-hidden")?.remove();
      if (onlyUnread) { await load(); list.querySelector(".mark-read, .notice-open")?.focus(); } else next?.focus();
    });
    // Opening one reads it (marked first; a new tab or window is left to the browser).
    const open = item.querySelector(".notice-open");
    open.addEventListener("click", async (event) => {
      if (notice.read_at || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      await request("POST", `/api/v1/me/notifications/${notice.id}/read`);
      location.assign(open.href);
    });
    return item;
  }

  await load();
}
