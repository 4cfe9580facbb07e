// The studio's staff (admins): who they are, admin or not, active or deactivated; inviting
// someone new (the account page's form); and each member's API keys for scripts: made (the
// secret shown once), listed, revoked, re-issued (a new secret, the old one revoked).

import { all, request } from "/common/api.js";
import { ago, el, humane } from "/common/dom.js";
import { busy, confirmDialog, field, problemLine, toast } from "/staff/ui.js";
import { adminHead, adminPage } from "/staff/admin-shared.js";
import { inviteForm, keyBox } from "/staff/invite.js";

export default async function render(page) {
  if (!adminPage(page, "People")) return;
  const me = page.me;
  const members = new Map(); // id → {user, element, update()}

  const search = el("input", { type: "search", id: "people-search", placeholder: "Name, email or username", autocomplete: "off" });
  const counts = el("span", { class: "muted", id: "people-counts", "aria-live": "polite" });
  const list = el("ul", { class: "members", id: "members", "aria-busy": "true" }, el("li", { class: "loading" }, "Loading the staff…"));
  const empty = el("p", { class: "empty", hidden: true }, "Nobody matches: ", el("button", { type: "button", class: "link", onclick: () => { search.value = ""; filter(); } }, "show everyone"));
  search.addEventListener("input", filter);

  page.main.replaceChildren(adminHead("/staff/admin/people"),
    el("div", { class: "people-layout" },
      el("section", { class: "people-main", "aria-labelledby": "members-heading" },
        el("div", { class: "card-head" }, el("h2", { id: "members-heading" }, "Staff"), counts, el("span", { class: "spacer" }),
          el("label", { class: "visually-hidden", for: "people-search" }, "Find someone"), search),
        list, empty),
      el("div", { class: "people-side" }, inviteForm({ invited: (user) => { add(user); filter(); } }))));

  const users = await all("/api/v1/users");
  list.removeAttribute("aria-busy");
  list.replaceChildren();
  if (!users.length) list.append(el("li", { class: "problem" }, "The staff could not be read: reload the page to try again."));
  for (const user of users) add(user);
  filter();

  function add(user) {
    if (members.has(user.id)) return members.get(user.id).update(user);
    const member = memberRow(user, me, () => showCounts());
    members.set(user.id, member);
    list.append(member.element);
    showCounts();
  }

  function showCounts() {
    const people = [...members.values()].map((member) => member.user);
    const active = people.filter((user) => !user.deactivated_at);
    const admins = active.filter((user) => user.is_admin).length;
    const off = people.length - active.length;
    counts.textContent = `${active.length} active · ${admins} admin${admins === 1 ? "" : "s"}${off ? ` · ${off} deactivated` : ""}`;
  }

  function filter() {
    const words = search.value.trim().toLowerCase();
    let shown = 0;
    for (const member of members.values()) {
      const { name, email, username } = member.user;
      member.element.hidden = Boolean(words) && !`${name} ${email} ${username}`.toLowerCase().includes(words);
      if (!member.element.hidden) shown++;
    }
    empty.hidden = shown > 0 || !members.size;
  }
}

// ----- One member: facts, role and state, and their keys -----

