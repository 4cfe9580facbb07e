// Versions picked elsewhere (the versions page's selection) into a session: a new session made
// from them, or added to the end of one that is open or scheduled. Either way the browser goes
// to that session's setup page.
//
// Used as: import("/staff/session-pick.js").then((m) => m.sessionFromVersions({ projectID, versionIDs }))

import { all, request } from "/common/api.js";
import { el } from "/common/dom.js";
import { busy, field, problemLine } from "/staff/ui.js";
import { sessionState, showSchedule, studioZone } from "/staff/session-schedule.js";

/**
 * Opens the dialog for `versionIDs` (in the order they go into the session) of `projectID`.
 * `organization` (for the studio's time zone) is optional; `adding` starts on "add to an
 * existing session" when there is one. Answers when the dialog closes.
 */
export async function sessionFromVersions({ projectID, versionIDs, organization = null, adding = false }) {
  const count = versionIDs.length;
  const what = `${count} ${count === 1 ? "version" : "versions"}`;
  const project = encodeURIComponent(projectID);
  const zone = studioZone(organization);

  const asNew = el("input", { type: "radio", name: "session-target", value: "new", id: "target-new", checked: true });
  const asExisting = el("input", { type: "radio", name: "session-target", value: "existing", id: "target-existing" });
  const title = el("input", { type: "text", id: "new-session-title", maxlength: "200", placeholder: "New review session" });
  const existing = el("select", { id: "existing-session", disabled: true }, el("option", { value: "" }, "Loading the sessions…"));
  const problem = problemLine();
  const go = el("button", { type: "submit", id: "session-from-versions" }, "Create session");
  const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
  const form = el("form", { method: "dialog" },
    el("h2", { id: "session-pick-title" }, `Review ${what}`),
    el("div", { class: "check" }, asNew, el("label", { for: "target-new" }, "In a new session")),
    el("div", { class: "pick-indent" }, field("Title", title, "You can change everything else on the session's page.")),
    el("div", { class: "check" }, asExisting, el("label", { for: "target-existing" }, "Added to an open or scheduled session")),
    el("div", { class: "pick-indent" }, field("Session", existing, "They join the end of its items.")),
    problem,
    el("div", { class: "actions" }, cancel, go));
  const dialog = el("dialog", { class: "dialog session-pick", "aria-labelledby": "session-pick-title" }, form);
  const closed = new Promise((resolve) => dialog.addEventListener("close", () => { dialog.remove(); resolve(); }));
  cancel.addEventListener("click", () => dialog.close());
  document.body.append(dialog);
  dialog.showModal();
  title.focus();

  const choose = () => {
    const adding = asExisting.checked;
    title.disabled = adding;
    existing.disabled = !adding || !existing.value;
    go.textContent = adding ? "Add to session" : "Create session";
  };
  asNew.addEventListener("change", choose);
  asExisting.addEventListener("change", choose);

  const sessions = (await all(`/api/v1/projects/${project}/sessions`))
    .filter((session) => ["open", "scheduled"].includes(sessionState(session)));
  existing.replaceChildren(...(sessions.length
    ? sessions.map((session) => el("option", { value: session.id },
      `${session.title} (${sessionState(session)}, ${showSchedule(session.starts_at, session.ends_at, zone)})`))
    : [el("option", { value: "" }, "No session is open or scheduled")]));
  asExisting.disabled = !sessions.length;
  if (adding && sessions.length) {
    asExisting.checked = true;
    existing.focus();
  }
  choose();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const adding = asExisting.checked;
    const answer = await busy(go, adding ? "Adding…" : "Creating…", () => adding
      ? request("POST", `/api/v1/sessions/${encodeURIComponent(existing.value)}/items`, { version_ids: versionIDs })
      : request("POST", `/api/v1/projects/${project}/sessions`,
        { version_ids: versionIDs, ...(title.value.trim() ? { title: title.value.trim() } : {}) }),
    { problem, done: adding ? `Added ${what}.` : "Session created." });
    if (answer.ok) location.assign(`/staff/sessions/${encodeURIComponent(adding ? existing.value : answer.data.id)}`);
  });
  return closed;
}
