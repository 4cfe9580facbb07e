// A project's settings: its name and code; the defaults new sessions start from (and sessions
// that set none of their own follow); its two status lists (versions', tasks'), each edited
// as a whole (add, rename, recolour, reorder, remove) and saved in one go; and its tasks,
// each with a status and the staff assigned to it.

import { all, request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { busy, confirmDialog, field, problemLine, toast } from "/staff/ui.js";

const KINDS = [["in_progress", "In progress"], ["review", "For review"], ["approved", "Approved"], ["needs_work", "Needs work"]];
const KIND_COLOURS = { in_progress: "#4A90D9", review: "#E8A33D", approved: "#3FA45B", needs_work: "#D9534F" };
const LIST_MAX = 50;

export default async function render(page) {
  const projectID = page.params.project;
  const api = `/api/v1/projects/${encodeURIComponent(projectID)}`;
  const [projectAnswer, statusAnswer, tasks, users] = await Promise.all([
    request("GET", api), request("GET", `${api}/statuses`), all(`${api}/tasks`), all("/api/v1/users")]);
  if (!projectAnswer.ok) {
    page.setTitle("No such project", [["Projects", "/staff/projects"], ["No such project"]]);
    page.main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such project"),
      el("p", {}, humane(projectAnswer.error.message)), el("p", {}, el("a", { href: "/staff/projects" }, "Back to the projects"))));
    return;
  }
  const project = { data: projectAnswer.data };
  const projectPath = `/staff/projects/${encodeURIComponent(projectID)}`;
  const crumbs = () => [["Projects", "/staff/projects"], [project.data.name, projectPath], ["Settings"]];
  page.setTitle(`Settings · ${project.data.name}`, crumbs());
  const heading = el("h1", {}, project.data.name);
  project.update = (fresh) => {
    project.data = fresh;
    heading.textContent = fresh.name;
    page.setTitle(`Settings · ${fresh.name}`, crumbs());
  };

  const lists = { version: statusAnswer.ok ? statusAnswer.data.version : [], task: statusAnswer.ok ? statusAnswer.data.task : [] };
  const taskStatusListeners = [];
  const tasksPart = tasksCard({ api, lists, tasks, users, listeners: taskStatusListeners });

  page.main.replaceChildren(
    el("div", { class: "page-head" }, heading, el("span", { class: "muted" }, "Settings"), el("span", { class: "spacer" }),
      el("a", { class: "button secondary", href: projectPath }, "Versions"),
      el("a", { class: "button secondary", href: `${projectPath}/sessions` }, "Sessions")),
    el("div", { class: "settings-grid" },
      el("div", { class: "stack" }, projectCard(api, project), defaultsCard(api, project)),
      el("div", { class: "stack" }, tasksPart)),
    el("section", { class: "card statuses-card", "aria-labelledby": "statuses-heading" },
      el("h2", { id: "statuses-heading" }, "Status lists"),
      statusAnswer.ok ? null : el("p", { class: "problem" }, `The status lists could not be read: ${humane(statusAnswer.error.message)}`),
      el("div", { class: "status-editors" },
        statusEditor(api, "version", lists, () => {}),
        statusEditor(api, "task", lists, () => taskStatusListeners.forEach((listener) => listener())))));
}

// ----- Name and code -----

function projectCard(api, project) {
  const name = el("input", { type: "text", id: "project-name", required: true, maxlength: 200, autocomplete: "off" });
  const code = el("input", { type: "text", id: "project-code", maxlength: 32, autocomplete: "off", placeholder: "FT" });
  const save = el("button", { type: "submit", id: "save-project" }, "Save");
  const problem = problemLine();
  const fill = () => { name.value = project.data.name; code.value = project.data.code || ""; };
  const form = el("form", { class: "card", id: "project-form", "aria-labelledby": "project-heading" },
    el("h2", { id: "project-heading" }, "Project"),
    el("div", { class: "form-row" }, field("Name", name), field("Code", code, "Optional: a short code, such as FT")),
    problem, el("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    if (name.value.trim() !== project.data.name) body.name = name.value.trim();
    if (code.value.trim() !== (project.data.code || "")) body.code = code.value.trim() || null;
    if (!Object.keys(body).length) { toast("Nothing to save."); return; }
    const answer = await busy(save, "Saving…", () => request("PATCH", api, body), { problem, done: "Project saved." });
    if (answer.ok) { project.update(answer.data); fill(); }
  });
  fill();
  return form;
}

