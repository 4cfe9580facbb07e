// Transferring a session's feedback onto its versions, in four steps on one page: what (items,
// and the comments to make notes of), the status rule (a status when any decider asks for
// changes, another when every decider approved; where statuses go is the studio's setting),
// the notes (to-dos or not, and a note of your own to the assignees), then a preview of exactly
// what would happen, and the transfer itself with its result and links to the versions.

import { all, request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { anchorText, threads } from "/common/feedback.js";
import { busy, field, problemLine } from "/staff/ui.js";
import { loadSession, sessionTabs, verdictChip } from "/staff/feedback-parts.js";

const VERDICT_WORDS = { approved: "Approved", requires_changes: "Changes requested", undecided: "Undecided" };

export default async function render(page) {
  const sessionID = page.params.session;
  const loaded = await loadSession(page, sessionID, "Transfer feedback");
  if (!loaded) return;
  const { session, project } = loaded;
  const id = encodeURIComponent(sessionID);
  const base = `/api/v1/sessions/${id}`;
  const [items, reviewItems, comments, summaries, lists] = await Promise.all([
    all(`${base}/items`), all(`/api/v1/review/sessions/${id}/items`), all(`${base}/comments`), all(`${base}/summaries`),
    request("GET", `/api/v1/projects/${encodeURIComponent(project.id)}/statuses`)]);
  items.sort((a, b) => a.position - b.position);
  const names = new Map(reviewItems.map((item) => [item.id, item.name]));
  const summaryOf = new Map(summaries.map((summary) => [summary.item_id, summary]));
  const target = page.organization?.transfer_status_to === "task" ? "task" : "version";
  const statusList = lists.ok ? lists.data[target] || [] : [];

  // ---- 1. What ----------------------------------------------------------------------------------

  const itemBoxes = new Map(); // item id → checkbox
  const commentBoxes = new Map(); // comment id → {box, itemID}
  const allItems = el("input", { type: "checkbox", id: "pick-all-items", checked: true });
  const itemRows = items.map((item) => {
    const box = el("input", { type: "checkbox", id: `pick-item-${item.id}`, checked: true, "data-item": item.id });
    itemBoxes.set(item.id, box);
    const { tops, replies } = threads(comments.filter((c) => c.item_id === item.id && !c.deleted_at));
    const liveReplies = (top) => (replies.get(top.id) || []).filter((reply) => !reply.deleted_at);
    const commentLine = (comment, reply) => {
      const pick = el("input", { type: "checkbox", checked: true, class: "pick-comment", "data-comment": comment.id });
      commentBoxes.set(comment.id, { box: pick, itemID: item.id });
      return el("li", { class: reply ? "reply-pick" : "" }, el("label", { class: "check" }, pick,
        el("span", { class: "pick-comment-text" },
          el("strong", {}, comment.author.name), " ",
          comment.internal ? el("span", { class: "tag internal" }, "Internal") : null, " ",
          !reply && comment.anchor ? el("span", { class: "muted" }, `${anchorText(comment.anchor)} · `) : null,
          comment.text.length > 160 ? `${comment.text.slice(0, 160)}…` : comment.text)));
    };
    const lines = tops.flatMap((top) => [commentLine(top, false), ...liveReplies(top).map((reply) => commentLine(reply, true))]);
    const count = el("span", { class: "muted pick-count" });
    const details = lines.length ? el("details", { class: "pick-details" },
      el("summary", {}, "Choose the comments"), el("ul", { class: "pick-comments" }, lines)) : null;
    const row = el("li", { class: "pick-item", "data-item": item.id },
      el("div", { class: "pick-item-line" },
        el("label", { class: "check", for: box.id }, box, `${item.position + 1}. ${item.client_name || names.get(item.id) || item.version_name}`,
          item.version_label ? el("span", { class: "muted" }, ` ${item.version_label}`) : null),
        verdictChip(summaryOf.get(item.id)), el("span", { class: "spacer" }), count),
      details);
    const showCount = () => {
      const mine = [...commentBoxes.values()].filter((entry) => entry.itemID === item.id);
      const chosen = mine.filter((entry) => entry.box.checked).length;
      count.textContent = !mine.length ? "No comments" : box.checked ? `${chosen} of ${mine.length} comments become notes` : "Left out";
      for (const entry of mine) entry.box.disabled = !box.checked;
      row.classList.toggle("left-out", !box.checked);
    };
    row.addEventListener("change", showCount);
    return { row, showCount };
  });
  const syncAll = () => {
    const boxes = [...itemBoxes.values()];
    allItems.checked = boxes.every((box) => box.checked);
    allItems.indeterminate = !allItems.checked && boxes.some((box) => box.checked);
  };
  allItems.addEventListener("change", () => {
    for (const box of itemBoxes.values()) box.checked = allItems.checked;
    for (const { showCount } of itemRows) showCount();
  });
  for (const { showCount } of itemRows) showCount();

  const whatStep = el("section", { class: "card step", id: "step-what", "aria-labelledby": "step-what-heading" },
    el("h2", { id: "step-what-heading" }, el("span", { class: "step-number" }, "1"), "What to transfer"),
    el("p", { class: "hint" }, "Each chosen item's comments become notes on its version, keeping their author, date, frames, drawing and frame. Comments transferred before are not made twice."),
    items.length ? [el("label", { class: "check" }, allItems, "Every item"),
      el("ul", { class: "pick-items", id: "pick-items" }, itemRows.map(({ row }) => row))]
      : el("p", { class: "muted" }, "This session has no items."));
  whatStep.addEventListener("change", syncAll);

  // ---- 2. The status rule ----------------------------------------------------------------------

  const setStatuses = el("input", { type: "checkbox", id: "transfer-statuses", checked: true });
  const statusSelect = (selectID, kind) => {
    const select = el("select", { id: selectID },
      statusList.map((status) => el("option", { value: status.name }, status.name)));
    const first = statusList.find((status) => status.kind === kind);
    if (first) select.value = first.name;
    return select;
  };
  const changesStatus = statusSelect("changes-status", "needs_work");
  const approvedStatus = statusSelect("approved-status", "approved");
  const syncRule = () => { changesStatus.disabled = approvedStatus.disabled = !setStatuses.checked || !statusList.length; };
  setStatuses.addEventListener("change", syncRule);
  syncRule();
  const where = target === "task"
    ? "Statuses go onto each version's task (the studio's setting): a version without a task keeps its status."
    : "Statuses go onto each version itself (the studio's setting).";
  const ruleStep = el("section", { class: "card step", id: "step-rule", "aria-labelledby": "step-rule-heading" },
    el("h2", { id: "step-rule-heading" }, el("span", { class: "step-number" }, "2"), "The status rule"),
    el("p", { class: "status-target", id: "status-target", "data-target": target }, where),
    el("label", { class: "check", for: "transfer-statuses" }, setStatuses, "Set statuses from the deciders' verdicts"),
    statusList.length ? el("div", { class: "rule-grid" },
      field("When any decider asks for changes", changesStatus),
      field("When every decider approved", approvedStatus))
      : el("p", { class: "warn-text" }, `The project's ${target} status list is empty: an admin can fill it in.`),
    el("p", { class: "hint" }, "Items still waiting for a decision keep their status. Asking for changes wins over approval."));

  // ---- 3. Notes -------------------------------------------------------------------------------

  const completable = el("input", { type: "checkbox", id: "completable" });
  const note = el("textarea", { id: "transfer-note", rows: "3", maxlength: "10000", placeholder: "Optional: what the team should know" });
  const notesStep = el("section", { class: "card step", id: "step-notes", "aria-labelledby": "step-notes-heading" },
    el("h2", { id: "step-notes-heading" }, el("span", { class: "step-number" }, "3"), "Notes"),
    el("label", { class: "check", for: "completable" }, completable, "Make the notes to-dos the assignees complete"),
    field("A note of your own to the assignees", note, "Written on each chosen item's version, to everyone assigned to it or its task."));

  // ---- 4. Preview, then transfer ---------------------------------------------------------------

  const previewButton = el("button", { type: "button", class: "secondary", id: "preview-transfer" }, "Preview");
  const startButton = el("button", { type: "button", id: "start-transfer", disabled: true }, "Transfer");
  const problem = problemLine();
  problem.id = "transfer-problem";
  const planPart = el("div", { id: "plan", "aria-live": "polite" },
    el("p", { class: "muted" }, "Preview first: it shows what would change, item by item, and changes nothing."));
  const resultPart = el("div", { id: "transfer-result-host" });
  const goStep = el("section", { class: "card step", id: "step-go", "aria-labelledby": "step-go-heading" },
    el("h2", { id: "step-go-heading" }, el("span", { class: "step-number" }, "4"), "Preview and transfer"),
    planPart, problem, el("div", { class: "transfer-actions" }, previewButton, startButton));

  page.main.replaceChildren(
    el("div", { class: "page-head" }, el("h1", {}, session.title)),
    sessionTabs(sessionID, "transfer"),
    el("div", { class: "transfer-steps" }, whatStep, ruleStep, notesStep, goStep, resultPart));

  /** The request the choices make, or a sentence saying what is missing. */
  function choices() {
    const itemIDs = items.filter((item) => itemBoxes.get(item.id).checked).map((item) => item.id);
    if (!itemIDs.length) return "Choose at least one item.";
    const chosen = new Set(itemIDs);
    const body = {
      item_ids: itemIDs,
      comment_ids: [...commentBoxes].filter(([, entry]) => entry.box.checked && chosen.has(entry.itemID)).map(([commentID]) => commentID),
      transfer_statuses: setStatuses.checked,
      completable: completable.checked,
    };
    if (setStatuses.checked && statusList.length) {
      body.changes_status = changesStatus.value;
      body.approved_status = approvedStatus.value;
    }
    if (note.value.trim()) body.note = note.value;
    return body;
  }

  let previewed = null;
  const onChange = () => {
    const body = choices();
    const same = typeof body !== "string" && previewed === JSON.stringify(body);
    startButton.disabled = !same;
    const stale = planPart.querySelector(".plan-stale");
    if (stale) stale.hidden = same || previewed === null;
  };
  for (const part of [whatStep, ruleStep, notesStep]) {
    part.addEventListener("change", onChange);
    part.addEventListener("input", onChange);
  }

  previewButton.addEventListener("click", async () => {
    const body = choices();
    if (typeof body === "string") { problem.textContent = body; return; }
    const answer = await busy(previewButton, "Previewing…", () => request("POST", `${base}/transfer/preview`, body), { problem });
    if (!answer.ok) return;
    previewed = JSON.stringify(body);
    planPart.replaceChildren(planTable(answer.data, false),
      el("p", { class: "plan-stale", hidden: true }, "The choices changed since this preview: preview again before transferring."));
    onChange();
    startButton.focus();
  });

  startButton.addEventListener("click", async () => {
    const body = choices();
    if (typeof body === "string" || JSON.stringify(body) !== previewed) { onChange(); return; }
    const answer = await busy(startButton, "Transferring…", () => request("POST", `${base}/transfer`, body),
      { problem, done: (plan) => `Transferred: ${counted(plan)}.` });
    if (!answer.ok) return;
    const plan = answer.data;
    resultPart.replaceChildren(el("section", { class: "card result-card", id: "transfer-result", tabindex: "-1", "aria-labelledby": "result-heading" },
      el("h2", { id: "result-heading" }, "Transferred"),
      el("p", {}, `${counted(plan)}. Transferring the same comments again makes nothing twice.`),
      planTable(plan, true),
      el("p", {}, el("a", { href: `/staff/sessions/${id}/feedback` }, "Back to the feedback"))));
    planPart.replaceChildren(el("p", { class: "muted" }, "Done: see the result below."));
    previewed = null;
    onChange();
    resultPart.firstChild.focus();
    resultPart.firstChild.scrollIntoView({ block: "start", behavior: "smooth" });
  });

  /** What a plan does, item by item; done plans link each version. */
  function planTable(plan, done) {
    const rows = plan.items.map((item) => {
      const change = item.status_change;
      const fresh = item.notes.filter((n) => !n.already_transferred).length;
      const again = item.notes.length - fresh;
      const noteWords = [fresh ? `${fresh} new note${fresh === 1 ? "" : "s"}` : "No new notes", again ? `${again} transferred before` : null,
        item.new_note_id ? "and your note" : null].filter(Boolean).join(", ");
      const statusHead = plan.status_target === "task" ? "Task status" : "Status";
      return el("tr", { "data-item": item.item_id },
        el("td", { "data-label": "Version" }, done ? el("a", { class: "version-link", href: `/staff/versions/${encodeURIComponent(item.version_id)}` }, item.version_name)
          : item.version_name),
        el("td", { "data-label": "Verdict" }, VERDICT_WORDS[item.verdict] || item.verdict),
        el("td", { class: "arrow", "data-label": statusHead }, change ? `${change.from} → ${change.to}`
          : el("span", { class: "muted" }, item.status_note ? humane(item.status_note) : "No change")),
        el("td", { "data-label": "Notes" }, noteWords));
    });
    return el("div", { class: "table-scroll" }, el("table", { class: "list plan-table", id: done ? "result-table" : "plan-table" },
      el("caption", { class: "visually-hidden" }, done ? "What the transfer did" : "What the transfer would do"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Version"), el("th", { scope: "col" }, "Verdict"),
        el("th", { scope: "col" }, plan.status_target === "task" ? "Task status" : "Status"), el("th", { scope: "col" }, "Notes"))),
      el("tbody", {}, rows)),
    done ? null : el("p", { class: "plan-summary", id: "plan-summary" }, `Transferring would make ${counted(plan)}.`));
  }

  /** "2 notes from comments, your note on 2 versions, 1 status changed on versions". */
  function counted(plan) {
    const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;
    const own = plan.items.filter((item) => item.new_note_id).length;
    return [plural(plan.notes_created, "note from comments", "notes from comments"),
      own ? `your note on ${plural(own, "version", "versions")}` : null,
      `${plural(plan.statuses_changed, "status", "statuses")} changed on ${plan.status_target === "task" ? "tasks" : "versions"}`]
      .filter(Boolean).join(", ");
  }
}
