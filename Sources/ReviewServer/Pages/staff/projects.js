// The projects: a list (name, code, created) with each one's versions and sessions, and a form
// to create one, which then opens its versions page, where its media is uploaded.

import { all, request } from "/common/api.js";
import { ago, el } from "/common/dom.js";
import { busy, field, problemLine } from "/staff/ui.js";

export default async function render(page) {
  page.setTitle("Projects", [["Projects"]]);
  const name = el("input", { type: "text", name: "name", required: true, maxlength: 200, autocomplete: "off", placeholder: "Feature" });
  const code = el("input", { type: "text", name: "code", maxlength: 32, autocomplete: "off", placeholder: "FT" });
  const create = el("button", { type: "submit", id: "create-project" }, "Create project");
  const problem = problemLine();
  const form = el("form", { class: "card create-project", id: "create-project-form", "aria-labelledby": "create-title" },
    el("h2", { id: "create-title" }, "New project"),
    el("div", { class: "form-row" }, field("Name", name), field("Code", code, "Optional: a short code, such as FT"), create),
    problem);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim() };
    if (code.value.trim()) body.code = code.value.trim();
    const answer = await busy(create, "Creating…", () => request("POST", "/api/v1/projects", body),
      { problem, done: (project) => `Project ${project.name} created.` });
    if (answer.ok) location.assign(`/staff/projects/${answer.data.id}`);
  });

  const list = el("div", { id: "project-list" }, el("p", { class: "loading" }, "Loading the projects…"));
  page.main.replaceChildren(el("div", { class: "page-head" }, el("h1", {}, "Projects")), list, form);

  const projects = await all("/api/v1/projects");
  if (!projects.length) {
    list.replaceChildren(el("div", { class: "card empty" }, "No projects yet: create the first one below, then drop its media on its page."));
    name.focus();
    return;
  }
  list.replaceChildren(el("table", { class: "list projects" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Code"), el("th", { scope: "col", class: "col-created" }, "Created"),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Pages")))),
    el("tbody", {}, projects.map((project) => el("tr", { "data-project": project.id },
      el("td", {}, el("a", { href: `/staff/projects/${project.id}`, class: "project-name" }, project.name)),
      el("td", {}, project.code ? el("span", { class: "chip" }, project.code) : el("span", { class: "muted" }, "—")),
      el("td", { class: "col-created" }, ago(project.created_at)),
      el("td", { class: "project-links" },
        el("a", { href: `/staff/projects/${project.id}`, "aria-label": `Versions of ${project.name}` }, "Versions"),
        el("a", { href: `/staff/projects/${project.id}/sessions`, "aria-label": `Sessions of ${project.name}` }, "Sessions")))))));
}
