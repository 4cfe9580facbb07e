// What the staff pages after a review share (feedback.js, session-transfer.js, version.js):
// the session's tabs, the head that loads a session and its project, verdicts in words, and
// frame stills with their drawings painted over them.

import { request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { paint } from "/common/drawing.js";

/** The session pages' tabs: its setup, its feedback, the transfer of that feedback. */
export function sessionTabs(sessionID, current) {
  const base = `/staff/sessions/${encodeURIComponent(sessionID)}`;
  const tab = (key, href, text) => el("a", { class: "tab", href, id: `tab-${key}`, "aria-current": key === current ? "page" : null }, text);
  return el("nav", { class: "session-tabs", "aria-label": "This session" },
    tab("setup", base, "Setup"), tab("feedback", `${base}/feedback`, "Feedback"), tab("transfer", `${base}/transfer`, "Transfer"));
}

/**
 * Loads a session and its project for a page under it, and sets the title and crumbs (ending
 * with `what`). Answers {session, project} or null after saying on the page why not.
 */
export async function loadSession(page, sessionID, what) {
  const answer = await request("GET", `/api/v1/sessions/${encodeURIComponent(sessionID)}`);
  if (!answer.ok) {
    page.setTitle("No such session", [["Projects", "/staff/projects"], ["No such session"]]);
    page.main.replaceChildren(el("div", { class: "card notice" }, el("h1", {}, "No such session"),
      el("p", {}, humane(answer.error.message)), el("p", {}, el("a", { href: "/staff/projects" }, "Go to the projects"))));
    return null;
  }
  const session = answer.data;
  const projectAnswer = await request("GET", `/api/v1/projects/${encodeURIComponent(session.project_id)}`);
  const project = projectAnswer.ok ? projectAnswer.data : { id: session.project_id, name: "Project" };
  const projectPath = `/staff/projects/${encodeURIComponent(project.id)}`;
  page.setTitle(`${what} · ${session.title}`, [["Projects", "/staff/projects"], [project.name, projectPath],
    ["Sessions", `${projectPath}/sessions`], [session.title, `/staff/sessions/${encodeURIComponent(session.id)}`], [what]]);
  return { session, project };
}

/** What the deciders said about an item, as a chip ({deciders, approved, all_approved, any_requires_changes}). */
export function verdictChip(summary) {
  if (!summary || summary.deciders === 0) return el("span", { class: "chip", "data-verdict": "none" }, "No deciders");
  if (summary.any_requires_changes) return el("span", { class: "chip bad", "data-verdict": "requires_changes" }, "Changes requested");
  if (summary.all_approved) return el("span", { class: "chip good", "data-verdict": "approved" }, "Approved");
  return el("span", { class: "chip warn", "data-verdict": "undecided" }, `${summary.approved} of ${summary.deciders} approved`);
}

/**
 * A frame still (a receipt, a grab) with `drawing` painted over it exactly where it was drawn
 * (the format's coordinates are fractions of the picture as displayed). Answers a <span>
 * holding the image and its canvas; a still that fails to load says so instead.
 */
export function drawnStill(src, drawing, alt) {
  const image = el("img", { src, alt, loading: "lazy", decoding: "async" });
  const canvas = el("canvas", { class: "still-drawing", "aria-hidden": "true" });
  const holder = el("span", { class: "still" }, image, drawing ? canvas : null);
  const draw = () => {
    if (!drawing || !image.complete || !image.naturalWidth) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(image.clientWidth * ratio));
    const height = Math.max(1, Math.round(image.clientHeight * ratio));
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, width, height);
    paint(context, drawing.shapes || [], width, height);
  };
  image.addEventListener("load", draw);
  image.addEventListener("error", () => holder.replaceChildren(el("span", { class: "still-missing" }, "No still")));
  if (drawing) new ResizeObserver(draw).observe(image);
  return holder;
}

/** Bytes as people read them. */
export function bytes(size) {
  if (!Number.isFinite(size)) return "";
  const units = ["bytes", "KB", "MB", "GB"];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit += 1; }
  return `${unit ? value.toFixed(value < 10 ? 1 : 0) : value} ${units[unit]}`;
}