// ----- Defaults for new sessions -----

const SWITCHES = [
  ["allow_comments", "Collaborators may comment and draw"],
  ["comments_visible_to_others", "Collaborators see each other's comments"],
  ["download_proxy", "Collaborators may download the review movie"],
  ["download_original", "Collaborators may download the original"],
  ["allow_exports", "Collaborators may export the comments (CSV, EDL, OpenTimelineIO)"],
  ["require_passphrase", "A passphrase is asked for"],
  ["share_link_enabled", "A shareable link may be made"],
  ["email_thumbnails", "Invitations show pictures of the versions"],
];

function defaultsCard(api, project) {
  const boxes = SWITCHES.map(([key, label]) => {
    const box = el("input", { type: "checkbox", id: `default-${key.replaceAll("_", "-")}`, "data-key": key });
    return { key, box, line: el("label", { class: "check", for: box.id }, box, label) };
  });
  const days = el("input", { type: "number", id: "default-share-days", min: 1, max: 3650, step: 1, required: true, inputmode: "numeric" });
  const gapFill = el("select", { id: "default-gap-fill" },
    el("option", { value: "hold" }, "Hold the frame before"), el("option", { value: "slate" }, "A slate saying it is missing"),
    el("option", { value: "black" }, "Black"));
  const alphaBackground = el("select", { id: "default-alpha-background" },
    el("option", { value: "grey" }, "Neutral grey"), el("option", { value: "checkerboard" }, "A checkerboard"));
  const save = el("button", { type: "submit", id: "save-defaults" }, "Save defaults");
  const state = el("span", { class: "muted save-state", role: "status" });
  const problem = problemLine();
  const current = () => project.data.defaults || {};
  const fill = () => {
    for (const { key, box } of boxes) box.checked = Boolean(current()[key]);
    days.value = String(current().share_days ?? 7);
    gapFill.value = current().gap_fill || "hold";
    alphaBackground.value = current().alpha_background || "grey";
  };
  const changes = () => {
    const body = {};
    for (const { key, box } of boxes) if (box.checked !== Boolean(current()[key])) body[key] = box.checked;
    if (Number(days.value) !== current().share_days) body.share_days = Number(days.value);
    if (gapFill.value !== current().gap_fill) body.gap_fill = gapFill.value;
    if (alphaBackground.value !== current().alpha_background) body.alpha_background = alphaBackground.value;
    return body;
  };
  const form = el("form", { class: "card", id: "defaults-form", "aria-labelledby": "defaults-heading" },
    el("h2", { id: "defaults-heading" }, "Session defaults"),
    el("p", { class: "muted" }, "New sessions start from these; sessions that set none of their own follow them, also those made before."),
    el("fieldset", { class: "switches" }, el("legend", { class: "visually-hidden" }, "Review"), boxes.map(({ line }) => line)),
    el("div", { class: "field-pair" },
      el("div", { class: "field" }, el("label", { for: days.id }, "Sessions run for"),
        el("span", { class: "with-unit" }, days, el("span", { class: "muted" }, "days"))),
      field("Missing frames of a sequence show", gapFill),
      field("Transparent parts of pictures show", alphaBackground)),
    problem, el("div", { class: "actions" }, state, save));
  form.addEventListener("change", () => { state.textContent = Object.keys(changes()).length ? "Not saved yet" : ""; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = changes();
    if (!Object.keys(body).length) { state.textContent = "Nothing to save."; return; }
    if ("share_days" in body && !(Number.isInteger(body.share_days) && body.share_days >= 1 && body.share_days <= 3650)) {
      problem.textContent = "Sessions run for 1 to 3650 days.";
      days.focus();
      return;
    }
    const answer = await busy(save, "Saving…", () => request("PATCH", api, { defaults: body }), { problem, done: "Session defaults saved." });
    if (answer.ok) { project.update(answer.data); fill(); state.textContent = "Saved."; }
  });
  fill();
  return form;
}

