// The staff pages: one HTML page whose module reads the address and renders the page for it.
// Each page is a module of its own (loaded when first needed) exporting
// `default async function render(page)`, where `page` is the context below.
//
// Every page but signing in and setting a password needs a signed-in browser: without one,
// the page goes to the sign-in and comes back after it.

import { request } from "/common/api.js";
import { el } from "/common/dom.js";
import { toast } from "/staff/ui.js";
import { followUnread } from "/staff/unread.js";

/** The pages, by address pattern; `:name` segments become `page.params.name`. */
const pages = [
  { pattern: "/staff/sign-in", module: "/staff/sign-in.js", open: true },
  { pattern: "/staff/set-password/:token", module: "/staff/set-password.js", open: true },
  { pattern: "/staff/account", module: "/staff/account.js" },
  { pattern: "/staff", module: "/staff/projects.js" },
  { pattern: "/staff/projects", module: "/staff/projects.js" },
  { pattern: "/staff/projects/:project", module: "/staff/versions.js" },
  { pattern: "/staff/projects/:project/sessions", module: "/staff/sessions.js" },
  { pattern: "/staff/sessions/:session", module: "/staff/session-setup.js" },
  { pattern: "/staff/projects/:project/settings", module: "/staff/project-settings.js" },
  { pattern: "/staff/notifications", module: "/staff/notifications.js" },
  { pattern: "/staff/admin", module: "/staff/admin-studio.js" },
  { pattern: "/staff/admin/people", module: "/staff/admin-people.js" },
  { pattern: "/staff/admin/jobs", module: "/staff/admin-jobs.js" },
  { pattern: "/staff/sessions/:session/feedback", module: "/staff/feedback.js" },
  { pattern: "/staff/sessions/:session/transfer", module: "/staff/session-transfer.js" },
  { pattern: "/staff/versions/:version", module: "/staff/version.js" },
];

function match(path) {
  const parts = path.replace(/\/+$/, "").split("/");
  for (const page of pages) {
    const want = page.pattern.split("/");
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((segment, i) => segment.startsWith(":") ? (params[segment.slice(1)] = decodeURIComponent(parts[i])) : segment === parts[i])) {
      return { ...page, params };
    }
  }
  return null;
}

/** Where the sign-in sends a browser back to: only a staff page of this site. */
export function signInPath(next = location.pathname + location.search) {
  return `/staff/sign-in?next=${encodeURIComponent(next)}`;
}

/**
 * The header: the studio, where the page is (`crumbs`: [text, href?] pairs), the admin pages'
 * link (admins), the notifications with their unread count, who is signed in.
 */
function showBar(me, organization, crumbs) {
  const bar = document.getElementById("bar");
  bar.hidden = !me;
  if (!me) return;
  document.getElementById("studio").textContent = organization?.name || "Dailies";
  document.getElementById("account").textContent = me.name;
  const admin = document.getElementById("admin-link");
  admin.hidden = !me.is_admin;
  if (location.pathname.startsWith("/staff/admin")) admin.setAttribute("aria-current", "page"); else admin.removeAttribute("aria-current");
  followUnread();
  document.getElementById("crumbs").replaceChildren(...crumbs.flatMap(([text, href], i) => [
    i ? el("span", { class: "crumb-gap", "aria-hidden": "true" }, "/") : null,
    href ? el("a", { href }, text) : el("span", { "aria-current": "page" }, text),
  ]).filter(Boolean));
}

async function signOut() {
  const answer = await request("POST", "/api/v1/staff/sign-out");
  if (!answer.ok) return toast(answer.error.message, "bad");
  location.assign("/staff/sign-in");
}

async function start() {
  const main = document.getElementById("main");
  document.getElementById("sign-out").addEventListener("click", signOut);
  const found = match(location.pathname);
  if (!found) {
    main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such page"),
      el("p", {}, el("a", { href: "/staff/projects" }, "Go to the projects"))));
    return;
  }
  let me = null;
  let organization = null;
  const who = await request("GET", "/api/v1/me");
  if (who.ok) {
    me = who.data;
    const org = await request("GET", "/api/v1/organization");
    organization = org.ok ? org.data : null;
  } else if (!found.open) {
    if (who.status === 401) return location.replace(signInPath());
    main.replaceChildren(el("p", { class: "problem" }, who.error.message));
    return;
  }
  const page = {
    main, params: found.params, me, organization,
    /** Sets the window's title and the header's crumbs ([text, href?] pairs; the last is this page). */
    setTitle(title, crumbs = [[title]]) {
      document.title = `${title} · ${page.organization?.name || "Dailies"}`;
      showBar(me, page.organization, crumbs);
    },
  };
  page.setTitle("Dailies", []);
  const module = await import(found.module);
  await module.default(page);
}

start();
