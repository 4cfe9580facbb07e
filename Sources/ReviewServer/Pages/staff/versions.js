// A project's versions: poster, asset, number, status (editable), task, assignees, media state
// (live, with the transcode's progress), failure and reason for review; filters; a selection
// that becomes a new session or joins one; and the upload panel above.

import { all, request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { busy, field, problemLine, toast } from "/staff/ui.js";
import { followProject } from "/staff/live.js";
import { uploadPanel } from "/staff/upload.js";

const MEDIA_STATES = [["none", "No media"], ["processing", "Processing"], ["ready", "Ready"], ["failed", "Failed"]];

/** v003, as studios write version numbers. */
export function versionLabel(number) {
  return number === null || number === undefined ? "—" : `v${String(number).padStart(3, "0")}`;
}

export default async function render(page) {
  const projectId = page.params.project;
  const [project, statuses, tasks, users] = await Promise.all([
    request("GET", `/api/v1/projects/${projectId}`),
    request("GET", `/api/v1/projects/${projectId}/statuses`),
    all(`/api/v1/projects/${projectId}/tasks`),
    request("GET", "/api/v1/users?limit=500"),
  ]);
  if (!project.ok) {
    page.setTitle("No such project", [["Projects", "/staff/projects"], ["No such project"]]);
    page.main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such project"),
      el("p", {}, humane(project.error.message)), el("p", {}, el("a", { href: "/staff/projects" }, "Back to the projects"))));
    return;
  }
  const sessionsHref = `/staff/projects/${projectId}/sessions`;
  page.setTitle(project.data.name, [["Projects", "/staff/projects"], [project.data.name]]);

  const statusList = statuses.ok ? statuses.data.version : [];
  const taskNames = new Map(tasks.map((task) => [task.id, task.name]));
  const userNames = new Map(users.ok ? users.data.data.map((user) => [user.id, user.name]) : []);

  const versions = new Map(); // id → Version
  const jobs = new Map(); // version id → its latest transcode Job
  const rows = new Map(); // id → {tr, update()}
  const selected = new Set();
  let loaded = false;

  // ---- The page's parts ------------------------------------------------------------------------

  const liveDot = el("span", { class: "live-state", id: "live-state", "data-state": "connecting", role: "status" }, "Connecting…");
  const head = el("div", { class: "page-head" },
    el("h1", {}, project.data.name), project.data.code ? el("span", { class: "chip" }, project.data.code) : null,
    el("span", { class: "spacer" }), liveDot,
    el("a", { class: "button secondary", href: sessionsHref, id: "sessions-link" }, "Sessions"),
    el("a", { class: "button secondary", href: `/staff/projects/${projectId}/settings`, id: "settings-link" }, "Settings"));

  const panel = uploadPanel(project.data, {
    highest: (asset) => Math.max(0, ...[...versions.values()].filter((v) => v.asset === asset).map((v) => v.version_number ?? 0)),
    changed: (version) => merge(version, undefined, true),
  });

  const search = el("input", { type: "search", id: "filter-search", placeholder: "Name or asset", autocomplete: "off" });
  const statusFilter = el("select", { id: "filter-status" }, el("option", { value: "" }, "Any status"),
    statusList.map((status) => el("option", { value: status.name }, status.name)));
  const taskFilter = el("select", { id: "filter-task" }, el("option", { value: "" }, "Any task"), el("option", { value: "-" }, "No task"),
    tasks.map((task) => el("option", { value: task.id }, task.name)));
  const mediaFilter = el("select", { id: "filter-media" }, el("option", { value: "" }, "Any media state"),
    MEDIA_STATES.map(([value, label]) => el("option", { value }, label)));
  for (const control of [search, statusFilter, taskFilter, mediaFilter]) {
    control.addEventListener("input", applyFilters);
    control.addEventListener("change", applyFilters);
  }
  const shownCount = el("span", { class: "muted", id: "shown-count", "aria-live": "polite" });
  const filters = el("div", { class: "filters", role: "search", "aria-label": "Filter the versions" },
    field("Search", search), field("Status", statusFilter), field("Task", taskFilter), field("Media", mediaFilter), shownCount);

  const selectedCount = el("span", { id: "selected-count" }, "Nothing selected");
  const newSession = el("button", { type: "button", id: "new-session", onclick: () => createSession() }, "New session");
  const addToSession = el("button", { type: "button", class: "secondary", id: "add-to-session", onclick: () => chooseSession() }, "Add to session…");
  const clearSelection = el("button", { type: "button", class: "link", onclick: () => { selected.clear(); showSelection(); } }, "Clear selection");
  const selectionProblem = problemLine();
  const selectionBar = el("div", { class: "selection-bar" }, selectedCount, clearSelection, el("span", { class: "spacer" }), addToSession, newSession);

  const selectAll = el("input", { type: "checkbox", id: "select-all", "aria-label": "Select every version shown" });
  selectAll.addEventListener("change", () => {
    for (const [id, row] of rows) if (!row.tr.hidden) selectAll.checked ? selected.add(id) : selected.delete(id);
    showSelection();
  });
  const tbody = el("tbody", { id: "versions-body" });
  const emptyRow = el("tr", { class: "empty-row" }, el("td", { colspan: 10, class: "empty" }, "Loading the versions…"));
  tbody.append(emptyRow);
  const table = el("table", { class: "list versions", id: "versions" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", class: "col-check" }, selectAll),
      el("th", { scope: "col", class: "col-poster" }, el("span", { class: "visually-hidden" }, "Poster")),
      el("th", { scope: "col" }, "Asset"),
      el("th", { scope: "col", class: "col-number" }, "Version"),
      el("th", { scope: "col" }, "Status"),
      el("th", { scope: "col", class: "col-task" }, "Task"),
      el("th", { scope: "col", class: "col-assignees" }, "Assignees"),
      el("th", { scope: "col", class: "col-media" }, "Media"),
      el("th", { scope: "col", class: "col-reason" }, "Reason for review"))),
    tbody);

  page.main.replaceChildren(head, panel.element,
    el("section", { class: "versions-section", "aria-label": "Versions" }, filters, selectionBar, selectionProblem, el("div", { class: "table-scroll" }, table)));

  // Drops anywhere on the page go to the upload panel.
  let dragDepth = 0;
  page.main.addEventListener("dragenter", (event) => { if (hasFiles(event)) { dragDepth++; panel.zone.classList.add("over"); } });
  page.main.addEventListener("dragleave", () => { if (--dragDepth <= 0) { dragDepth = 0; panel.zone.classList.remove("over"); } });
  page.main.addEventListener("dragover", (event) => { if (hasFiles(event)) { event.preventDefault(); event.dataTransfer.dropEffect = "copy"; } });
  page.main.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    panel.zone.classList.remove("over");
    panel.accept(event.dataTransfer);
  });

  // ---- Rows ------------------------------------------------------------------------------------

  /** Takes a version (from the stream, a REST answer or the upload panel), keeping the newest. */
  function merge(version, job, fresh = false) {
    const known = versions.get(version.id);
    if (known && !fresh && known.updated_at > version.updated_at) return;
    versions.set(version.id, version);
    if (job !== undefined) jobs.set(version.id, job);
    if (version.task_id && !taskNames.has(version.task_id)) refreshTasks();
    let row = rows.get(version.id);
    if (!row) {
      row = versionRow(version.id);
      rows.set(version.id, row);
      if (!batching) placeRow(version.id);
    }
    row.update();
    panel.seen(version);
    if (!batching) applyFilters();
  }

  /** While a whole list is merged, rows are placed and filtered once at the end, not once each. */
  let batching = false;
  function mergeAll(list) {
    batching = true;
    try { for (const version of list) merge(version); } finally { batching = false; }
    const order = [...rows.keys()].sort((a, b) => (versions.get(b).created_at > versions.get(a).created_at ? 1 : -1));
    tbody.append(...order.map((id) => rows.get(id).tr));
    applyFilters();
  }

  /** Rows newest first: a new version goes above the older ones. */
  function placeRow(id) {
    const mine = versions.get(id).created_at;
    const row = rows.get(id).tr;
    const after = [...tbody.querySelectorAll("tr[data-version]")].find((tr) => versions.get(tr.dataset.version).created_at < mine);
    tbody.insertBefore(row, after || null);
  }

  function versionRow(id) {
    const check = el("input", { type: "checkbox", class: "select-version" });
    check.addEventListener("change", () => { check.checked ? selected.add(id) : selected.delete(id); showSelection(); });
    const poster = el("td", { class: "col-poster" });
    const asset = el("td", { class: "col-asset" });
    const number = el("td", { class: "col-number" });
    const status = el("select", { class: "status-select" });
    status.addEventListener("change", () => saveStatus(id, status));
    const task = el("td", { class: "col-task" });
    const assignees = el("td", { class: "col-assignees" });
    const media = el("td", { class: "col-media" });
    const reason = el("td", { class: "col-reason" });
    const tr = el("tr", { "data-version": id }, el("td", { class: "col-check" }, check), poster, asset, number,
      el("td", { class: "col-status" }, status), task, assignees, media, reason);
    let posterFor = null;

    function update() {
      const version = versions.get(id);
      const job = jobs.get(id);
      const name = version.name;
      check.checked = selected.has(id);
      check.setAttribute("aria-label", `Select ${name}`);
      tr.dataset.media = version.media_state;
      // The poster once there is one; a placeholder saying why not meanwhile.
      const wanted = version.media_state === "ready" ? "ready" : version.media_state;
      if (posterFor !== wanted) {
        posterFor = wanted;
        poster.replaceChildren(wanted === "ready" ? posterImage(id, name) : el("div", { class: `poster-placeholder ${version.media_state}` },
          { none: "No media", processing: "Processing…", failed: "Failed" }[version.media_state] || ""));
      }
      asset.replaceChildren(...[el("a", { class: "asset-name", href: `/staff/versions/${encodeURIComponent(id)}`, title: `Open ${name}` }, version.asset || name),
        version.asset && version.asset !== name ? el("small", { class: "muted version-name" }, name) : null].filter(Boolean));
      number.textContent = versionLabel(version.version_number);
      if (document.activeElement !== status && !status.disabled) fillStatus(status, version.status, name);
      task.textContent = version.task_id ? taskNames.get(version.task_id) || "…" : "—";
      const names = (version.assignee_ids || []).map((user) => userNames.get(user) || "Someone");
      assignees.textContent = names.length ? names.join(", ") : "—";
      media.replaceChildren(...mediaState(version, job).filter(Boolean));
      reason.textContent = version.default_reason || "";
      reason.title = version.default_reason || "";
    }
    return { tr, update, check };
  }

  function posterImage(id, name) {
    const image = el("img", { src: `/api/v1/versions/${id}/download/poster`, alt: `Poster of ${name}`, loading: "lazy", decoding: "async", width: 96, height: 54 });
    image.addEventListener("error", () => image.replaceWith(el("div", { class: "poster-placeholder" }, "No poster")));
    return image;
  }

  function fillStatus(select, current, name) {
    const names = statusList.map((status) => status.name);
    if (!names.includes(current)) names.push(current);
    if (select.options.length !== names.length || [...select.options].some((option, i) => option.value !== names[i])) {
      select.replaceChildren(...names.map((status) => el("option", { value: status }, status)));
    }
    select.value = current;
    select.setAttribute("aria-label", `Status of ${name}`);
    const colour = statusList.find((status) => status.name === current)?.colour;
    if (colour) select.style.setProperty("--status-colour", colour); else select.style.removeProperty("--status-colour");
  }

  function mediaState(version, job) {
    const state = version.media_state;
    if (state === "ready") return [el("span", { class: "chip good" }, "Ready")];
    if (state === "none") return [el("span", { class: "chip" }, "No media")];
    if (state === "failed") {
      const why = version.media_error || job?.last_error || "";
      return [el("span", { class: "chip bad" }, "Failed"), why ? el("small", { class: "media-error" }, humane(why)) : null];
    }
    const queued = !job || job.state === "queued";
    const total = job?.progress_total || 0;
    const done = job?.progress_done || 0;
    const percent = total ? Math.floor((done / total) * 100) : 0;
    return [el("span", { class: "chip warn" }, queued ? "Queued" : "Processing"),
      el("progress", { class: "media-progress", max: Math.max(total, 1), value: total ? done : 0, "aria-label": `Processing ${version.name}` }),
      total && !queued ? el("small", { class: "muted" }, `${percent}% · frame ${done} of ${total}`) : null];
  }

  async function saveStatus(id, select) {
    const before = versions.get(id).status;
    const wanted = select.value;
    select.disabled = true;
    const answer = await request("PATCH", `/api/v1/versions/${id}`, { status: wanted });
    select.disabled = false;
    if (answer.ok) {
      merge(answer.data, undefined, true);
      toast(`${answer.data.name}: ${wanted}.`);
    } else {
      select.value = before;
      toast(humane(answer.error.message), "bad");
    }
    select.focus();
  }

  let tasksLoading = null;
  function refreshTasks() {
    tasksLoading ||= all(`/api/v1/projects/${projectId}/tasks`).then((found) => {
      for (const task of found) {
        if (!taskNames.has(task.id)) taskFilter.append(el("option", { value: task.id }, task.name));
        taskNames.set(task.id, task.name);
      }
      for (const row of rows.values()) row.update();
      setTimeout(() => { tasksLoading = null; }, 5000);
    });
  }

  // ---- Filters and selection ---------------------------------------------------------------

  function matches(version) {
    const words = search.value.trim().toLowerCase();
    if (words && !`${version.name} ${version.asset || ""}`.toLowerCase().includes(words)) return false;
    if (statusFilter.value && version.status !== statusFilter.value) return false;
    if (taskFilter.value === "-" ? version.task_id : taskFilter.value && version.task_id !== taskFilter.value) return false;
    if (mediaFilter.value && version.media_state !== mediaFilter.value) return false;
    return true;
  }

  function applyFilters() {
    let shown = 0;
    for (const [id, row] of rows) {
      row.tr.hidden = !matches(versions.get(id));
      if (!row.tr.hidden) shown++;
    }
    const filtering = search.value || statusFilter.value || taskFilter.value || mediaFilter.value;
    shownCount.textContent = filtering ? `${shown} of ${rows.size} shown` : `${rows.size} version${rows.size === 1 ? "" : "s"}`;
    if (!loaded && !rows.size) return;
    if (!rows.size) {
      emptyRow.firstChild.replaceChildren("No versions yet: drop files here, or use Choose files above.");
      tbody.append(emptyRow);
    } else if (!shown) {
      emptyRow.firstChild.replaceChildren("No versions match the filters. ",
        el("button", { type: "button", class: "link", onclick: resetFilters }, "Show them all"));
      tbody.append(emptyRow);
    } else {
      emptyRow.remove();
    }
    showSelection();
  }

  function resetFilters() {
    search.value = statusFilter.value = taskFilter.value = mediaFilter.value = "";
    applyFilters();
  }

  function showSelection() {
    for (const id of [...selected]) if (!versions.has(id)) selected.delete(id);
    const hidden = [...selected].filter((id) => rows.get(id)?.tr.hidden).length;
    selectedCount.textContent = selected.size
      ? `${selected.size} selected${hidden ? ` (${hidden} hidden by the filters)` : ""}`
      : "Nothing selected";
    newSession.disabled = addToSession.disabled = !selected.size;
    clearSelection.hidden = !selected.size;
    for (const [id, row] of rows) row.check.checked = selected.has(id);
    const visible = [...rows].filter(([, row]) => !row.tr.hidden);
    const chosen = visible.filter(([id]) => selected.has(id)).length;
    selectAll.checked = visible.length > 0 && chosen === visible.length;
    selectAll.indeterminate = chosen > 0 && chosen < visible.length;
  }

  /** The selection in the table's order (newest first, as shown). */
  function selection() {
    return [...tbody.querySelectorAll("tr[data-version]")].map((tr) => tr.dataset.version).filter((id) => selected.has(id));
  }

  async function createSession() {
    const answer = await busy(newSession, "Creating…",
      () => request("POST", `/api/v1/projects/${projectId}/sessions`, { version_ids: selection() }),
      { problem: selectionProblem, done: "Session created." });
    if (answer.ok) location.assign(`/staff/sessions/${answer.data.id}`);
  }

  /** The session-pick dialog (shared with the session pages), set to add to an existing session. */
  async function chooseSession() {
    const { sessionFromVersions } = await import("/staff/session-pick.js");
    await sessionFromVersions({ projectID: projectId, versionIDs: selection(), organization: page.organization, adding: true });
    addToSession.focus();
  }

  // ---- Loading, and following the live channel ----------------------------------------------

  async function load() {
    const answer = [];
    let ok = true;
    for (let offset = 0; ; offset += 500) {
      const part = await request("GET", `/api/v1/projects/${projectId}/versions?limit=500&offset=${offset}`);
      if (!part.ok) { ok = false; toast(humane(part.error.message), "bad"); break; }
      answer.push(...part.data.data);
      if (!part.data.data.length || answer.length >= part.data.pagination.total) break;
    }
    if (!ok && loaded) return;
    const ids = new Set(answer.map((version) => version.id));
    mergeAll(answer);
    // What the list no longer has went while the stream was away.
    if (ok) for (const id of [...versions.keys()]) if (!ids.has(id)) drop(id);
    loaded = true;
    applyFilters();
  }

  function drop(id) {
    versions.delete(id);
    jobs.delete(id);
    selected.delete(id);
    rows.get(id)?.tr.remove();
    rows.delete(id);
    applyFilters();
  }

  // While the stream is away, the list is reloaded now and then, so the page never goes stale.
  let liveNow = false;
  setInterval(() => { if (!liveNow && loaded && !document.hidden) load(); }, 10000);

  followProject(projectId, {
    version: ({ version, job }) => merge(version, job ?? null),
    removed: drop,
    ready: load,
    state: (state) => {
      liveDot.dataset.state = state;
      liveNow = state === "live";
      liveDot.textContent = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" }[state];
      liveDot.title = state === "live" ? "Media states and progress update by themselves" : "Changes appear once the page is connected again";
      // Without the stream the list is still worth showing.
      if (state === "reconnecting" && !loaded) load();
    },
  });
  showSelection();
}

function hasFiles(event) {
  return Array.from(event.dataTransfer?.types || []).includes("Files");
}
