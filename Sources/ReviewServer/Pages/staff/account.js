// Who I am, changing my password, how often I am mailed about feedback, signing out; and for
// admins, inviting staff by email.

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
    el("div", { class: "account-grid" }, el("div", { class: "stack" }, who, passwordForm(), mailForm(page.organization)),
      me.is_admin ? inviteForm() : null));
  // The page is drawn after the browser looked for the address's #part: go there now (the notifications page links to the mail form).
  if (location.hash.length > 1) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

/** How often I am mailed about comments and statuses in my sessions (in-app notices come either way). */
function mailForm(organization) {
  const minutes = Math.max(1, Math.round((organization?.notification_window_seconds ?? 120) / 60));
  const hour = String(organization?.digest_hour ?? 8).padStart(2, "0");
  const zone = organization?.time_zone || "UTC";
  const choices = [
    ["immediately", "As it happens", "A mail for each comment or status."],
    ["batched", "Gathered", `One mail for what happens within ${minutes} minute${minutes === 1 ? "" : "s"}.`],
    ["daily", "Daily digest", `One mail a day at ${hour}:00 (${zone}).`],
  ];
  const email = el("input", { type: "checkbox", id: "mail-me" });
  const radios = choices.map(([value]) => el("input", { type: "radio", name: "mail-frequency", value, id: `mail-${value}` }));
  const save = el("button", { type: "submit", id: "save-mail" }, "Save");
  const state = el("span", { class: "muted save-state", id: "mail-state", role: "status" });
  const problem = problemLine();
  const often = el("fieldset", { class: "mail-often" }, el("legend", {}, "How often"),
    choices.map(([value, label, hint], i) => el("label", { class: "check choice", for: radios[i].id }, radios[i],
      el("span", {}, el("strong", {}, label), " ", el("span", { class: "muted" }, hint)))));
  const form = el("form", { class: "card", id: "mail-form", "aria-labelledby": "mail-title", "aria-busy": "true" },
    el("h2", { id: "mail-title" }, "Mail about feedback"),
    el("p", { class: "muted" }, "Comments, replies and statuses in the sessions you made, joined or are assigned to. They are always in ",
      el("a", { href: "/staff/notifications" }, "your notifications"), "; mail is your choice."),
    el("label", { class: "check", for: "mail-me" }, email, "Mail me about them"),
    often, problem, el("div", { class: "actions" }, state, save));
  let saved = null;
  const show = (settings) => {
    saved = settings;
    email.checked = settings.email;
    for (const radio of radios) radio.checked = radio.value === settings.frequency;
    often.disabled = !settings.email;
  };
  const chosen = () => ({ email: email.checked, frequency: radios.find((radio) => radio.checked)?.value || saved?.frequency || "batched" });
  const dirty = () => saved && (chosen().email !== saved.email || chosen().frequency !== saved.frequency);
  form.addEventListener("change", () => {
    often.disabled = !email.checked;
    state.textContent = dirty() ? "Not saved yet" : "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await busy(save, "Saving…", () => request("PUT", "/api/v1/me/notification-settings", chosen()),
      { problem, done: (settings) => settings.email ? "Mail settings saved." : "Saved: no mail; your notifications still gather here." });
    if (answer.ok) { show(answer.data); state.textContent = "Saved."; }
  });
  save.disabled = true;
  request("GET", "/api/v1/me/notification-settings").then((answer) => {
    form.removeAttribute("aria-busy");
    if (!answer.ok) { problem.textContent = `Your mail settings could not be read: ${answer.error.message}`; return; }
    save.disabled = false;
    show(answer.data);
  });
  return form;
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