// ----- A status list: edited as a whole, saved in one go -----

function statusEditor(api, scope, lists, changed) {
  const title = scope === "version" ? "Version statuses" : "Task statuses";
  const hint = scope === "version"
    ? "New versions start “pending review” (or at the first For review status). A transfer of feedback sets the first Approved or Needs work status."
    : "New tasks start at the first. A transfer of feedback sets the first Approved or Needs work status, when the studio sends statuses to tasks.";
  let entries = [];
  let seq = 0;
  const list = el("ol", { class: "status-list", id: `${scope}-statuses` });
  const add = el("button", { type: "button", class: "secondary small add-status" }, "Add a status");
  const discard = el("button", { type: "button", class: "secondary", hidden: true }, "Discard changes");
  const save = el("button", { type: "submit", class: "save-statuses", id: `save-${scope}-statuses` }, "Save");
  const state = el("span", { class: "muted save-state", role: "status" });
  const problem = problemLine();
  const form = el("form", { class: "status-editor", "data-scope": scope, "aria-labelledby": `${scope}-statuses-heading` },
    el("h3", { id: `${scope}-statuses-heading` }, title),
    el("p", { class: "hint" }, hint),
    list, el("div", { class: "status-add" }, add), problem, el("div", { class: "actions" }, state, discard, save));

  const reset = () => {
    entries = lists[scope].map((status) => ({ key: ++seq, id: status.id, name: status.name, colour: status.colour.toLowerCase(), kind: status.kind, was: status.name }));
    draw();
    showState();
  };
  const saved = () => lists[scope].map((status) => `${status.id}|${status.name}|${status.colour.toLowerCase()}|${status.kind}`).join("\n");
  const now = () => entries.map((entry) => `${entry.id || ""}|${entry.name.trim()}|${entry.colour}|${entry.kind}`).join("\n");
  const showState = () => {
    const dirty = saved() !== now();
    state.textContent = dirty ? "Not saved yet" : "";
    discard.hidden = !dirty;
    add.disabled = entries.length >= LIST_MAX;
  };

  function draw(focus = null) {
    list.replaceChildren(...entries.map((entry, index) => entryRow(entry, index)));
    if (focus) list.querySelector(`li[data-key="${focus.key}"] ${focus.selector}`)?.focus();
  }

  function entryRow(entry, index) {
    const label = entry.name.trim() || "the new status";
    const colour = el("input", { type: "color", value: entry.colour, class: "status-colour", "aria-label": `Colour of ${label}` });
    const name = el("input", { type: "text", value: entry.name, class: "status-name", maxlength: 64, required: true, autocomplete: "off",
      "aria-label": `Name of status ${index + 1}` });
    const kind = el("select", { class: "status-kind", "aria-label": `What ${label} means` },
      KINDS.map(([value, text]) => el("option", { value, selected: value === entry.kind }, text)));
    const up = el("button", { type: "button", class: "secondary small icon move-up", "aria-label": `Move ${label} up`, disabled: index === 0 }, "↑");
    const down = el("button", { type: "button", class: "secondary small icon move-down", "aria-label": `Move ${label} down`,
      disabled: index === entries.length - 1 }, "↓");
    const remove = el("button", { type: "button", class: "secondary danger small icon remove-status", "aria-label": `Remove ${label}`,
      disabled: entries.length === 1 }, "✕");
    const renamed = el("small", { class: "status-renamed hint", "aria-live": "polite" });
    const showRenamed = () => {
      const now = entry.name.trim();
      renamed.textContent = entry.id && entry.was && now && now !== entry.was ? `was “${entry.was}”: every ${scope} with it is renamed` : "";
      renamed.hidden = !renamed.textContent;
    };
    showRenamed();
    colour.addEventListener("input", () => { entry.colour = colour.value.toLowerCase(); showState(); });
    name.addEventListener("input", () => { entry.name = name.value; showRenamed(); showState(); });
    kind.addEventListener("change", () => { entry.kind = kind.value; showState(); });
    up.addEventListener("click", () => move(index, -1, up.disabled ? ".move-down" : ".move-up"));
    down.addEventListener("click", () => move(index, 1, ".move-down"));
    remove.addEventListener("click", () => {
      entries.splice(index, 1);
      const next = entries[Math.min(index, entries.length - 1)];
      draw(next ? { key: next.key, selector: ".status-name" } : null);
      showState();
      toast(`${label} comes off the list when you save.`);
    });
    return el("li", { class: "status-entry", "data-key": entry.key, "data-id": entry.id || "" },
      el("span", { class: "status-position muted", "aria-hidden": "true" }, String(index + 1)),
      colour, name, kind,
      el("span", { class: "status-moves" }, up, down, remove),
      renamed);
  }

  function move(index, step, selector) {
    const to = index + step;
    if (to < 0 || to >= entries.length) return;
    const [entry] = entries.splice(index, 1);
    entries.splice(to, 0, entry);
    // The button pressed stays focused, unless it is now disabled (at an end): then its twin.
    const atEnd = (to === 0 && step < 0) || (to === entries.length - 1 && step > 0);
    draw({ key: entry.key, selector: atEnd ? (step < 0 ? ".move-down" : ".move-up") : selector });
    showState();
  }

  add.addEventListener("click", () => {
    const kind = "in_progress";
    const entry = { key: ++seq, id: null, name: "", colour: KIND_COLOURS[kind].toLowerCase(), kind, was: null };
    entries.push(entry);
    draw({ key: entry.key, selector: ".status-name" });
    showState();
  });
  discard.addEventListener("click", () => { reset(); problem.textContent = ""; save.focus(); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const names = entries.map((entry) => entry.name.trim());
    const blank = names.findIndex((text) => !text);
    if (blank >= 0) {
      problem.textContent = `Status ${blank + 1} has no name.`;
      list.children[blank]?.querySelector(".status-name")?.focus();
      return;
    }
    const twice = names.findIndex((text, i) => names.findIndex((other) => other.toLowerCase() === text.toLowerCase()) !== i);
    if (twice >= 0) {
      problem.textContent = `“${names[twice]}” is on the list twice: names differ by more than letter case.`;
      list.children[twice]?.querySelector(".status-name")?.focus();
      return;
    }
    const body = { statuses: entries.map((entry) => ({ ...(entry.id ? { id: entry.id } : {}), name: entry.name.trim(), colour: entry.colour.toUpperCase(), kind: entry.kind })) };
    const answer = await busy(save, "Saving…", () => request("PUT", `${api}/statuses/${scope}`, body), { problem, done: `${title} saved.` });
    if (!answer.ok) {
      if (answer.status === 409) problem.textContent = `${humane(answer.error.message)} Put it back, or first move those ${scope}s to another status.`;
      return;
    }
    lists[scope] = answer.data.data;
    reset();
    state.textContent = "Saved.";
    changed();
  });
  reset();
  return form;
}

