// A review session's setup page: everything about one session, edited in place. The main
// column holds its details (title, description, schedule in the studio's time zone), who may
// download what, the passphrase, the shareable link, and its items; the right-hand pane its
// collaborators (below, on narrow screens). The head carries the session's actions: open,
// preview, clone, close or reopen, delete.

import { request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { busy, confirmDialog, field, problemLine, toast } from "/staff/ui.js";
import { fromLocalInput, offsetMinutes, offsetName, sessionState, showInZone, studioZone, toLocalInput, zoneLabel }
  from "/staff/session-schedule.js";
import { itemsCard } from "/staff/session-items.js";
import { collaboratorsPane } from "/staff/session-collaborators.js";
import { sessionTabs } from "/staff/feedback-parts.js";

const STATE_CHIPS = { open: "good", scheduled: "warn", expired: "", closed: "bad" };

export default async function render(page) {
  const sessionID = page.params.session;
  const api = `/api/v1/sessions/${encodeURIComponent(sessionID)}`;
  const sessionAnswer = await request("GET", api);
  if (!sessionAnswer.ok) {
    page.setTitle("Session", [["Projects", "/staff/projects"], ["Session"]]);
    page.main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such session"),
      el("p", {}, humane(sessionAnswer.error.message)), el("p", {}, el("a", { href: "/staff/projects" }, "Go to the projects"))));
    return;
  }
  const projectAnswer = await request("GET", `/api/v1/projects/${encodeURIComponent(sessionAnswer.data.project_id)}`);
  const project = projectAnswer.ok ? projectAnswer.data : { id: sessionAnswer.data.project_id, name: "Project", defaults: {} };

  const setup = {
    api, page, project,
    session: sessionAnswer.data,
    zone: studioZone(page.organization),
    /** Every part that shows something of the session redraws from it when it changes. */
    listeners: [],
    update(session) {
      setup.session = session;
      for (const listener of setup.listeners) listener(session);
    },
  };

  const projectPath = `/staff/projects/${encodeURIComponent(project.id)}`;
  const sessionsPath = `${projectPath}/sessions`;
  const crumbs = (title) => [["Projects", "/staff/projects"], [project.name, projectPath], ["Sessions", sessionsPath], [title]];
  setup.listeners.push((session) => page.setTitle(session.title, crumbs(session.title)));

  page.main.replaceChildren(
    head(setup, sessionsPath),
    sessionTabs(sessionID, "setup"),
    el("div", { class: "setup-layout" },
      el("div", { class: "setup-main" },
        detailsCard(setup),
        itemsCard({ sessionID, projectID: project.id }),
        accessCard(setup)),
      collaboratorsPane({ sessionID }).element));
  setup.update(setup.session);
}

// ----- The head: title, state, actions -----