function memberRow(user, me, changed) {
  const isMe = user.id === me.id;
  const name = el("strong", { class: "member-name" });
  const chips = el("span", { class: "member-chips" });
  const facts = el("span", { class: "member-facts muted" });
  const adminButton = el("button", { type: "button", class: "secondary small make-admin" });
  const activeButton = el("button", { type: "button", class: "secondary small deactivate" });
  const problem = problemLine();
  const keys = keysPanel(user);
  const element = el("li", { class: "member card", "data-user": user.id },
    el("div", { class: "member-line" },
      el("div", { class: "member-text" }, el("div", { class: "member-title" }, name, chips), facts),
      el("div", { class: "member-actions" }, adminButton, activeButton)),
    problem, keys.element);
  const member = { user, element, update };

  function update(fresh) {
    member.user = fresh;
    const active = !fresh.deactivated_at;
    element.classList.toggle("inactive", !active);
    name.textContent = fresh.name;
    chips.replaceChildren(...[
      isMe ? el("span", { class: "chip" }, "you") : null,
      fresh.is_admin ? el("span", { class: "chip good" }, "admin") : null,
      active ? null : el("span", { class: "chip bad" }, "deactivated"),
    ].filter(Boolean));
    facts.replaceChildren(el("span", { class: "member-email" }, fresh.email), " · ", el("span", {}, fresh.username),
      " · ", active ? el("span", {}, "added ", ago(fresh.created_at)) : el("span", {}, "deactivated ", ago(fresh.deactivated_at)));
    adminButton.textContent = fresh.is_admin ? "Remove admin" : "Make admin";
    adminButton.setAttribute("aria-label", `${fresh.is_admin ? "Remove admin from" : "Make admin:"} ${fresh.name}`);
    adminButton.disabled = !active;
    activeButton.textContent = active ? "Deactivate" : "Reactivate";
    activeButton.setAttribute("aria-label", `${active ? "Deactivate" : "Reactivate"} ${fresh.name}`);
    activeButton.classList.toggle("danger", active);
    // Nobody locks themselves out from here: another admin can.
    activeButton.hidden = isMe;
    changed();
  }

  async function patch(button, busyLabel, body, done) {
    const answer = await busy(button, busyLabel, () => request("PATCH", `/api/v1/users/${member.user.id}`, body), { problem, done });
    if (answer.ok) update(answer.data);
    else if (answer.error.code === "last_admin") {
      problem.textContent = "Dailies needs at least one active admin: make someone else admin first.";
    } else if (answer.status === 400 && /is_admin|active/.test(answer.error.message)) {
      problem.textContent = "This server cannot change roles or deactivate yet: update Dailies.";
    }
    button.focus();
  }

  adminButton.addEventListener("click", async () => {
    const user = member.user;
    if (user.is_admin && isMe) {
      const sure = await confirmDialog("Stop being an admin?",
        ["You lose these pages and the studio's settings at once; another admin can make you one again."], "Remove my admin", { danger: true });
      if (!sure) return;
    }
    await patch(adminButton, user.is_admin ? "Removing…" : "Making admin…", { is_admin: !user.is_admin },
      (fresh) => fresh.is_admin ? `${fresh.name} is an admin.` : `${fresh.name} is no longer an admin.`);
    if (isMe && !member.user.is_admin) location.assign("/staff/account");
  });
  activeButton.addEventListener("click", async () => {
    const user = member.user;
    const active = !user.deactivated_at;
    if (active) {
      const sure = await confirmDialog(`Deactivate ${user.name}?`,
        ["They are signed out everywhere and can no longer sign in; their API keys stop working. Their comments, notes and history stay.",
          "Reactivating them lets them in again with the same password and keys."], "Deactivate");
      if (!sure) return;
    }
    await patch(activeButton, active ? "Deactivating…" : "Reactivating…", { active: !active },
      (fresh) => fresh.deactivated_at ? `${fresh.name} is deactivated.` : `${fresh.name} is active again.`);
  });

  update(user);
  return member;
}

// ----- A member's API keys -----