// ----- Tasks: name, status, assignees -----

function tasksCard({ api, lists, tasks, users, listeners }) {
  const list = el("ul", { class: "tasks", id: "tasks" });
  const empty = el("p", { class: "empty", id: "no-tasks" }, "No tasks yet: add the first below. Versions can then be put on them.");
  const staff = users;
  const rows = [];

  const name = el("input", { type: "text", id: "new-task-name", required: true, maxlength: 200, autocomplete: "off", placeholder: "comp" });
  let status = statusSelect(lists, null, { id: "new-task-status" });
  const people = assigneePicker(staff, [], "new-task");
  const create = el("button", { type: "submit", id: "create-task" }, "Add task");
  const problem = problemLine();
  const form = el("form", { class: "new-task", "aria-labelledby": "new-task-heading" },
    el("h3", { id: "new-task-heading" }, "New task"),
    el("div", { class: "form-row" }, field("Name", name), field("Status", status)),
    el("div", { class: "field" }, el("span", { class: "label", id: "new-task-assignees-label" }, "Assigned to"), people.element),
    problem, el("div", { class: "actions" }, create));
  people.element.setAttribute("aria-labelledby", "new-task-assignees-label");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), status: status.value, assignee_ids: people.chosen() };
    const answer = await busy(create, "Adding…", () => request("POST", `${api}/tasks`, body), { problem, done: (task) => `Task ${task.name} added.` });
    if (!answer.ok) return;
    name.value = "";
    people.set([]);
    addRow(answer.data, true);
    name.focus();
  });
  // A renamed task status renames it on the tasks too: they are read again.
  listeners.push(async () => {
    const fresh = statusSelect(lists, status.value, { id: "new-task-status" });
    status.replaceWith(fresh);
    status = fresh;
    const again = new Map((await all(`${api}/tasks`)).map((task) => [task.id, task]));
    for (const row of rows) row.statusesChanged(again.get(row.id));
  });

  function addRow(task, fresh = false) {
    const row = taskRow(task, lists, staff, (gone) => {
      rows.splice(rows.indexOf(row), 1);
      gone.remove();
      empty.hidden = rows.length > 0;
    });
    rows.push(row);
    if (fresh) list.prepend(row.element); else list.append(row.element);
    empty.hidden = true;
  }
  for (const task of tasks) addRow(task);
  empty.hidden = tasks.length > 0;

  return el("section", { class: "card tasks-card", "aria-labelledby": "tasks-heading" },
    el("h2", { id: "tasks-heading" }, "Tasks"), list, empty, form);
}