function head(setup, sessionsPath) {
  const { api } = setup;
  const id = setup.session.id;
  const title = el("h1", { id: "session-title" });
  const chip = el("span", { class: "chip", id: "session-state" });
  const closedNote = el("p", { class: "closed-note", id: "closed-note", hidden: true },
    "This session is closed: nobody can comment or change it until it is reopened.");
  const problem = problemLine();
  problem.id = "session-problem";

  const preview = el("a", { class: "button secondary", id: "preview", href: `/review/preview/${encodeURIComponent(id)}` }, "Preview");
  const open = el("button", { type: "button", id: "open-session" }, "Open session");
  const clone = el("button", { type: "button", class: "secondary", id: "clone-session" }, "Clone");
  const closeOrReopen = el("button", { type: "button", class: "secondary", id: "close-session" }, "Close");
  const remove = el("button", { type: "button", class: "secondary danger", id: "delete-session" }, "Delete");
  const force = el("button", { type: "button", class: "danger", id: "force-delete", hidden: true }, "Delete with feedback");

  setup.listeners.push((session) => {
    title.textContent = session.title;
    const state = sessionState(session);
    chip.textContent = state;
    chip.className = `chip ${STATE_CHIPS[state]}`;
    closeOrReopen.textContent = session.closed_at ? "Reopen" : "Close";
    closedNote.hidden = !session.closed_at;
    open.disabled = Boolean(session.closed_at);
  });

  open.addEventListener("click", async () => {
    const answer = await busy(open, "Opening…", () => request("POST", `${api}/open`), { problem });
    // The answer carries my personal link as the collaborator I just became: it enters the review.
    if (answer.ok) location.assign(answer.data.invite_url);
  });
  clone.addEventListener("click", async () => {
    const answer = await busy(clone, "Cloning…", () => request("POST", `${api}/clone`), { problem });
    if (answer.ok) location.assign(`/staff/sessions/${encodeURIComponent(answer.data.session.id)}`);
  });
  closeOrReopen.addEventListener("click", async () => {
    const closing = !setup.session.closed_at;
    const answer = await busy(closeOrReopen, closing ? "Closing…" : "Reopening…",
      () => request("POST", `${api}/${closing ? "close" : "reopen"}`),
      { problem, done: closing ? "Closed: the session is read-only until reopened." : "Reopened." });
    if (answer.ok) setup.update(answer.data);
  });
  remove.addEventListener("click", async () => {
    const sure = await confirmDialog(`Delete “${setup.session.title}”?`,
      ["Its items, collaborators and links go with it. The versions stay in the project."], "Delete");
    if (!sure) return;
    // Not through busy(): a refusal for feedback is a question for the page, not an error toast.
    remove.disabled = true;
    remove.textContent = "Deleting…";
    problem.textContent = "";
    const answer = await request("DELETE", api);
    remove.disabled = false;
    remove.textContent = "Delete";
    if (answer.ok) return location.assign(sessionsPath);
    if (answer.status === 409 && /force/i.test(answer.error.message)) {
      // A session with feedback is only deleted on purpose: the server says what would go.
      const what = humane(answer.error.message.split(/\.\s/)[0]);
      problem.textContent = `${what} “Delete with feedback” deletes it too; closing the session instead keeps it.`;
      force.hidden = false;
      force.focus();
      return;
    }
    problem.textContent = humane(answer.error.message);
    toast(problem.textContent, "bad");
  });
  force.addEventListener("click", async () => {
    const sure = await confirmDialog("Delete the session and its feedback?",
      [problem.textContent, "Comments, drawings and statuses given in it are deleted too. This cannot be undone."],
      "Delete with feedback");
    if (!sure) return;
    const answer = await busy(force, "Deleting…", () => request("DELETE", `${api}?force=true`), { problem });
    if (answer.ok) location.assign(sessionsPath);
  });

  return el("div", { class: "setup-head" },
    el("div", { class: "page-head" }, title, chip, el("span", { class: "spacer" }),
      el("div", { class: "session-actions" }, preview, open, clone, closeOrReopen, remove)),
    closedNote,
    el("div", { class: "force-line" }, problem, force));
}

// ----- Details: title, description, schedule -----

function detailsCard(setup) {
  const { zone } = setup;
  const title = el("input", { type: "text", id: "title", maxlength: "200", required: true });
  const description = el("textarea", { id: "description", maxlength: "10000", rows: "3",
    placeholder: "What the client should look at (shown to collaborators)" });
  const starts = el("input", { type: "datetime-local", id: "starts-at", required: true });
  const ends = el("input", { type: "datetime-local", id: "ends-at", required: true });
  const startsHint = el("small", { class: "hint", id: "starts-at-hint" });
  const endsHint = el("small", { class: "hint", id: "ends-at-hint" });
  const save = el("button", { type: "submit", id: "save-details" }, "Save details");
  const state = el("span", { class: "muted save-state", id: "details-state", role: "status" });
  const problem = problemLine();
  problem.id = "details-problem";

  /** Under each time: its offset that day (daylight saving shows here), and the time in UTC. */
  const hint = (input, node) => {
    const iso = fromLocalInput(input.value, zone);
    if (!iso) { node.textContent = ""; return; }
    const offset = offsetMinutes(zone, Date.parse(iso));
    node.textContent = offset || zone !== "UTC" ? `${offsetName(offset)} that day · ${showInZone(iso, "UTC")} UTC` : "";
  };
  starts.addEventListener("input", () => hint(starts, startsHint));
  ends.addEventListener("input", () => hint(ends, endsHint));

  const shown = () => ({
    title: setup.session.title,
    description: setup.session.description || "",
    starts: toLocalInput(setup.session.starts_at, zone),
    ends: toLocalInput(setup.session.ends_at, zone),
  });
  const dirty = () => {
    const was = shown();
    return title.value !== was.title || description.value !== was.description || starts.value !== was.starts || ends.value !== was.ends;
  };
  const showState = () => { state.textContent = dirty() ? "Not saved yet" : ""; };
  setup.listeners.push(() => {
    // A change from elsewhere (closing, say) refreshes the fields only when nothing is being typed.
    if (form.dataset.loaded && dirty()) return;
    const was = shown();
    title.value = was.title;
    description.value = was.description;
    starts.value = was.starts;
    ends.value = was.ends;
    hint(starts, startsHint);
    hint(ends, endsHint);
    form.dataset.loaded = "true";
  });

  const form = el("form", { class: "card details", id: "details", "aria-labelledby": "details-heading" },
    el("h2", { id: "details-heading" }, "Details"),
    field("Title", title),
    field("Description", description),
    el("fieldset", { class: "schedule" },
      el("legend", {}, "Schedule ", el("span", { class: "muted zone-label", id: "zone-label" }, `in ${zoneLabel(zone)}`)),
      el("div", { class: "schedule-fields" },
        el("div", { class: "field" }, el("label", { for: "starts-at" }, "Starts"), starts, startsHint),
        el("div", { class: "field" }, el("label", { for: "ends-at" }, "Ends"), ends, endsHint))),
    problem,
    el("div", { class: "actions" }, state, save));
  starts.setAttribute("aria-describedby", "starts-at-hint zone-label");
  ends.setAttribute("aria-describedby", "ends-at-hint zone-label");
  form.addEventListener("input", showState);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const was = shown();
    const body = {};
    if (title.value !== was.title) body.title = title.value.trim();
    if (description.value !== was.description) body.description = description.value;
    for (const [input, key, old] of [[starts, "starts_at", was.starts], [ends, "ends_at", was.ends]]) {
      if (input.value === old) continue;
      const iso = fromLocalInput(input.value, zone);
      if (!iso) {
        problem.textContent = `${key === "starts_at" ? "The start" : "The end"} is not a complete date and time.`;
        input.focus();
        return;
      }
      body[key] = iso;
    }
    if (!Object.keys(body).length) {
      state.textContent = "Nothing to save.";
      return;
    }
    const answer = await busy(save, "Saving…", () => request("PATCH", setup.api, body), { problem, done: "Details saved." });
    if (answer.ok) {
      form.dataset.loaded = "";
      setup.update(answer.data);
      state.textContent = "Saved.";
    }
  });
  return form;
}

