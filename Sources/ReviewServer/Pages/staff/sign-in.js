// Signing in with email and password. `?next=` brings the browser back to the staff page it
// asked for; anything else (another site, another part of this one) is ignored.

import { request } from "/common/api.js";
import { el } from "/common/dom.js";
import { busy, field, problemLine } from "/staff/ui.js";

/** Where to go after signing in: `next` when it is a staff page of this site, else the projects. */
export function nextPage(search = location.search) {
  const next = new URLSearchParams(search).get("next") || "";
  // A path of this site, read as the browser will read it (so `//host`, `\\`, `..` and `%2e%2e` cannot
  // lead elsewhere), and under /staff/.
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/staff/projects";
  let url;
  try { url = new URL(next, location.origin); } catch { return "/staff/projects"; }
  if (url.origin !== location.origin || !url.pathname.startsWith("/staff/") || url.pathname.startsWith("/staff/sign-in")) return "/staff/projects";
  return url.pathname + url.search + url.hash;
}

export default async function render(page) {
  if (page.me) return location.replace(nextPage());
  page.setTitle("Sign in", []);
  const email = el("input", { type: "email", id: "email", name: "email", autocomplete: "username", required: true, autofocus: true });
  const password = el("input", { type: "password", id: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = el("button", { type: "submit", id: "sign-in" }, "Sign in");
  const problem = problemLine();
  const form = el("form", { class: "card entry", id: "sign-in-form" },
    el("h1", {}, "Sign in"), el("p", { class: "muted" }, "Staff of the studio sign in here."),
    field("Email", email), field("Password", password), problem, submit,
    el("p", { class: "hint muted" }, "Forgot your password? Ask an admin to send you a new link."));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await busy(submit, "Signing in…",
      () => request("POST", "/api/v1/staff/sign-in", { email: email.value.trim(), password: password.value }), { problem });
    if (answer.ok) location.assign(nextPage());
    else password.select();
  });
  page.main.replaceChildren(form);
  email.focus();
}
