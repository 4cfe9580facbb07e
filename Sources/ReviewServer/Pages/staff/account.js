// Who I am, changing my password, signing out; and for admins, inviting staff by email.

import { request } from "/common/api.js";
import { el, when } from "/common/dom.js";
import { busy, field, problemLine, toast } from "/staff/ui.js";

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

function inviteForm() {
  const name = el("input", { type: "text", required: true, maxlength: 200, autocomplete: "off" });
  const email = el("input", { type: "email", required: true, autocomplete: "off" });
  const admin = el("input", { type: "checkbox", id: "invite-admin" });
  const message = el("textarea", { maxlength: 2000, rows: 3 });
  const submit = el("button", { type: "submit", id: "invite-staff" }, "Invite");
  const problem = problemLine();
  const result = el("div", { id: "invite-result", "aria-live": "polite" });
  const form = el("form", { class: "card", id: "invite-form", "aria-labelledby": "invite-title" },
    el("h2", { id: "invite-title" }, "Invite staff"),
    el("p", { class: "muted" }, "They get an email with a link to choose their password (good for 7 days)."),
    field("Name", name), field("Email", email),
    el("label", { class: "check", for: "invite-admin" }, admin, "Admin (can invite staff and change the studio's settings)"),
    field("Personal message", message, "Optional: added to the email."), problem,
    el("div", { class: "actions" }, submit), result);
  let created = null; // a member created whose invitation did not go: sending again must not create them twice

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const answer = await busy(submit, created ? "Sending…" : "Inviting…", async () => {
      if (!created || created.user.email !== email.value.trim()) {
        const made = await request("POST", "/api/v1/users", { name: name.value.trim(), email: email.value.trim(), is_admin: admin.checked });
        if (!made.ok) return made;
        created = made.data;
      }
      const sent = await request("POST", `/api/v1/users/${created.user.id}/invite`, message.value.trim() ? { message: message.value.trim() } : {});
      if (!sent.ok) {
        return { ...sent, error: { ...sent.error, message: `${created.user.name} was added, but the email did not go: ${sent.error.message}. Invite again to retry.` } };
      }
      return { ok: true, data: { user: created.user, apiKey: created.api_key, invite: sent.data } };
    }, { problem, done: ({ user }) => `Invitation on its way to ${user.email}.` });
    if (!answer.ok) {
      if (created) result.replaceChildren(keyBox(created.api_key));
      return;
    }
    const { user, apiKey, invite } = answer.data;
    created = null;
    form.reset();
    result.replaceChildren(
      el("p", { class: "good-line" }, `The email to ${user.name} <${user.email}> is on its way. Their link works until ${when(invite.expires_at)}.`),
      keyBox(apiKey));
    name.focus();
  });
  return form;
}

/** The new member's API key, for scripts: shown this once, with a copy button. */
function keyBox(key) {
  const text = el("input", { type: "text", readonly: true, value: key, class: "key-text", "aria-label": "API key" });
  const copy = el("button", { type: "button", class: "secondary small" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(key);
      toast("API key copied.");
    } catch {
      // Without the clipboard API (not HTTPS), select it for Ctrl+C.
      text.focus();
      text.select();
      toast("Press Ctrl+C (⌘C) to copy the selected key.");
    }
  });
  return el("details", { class: "key-box" }, el("summary", {}, "API key for scripts (shown once)"),
    el("p", { class: "hint muted" }, "Only scripts need it; it is not shown again. People sign in with the password they choose."),
    el("div", { class: "key-row" }, text, copy));
}