// ----- Access: downloads, passphrase, shareable link -----

function accessCard(setup) {
  return el("section", { class: "card access", "aria-labelledby": "access-heading" },
    el("h2", { id: "access-heading" }, "Access"),
    el("div", { class: "access-grid" },
      downloadsPart(setup),
      passphrasePart(setup)),
    shareLinkPart(setup));
}

const DOWNLOADS = [
  ["download_original", "Download the original", "the file as delivered, byte for byte"],
  ["download_proxy", "Download the review movie", "the compressed proxy the player shows"],
];

/** Each download flag: the project's default (named with its value), or allowed / not allowed here. */
function downloadsPart(setup) {
  const part = el("fieldset", { class: "downloads" }, el("legend", {}, "Downloads"));
  for (const [key, label, what] of DOWNLOADS) {
    const select = el("select", { id: key.replace("_", "-") });
    const result = el("small", { class: "hint", id: `${select.id}-state`, role: "status" });
    const problem = el("span", { class: "problem" });
    const fill = (session) => {
      const inherited = Boolean(setup.project.defaults?.[key]);
      const own = session.overrides?.[key];
      select.replaceChildren(
        el("option", { value: "inherit", selected: own === undefined || own === null },
          `Project default (${inherited ? "allowed" : "not allowed"})`),
        el("option", { value: "true", selected: own === true }, "Allowed"),
        el("option", { value: "false", selected: own === false }, "Not allowed"));
      const inForce = session.settings?.[key];
      result.textContent = `${inForce ? "Collaborators may download" : "Collaborators may not download"} ${what}` +
        (own === undefined || own === null ? ", as the project says." : ", for this session only.");
    };
    setup.listeners.push(fill);
    select.addEventListener("change", async () => {
      const value = select.value === "inherit" ? null : select.value === "true";
      const answer = await busy(null, "", () => request("PATCH", setup.api, { settings: { [key]: value } }),
        { problem, done: "Downloads saved." });
      if (answer.ok) setup.update(answer.data);
      else fill(setup.session);
    });
    part.append(el("div", { class: "field" }, el("label", { for: select.id }, label), select, result, problem));
  }
  return part;
}

