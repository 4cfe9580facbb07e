// A session's feedback, for staff after (and while) clients review: each item with every
// collaborator's status and its history, the deciders' verdict, and the comments with their
// replies, frames, timecodes, frame receipts and drawings. Staff reply, resolve and reopen,
// and write internal comments on a frame with a drawing in the player beside the list
// (feedback-viewer.js); the report and the exports sit above (feedback-report.js). The
// session's room keeps it all live without reloading.

import { all, request } from "/common/api.js";
import { ago, el } from "/common/dom.js";
import { anchorText, firstFrame, onFrames, passes, statusWords, threads } from "/common/feedback.js";
import { Room } from "/common/room.js";
import { busy, problemLine, toast } from "/staff/ui.js";
import { drawnStill, loadSession, sessionTabs, verdictChip } from "/staff/feedback-parts.js";
import { FeedbackViewer } from "/staff/feedback-viewer.js";
import { reportCard } from "/staff/feedback-report.js";

const ROLE_WORDS = { approver: "Approver", reviewer: "Reviewer", observer: "Observer" };

export default async function render(page) {
  const sessionID = page.params.session;
  const loaded = await loadSession(page, sessionID, "Feedback");
  if (!loaded) return;
  let { session } = loaded;
  const id = encodeURIComponent(sessionID);
  const base = `/api/v1/sessions/${id}`;
  const reviewBase = `/api/v1/review/sessions/${id}`;

  // The room's position first: events after it replay over what the lists below load.
  const last = await request("GET", `${base}/events?after=2147483647&limit=1`);

  const state = {
    items: [], // the session's items (staff view), in order
    reviewItems: new Map(), // id → the item as the player needs it (media)
    collaborators: [],
    statuses: new Map(), // `${item}|${collaborator}` → ItemStatus
    summaries: new Map(), // item id → StatusSummary
    comments: new Map(), // id → Comment
  };
  const filter = { author: "", status: "", resolved: "", internal: "" };
  let selected = null;
  /** Reply forms being typed in, by the comment they answer: kept across redraws. */
  const openForms = new Map();
  /** Each item's part of the page, by item id. */
  const sections = new Map();

  // ---- The page's parts -----------------------------------------------------------------------

  const title = el("h1", { id: "feedback-title" }, session.title);
  const live = el("span", { class: "live-state", id: "live-state", "data-state": "connecting", role: "status" }, "Connecting…");
  const totals = el("p", { class: "muted fb-totals", id: "feedback-totals" });
  const head = el("div", { class: "page-head fb-head" }, title, el("span", { class: "spacer" }), live,
    el("a", { class: "button", id: "transfer-link", href: `/staff/sessions/${id}/transfer` }, "Transfer feedback…"));

  const viewer = new FeedbackViewer({ base, sessionID });
  const list = el("div", { class: "fb-items", id: "feedback-items" }, el("p", { class: "loading" }, "Loading the feedback…"));

  const authorFilter = el("select", { id: "filter-author" });
  const statusFilter = el("select", { id: "filter-status" }, el("option", { value: "" }, "Any status"),
    Object.entries(statusWords).map(([value, words]) => el("option", { value }, words)));
  const resolvedFilter = el("select", { id: "filter-resolved" }, el("option", { value: "" }, "Any"),
    el("option", { value: "open" }, "Open"), el("option", { value: "resolved" }, "Resolved"));
  const internalFilter = el("select", { id: "filter-internal" }, el("option", { value: "" }, "Any"),
    el("option", { value: "internal" }, "Internal only"), el("option", { value: "shared" }, "Shared"));
  const shown = el("span", { class: "muted fb-shown", id: "shown-count", "aria-live": "polite" });
  const clearFilters = el("button", { type: "button", class: "link", id: "clear-filters", hidden: true }, "Clear the filters");
  const filterField = (text, control) => el("div", { class: "field" }, el("label", { for: control.id }, text), control);
  const filters = el("div", { class: "filters fb-filters", role: "search", "aria-label": "Filter the comments" },
    filterField("Author", authorFilter), filterField("Author's status", statusFilter),
    filterField("Resolved", resolvedFilter), filterField("Internal or shared", internalFilter), shown, clearFilters);
  for (const [control, key] of [[authorFilter, "author"], [statusFilter, "status"], [resolvedFilter, "resolved"], [internalFilter, "internal"]]) {
    control.addEventListener("change", () => { filter[key] = control.value; renderAll(); });
  }
  clearFilters.addEventListener("click", () => {
    for (const control of [authorFilter, statusFilter, resolvedFilter, internalFilter]) control.value = "";
    Object.assign(filter, { author: "", status: "", resolved: "", internal: "" });
    renderAll();
    authorFilter.focus();
  });

  page.main.replaceChildren(
    el("div", { class: "fb-page" }, head, sessionTabs(sessionID, "feedback"), totals, reportCard({ sessionID }),
      el("div", { class: "fb-layout" },
        el("div", { class: "fb-main" }, filters, list),
        el("aside", { class: "fb-side", "aria-label": "The frame" }, viewer.element))));

  // ---- Loading --------------------------------------------------------------------------------

  async function loadItems() {
    const [items, reviewItems] = await Promise.all([all(`${base}/items`), all(`${reviewBase}/items`)]);
    state.items = items.sort((a, b) => a.position - b.position);
    state.reviewItems = new Map(reviewItems.map((item) => [item.id, item]));
  }
  async function loadStatuses() {
    const [statuses, summaries, collaborators] = await Promise.all([all(`${base}/statuses`), all(`${base}/summaries`),
      all(`${base}/collaborators`)]);
    state.statuses = new Map(statuses.map((status) => [`${status.item_id}|${status.collaborator.id}`, status]));
    state.summaries = new Map(summaries.map((summary) => [summary.item_id, summary]));
    state.collaborators = collaborators;
  }
  async function loadComments() {
    state.comments = new Map((await all(`${base}/comments`)).map((comment) => [comment.id, comment]));
  }
  await Promise.all([loadItems(), loadStatuses(), loadComments()]);

  // ---- Drawing the items ----------------------------------------------------------------------

  const statusOf = (comment) => state.statuses.get(`${comment.item_id}|${comment.author.id}`)?.status;

  /** Draws what changed; a reply being typed keeps its focus and caret. */
  function renderAll() {
    keepingFocus(draw);
  }

  function draw() {
    // Authors to filter by: everyone who wrote in the session.
    const authors = new Map([...state.comments.values()].map((c) => [c.author.id, c.author.name]));
    const keep = authorFilter.value;
    authorFilter.replaceChildren(el("option", { value: "" }, "Everyone"),
      ...[...authors].sort((a, b) => a[1].localeCompare(b[1])).map(([value, name]) => el("option", { value }, name)));
    authorFilter.value = authors.has(keep) ? keep : "";
    filter.author = authorFilter.value;
    clearFilters.hidden = !Object.values(filter).some(Boolean);

    const wanted = state.items.map((item) => {
      let section = sections.get(item.id);
      if (!section) {
        section = itemSection(item.id);
        sections.set(item.id, section);
      }
      section.update();
      return section.element;
    });
    for (const [itemID, section] of sections) {
      if (!state.items.some((item) => item.id === itemID)) { section.element.remove(); sections.delete(itemID); }
    }
    if (!state.items.length) {
      list.replaceChildren(el("p", { class: "card empty" }, "This session has no items yet: add versions on its setup page."));
    } else if (wanted.some((node, i) => list.children[i] !== node) || list.children.length !== wanted.length) {
      list.replaceChildren(...wanted);
    }

    const tops = [...state.comments.values()].filter((c) => !c.parent_id && !c.deleted_at);
    const passing = tops.filter((c) => passes(c, filter, statusOf));
    shown.textContent = passing.length === tops.length ? `${tops.length} comment${tops.length === 1 ? "" : "s"}`
      : `${passing.length} of ${tops.length} comments shown`;
    const open = tops.filter((c) => !c.resolved_at).length;
    const changes = [...state.summaries.values()].filter((s) => s.any_requires_changes).length;
    const approved = [...state.summaries.values()].filter((s) => s.all_approved).length;
    totals.textContent = `${state.items.length} item${state.items.length === 1 ? "" : "s"} · ${changes} with changes requested · `
      + `${approved} approved · ${open} open comment${open === 1 ? "" : "s"} of ${tops.length}`;
    if (viewer.itemID) viewer.setComments([...state.comments.values()]);
  }

  /** Runs `change` (which moves nodes about) and gives the focus and a text field's caret back. */
  function keepingFocus(change) {
    const active = document.activeElement;
    const caret = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
    change();
    if (active && active !== document.activeElement && document.contains(active)) {
      active.focus({ preventScroll: true });
      if (caret) try { active.setSelectionRange(...caret); } catch { /* not a text field after all */ }
    }
  }

  /** One item: its head (poster, name, verdict, version), its statuses and its comments. */
  function itemSection(itemID) {
    const poster = el("div", { class: "fb-poster" });
    const heading = el("h2", { class: "fb-item-title" });
    const verdict = el("span", { class: "fb-verdict" });
    const versionLink = el("a", { class: "small-link version-link" }, "Version page");
    const statusList = el("ul", { class: "fb-statuses", "aria-label": "Statuses" });
    const count = el("span", { class: "count" });
    const comments = el("ol", { class: "fb-comments", "aria-label": "Comments" });
    const threadNodes = new Map(); // top comment id → {signature, node}
    const element = el("section", { class: "card fb-item", id: `item-${itemID}`, "data-item": itemID },
      el("header", { class: "fb-item-head" }, poster,
        el("div", { class: "fb-item-text" }, heading, el("div", { class: "fb-item-line" }, verdict, versionLink))),
      el("div", { class: "fb-item-parts" },
        el("div", { class: "fb-status-part" }, el("h3", {}, "Statuses"), statusList),
        el("div", { class: "fb-comment-part" }, el("h3", {}, "Comments ", count), comments)));
    let posterFor = null;

    function update() {
      const item = state.items.find((candidate) => candidate.id === itemID);
      const review = state.reviewItems.get(itemID);
      if (!item) return;
      const name = item.client_name || review?.name || item.version_name;
      heading.replaceChildren(el("span", { class: "position" }, `${item.position + 1}`), " ", name,
        ...(item.version_label ? [el("span", { class: "muted label" }, ` ${item.version_label}`)] : []));
      const posterURL = review?.media?.poster_url || null;
      if (posterFor !== posterURL) {
        posterFor = posterURL;
        poster.replaceChildren(posterURL
          ? el("button", { type: "button", class: "fb-poster-button", "aria-label": `Play ${name} from its first frame`,
            onclick: (event) => openAt(itemID, 0, null, event.currentTarget) }, el("img", { src: posterURL, alt: "", loading: "lazy" }))
          : el("span", { class: "poster-placeholder" }, "No picture yet"));
      }
      verdict.replaceChildren(verdictChip(state.summaries.get(itemID)));
      versionLink.href = `/staff/versions/${encodeURIComponent(item.version_id)}`;
      versionLink.setAttribute("aria-label", `The version ${item.version_name}`);
      versionLink.textContent = `${item.version_name} ›`;
      renderStatuses(itemID, statusList);
      renderComments(itemID, comments, count, threadNodes);
    }
    return { element, update };
  }

  function renderStatuses(itemID, node) {
    const rows = [...state.statuses.values()].filter((status) => status.item_id === itemID);
    const have = new Set(rows.map((status) => status.collaborator.id));
    // Everyone who may decide or review shows, pending until they say.
    for (const person of state.collaborators) {
      if (person.role === "observer" || have.has(person.id)) continue;
      rows.push({ item_id: itemID, collaborator: { id: person.id, kind: "collaborator", name: person.name }, role: person.role,
        status: "pending", decides: null, history: [], revoked: !!person.revoked_at });
    }
    rows.sort((a, b) => a.collaborator.name.localeCompare(b.collaborator.name));
    if (!rows.length) {
      node.replaceChildren(el("li", { class: "muted" }, "Nobody to review this item yet."));
      return;
    }
    const openHistories = new Set([...node.querySelectorAll("details[open]")].map((details) => details.dataset.collaborator));
    node.replaceChildren(...rows.map((status) => {
      const history = status.history || [];
      const details = history.length ? el("details", { class: "fb-history", "data-collaborator": status.collaborator.id,
        open: openHistories.has(status.collaborator.id) },
      el("summary", {}, `History (${history.length})`),
      el("ol", {}, history.slice().reverse().map((change) => el("li", {},
        `${statusWords[change.from] || change.from} → ${statusWords[change.to] || change.to} · `, ago(change.at),
        change.set_by ? ` · set by ${change.set_by.name}` : "")))) : null;
      return el("li", { class: "fb-status", "data-collaborator": status.collaborator.id, "data-status": status.status },
        el("div", { class: "fb-status-line" },
          el("span", { class: "person-name" }, status.collaborator.name),
          el("span", { class: "muted role" }, ROLE_WORDS[status.role] || status.role || ""),
          status.decides === false ? el("span", { class: "muted role" }, "· does not decide") : null,
          status.revoked ? el("span", { class: "muted role" }, "· access ended") : null,
          el("span", { class: "spacer" }),
          el("span", { class: `chip status-chip ${status.status}` }, statusWords[status.status] || status.status)),
        details);
    }));
  }

  function renderComments(itemID, node, count, threadNodes) {
    const itemComments = [...state.comments.values()].filter((c) => c.item_id === itemID);
    const { tops, replies } = threads(itemComments);
    const living = tops.filter((c) => !c.deleted_at);
    const passing = tops.filter((c) => passes(c, filter, statusOf) && (!c.deleted_at || (replies.get(c.id) || []).length));
    count.textContent = String(living.length);
    const wanted = passing.map((top) => {
      const thread = replies.get(top.id) || [];
      const signature = JSON.stringify([top, thread, statusOf(top), selected === top.id || thread.some((r) => r.id === selected)]);
      let known = threadNodes.get(top.id);
      if (!known || known.signature !== signature) {
        known = { signature, node: el("li", {}, commentNode(top, thread)) };
        threadNodes.set(top.id, known);
      }
      return known.node;
    });
    if (!passing.length) {
      wanted.push(el("li", { class: "muted empty-line" }, tops.length ? "No comment here matches the filters." : "No comments yet."));
    }
    if (wanted.length !== node.children.length || wanted.some((child, i) => node.children[i] !== child)) {
      node.replaceChildren(...wanted);
    }
  }

  /** A comment (and, for a top-level one, its replies). */
  function commentNode(comment, replies = []) {
    const gone = !!comment.deleted_at;
    const top = !comment.parent_id;
    const status = top ? statusOf(comment) : null;
    const actions = el("div", { class: "fb-actions" });
    const anchorLabel = anchorText(comment.anchor);
    const anchor = top && comment.anchor ? (onFrames(comment)
      ? el("button", { type: "button", class: "anchor", "data-frame": String(firstFrame(comment)),
        "aria-label": `See ${anchorLabel} in the player`, onclick: (event) => openComment(comment, event.currentTarget) },
      anchorLabel, comment.drawing && !gone ? el("span", { class: "drawn", title: "Has a drawing" }, " ✎") : null)
      : el("span", { class: "anchor whole" }, anchorLabel)) : null;
    const receipt = top && !gone ? receiptPart(comment, anchorLabel) : null;
    const node = el("article", {
      class: ["fb-comment", comment.internal ? "internal" : "", comment.resolved_at ? "resolved" : "", gone ? "deleted" : "",
        selected === comment.id ? "selected" : ""].filter(Boolean).join(" "),
      "data-comment": comment.id },
    receipt,
    el("div", { class: "fb-comment-text" },
      el("header", {},
        el("span", { class: "author" }, comment.author.name),
        comment.author.kind === "staff" ? el("span", { class: "tag" }, "Staff") : null,
        comment.internal ? el("span", { class: "tag internal" }, "Internal") : null,
        comment.resolved_at ? el("span", { class: "tag resolved", title: comment.resolved_by ? `Resolved by ${comment.resolved_by.name}` : "" }, "Resolved") : null,
        status && status !== "pending" ? el("span", { class: `tag ${status}` }, statusWords[status]) : null,
        ago(comment.created_at),
        comment.edited_at && !gone ? el("span", { class: "muted" }, "· edited") : null),
      anchor,
      el("p", { class: "text" }, gone ? "This comment was deleted by its author." : comment.text),
      actions));
    if (!gone && top) {
      const reply = el("button", { type: "button", class: "link reply", onclick: () => replyForm(comment, node, true) }, "Reply");
      const resolve = el("button", { type: "button", class: `link ${comment.resolved_at ? "reopen" : "resolve"}` },
        comment.resolved_at ? "Reopen" : "Resolve");
      resolve.addEventListener("click", async () => {
        const action = comment.resolved_at ? "reopen" : "resolve";
        const answer = await busy(resolve, comment.resolved_at ? "Reopening…" : "Resolving…",
          () => request("POST", `${base}/comments/${encodeURIComponent(comment.id)}/${action}`),
          { done: comment.resolved_at ? "Reopened." : "Resolved." });
        if (answer.ok) { upsert(answer.data); focusComment(comment.id, `.${action === "resolve" ? "reopen" : "resolve"}`); }
      });
      actions.append(reply, resolve);
    }
    if (openForms.has(comment.id)) actions.after(openForms.get(comment.id));
    if (replies.length) node.querySelector(".fb-comment-text").append(el("ol", { class: "replies" }, replies.map((r) => el("li", {}, commentNode(r)))));
    return node;
  }

  /** The frame the author saw, with their drawing over it; it opens the player there. */
  function receiptPart(comment, anchorLabel) {
    const receipt = comment.receipt;
    if (!receipt || !onFrames(comment)) return null;
    if (receipt.state === "ready" && receipt.url) {
      return el("button", { type: "button", class: "fb-receipt", "aria-label": `See ${anchorLabel} in the player`,
        title: `The frame ${comment.author.name} saw`, onclick: (event) => openComment(comment, event.currentTarget) },
      drawnStill(receipt.url, comment.drawing, `The frame ${anchorLabel}, as ${comment.author.name} saw it`));
    }
    if (receipt.state === "pending") return el("span", { class: "fb-receipt pending" }, "Frame still being made…");
    return null;
  }

  /** A reply under `comment`, in a form that survives redraws until sent or cancelled. */
  function replyForm(comment, node, focus) {
    let form = openForms.get(comment.id);
    if (!form) {
      const text = el("textarea", { rows: "2", maxlength: "10000", class: "reply-text", "aria-label": `Reply to ${comment.author.name}` });
      const internal = comment.internal ? null : el("input", { type: "checkbox", class: "reply-internal" });
      const send = el("button", { type: "submit", class: "small reply-send" }, "Reply");
      const cancel = el("button", { type: "button", class: "secondary small", onclick: () => {
        openForms.delete(comment.id);
        form.remove();
        focusComment(comment.id, ".reply");
      } }, "Cancel");
      const problem = problemLine();
      form = el("form", { class: "fb-reply" }, text,
        el("div", { class: "composer-line" },
          internal ? el("label", { class: "check" }, internal, "Internal: staff only")
            : el("span", { class: "muted hint" }, "Internal, as the comment it answers"),
          el("span", { class: "spacer" }), cancel, send),
        problem);
      text.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
        if (event.key === "Escape") cancel.click();
      });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!text.value.trim()) { problem.textContent = "Write the reply first."; text.focus(); return; }
        const body = { text: text.value, parent_id: comment.id };
        if (internal) body.internal = internal.checked;
        const answer = await busy(send, "Sending…", () => request("POST", `${base}/items/${encodeURIComponent(comment.item_id)}/comments`, body),
          { problem, done: "Reply sent." });
        if (!answer.ok) return;
        openForms.delete(comment.id);
        form.remove();
        upsert(answer.data);
        focusComment(comment.id, ".reply");
      });
      openForms.set(comment.id, form);
      node.querySelector(".fb-actions").after(form);
    }
    if (focus) form.querySelector("textarea").focus();
  }

  function focusComment(commentID, selector) {
    const target = list.querySelector(`[data-comment="${CSS.escape(commentID)}"] ${selector}`);
    if (target) target.focus({ preventScroll: true });
  }

  // ---- The player ------------------------------------------------------------------------------

  let returnFocus = null;
  const narrow = window.matchMedia("(max-width: 1100px)");

  async function openAt(itemID, frame, commentID, from) {
    const item = state.reviewItems.get(itemID);
    if (!item) { toast("This item cannot be played.", "bad"); return; }
    returnFocus = from || null;
    select(commentID);
    const seeking = viewer.show(item, frame);
    viewer.setComments([...state.comments.values()]);
    if (narrow.matches) viewer.element.scrollIntoView({ block: "start" });
    viewer.focus();
    await seeking;
  }

  function openComment(comment, from) {
    return openAt(comment.item_id, Math.max(firstFrame(comment), 0), comment.id, from);
  }

  function select(commentID) {
    selected = commentID;
    for (const node of list.querySelectorAll(".fb-comment.selected")) node.classList.remove("selected");
    if (commentID) list.querySelector(`[data-comment="${CSS.escape(commentID)}"]`)?.classList.add("selected");
  }

  viewer.addEventListener("select", (event) => {
    select(event.detail.id);
    list.querySelector(`[data-comment="${CSS.escape(event.detail.id)}"]`)?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  viewer.addEventListener("posted", (event) => {
    upsert(event.detail);
    select(event.detail.id);
  });
  viewer.addEventListener("closed", () => {
    select(null);
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  });

  // ---- Live ------------------------------------------------------------------------------------

  function upsert(comment) {
    state.comments.set(comment.id, comment);
    renderAll();
  }

  let refreshing = null;
  /** Reloads a part of the state after an event that does not carry it all; one at a time. */
  function refresh(load) {
    refreshing = (refreshing || Promise.resolve()).then(load).then(renderAll);
    return refreshing;
  }

  const room = new Room(`${base}/room`, last.ok ? last.data.last_seq : 0);
  window.dailiesStaffRoom = room;
  room.addEventListener("connection", (event) => {
    live.dataset.state = event.detail.connected ? "live" : "reconnecting";
    live.textContent = event.detail.connected ? "Live" : "Reconnecting…";
  });
  room.addEventListener("event", (event) => {
    const { type, data } = event.detail;
    if (type.startsWith("comment.")) upsert(data.comment);
    else if (type === "receipt.ready") {
      const comment = state.comments.get(data.comment_id);
      if (comment) upsert({ ...comment, receipt: data.receipt });
    } else if (type === "status.changed") {
      state.statuses.set(`${data.status.item_id}|${data.status.collaborator.id}`, data.status);
      renderAll();
      refresh(async () => { state.summaries = new Map((await all(`${base}/summaries`)).map((s) => [s.item_id, s])); });
    } else if (type.startsWith("item")) {
      refresh(async () => { await loadItems(); await loadStatuses(); });
    } else if (type === "session.changed") {
      refresh(async () => {
        const answer = await request("GET", base);
        if (answer.ok) { session = answer.data; title.textContent = session.title; }
        await loadStatuses();
      });
    } else if (type === "feedback.transferred") {
      toast(`Feedback transferred: ${data.notes_created} note${data.notes_created === 1 ? "" : "s"}, ${data.statuses_changed} status${data.statuses_changed === 1 ? "" : "es"} changed.`);
    }
  });

  renderAll();
  window.dailiesFeedback = { state, viewer };
}