function keysPanel(user) {
  const base = `/api/v1/users/${user.id}/api-keys`;
  const summaryCount = el("span", { class: "count" });
  const summary = el("summary", {}, "API keys ", summaryCount);
  const body = el("tbody");
  const table = el("table", { class: "list keys" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Label"), el("th", { scope: "col" }, "Key"), el("th", { scope: "col", class: "col-made" }, "Made"),
      el("th", { scope: "col" }, "State"), el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Actions")))),
    body);
  const state = el("p", { class: "muted keys-state", role: "status" }, "Loading the keys…");
  const label = el("input", { type: "text", class: "new-key-label", maxlength: 200, autocomplete: "off", placeholder: "render farm" });
  const create = el("button", { type: "submit", class: "create-key" }, "New key");
  const problem = problemLine();
  const result = el("div", { class: "key-result", "aria-live": "polite" });
  const form = el("form", { class: "new-key" }, el("div", { class: "form-row" }, field("Label", label, "What the key is for, so it can be told apart later."), create), problem, result);
  const panel = el("div", { class: "keys-panel" }, state, el("div", { class: "table-scroll" }, table), form);
  const element = el("details", { class: "api-keys" }, summary, panel);
  let keys = [];
  let loaded = false;

  element.addEventListener("toggle", () => { if (element.open && !loaded) load(); });

  async function load() {
    state.textContent = "Loading the keys…";
    const answer = await request("GET", `${base}?limit=500`);
    if (!answer.ok) {
      state.textContent = answer.status === 404 || answer.status === 405
        ? "This server cannot list or make API keys yet: update Dailies to manage them here."
        : `The keys could not be read: ${humane(answer.error.message)}`;
      table.hidden = true;
      return;
    }
    loaded = true;
    keys = answer.data.data;
    show();
  }

  function show() {
    const inUse = keys.filter((key) => !key.revoked_at).length;
    summaryCount.textContent = String(inUse);
    summaryCount.title = `${inUse} in use`;
    table.hidden = !keys.length;
    state.textContent = keys.length ? `${inUse} in use${keys.length > inUse ? `, ${keys.length - inUse} revoked` : ""}.`
      : `${user.name} has no API keys: make one for a script below.`;
    body.replaceChildren(...keys.map(keyRow));
  }

  function keyRow(key) {
    const revoked = Boolean(key.revoked_at);
    const what = key.label ? `“${key.label}”` : "the key without a label";
    // Keys made before the first characters were kept have no hint.
    const hint = key.hint ? `${key.hint.replace(/…$/, "")}…` : null;
    const which = hint ? `the key ${hint}` : "this key";
    const revoke = el("button", { type: "button", class: "secondary danger small revoke-key", "aria-label": `Revoke ${what}` }, "Revoke");
    const reissue = el("button", { type: "button", class: "secondary small reissue-key", "aria-label": `Re-issue ${what}` }, "Re-issue");
    revoke.addEventListener("click", async () => {
      const sure = await confirmDialog(key.label ? `Revoke “${key.label}”?` : `Revoke ${which}?`,
        [`Scripts using ${which} are refused from now on. This cannot be undone; a new key can be made.`], "Revoke");
      if (!sure) return revoke.focus();
      const answer = await busy(revoke, "Revoking…", () => request("POST", `/api/v1/api-keys/${key.id}/revoke`), { problem, done: `${key.label || "The key"} is revoked.` });
      if (answer.ok) { replace(key.id, answer.data); focusRow(key.id); }
    });
    reissue.addEventListener("click", async () => {
      const sure = await confirmDialog(key.label ? `Re-issue “${key.label}”?` : `Re-issue ${which}?`,
        [`A new secret replaces ${which}: the old one is refused from now on, so the scripts using it need the new one.`], "Re-issue", { danger: false });
      if (!sure) return reissue.focus();
      const answer = await busy(reissue, "Re-issuing…", () => request("POST", `/api/v1/api-keys/${key.id}/reissue`), { problem, done: `${key.label || "The key"} re-issued: copy the new key now.` });
      if (!answer.ok) return;
      const old = keys.find((known) => known.id === (answer.data.replaces || key.id));
      if (old && !old.revoked_at) old.revoked_at = answer.data.key.created_at;
      keys.unshift(answer.data.key);
      show();
      showSecret(answer.data.api_key, answer.data.key);
    });
    return el("tr", { "data-key": key.id, class: revoked ? "revoked" : "" },
      el("td", { class: "key-label" }, key.label || el("span", { class: "muted" }, "—")),
      el("td", {}, hint ? el("code", { class: "key-hint" }, hint) : el("span", { class: "muted", title: "An older key: its first characters were not kept" }, "older key")),
      el("td", { class: "col-made" }, ago(key.created_at)),
      el("td", {}, revoked ? el("span", { class: "chip bad" }, "revoked ", ago(key.revoked_at)) : el("span", { class: "chip good" }, "in use")),
      el("td", { class: "key-actions" }, revoked ? null : [reissue, revoke]));
  }

  function replace(id, fresh) {
    keys = keys.map((key) => key.id === id ? fresh : key);
    show();
  }

  function focusRow(id) {
    body.querySelector(`tr[data-key="${id}"] button`)?.focus() || label.focus();
  }

  function showSecret(secret, key) {
    const box = keyBox(secret, {
      summary: `New key${key.label ? ` “${key.label}”` : ""} for ${user.name} (shown once)`,
      hint: "Copy it into the script's settings now: Dailies keeps only a digest, so it is never shown again.",
    });
    result.replaceChildren(box);
    box.querySelector("summary").focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const body = label.value.trim() ? { label: label.value.trim() } : {};
    const answer = await busy(create, "Making…", () => request("POST", base, body), { problem, done: "New key made: copy it now, it is shown once." });
    if (!answer.ok) {
      if (answer.status === 404 || answer.status === 405) problem.textContent = "This server cannot make API keys yet: update Dailies.";
      return;
    }
    label.value = "";
    if (!loaded) await load();
    else { keys.unshift(answer.data.key); show(); }
    showSecret(answer.data.api_key, answer.data.key);
  });

  return { element };
}
