// What the admin pages share: the door (admins only) and the tabs between them.

import { el } from "/common/dom.js";

const TABS = [
  ["/staff/admin", "Studio"],
  ["/staff/admin/people", "People"],
  ["/staff/admin/jobs", "Jobs and workers"],
];

/**
 * Sets the page's title and crumbs; answers false (after saying so on the page) when the
 * signed-in member is not an admin.
 */
export function adminPage(page, title) {
  page.setTitle(title, [["Admin", "/staff/admin"], [title]]);
  if (page.me?.is_admin) return true;
  page.main.replaceChildren(el("div", { class: "card notice", id: "admins-only" },
    el("h1", {}, "Admins only"),
    el("p", {}, "The studio's settings, its people and its jobs are for admins. Ask one of your studio's admins if you need a change here."),
    el("p", {}, el("a", { href: "/staff/projects" }, "Go to the projects"), " · ", el("a", { href: "/staff/account" }, "Your account"))));
  return false;
}

/** The admin pages' heading and tabs; `current` is the path of the page shown. */
export function adminHead(current, ...actions) {
  const label = TABS.find(([path]) => path === current)?.[1] || "Admin";
  return el("div", { class: "admin-head" },
    el("div", { class: "page-head" }, el("h1", {}, label), el("span", { class: "spacer" }), ...actions),
    el("nav", { class: "admin-tabs", "aria-label": "Admin pages" },
      TABS.map(([path, text]) => el("a", { href: path, "aria-current": path === current ? "page" : null }, text))));
}
