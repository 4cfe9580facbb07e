// Who I am, changing my password, signing out; and for admins, inviting staff by email.

import { request } from "/common/api.js";
import { el } from "/common/dom.js";
import { busy, field, problemLine } from "/staff/ui.js";
import { inviteForm } from "/staff/invite.js";

const SHORTEST = 10;

export default async function render(page) {
  const me = page.me;
  page.setTitle("Your account", [["Your account"]]);
  const signOut = el("button", { type: "button", class: "secondary", id: "account-sign-out" }, "Sign out");
  signOut.addEventListener("click", async () => {
    const answer = await busy(signOut, "Signing out…", () => request("POST", "/api/v1/staff/sign-out"));
    if (answer.ok) location.assign("/staff/sign-in");
  });
  const who = el("section", { class: "card", "aria-labelledby": "who-title" },
    el("h2", { id: "who-title" }, "You"),
    el("dl", { class: "facts" },
      el("dt", {}, "Name"), el("dd", { id: "me-name" }, me.name),
      el("dt", {}, "Email"), el("dd", { id: "me-email" }, me.email),
      el("dt", {}, "Username"), el("dd", { id: "me-username" }, me.username, el("small", { class: "muted" }, " (what scripts call you by)")),
      el("dt", {}, "Role"), el("dd", {}, me.is_admin ? "Admin" : "Staff")),
    el("div", { class: "actions" }, signOut));
  page.main.replaceChildren(el("div", { class: "page-head" }, el("h1", {}, "Your account")),
    el("div", { class: "account-grid" }, el("div", { class: "stack" }, who, passwordForm()), me.is_admin ? inviteForm() : null));
}

function passwordForm() {
  const current = el("input", { type: "password", autocomplete: "current-password", required: true });
  const fresh = el("input", { type: "password", autocomplete: "new-password", required: true, minlength: SHORTEST, maxlength: 200 });
  const again = el("input", { type: "password", autocomplete: "new-password", required: true, minlength: SHORTEST, maxlength: 200 });
  const submit = el("button", { type: "submit", id: "change-password" }, "Change password");
  const problem = problemLine();
  const form = el("form", { class: "card", id: "password-form", "aria-labelledby": "password-title" },
    el("h2", { id: "password-title" }, "Change your password"),
    field("Current password", current), field("New password", fresh, `At least ${SHORTEST} characters. Your other browsers are signed out.`),
    field("New password again", again), problem, el("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (fresh.value !== again.value) {
      problem.textContent = "The two new passwords differ: type the same one twice.";
      again.select();
      return;
    }
    const answer = await busy(submit, "Changing…",
      () => request("POST", "/api/v1/me/password", { current_password: current.value, new_password: fresh.value }),
      { problem, done: "Password changed. Your other browsers are signed out." });
    if (answer.ok) form.reset();
    else if (answer.error.code === "invalid_credentials") { problem.textContent = "The current password is not right."; current.select(); }
  });
  return form;
}