function statusSelect(lists, current, attributes = {}) {
  const names = lists.task.map((status) => status.name);
  if (current && !names.includes(current)) names.push(current);
  const select = el("select", attributes, names.map((name) => el("option", { value: name, selected: name === current }, name)));
  return select;
}

/** Staff to tick, as a menu that opens (a `<details>`): the active ones, and anyone already chosen. */
function assigneePicker(staff, chosen, prefix) {
  let picked = new Set(chosen);
  const summary = el("summary", { class: "assignee-summary" });
  const options = el("div", { class: "assignee-options" });
  const element = el("details", { class: "assignees" }, summary, options);
  const listeners = [];
  const draw = () => {
    const who = staff.filter((user) => !user.deactivated_at || picked.has(user.id));
    options.replaceChildren(...who.map((user) => {
      const box = el("input", { type: "checkbox", id: `${prefix}-${user.id}`, value: user.id, checked: picked.has(user.id) });
      box.addEventListener("change", () => {
        box.checked ? picked.add(user.id) : picked.delete(user.id);
        label();
        listeners.forEach((listener) => listener());
      });
      return el("label", { class: "check", for: box.id }, box, user.name, user.deactivated_at ? el("span", { class: "muted" }, " (deactivated)") : null);
    }));
    if (!who.length) options.append(el("p", { class: "muted" }, "No staff to assign."));
  };
  const label = () => {
    const names = staff.filter((user) => picked.has(user.id)).map((user) => user.name);
    summary.textContent = names.length ? names.join(", ") : "Nobody";
  };
  element.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && element.open) { element.open = false; summary.focus(); }
  });
  draw();
  label();
  return {
    element,
    chosen: () => staff.filter((user) => picked.has(user.id)).map((user) => user.id),
    set(ids) { picked = new Set(ids); draw(); label(); },
    onChange(listener) { listeners.push(listener); },
  };
}

