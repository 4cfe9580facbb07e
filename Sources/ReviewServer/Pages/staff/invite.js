// Inviting staff by email (admins), and the "shown once" box an API key is handed over in:
// shared by the account page and the people page.

import { request } from "/common/api.js";
import { el, when } from "/common/dom.js";
import { busy, field, problemLine, toast } from "/staff/ui.js";

/**
 * The invite form: name, email, admin, a personal message. `invited(user)` hears of each
 * member added and mailed (the people page adds them to its list).
 */
export function inviteForm({ invited = () => {} } = {}) {
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
        invited(created.user);
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

/**
 * An API key, for scripts: shown this once, closed until asked for, with a copy button.
 * `summary` and `hint` say whose key it is and what it is for.
 */
export function keyBox(key, {
  summary = "API key for scripts (shown once)",
  hint = "Only scripts need it; it is not shown again. People sign in with the password they choose.",
} = {}) {
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
  return el("details", { class: "key-box" }, el("summary", {}, summary),
    el("p", { class: "hint muted" }, hint),
    el("div", { class: "key-row" }, text, copy));
}
