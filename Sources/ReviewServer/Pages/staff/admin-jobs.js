// The job queue and its workers (admins): each job's kind, what it works on, state and
// progress, tries and error; cancel and retry; filters by state, kind, project and version
// (kept in the address, so a reload or a shared link shows the same). The list refreshes by
// itself every few seconds while jobs are queued or running, and now and then otherwise.

import { all, request } from "/common/api.js";
import { ago, el, humane } from "/common/dom.js";
import { busy, field, problemLine, toast } from "/staff/ui.js";
import { adminHead, adminPage } from "/staff/admin-shared.js";
import { versionLabel } from "/staff/versions.js";

const STATES = [["queued", "Queued", "warn"], ["running", "Running", "warn"], ["failed", "Failed", "bad"],
  ["cancelled", "Cancelled", ""], ["succeeded", "Succeeded", "good"]];
const KINDS = [["transcode", "Transcode"], ["report", "Report"], ["receipt", "Frame receipt"], ["notify", "Notification"],
  ["mail", "Mail"], ["webhook", "Webhook"]];
const BUSY_MS = 3000; // while something is queued or running
const IDLE_MS = 15000;
const PAGE = 100;

export default async function render(page) {
  if (!adminPage(page, "Jobs and workers")) return;
  const wanted = new URLSearchParams(location.search);

  // ---- Filters ---------------------------------------------------------------------------------
  const stateFilter = el("select", { id: "job-state" }, el("option", { value: "" }, "Any state"),
    STATES.map(([value, label]) => el("option", { value, selected: wanted.get("state") === value }, label)));
  const kindFilter = el("select", { id: "job-kind" }, el("option", { value: "" }, "Any kind"),
    KINDS.map(([value, label]) => el("option", { value, selected: wanted.get("kind") === value }, label)));
  const projectFilter = el("select", { id: "job-project" }, el("option", { value: "" }, "Any project"));
  const versionFilter = el("select", { id: "job-version", disabled: true }, el("option", { value: "" }, "Any version"));
  const refreshButton = el("button", { type: "button", class: "secondary", id: "refresh-jobs" }, "Refresh");
  const filters = el("div", { class: "filters", role: "search", "aria-label": "Filter the jobs" },
    field("State", stateFilter), field("Kind", kindFilter), field("Project", projectFilter), field("Version", versionFilter), refreshButton);

  const workers = el("div", { id: "workers", "aria-live": "polite" }, el("p", { class: "loading" }, "Looking for workers…"));
  const shownCount = el("span", { class: "muted", id: "jobs-count" });
  const freshness = el("span", { class: "muted refresh-state", id: "jobs-refreshed", role: "status" });
  const problem = problemLine();
  problem.id = "jobs-problem";
  const body = el("tbody", { id: "jobs-body" });
  const emptyRow = el("tr", { class: "empty-row" }, el("td", { colspan: 6, class: "empty" }, "Loading the jobs…"));
  body.append(emptyRow);
  const table = el("table", { class: "list jobs", id: "jobs" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Job"), el("th", { scope: "col", class: "col-state" }, "State"), el("th", { scope: "col", class: "col-tries" }, "Tries"),
      el("th", { scope: "col", class: "col-time" }, "Queued"), el("th", { scope: "col", class: "col-time" }, "Ended"),
      el("th", { scope: "col", class: "col-actions" }, el("span", { class: "visually-hidden" }, "Actions")))),
    body);
  const more = el("button", { type: "button", class: "secondary", id: "more-jobs", hidden: true }, "Show older jobs");

  page.main.replaceChildren(adminHead("/staff/admin/jobs"),
    el("section", { class: "card workers-card", "aria-labelledby": "workers-heading" },
      el("h2", { id: "workers-heading" }, "Workers"), workers),
    el("section", { class: "jobs-section", "aria-labelledby": "jobs-heading" },
      el("div", { class: "card-head" }, el("h2", { id: "jobs-heading" }, "Jobs"), shownCount, el("span", { class: "spacer" }), freshness),
      filters, problem, el("div", { class: "table-scroll" }, table), el("div", { class: "actions more-line" }, more)));

  // ---- Names: projects, versions, sessions ------------------------------------------------------
  const projects = await all("/api/v1/projects");
  projectFilter.append(...projects.map((project) => el("option", { value: project.id }, project.name)));
  const versionNames = new Map(); // version id → Promise<{name, project_id} | null>
  const sessionTitles = new Map(); // session id → Promise<string | null>

  async function chooseProject(projectID, versionID = "") {
    projectFilter.value = projectID;
    versionFilter.replaceChildren(el("option", { value: "" }, "Any version"));
    versionFilter.disabled = !projectID;
    if (!projectID) return;
    const versions = await all(`/api/v1/projects/${encodeURIComponent(projectID)}/versions`);
    if (projectFilter.value !== projectID) return; // chosen again meanwhile
    for (const version of versions) versionNames.set(version.id, Promise.resolve(version));
    versions.sort((a, b) => `${a.asset || a.name}`.localeCompare(`${b.asset || b.name}`) || (a.version_number ?? 0) - (b.version_number ?? 0));
    versionFilter.append(...versions.map((version) => el("option", { value: version.id, selected: version.id === versionID },
      version.version_number === null || version.version_number === undefined || version.name.includes(versionLabel(version.version_number))
        ? version.name : `${version.name} (${versionLabel(version.version_number)})`)));
  }
  if (wanted.get("project") && projects.some((project) => project.id === wanted.get("project"))) {
    await chooseProject(wanted.get("project"), wanted.get("version") || "");
  }

  function versionName(id) {
    if (!versionNames.has(id)) {
      versionNames.set(id, request("GET", `/api/v1/versions/${encodeURIComponent(id)}`).then((answer) => answer.ok ? answer.data : null));
    }
    return versionNames.get(id);
  }
  function sessionTitle(id) {
    if (!sessionTitles.has(id)) {
      sessionTitles.set(id, request("GET", `/api/v1/sessions/${encodeURIComponent(id)}`).then((answer) => answer.ok ? answer.data.title : null));
    }
    return sessionTitles.get(id);
  }

  // ---- Rows ------------------------------------------------------------------------------------
  const rows = new Map(); // job id → {tr, update(job)}
  let jobs = [];
  let limit = PAGE;

  function jobRow(first) {
    let job = first;
    const what = el("div", { class: "job-what" });
    const error = el("small", { class: "job-error" });
    const stateCell = el("td", { class: "col-state" });
    const tries = el("td", { class: "col-tries" });
    const queued = el("td", { class: "col-time" });
    const ended = el("td", { class: "col-time" });
    const cancel = el("button", { type: "button", class: "secondary small cancel-job" }, "Cancel");
    const retry = el("button", { type: "button", class: "secondary small retry-job" }, "Retry");
    const rowProblem = el("small", { class: "problem" });
    const tr = el("tr", { "data-job": job.id },
      el("td", { class: "col-job" }, el("div", { class: "job-kind" }, el("span", { class: "chip" }, kindLabel(job.kind)), what), error),
      stateCell, tries, queued, ended, el("td", { class: "col-actions" }, cancel, retry, rowProblem));
    let shownState = null;

    describe(job, what);
    cancel.addEventListener("click", async () => {
      const answer = await busy(cancel, "Cancelling…", () => request("POST", `/api/v1/jobs/${job.id}/cancel`),
        { problem: rowProblem, done: (fresh) => fresh.state === "cancelled" ? "Job cancelled." : "Cancelling: the worker stops it within seconds." });
      if (answer.ok) { update(answer.data); soon(); }
      (retry.hidden ? cancel : retry).focus();
    });
    retry.addEventListener("click", async () => {
      const answer = await busy(retry, "Retrying…", () => request("POST", `/api/v1/jobs/${job.id}/retry`),
        { problem: rowProblem, done: "Queued again." });
      if (answer.ok) { update(answer.data); soon(); }
      (cancel.hidden ? retry : cancel).focus();
    });

    function update(fresh) {
      job = fresh;
      tr.dataset.state = job.state;
      const running = job.state === "running";
      const [, label, tone] = STATES.find(([state]) => state === job.state) || [job.state, job.state, ""];
      const stateKey = `${job.state}:${job.cancel_requested}:${job.progress_done}/${job.progress_total}`;
      if (stateKey !== shownState) {
        shownState = stateKey;
        const total = job.progress_total || 0;
        const percent = total ? Math.floor((job.progress_done / total) * 100) : 0;
        put(stateCell, el("span", { class: `chip ${tone}` }, job.cancel_requested && !["cancelled", "failed", "succeeded"].includes(job.state) ? "Cancelling" : label),
          running && total ? el("progress", { max: total, value: job.progress_done, "aria-label": `${kindLabel(job.kind)} progress` }) : null,
          running && total ? el("small", { class: "muted" }, `${percent}% · ${job.progress_done} of ${total}`) : null,
          job.state === "queued" && Date.parse(job.run_after) > Date.now() + 1000 ? el("small", { class: "muted" }, "waits until ", ago(job.run_after)) : null);
      }
      tries.textContent = `${job.attempts} of ${job.max_attempts}`;
      queued.replaceChildren(ago(job.created_at));
      ended.replaceChildren(job.finished_at ? ago(job.finished_at) : running && job.lease_owner ? el("span", { class: "muted" }, `on ${job.lease_owner}`) : "—");
      error.textContent = job.last_error ? humane(job.last_error) : "";
      error.hidden = !job.last_error;
      cancel.hidden = !["queued", "running"].includes(job.state) || job.cancel_requested;
      retry.hidden = !["failed", "cancelled"].includes(job.state);
      cancel.setAttribute("aria-label", `Cancel the ${kindLabel(job.kind).toLowerCase()} job`);
      retry.setAttribute("aria-label", `Retry the ${kindLabel(job.kind).toLowerCase()} job`);
    }
    update(job);
    return { tr, update, get job() { return job; } };
  }

  /** What a job works on, from its payload: a version, a session, a report, a mail. */
  function describe(job, node) {
    let payload = {};
    try { payload = JSON.parse(job.payload) || {}; } catch { payload = {}; }
    if (payload.version_id) {
      node.replaceChildren(el("span", { class: "muted" }, "…"));
      versionName(payload.version_id).then((version) => {
        put(node, version
          ? el("a", { href: `/staff/projects/${encodeURIComponent(version.project_id)}` }, version.name)
          : el("span", { class: "muted" }, "a version since deleted"),
        payload.profile ? el("small", { class: "muted" }, ` · ${payload.profile}`) : null);
      });
    } else if (payload.session_id) {
      node.replaceChildren(el("span", { class: "muted" }, "…"));
      sessionTitle(payload.session_id).then((title) => put(node, title
        ? el("a", { href: `/staff/sessions/${encodeURIComponent(payload.session_id)}` }, title)
        : el("span", { class: "muted" }, "a session since deleted"),
      payload.recipient ? el("small", { class: "muted" }, payload.recipient.kind === "staff" ? " · to staff" : " · to a collaborator") : null));
    } else if (job.kind === "webhook") {
      node.replaceChildren(el("span", {}, payload.event || "delivery"));
    } else {
      node.replaceChildren(el("span", { class: "muted" }, { report: "PDF report", mail: "Mail delivery", receipt: "Frame still of a comment" }[job.kind] || ""));
    }
  }

  // ---- Loading -----------------------------------------------------------------------------------
  let timer = null;
  let loading = null;

  function query() {
    const parts = new URLSearchParams({ limit: String(limit) });
    if (stateFilter.value) parts.set("state", stateFilter.value);
    if (kindFilter.value) parts.set("kind", kindFilter.value);
    if (projectFilter.value) parts.set("project_id", projectFilter.value);
    if (versionFilter.value) parts.set("version_id", versionFilter.value);
    return parts.toString();
  }

  function remember() {
    const shown = new URLSearchParams();
    if (stateFilter.value) shown.set("state", stateFilter.value);
    if (kindFilter.value) shown.set("kind", kindFilter.value);
    if (projectFilter.value) shown.set("project", projectFilter.value);
    if (versionFilter.value) shown.set("version", versionFilter.value);
    const search = shown.toString();
    history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
  }

  let again = false; // asked for while a load was under way: once more after it, with the filters as they are then

  async function load({ button = null } = {}) {
    clearTimeout(timer);
    if (loading) { again = true; return loading; }
    loading = (async () => {
      const asked = query();
      // Asked for (a button): progress and a toast on failure. By itself: the line above the list says it, quietly.
      const ask = () => request("GET", `/api/v1/jobs?${asked}`);
      const answer = button ? await busy(button, button === more ? "Loading…" : "Refreshing…", ask) : await ask();
      if (asked !== query()) return false; // the filters changed meanwhile: the newer load shows
      if (!answer.ok) {
        problem.textContent = `The jobs could not be read: ${humane(answer.error.message)}`;
        freshness.textContent = "Not up to date";
        return false;
      }
      problem.textContent = "";
      jobs = answer.data.data;
      const total = answer.data.pagination.total;
      show(total, answer.data.data.length < total);
      freshness.textContent = `Updated ${new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(new Date())}`;
      return true;
    })();
    try { return await loading; } finally {
      loading = null;
      if (again) { again = false; load(); } else schedule();
    }
  }

  function show(total, older) {
    const keep = new Set(jobs.map((job) => job.id));
    for (const [id, row] of rows) if (!keep.has(id)) { row.tr.remove(); rows.delete(id); }
    // Rows move only when out of place, so a focused button keeps its focus across refreshes.
    jobs.forEach((job, index) => {
      let row = rows.get(job.id);
      if (!row) { row = jobRow(job); rows.set(job.id, row); } else row.update(job);
      if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] || null);
    });
    if (!jobs.length) {
      const filtering = stateFilter.value || kindFilter.value || projectFilter.value || versionFilter.value;
      emptyRow.firstChild.replaceChildren(filtering ? "No job matches the filters. " : "No jobs yet: uploads, reports and mails make them.",
        filtering ? el("button", { type: "button", class: "link", onclick: resetFilters }, "Show every job") : "");
      body.append(emptyRow);
    } else emptyRow.remove();
    shownCount.textContent = total ? `${jobs.length === total ? total : `${jobs.length} of ${total}`} job${total === 1 ? "" : "s"}` : "";
    more.hidden = !older || limit >= 500;
  }

  function busyNow() {
    return jobs.some((job) => job.state === "queued" || job.state === "running");
  }

  function schedule() {
    clearTimeout(timer);
    const every = busyNow() ? BUSY_MS : IDLE_MS;
    freshness.title = busyNow() ? "Refreshing every 3 seconds while jobs are queued or running" : "Refreshing every 15 seconds";
    timer = setTimeout(() => { if (document.hidden) schedule(); else { load(); loadWorkers(); } }, every);
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(() => load(), 1000);
  }

  async function loadWorkers() {
    const answer = await request("GET", "/api/v1/workers");
    if (!answer.ok) {
      workers.replaceChildren(el("p", { class: "problem" }, `The workers could not be read: ${humane(answer.error.message)}`));
      return;
    }
    const alive = answer.data.data;
    if (!alive.length) {
      workers.replaceChildren(el("p", { class: "warn-line", id: "no-workers" },
        "No worker is running: jobs wait in the queue until one starts (", el("code", {}, "dailies worker"), ", or ", el("code", {}, "dailies serve"), " with its own)."));
      return;
    }
    workers.replaceChildren(el("ul", { class: "worker-list" }, alive.map((worker) => el("li", { "data-worker": worker.id },
      el("span", { class: "worker-dot", "aria-hidden": "true" }),
      el("strong", {}, worker.host), " ",
      el("span", { class: "muted" }, `${worker.id} · pid ${worker.pid} · ${worker.concurrency} transcode lane${worker.concurrency === 1 ? "" : "s"} · started `, ago(worker.started_at),
        " · seen ", ago(worker.heartbeat_at))))));
  }

  function resetFilters() {
    stateFilter.value = kindFilter.value = "";
    chooseProject("").then(changed);
  }

  function changed() {
    limit = PAGE;
    remember();
    load();
  }

  stateFilter.addEventListener("change", changed);
  kindFilter.addEventListener("change", changed);
  projectFilter.addEventListener("change", async () => { await chooseProject(projectFilter.value); changed(); });
  versionFilter.addEventListener("change", changed);
  refreshButton.addEventListener("click", async () => {
    loadWorkers();
    if (await load({ button: refreshButton })) toast("Jobs refreshed.");
  });
  more.addEventListener("click", () => { limit = Math.min(500, limit + PAGE); load({ button: more }); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) { load(); loadWorkers(); } });

  loadWorkers();
  await load();
}

/** replaceChildren, leaving out the parts that are not there (it would show "null"). */
function put(node, ...parts) {
  node.replaceChildren(...parts.filter((part) => part !== null && part !== undefined && part !== false));
}

function kindLabel(kind) {
  return KINDS.find(([value]) => value === kind)?.[1] || kind;
}