function taskRow(first, lists, staff, removed) {
  let task = first;
  const name = el("input", { type: "text", class: "task-name", maxlength: 200, required: true, autocomplete: "off" });
  let status = statusSelect(lists, task.status, { class: "task-status" });
  const people = assigneePicker(staff, task.assignee_ids, `task-${task.id}`);
  const save = el("button", { type: "submit", class: "small save-task" }, "Save");
  const remove = el("button", { type: "button", class: "secondary danger small delete-task" }, "Delete");
  const problem = el("small", { class: "problem" });
  const element = el("li", { class: "task", "data-task": task.id },
    el("form", { class: "task-form" },
      name, status, people.element,
      el("span", { class: "task-actions" }, save, remove), problem));
  const form = element.firstChild;

  const labels = () => {
    name.setAttribute("aria-label", `Name of the task ${task.name}`);
    status.setAttribute("aria-label", `Status of ${task.name}`);
    people.element.querySelector("summary").setAttribute("aria-label", `Assigned to ${task.name}: ${people.element.querySelector("summary").textContent}`);
    remove.setAttribute("aria-label", `Delete the task ${task.name}`);
    save.setAttribute("aria-label", `Save ${task.name}`);
  };
  const dirty = () => name.value.trim() !== task.name || status.value !== task.status
    || people.chosen().join() !== staff.filter((user) => task.assignee_ids.includes(user.id)).map((user) => user.id).join();
  const showDirty = () => { save.disabled = !dirty(); element.classList.toggle("dirty", dirty()); labels(); };
  const fill = () => { name.value = task.name; status.value = task.status; people.set(task.assignee_ids); showDirty(); };
  name.addEventListener("input", showDirty);
  status.addEventListener("change", showDirty);
  people.onChange(showDirty);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    if (name.value.trim() !== task.name) body.name = name.value.trim();
    if (status.value !== task.status) body.status = status.value;
    const ids = people.chosen();
    if (ids.join() !== staff.filter((user) => task.assignee_ids.includes(user.id)).map((user) => user.id).join()) body.assignee_ids = ids;
    if (!Object.keys(body).length) return;
    const answer = await busy(save, "Saving…", () => request("PATCH", `/api/v1/tasks/${task.id}`, body), { problem, done: (fresh) => `Task ${fresh.name} saved.` });
    if (answer.ok) { task = answer.data; fill(); people.element.open = false; name.focus(); }
  });
  remove.addEventListener("click", async () => {
    const sure = await confirmDialog(`Delete the task “${task.name}”?`, ["Its versions stay in the project, without a task."], "Delete");
    if (!sure) return remove.focus();
    const answer = await busy(remove, "Deleting…", () => request("DELETE", `/api/v1/tasks/${task.id}`), { problem, done: `Task ${task.name} deleted.` });
    if (answer.ok) {
      const next = element.nextElementSibling?.querySelector(".task-name") || element.previousElementSibling?.querySelector(".task-name");
      removed(element);
      (next || document.getElementById("new-task-name"))?.focus();
    }
  });
  fill();
  return {
    element,
    id: task.id,
    /** The task status list changed: the select offers the new one, and the task as it now is (unless being edited). */
    statusesChanged(fresh) {
      const editing = dirty();
      const select = statusSelect(lists, editing ? status.value : fresh?.status ?? task.status, { class: "task-status" });
      select.addEventListener("change", showDirty);
      status.replaceWith(select);
      status = select;
      if (fresh) task = fresh;
      if (editing) showDirty(); else fill();
    },
  };
}
