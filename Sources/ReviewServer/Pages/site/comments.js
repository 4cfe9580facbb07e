// The comments of one item: the composer (on the current frame, the in/out range or the
// whole item, with the drawing made on the picture), the list with replies, edits,
// deletes and resolving, and filters by author, by the author's status and by resolved.
// What the staff pages share with it (threads, anchors, drawings on a frame, filters) is in
// common/feedback.js.
import { request } from "/common/api.js";
import { el, ago } from "/common/dom.js";
import { anchorText, commentMarkers, drawingsOn, firstFrame, passes, statusWords, threads } from "/common/feedback.js";

export { statusWords };

export class CommentPanel extends EventTarget {
  /**
   * - `base`: where feedback is (`/api/v1/review/sessions/{id}` for collaborators,
   *   `/api/v1/sessions/{id}` for staff previewing);
   * - `me`: `{kind, id}`, the author this page writes as;
   * - `preview`: staff previewing: comments are theirs, internal unless unticked.
   */
  constructor({ base, itemID, me, labels, player, layer, canComment, preview }) {
    super();
    Object.assign(this, { base, itemID, me, labels, player, layer, canComment, preview });
    this.comments = new Map();
    this.statusOf = new Map();
    this.selected = null;
    this.filter = { author: "", status: "", resolved: "" };
    this.list = el("ol", { class: "comment-list", id: "comments", "aria-label": "Comments" });
    this.count = el("span", { class: "muted", id: "comment-count" });
    this.element = el("section", { class: "comments", "aria-labelledby": "comments-heading" },
      el("h2", { id: "comments-heading" }, "Comments ", this.count),
      canComment ? this.#composer() : el("p", { class: "muted" }, "Comments are off for you in this review."),
      this.#filters(), this.list);
  }

  /** Replaces every comment (after loading the list). */
  load(comments) {
    this.comments = new Map(comments.filter((c) => c.item_id === this.itemID).map((c) => [c.id, c]));
    this.#changed();
  }

  /** A comment as it is now (from the room, or an answer). */
  upsert(comment) {
    if (comment.item_id !== this.itemID) return;
    this.comments.set(comment.id, comment);
    this.#changed();
  }

  /** Each collaborator's current status on the item, for the status filter. */
  setStatuses(statuses) {
    this.statusOf = new Map(statuses.filter((s) => s.item_id === this.itemID).map((s) => [s.collaborator.id, s.status]));
    this.#render();
  }

  /** The drawings shown on `frame`: on their comment's frame, or across a held range. */
  drawingsOn(frame) {
    return drawingsOn(this.comments.values(), frame);
  }

  /** Timeline markers: every top-level comment on a frame or a range. */
  markers() {
    return commentMarkers(this.comments.values());
  }

  /** Marks a comment as the one looked at, and brings it into view. */
  select(id) {
    this.selected = id;
    for (const node of this.list.querySelectorAll(".comment")) node.classList.toggle("selected", node.dataset.comment === id);
    const node = this.list.querySelector(`[data-comment="${CSS.escape(id)}"]`);
    if (node) node.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  #changed() {
    this.#render();
    this.dispatchEvent(new CustomEvent("change"));
  }

  #mine(comment) { return comment.author.kind === this.me.kind && comment.author.id === this.me.id; }

  #composer() {
    const text = el("textarea", { id: "comment-text", rows: "3", maxlength: "10000", required: true,
      placeholder: "Comment on this frame…", "aria-label": "Your comment" });
    const anchor = el("select", { id: "comment-anchor", "aria-label": "What the comment is on" });
    const internal = this.preview
      ? el("input", { type: "checkbox", id: "comment-internal", checked: true }) : null;
    const problem = el("p", { class: "problem", role: "alert" });
    const post = el("button", { type: "submit", id: "comment-post" }, "Comment");
    const refreshAnchors = () => {
      const frame = this.player.frame;
      const { inPoint, outPoint } = this.player;
      const hasRange = inPoint !== null && outPoint !== null;
      const drawn = !this.layer.isEmpty;
      const keep = anchor.value;
      anchor.replaceChildren(
        el("option", { value: "frame" }, `Frame ${this.labels.number(frame)}`),
        el("option", { value: "range", disabled: !hasRange },
          hasRange ? `Frames ${this.labels.number(inPoint)}–${this.labels.number(outPoint)}` : "In–out range (set I and O)"),
        el("option", { value: "item", disabled: drawn }, "The whole item"));
      anchor.value = keep && !anchor.querySelector(`option[value="${keep}"]`).disabled ? keep : "frame";
    };
    this.player.addEventListener("frame", refreshAnchors);
    this.player.addEventListener("state", refreshAnchors);
    this.layer.addEventListener("change", refreshAnchors);
    refreshAnchors();
    const form = el("form", { class: "composer", id: "composer", onsubmit: async (event) => {
      event.preventDefault();
      problem.textContent = "";
      if (!text.value.trim()) { problem.textContent = "Write something first."; return; }
      const frame = this.player.frame;
      const body = { text: text.value };
      if (anchor.value === "frame") body.anchor = { frame };
      else if (anchor.value === "range") body.anchor = { first: this.player.inPoint, last: this.player.outPoint };
      else body.anchor = {};
      const drawing = this.layer.drawing({ hold: anchor.value === "range" });
      if (drawing) body.drawing = drawing;
      if (internal) body.internal = internal.checked;
      post.disabled = true;
      const answer = await request("POST", `${this.base}/items/${this.itemID}/comments`, body);
      post.disabled = false;
      if (!answer.ok) { problem.textContent = answer.error.message; return; }
      text.value = "";
      this.layer.reset();
      this.dispatchEvent(new CustomEvent("posted", { detail: answer.data }));
      this.upsert(answer.data);
      this.select(answer.data.id);
    } },
    text,
    el("div", { class: "composer-row" },
      el("label", { class: "visually-hidden", for: "comment-anchor" }, "On"), anchor,
      internal ? el("label", { class: "check", for: "comment-internal" }, internal, "Internal (staff only)") : null,
      post),
    problem);
    text.addEventListener("keydown", (event) => {
      // Ctrl/⌘+Enter posts; the player's keys stay out of the text.
      event.stopPropagation();
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
    this.composerText = text;
    this.internalBox = internal;
    return form;
  }

  #filters() {
    this.authorFilter = el("select", { id: "filter-author", "aria-label": "Filter by author",
      onchange: () => { this.filter.author = this.authorFilter.value; this.#render(); } });
    const status = el("select", { id: "filter-status", "aria-label": "Filter by the author's status",
      onchange: () => { this.filter.status = status.value; this.#render(); } },
      el("option", { value: "" }, "Any status"),
      Object.entries(statusWords).map(([value, words]) => el("option", { value }, words)));
    const resolved = el("select", { id: "filter-resolved", "aria-label": "Filter by resolved",
      onchange: () => { this.filter.resolved = resolved.value; this.#render(); } },
      el("option", { value: "" }, "Any state"), el("option", { value: "open" }, "Open"),
      el("option", { value: "resolved" }, "Resolved"));
    return el("div", { class: "filters" }, this.authorFilter, status, resolved);
  }

  #passes(comment) {
    return passes(comment, this.filter, (c) => this.statusOf.get(c.author.id));
  }

  #render() {
    const all = [...this.comments.values()];
    // Authors to filter by: everyone who wrote here.
    const authors = new Map(all.map((c) => [c.author.id, c.author.name]));
    const keep = this.authorFilter.value;
    this.authorFilter.replaceChildren(el("option", { value: "" }, "Everyone"),
      ...[...authors].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => el("option", { value: id }, name)));
    this.authorFilter.value = authors.has(keep) ? keep : "";
    this.filter.author = this.authorFilter.value;

    const { tops, replies } = threads(all);
    const shown = tops.filter((c) => this.#passes(c));
    this.count.textContent = `(${tops.filter((c) => !c.deleted_at).length})`;
    this.list.replaceChildren(...shown.map((c) => el("li", {}, this.#comment(c, replies.get(c.id) || []))));
    if (!shown.length) {
      this.list.append(el("li", { class: "muted empty" }, tops.length ? "No comment matches the filters." : "No comments yet."));
    }
    if (this.selected) this.select(this.selected);
  }

  #anchorText(anchor) {
    return anchorText(anchor, this.labels);
  }

  #comment(comment, replies) {
    const mine = this.#mine(comment);
    const isStaff = this.me.kind === "staff";
    const gone = !!comment.deleted_at;
    const actions = el("div", { class: "actions" });
    const node = el("article", {
      class: ["comment", comment.internal ? "internal" : "", comment.resolved_at ? "resolved" : "", gone ? "deleted" : ""].join(" "),
      "data-comment": comment.id },
    el("header", {},
      el("span", { class: "author" }, comment.author.name),
      comment.author.kind === "staff" ? el("span", { class: "tag" }, "Staff") : null,
      comment.internal ? el("span", { class: "tag internal" }, "Internal") : null,
      comment.resolved_at ? el("span", { class: "tag resolved" }, "Resolved") : null,
      ["approved", "requires_changes"].includes(this.statusOf.get(comment.author.id)) && !comment.parent_id
        ? el("span", { class: `tag ${this.statusOf.get(comment.author.id)}` }, statusWords[this.statusOf.get(comment.author.id)]) : null,
      ago(comment.created_at),
      comment.edited_at && !gone ? el("span", { class: "muted" }, "· edited") : null),
    comment.anchor ? el("button", { type: "button", class: "anchor", "data-frame": String(firstFrame(comment)),
      "aria-label": `Go to ${this.#anchorText(comment.anchor)}`,
      onclick: () => this.dispatchEvent(new CustomEvent("jump", { detail: { id: comment.id, frame: firstFrame(comment) } })) },
      this.#anchorText(comment.anchor), comment.drawing && !gone ? el("span", { class: "drawn", title: "Has a drawing" }, " ✎") : null) : null,
    el("p", { class: "text" }, gone ? "This comment was deleted." : comment.text),
    actions);
    if (!gone) {
      if (!comment.parent_id && this.canComment) actions.append(el("button", { type: "button", class: "link reply",
        onclick: () => this.#replyForm(node, comment) }, "Reply"));
      if (mine) {
        actions.append(el("button", { type: "button", class: "link edit", onclick: () => this.#editForm(node, comment) }, "Edit"),
          el("button", { type: "button", class: "link delete", onclick: () => this.#delete(comment) }, "Delete"));
      }
      if (!comment.parent_id && (mine || isStaff)) {
        const action = comment.resolved_at ? "reopen" : "resolve";
        actions.append(el("button", { type: "button", class: `link ${action}`, onclick: () => this.#act(comment, action) },
          comment.resolved_at ? "Reopen" : "Resolve"));
      }
    }
    if (replies.length) node.append(el("ol", { class: "replies" }, replies.map((r) => el("li", {}, this.#comment(r, [])))));
    return node;
  }

  async #act(comment, action) {
    const answer = await request("POST", `${this.base}/comments/${comment.id}/${action}`);
    if (answer.ok) this.upsert(answer.data); else alert(answer.error.message);
  }

  async #delete(comment) {
    if (!confirm("Delete this comment? Its replies stay.")) return;
    const answer = await request("DELETE", `${this.base}/comments/${comment.id}`);
    if (answer.ok) this.upsert(answer.data); else alert(answer.error.message);
  }

  /** A small form under a comment: `submit(text)` answers the API's answer. */
  #inlineForm(node, { value = "", label, submit }) {
    node.querySelector(":scope > form.inline")?.remove();
    const field = el("textarea", { rows: "2", maxlength: "10000", "aria-label": label });
    field.value = value;
    const problem = el("p", { class: "problem", role: "alert" });
    const form = el("form", { class: "inline", onsubmit: async (event) => {
      event.preventDefault();
      if (!field.value.trim()) return;
      const answer = await submit(field.value);
      if (!answer.ok) { problem.textContent = answer.error.message; return; }
      form.remove();
      this.upsert(answer.data);
    } }, field,
    el("div", { class: "composer-row" },
      el("button", { type: "button", class: "secondary", onclick: () => form.remove() }, "Cancel"),
      el("button", { type: "submit" }, label)), problem);
    field.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
      if (event.key === "Escape") form.remove();
    });
    node.querySelector(":scope > .actions").after(form);
    field.focus();
  }

  #replyForm(node, comment) {
    this.#inlineForm(node, { label: "Reply", submit: (text) => request("POST", `${this.base}/items/${this.itemID}/comments`,
      { text, parent_id: comment.id, ...(this.internalBox ? { internal: this.internalBox.checked } : {}) }) });
  }

  #editForm(node, comment) {
    this.#inlineForm(node, { value: comment.text, label: "Save",
      submit: (text) => request("PATCH", `${this.base}/comments/${comment.id}`, { text }) });
  }
}