/** The passphrase: set, changed or removed; never shown back. */
function passphrasePart(setup) {
  const input = el("input", { type: "password", id: "passphrase", minlength: "4", maxlength: "200", autocomplete: "new-password" });
  const state = el("p", { class: "passphrase-state", id: "passphrase-state" });
  const set = el("button", { type: "submit", class: "small", id: "set-passphrase" }, "Set passphrase");
  const remove = el("button", { type: "button", class: "secondary small", id: "remove-passphrase" }, "Remove");
  const problem = problemLine();
  setup.listeners.push((session) => {
    state.replaceChildren(session.has_passphrase
      ? el("span", { class: "chip good" }, "passphrase set")
      : el("span", { class: "chip" }, "no passphrase"),
    " ", session.settings?.require_passphrase ? "Required by the settings." : "");
    set.textContent = session.has_passphrase ? "Change passphrase" : "Set passphrase";
    remove.hidden = !session.has_passphrase;
  });
  const form = el("form", { class: "passphrase", "aria-labelledby": "passphrase-legend" },
    el("h3", { id: "passphrase-legend" }, "Passphrase"),
    state,
    field("New passphrase", input,
      "Collaborators type it before they see anything. 4 characters or more; it is never shown again."),
    problem,
    el("div", { class: "actions" }, remove, set));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await busy(set, "Saving…", () => request("PATCH", setup.api, { passphrase: input.value }),
      { problem, done: setup.session.has_passphrase ? "Passphrase changed." : "Passphrase set." });
    if (answer.ok) {
      input.value = "";
      setup.update(answer.data);
    }
  });
  remove.addEventListener("click", async () => {
    const answer = await busy(remove, "Removing…", () => request("PATCH", setup.api, { passphrase: null }),
      { problem, done: "Passphrase removed." });
    if (answer.ok) setup.update(answer.data);
  });
  return form;
}

/**
 * The shareable link: anyone with it joins under a name they give. The server keeps only a
 * digest, so the address can be shown only when it is made: "Copy link" makes a new one
 * (ending the old), shows it this once and copies it.
 */
function shareLinkPart(setup) {
  const studioOff = setup.page.organization && setup.page.organization.share_links_enabled === false;
  const toggle = el("input", { type: "checkbox", id: "share-link-on", role: "switch", disabled: studioOff });
  const copy = el("button", { type: "button", class: "secondary small", id: "copy-link" }, "Copy link");
  const output = el("input", { type: "text", id: "share-link", readonly: true, hidden: true, "aria-label": "The new shareable link" });
  const said = el("p", { class: "hint", id: "share-link-state", role: "status" });
  const problem = problemLine();
  const part = el("fieldset", { class: "share" },
    el("legend", {}, "Shareable link"),
    studioOff ? el("p", { class: "studio-off", id: "share-links-studio-off" },
      "Shareable links are switched off studio-wide: only personal invites work. An admin can turn them on in the studio's settings.") : null,
    el("div", { class: "share-line" },
      el("label", { class: "check", for: "share-link-on" }, toggle, "Anyone with the link can join, under a name they give"),
      el("span", { class: "spacer" }),
      copy),
    el("p", { class: "hint warn-text" }, "“Copy link” makes a new link: the one shared before stops working."),
    output, said, problem);

  setup.listeners.push((session) => {
    toggle.checked = Boolean(session.settings?.share_link_enabled) && !studioOff;
    copy.disabled = studioOff || !toggle.checked;
    if (!output.hidden) return;
    said.textContent = studioOff ? "" : toggle.checked
      ? "On. Its address is shown only when it is made: “Copy link” makes one." : "Off: only personal invites work.";
  });

  /** Makes a new link, shows it once, and copies it (or selects it, for Ctrl+C, where the clipboard is closed). */
  const makeLink = async (button, busyLabel) => {
    const answer = await busy(button, busyLabel, () => request("POST", `${setup.api}/share-link`), { problem });
    if (!answer.ok) return answer;
    output.value = answer.data.url;
    output.hidden = false;
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(answer.data.url);
        copied = true;
      } catch {
        copied = false; // the browser refused (no permission, no focus): selecting is the way then
      }
    }
    output.focus();
    output.select();
    said.textContent = copied ? "New link copied. It is shown only now; the old one no longer works."
      : "New link made: it is selected, copy it with Ctrl+C (⌘C). It is shown only now; the old one no longer works.";
    toast(copied ? "New link copied." : "New link made: copy it from the page.");
    const refreshed = await request("GET", setup.api);
    if (refreshed.ok) setup.update(refreshed.data);
    return answer;
  };

  copy.addEventListener("click", () => makeLink(copy, "Making a link…"));
  toggle.addEventListener("change", async () => {
    if (toggle.checked) {
      const answer = await makeLink(null, "");
      if (!answer.ok) toggle.checked = false;
      return;
    }
    const answer = await busy(null, "", () => request("DELETE", `${setup.api}/share-link`),
      { problem, done: "Shareable link off: its address no longer works." });
    if (!answer.ok) { toggle.checked = true; return; }
    output.hidden = true;
    output.value = "";
    const refreshed = await request("GET", setup.api);
    if (refreshed.ok) setup.update(refreshed.data);
  });
  return part;
}
