// A project's review sessions, grouped by where they are in their life (open, scheduled,
// expired, closed), each with its schedule in the studio's time zone; "New session" makes an
// empty one and goes to its setup page.

import { all, request } from "/common/api.js";
import { el } from "/common/dom.js";
import { busy, problemLine } from "/staff/ui.js";
import { sessionState, sessionStates, showSchedule, studioZone, zoneLabel } from "/staff/session-schedule.js";

export default async function render(page) {
  const projectID = page.params.project;
  const projectAnswer = await request("GET", `/api/v1/projects/${encodeURIComponent(projectID)}`);
  if (!projectAnswer.ok) {
    page.setTitle("Sessions", [["Projects", "/staff/projects"], ["Sessions"]]);
    page.main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such project"),
      el("p", {}, projectAnswer.error.message), el("p", {}, el("a", { href: "/staff/projects" }, "Go to the projects"))));
    return;
  }
  const project = projectAnswer.data;
  const projectPath = `/staff/projects/${encodeURIComponent(project.id)}`;
  page.setTitle(`Sessions · ${project.name}`, [["Projects", "/staff/projects"], [project.name, projectPath], ["Sessions"]]);
  const zone = studioZone(page.organization);

  const problem = problemLine();
  const create = el("button", { type: "button", id: "new-session" }, "New session");
  create.addEventListener("click", async () => {
    const answer = await busy(create, "Creating…",
      () => request("POST", `/api/v1/projects/${encodeURIComponent(project.id)}/sessions`, {}), { problem });
    if (answer.ok) location.assign(`/staff/sessions/${encodeURIComponent(answer.data.id)}`);
  });

  const groups = el("div", { class: "session-groups", "aria-busy": "true" }, el("p", { class: "loading" }, "Loading the sessions…"));
  page.main.replaceChildren(
    el("div", { class: "page-head" },
      el("h1", {}, "Review sessions"),
      el("span", { class: "muted" }, project.name),
      el("span", { class: "spacer" }),
      el("a", { class: "button secondary", href: projectPath }, "Versions"),
      create),
    problem,
    el("p", { class: "muted zone-note" }, `Times in the studio's time zone, ${zoneLabel(zone)}.`),
    groups,
  );

  const sessions = await all(`/api/v1/projects/${encodeURIComponent(project.id)}/sessions`);
  groups.removeAttribute("aria-busy");
  if (!sessions.length) {
    groups.replaceChildren(el("div", { class: "card empty" }, el("p", {}, "No review sessions yet."),
      el("p", {}, "Make one with “New session”, then add versions and collaborators to it.")));
    return;
  }
  const now = Date.now();
  const counts = new Map();
  groups.replaceChildren(...sessionStates.map(({ state, heading, chip, empty }) => {
    const mine = sessions.filter((session) => sessionState(session, now) === state);
    // Open ones by the soonest to end, scheduled ones by the soonest to start; the rest stay newest first.
    if (state === "open") mine.sort((a, b) => Date.parse(a.ends_at) - Date.parse(b.ends_at));
    if (state === "scheduled") mine.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    return el("section", { class: "session-group", id: `sessions-${state}`, "aria-labelledby": `heading-${state}` },
      el("h2", { id: `heading-${state}` }, heading, " ", el("span", { class: "count" }, String(mine.length))),
      mine.length ? sessionTable(mine, zone, state, chip, counts) : el("p", { class: "muted group-empty" }, empty));
  }));
  fillCounts(counts);
}

/** One group's sessions: title (the link to its page), schedule, items, collaborators. */
function sessionTable(sessions, zone, state, chip, counts) {
  return el("table", { class: "list sessions" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Session"), el("th", { scope: "col" }, "Schedule"),
      el("th", { scope: "col", class: "number" }, "Items"), el("th", { scope: "col", class: "number" }, "People"))),
    el("tbody", {}, sessions.map((session) => {
      const items = el("td", { class: "number", "data-label": "Items" }, "…");
      const people = el("td", { class: "number", "data-label": "People" }, "…");
      counts.set(session.id, { items, people });
      return el("tr", { "data-session": session.id },
        el("td", { class: "title" },
          el("a", { href: `/staff/sessions/${encodeURIComponent(session.id)}` }, session.title),
          " ", el("span", { class: `chip ${chip}` }, state),
          session.has_passphrase ? el("span", { class: "chip", title: "Collaborators type a passphrase" }, "passphrase") : null,
          session.description ? el("div", { class: "muted description" }, session.description.split("\n")[0]) : null),
        el("td", { class: "schedule" }, showSchedule(session.starts_at, session.ends_at, zone)),
        items, people);
    })));
}

/** The item and collaborator counts, a few requests at a time, filled in as they come. */
async function fillCounts(counts) {
  const queue = [...counts.entries()];
  const worker = async () => {
    while (queue.length) {
      const [id, cells] = queue.shift();
      const [items, people] = await Promise.all([
        request("GET", `/api/v1/sessions/${encodeURIComponent(id)}/items`),
        request("GET", `/api/v1/sessions/${encodeURIComponent(id)}/collaborators`),
      ]);
      cells.items.textContent = items.ok ? String(items.data.pagination?.total ?? items.data.data.length) : "–";
      cells.people.textContent = people.ok ? String(people.data.pagination?.total ?? people.data.data.length) : "–";
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}
