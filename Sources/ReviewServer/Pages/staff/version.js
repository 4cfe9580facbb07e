// A version's page: its fields, its task and the task's status, how its pictures are made
// display-referred (its own display transform, chosen here), and its notes (those written
// here and those transferred from review sessions) with their frames, drawings and frame
// receipts; a note made a to-do is ticked off here.

import { all, request } from "/common/api.js";
import { ago, el, humane, when } from "/common/dom.js";
import { anchorText } from "/common/feedback.js";
import { toast } from "/staff/ui.js";
import { drawnStill } from "/staff/feedback-parts.js";
import { versionLabel } from "/staff/versions.js";

const MEDIA_WORDS = { none: "No media yet", processing: "Being processed", ready: "Ready", failed: "Failed" };
// The display transforms, as people know them; "" lets the media decide.
const TRANSFORMS = [
  ["", "As its media says"],
  ["none", "None (display-referred)"],
  ["srgb", "sRGB curve (scene-linear, as EXR)"],
  ["cineon", "Cineon log (DPX)"],
  ["pq", "PQ HDR, tone-mapped"],
  ["hlg", "HLG HDR, tone-mapped"],
];

export default async function render(page) {
  const versionID = page.params.version;
  const vid = encodeURIComponent(versionID);
  const answer = await request("GET", `/api/v1/versions/${vid}`);
  if (!answer.ok) {
    page.setTitle("No such version", [["Projects", "/staff/projects"], ["No such version"]]);
    page.main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such version"),
      el("p", {}, humane(answer.error.message)), el("p", {}, el("a", { href: "/staff/projects" }, "Go to the projects"))));
    return;
  }
  const version = answer.data;
  const pid = encodeURIComponent(version.project_id);
  const [project, lists, notes, users, task, components] = await Promise.all([
    request("GET", `/api/v1/projects/${pid}`),
    request("GET", `/api/v1/projects/${pid}/statuses`),
    all(`/api/v1/versions/${vid}/notes`),
    all("/api/v1/users"),
    version.task_id ? request("GET", `/api/v1/tasks/${encodeURIComponent(version.task_id)}`) : Promise.resolve(null),
    request("GET", `/api/v1/versions/${vid}/components`),
  ]);
  const projectName = project.ok ? project.data.name : "Project";
  const projectPath = `/staff/projects/${pid}`;
  const label = version.version_number === null || version.version_number === undefined ? "" : versionLabel(version.version_number);
  page.setTitle(version.name, [["Projects", "/staff/projects"], [projectName, projectPath], [version.name]]);
  const userName = new Map(users.map((user) => [user.id, user.name]));
  const colours = (scope) => new Map((lists.ok ? lists.data[scope] || [] : []).map((status) => [status.name, status.colour]));
  const statusChip = (name, scope, chipID) => {
    const chip = el("span", { class: "chip status-dot", id: chipID }, name);
    const colour = colours(scope).get(name);
    if (colour) chip.style.setProperty("--dot", colour);
    return chip;
  };

  // ---- Its fields ------------------------------------------------------------------------------

  const taskPart = !version.task_id ? el("span", { class: "muted" }, "No task")
    : task && task.ok ? el("span", { class: "task-line" }, task.data.name, " ", statusChip(task.data.status, "task", "task-status"))
      : el("span", { class: "muted" }, "A task that cannot be read");
  const assignees = (version.assignee_ids || []).map((user) => userName.get(user) || "Someone");
  const taskAssignees = task && task.ok ? (task.data.assignee_ids || []).map((user) => userName.get(user) || "Someone") : [];
  const fact = (term, value) => value === null || value === undefined || value === "" ? null : [el("dt", {}, term), el("dd", {}, value)];
  const poster = version.media_state === "ready"
    ? drawnStill(`/api/v1/versions/${vid}/download/poster`, null, `Poster of ${version.name}`) : null;
  const facts = el("section", { class: "card version-facts", "aria-labelledby": "facts-heading" },
    el("h2", { id: "facts-heading", class: "visually-hidden" }, "About the version"),
    poster,
    el("dl", { class: "facts", id: "version-facts" },
      fact("Asset", version.asset || version.name),
      fact("Version", label),
      fact("Shot", version.shot),
      fact("Status", statusChip(version.status, "version", "version-status")),
      fact("Task", taskPart),
      fact("Assignees", assignees.length ? assignees.join(", ") : el("span", { class: "muted" }, "Nobody")),
      taskAssignees.length ? fact("On the task", taskAssignees.join(", ")) : null,
      fact("Client name", version.client_name),
      fact("Reason for review", version.default_reason),
      fact("Media", version.media_state === "failed" && version.media_error ? `Failed: ${humane(version.media_error)}` : MEDIA_WORDS[version.media_state]),
      fact("Picture", transformPart()),
      fact("Created", when(version.created_at))));

  // How its pictures are made display-referred: its own transform, saved at once, and what
  // the proxy was made with. A change takes effect when the project is reprocessed.
  function transformPart() {
    const proxy = components.ok ? (components.data.data || []).find((c) => c.kind === "proxy") : null;
    const made = proxy && proxy.media_info ? proxy.media_info.display_transform : null;
    const select = el("select", { id: "display-transform", "aria-label": "Display transform" },
      ...TRANSFORMS.map(([value, text]) => el("option", { value }, text)));
    select.value = version.display_transform || "";
    const madeWith = el("span", { class: "muted", id: "display-transform-made" },
      made ? `Proxy made with: ${(TRANSFORMS.find(([value]) => value === made) || [made, made])[1]}` : "");
    let saved = select.value;
    select.addEventListener("change", async () => {
      select.disabled = true;
      const answer = await request("PATCH", `/api/v1/versions/${vid}`, { display_transform: select.value || null });
      select.disabled = false;
      if (answer.ok) {
        saved = select.value;
        toast("Saved. Reprocess the project to remake this version's media with it.");
      } else {
        select.value = saved;
        toast(humane(answer.error.message), "bad");
      }
    });
    return el("span", { class: "transform-line" }, select, madeWith);
  }

  // ---- Its notes ------------------------------------------------------------------------------

  const sessionTitles = new Map();
  await Promise.all([...new Set(notes.map((n) => n.source?.session_id).filter(Boolean))].map(async (sessionID) => {
    const session = await request("GET", `/api/v1/sessions/${encodeURIComponent(sessionID)}`);
    sessionTitles.set(sessionID, session.ok ? session.data.title : "a review session");
  }));
  const byParent = new Map();
  for (const n of notes) if (n.parent_id) byParent.set(n.parent_id, [...(byParent.get(n.parent_id) || []), n]);
  const tops = notes.filter((n) => !n.parent_id || !notes.some((other) => other.id === n.parent_id));
  const onlyOpen = el("input", { type: "checkbox", id: "notes-open-only" });
  const count = el("span", { class: "count", id: "notes-count" }, String(notes.length));
  const list = el("ol", { class: "notes", id: "notes" });
  const drawList = () => {
    const shown = tops.filter((n) => !onlyOpen.checked || (n.completable && !n.completed_at));
    list.replaceChildren(...shown.map((n) => el("li", {}, noteNode(n, byParent.get(n.id) || []))));
    if (!shown.length) list.append(el("li", { class: "muted empty-line" }, notes.length ? "No to-do is open." : "No notes yet. Transfer a review's feedback to make some."));
  };
  onlyOpen.addEventListener("change", drawList);

  function noteNode(note, replies) {
    const anchor = note.anchor || {};
    const frame = anchor.frame ?? anchor.first;
    const still = note.receipt?.url
      ? drawnStill(note.receipt.url, note.drawing, `The frame ${anchorText(anchor)} the comment was made on`)
      : frame !== undefined && version.media_state === "ready" && !note.parent_id
        ? drawnStill(`/api/v1/versions/${vid}/frames/${frame}?width=480`, note.drawing, `Frame ${anchorText(anchor)}`) : null;
    const done = el("input", { type: "checkbox", class: "note-done", checked: !!note.completed_at });
    done.addEventListener("change", async () => {
      done.disabled = true;
      const saved = await request("PATCH", `/api/v1/notes/${encodeURIComponent(note.id)}`, { completed: done.checked });
      done.disabled = false;
      if (!saved.ok) {
        done.checked = !done.checked;
        toast(humane(saved.error.message), "bad");
        return;
      }
      Object.assign(note, saved.data);
      node.classList.toggle("completed", !!note.completed_at);
      toast(note.completed_at ? "Marked done." : "Marked not done.");
    });
    const source = note.source;
    const node = el("article", { class: `note${note.completed_at ? " completed" : ""}`, "data-note": note.id },
      still,
      el("div", { class: "note-text" },
        el("header", {},
          el("span", { class: "author" }, note.author.name),
          el("span", { class: "tag" }, note.author.kind === "staff" ? "Staff" : "Client"),
          ago(note.created_at)),
        !note.parent_id && note.anchor ? el("span", { class: "anchor-text" }, anchorText(note.anchor)) : null,
        el("p", { class: "text" }, note.text),
        source ? el("span", { class: "source muted" }, "From ",
          el("a", { href: `/staff/sessions/${encodeURIComponent(source.session_id)}/feedback` }, sessionTitles.get(source.session_id) || "a review"),
          ", transferred ", ago(source.transferred_at)) : null,
        note.completable ? el("label", { class: "check" }, done, "Done") : null,
        replies.length ? el("ol", { class: "replies" }, replies.map((reply) => el("li", {}, noteNode(reply, byParent.get(reply.id) || [])))) : null));
    return node;
  }
  drawList();

  const notesCard = el("section", { class: "card version-notes", "aria-labelledby": "notes-heading" },
    el("div", { class: "card-head" }, el("h2", { id: "notes-heading" }, "Notes"), count, el("span", { class: "spacer" }),
      notes.some((n) => n.completable) ? el("label", { class: "check", for: "notes-open-only" }, onlyOpen, "Open to-dos only") : null),
    list);

  page.main.replaceChildren(
    el("div", { class: "page-head" }, el("h1", { id: "version-title" }, version.name), label ? el("span", { class: "chip" }, label) : null,
      el("span", { class: "spacer" }), el("a", { class: "button secondary", href: projectPath }, "All versions")),
    el("div", { class: "version-layout" }, facts, notesCard));
}
