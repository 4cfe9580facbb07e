// A session's collaborators, in the setup page's right-hand pane: who they are, their role,
// whether they were invited (or joined by the shareable link), revoked; add, edit,
// revoke/restore and remove them; and "Send invites" to everyone with an email, or to those
// picked, with a personal message.

import { request } from "/common/api.js";
import { ago, el } from "/common/dom.js";
import { busy, confirmDialog, field, problemLine } from "/staff/ui.js";

const ROLES = [
  ["reviewer", "Reviewer", "comments, draws and gives a status"],
  ["approver", "Approver", "as a reviewer, and decides"],
  ["observer", "Observer", "watches only"],
];

function roleSelect(value, attributes = {}) {
  return el("select", attributes, ROLES.map(([role, label, hint]) =>
    el("option", { value: role, selected: role === value, title: hint }, label)));
}

/** The pane. `context`: {sessionID}. Answers its element; it loads the collaborators itself. */
export function collaboratorsPane(context) {
  const api = `/api/v1/sessions/${encodeURIComponent(context.sessionID)}`;
  let collaborators = [];
  const picked = new Set();

  const list = el("ul", { class: "people", id: "collaborators" });
  const problem = problemLine();

  // Adding someone.
  const name = el("input", { type: "text", id: "collaborator-name", maxlength: "200", required: true, autocomplete: "off" });
  const email = el("input", { type: "email", id: "collaborator-email", maxlength: "254", autocomplete: "off" });
  const role = roleSelect("reviewer", { id: "collaborator-role" });
  const addButton = el("button", { type: "submit", id: "add-collaborator" }, "Add");
  const addProblem = problemLine();
  const addForm = el("form", { class: "add-person", "aria-labelledby": "add-person-heading" },
    el("h3", { id: "add-person-heading" }, "Add someone"),
    field("Name", name),
    field("Email", email, "Their invite goes here. Leave empty to hand them the link yourself."),
    field("Role", role),
    addProblem,
    el("div", { class: "actions" }, addButton));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), email: email.value.trim() || null, role: role.value };
    const answer = await busy(addButton, "Adding…", () => request("POST", `${api}/collaborators`, body),
      { done: `Added ${body.name}. “Send invites” emails their link.`, problem: addProblem });
    if (answer.ok) {
      name.value = "";
      email.value = "";
      await load();
      name.focus();
    }
  });

  // Sending invites.
  const message = el("textarea", { id: "invite-message", maxlength: "5000", rows: "3",
    placeholder: "A note from you, shown in the invitation (optional)" });
  const sendButton = el("button", { type: "submit", id: "send-invites" }, "Send invites to everyone");
  const sendProblem = problemLine();
  const sendForm = el("form", { class: "send-invites", "aria-labelledby": "send-heading" },
    el("h3", { id: "send-heading" }, "Send invites"),
    el("p", { class: "muted hint", id: "send-who" }, "Everyone with an email gets a fresh link. Tick people above to invite only them."),
    field("Personal message", message),
    sendProblem,
    el("div", { class: "actions" }, sendButton));
  sendForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = collaborators.filter((person) => picked.has(person.id)).map((person) => person.id);
    const body = { ...(ids.length ? { collaborator_ids: ids } : {}), ...(message.value.trim() ? { message: message.value } : {}) };
    const answer = await busy(sendButton, "Sending…", () => request("POST", `${api}/invites`, body), {
      problem: sendProblem,
      done: (data) => {
        const emailed = data.data.filter((invite) => invite.emailed !== false).length;
        return `Emailed ${emailed} ${emailed === 1 ? "invitation" : "invitations"}.`;
      },
    });
    if (answer.ok) {
      sendProblem.textContent = "";
      document.getElementById("invites-result")?.replaceChildren(
        `Emailed ${answer.data.data.filter((invite) => invite.emailed !== false).length} of ${answer.data.data.length}: `,
        answer.data.data.map((invite) => invite.collaborator.name).join(", "), ".");
      picked.clear();
      await load();
    }
  });

  const pane = el("aside", { class: "card people-pane", "aria-labelledby": "people-heading" },
    el("div", { class: "card-head" }, el("h2", { id: "people-heading" }, "Collaborators ",
      el("span", { class: "count", id: "people-count" }))),
    problem,
    list,
    addForm,
    sendForm,
    el("p", { class: "muted invites-result", id: "invites-result", role: "status" }));

  async function load() {
    const answer = await request("GET", `${api}/collaborators`);
    if (!answer.ok) {
      problem.textContent = answer.error.message;
      return;
    }
    collaborators = answer.data.data;
    for (const id of [...picked]) if (!collaborators.some((person) => person.id === id)) picked.delete(id);
    show();
  }

  function show() {
    document.getElementById("people-count")?.replaceChildren(String(collaborators.length));
    list.replaceChildren(...(collaborators.length ? collaborators.map(person) :
      [el("li", { class: "empty" }, "Nobody yet. Add the people who review below.")]));
    showPicked();
  }

  function showPicked() {
    const count = picked.size;
    sendButton.textContent = count ? `Send invites to ${count} picked` : "Send invites to everyone";
    const withEmail = collaborators.filter((one) => one.email && !one.revoked_at && !one.staff_user_id).length;
    sendButton.disabled = count === 0 && withEmail === 0;
    const who = document.getElementById("send-who");
    if (who) {
      who.textContent = count ? `Only the ${count} picked get a fresh link.`
        : withEmail ? `Everyone with an email (${withEmail}) gets a fresh link. Tick people above to invite only them.`
          : "Add someone with an email to invite them.";
    }
  }

  /** The state people care about: revoked, invited when, joined by the shareable link, staff. */
  function stateChip(one) {
    if (one.revoked_at) return el("span", { class: "chip bad" }, "revoked");
    if (one.staff_user_id) return el("span", { class: "chip" }, "staff");
    if (one.joined_by_share_link) return el("span", { class: "chip good" }, "joined by link");
    if (one.invited_at) return el("span", { class: "chip good", title: new Date(one.invited_at).toString() }, "invited ", ago(one.invited_at));
    return el("span", { class: "chip warn" }, "not invited yet");
  }

  /** One person, with their actions; "Edit" turns the row into a small form. */
  function person(one) {
    const pick = el("input", { type: "checkbox", class: "pick", checked: picked.has(one.id),
      disabled: !one.email || Boolean(one.revoked_at), "aria-label": `Pick ${one.name} for invites` });
    pick.addEventListener("change", () => { pick.checked ? picked.add(one.id) : picked.delete(one.id); showPicked(); });
    const rowProblem = el("p", { class: "problem" });
    const edit = el("button", { type: "button", class: "link edit" }, "Edit");
    const revoke = el("button", { type: "button", class: "link revoke" }, one.revoked_at ? "Restore" : "Revoke");
    const remove = el("button", { type: "button", class: "link remove danger-text" }, "Remove");
    const li = el("li", { class: `person${one.revoked_at ? " revoked" : ""}`, "data-collaborator": one.id },
      el("div", { class: "person-line" }, pick,
        el("div", { class: "person-text" },
          el("strong", { class: "person-name" }, one.name),
          el("span", { class: "muted person-email" }, one.email || "no email"),
          el("span", { class: "person-chips" }, el("span", { class: "chip role" }, one.role), stateChip(one)))),
      el("div", { class: "person-actions" }, edit, revoke, remove),
      rowProblem);

    revoke.addEventListener("click", () => busy(revoke, one.revoked_at ? "Restoring…" : "Revoking…",
      () => request("PATCH", `${api}/collaborators/${encodeURIComponent(one.id)}`, { revoked: !one.revoked_at }),
      { done: one.revoked_at ? `${one.name} can review again.` : `${one.name}'s link no longer works.`, problem: rowProblem })
      .then((answer) => answer.ok && load()));

    remove.addEventListener("click", async () => {
      const sure = await confirmDialog(`Remove ${one.name}?`,
        ["Their link stops working and they leave the list. Feedback they gave is kept."], "Remove");
      if (!sure) return;
      const answer = await busy(remove, "Removing…",
        () => request("DELETE", `${api}/collaborators/${encodeURIComponent(one.id)}`), { done: `Removed ${one.name}.`, problem: rowProblem });
      if (answer.ok) { picked.delete(one.id); await load(); }
    });

    edit.addEventListener("click", () => {
      const editName = el("input", { type: "text", maxlength: "200", value: one.name, required: true, class: "edit-name" });
      const editEmail = el("input", { type: "email", maxlength: "254", value: one.email || "", class: "edit-email" });
      const editRole = roleSelect(one.role, { class: "edit-role" });
      const save = el("button", { type: "submit", class: "small" }, "Save");
      const cancel = el("button", { type: "button", class: "secondary small" }, "Cancel");
      const editProblem = problemLine();
      const form = el("form", { class: "person-edit", "aria-label": `Edit ${one.name}` },
        el("h3", {}, `Edit ${one.name}`), field("Name", editName), field("Email", editEmail), field("Role", editRole),
        editProblem, el("div", { class: "actions" }, cancel, save));
      const editing = el("li", { class: "person editing", "data-collaborator": one.id }, form);
      cancel.addEventListener("click", () => { editing.replaceWith(li); edit.focus(); });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const body = {};
        if (editName.value.trim() !== one.name) body.name = editName.value.trim();
        if ((editEmail.value.trim() || null) !== (one.email || null)) body.email = editEmail.value.trim() || null;
        if (editRole.value !== one.role) body.role = editRole.value;
        if (!Object.keys(body).length) { editing.replaceWith(li); edit.focus(); return; }
        const answer = await busy(save, "Saving…",
          () => request("PATCH", `${api}/collaborators/${encodeURIComponent(one.id)}`, body),
          { done: `Saved ${body.name || one.name}.`, problem: editProblem });
        if (answer.ok) await load();
      });
      li.replaceWith(editing);
      editName.focus();
    });
    return li;
  }

  load();
  return { element: pane, reload: load };
}

