// The feedback page's player: one item's proxy on the frame a comment was made on, frame-exact
// (common/player.js, as the review site's item page), with the drawings of the frame on screen,
// the timeline's comment markers, and a composer for an internal staff comment on the frame
// with a drawing (common/drawing.js).

import { request } from "/common/api.js";
import { el } from "/common/dom.js";
import { DrawingLayer, drawingTools } from "/common/drawing.js";
import { anchorText, commentMarkers, drawingsOn } from "/common/feedback.js";
import { FramePlayer, displaySize } from "/common/player.js";
import { frameLabels } from "/common/timecode.js";
import { Timeline } from "/common/timeline.js";
import { busy, problemLine } from "/staff/ui.js";

/**
 * Events: "posted" (detail: the comment written here), "select" (detail: {id}, a marker clicked),
 * "closed".
 */
export class FeedbackViewer extends EventTarget {
  /** `base` is the staff feedback API of the session (`/api/v1/sessions/{id}`). */
  constructor({ base, sessionID }) {
    super();
    this.base = base;
    this.sessionID = sessionID;
    this.item = null;
    this.comments = [];
    this.body = el("div", { class: "viewer-body" });
    this.element = el("section", { class: "card fb-viewer", id: "viewer", "aria-label": "Player", hidden: true }, this.body);
  }

  /** The item shown, or null. */
  get itemID() { return this.item ? this.item.id : null; }

  /**
   * Shows `item` (a review item with its media) on `frame`, building the player when the item
   * changes (at once, so setComments may follow). Resolves once the frame is on screen.
   */
  show(item, frame = 0) {
    this.element.hidden = false;
    if (!this.item || this.item.id !== item.id) this.#build(item);
    if (!this.player) return Promise.resolve();
    const player = this.player;
    return this.ready.then(() => player.seek(frame));
  }

  /** The picture, to take the keyboard's focus (arrows step, Space plays). */
  focus() {
    const stage = this.element.querySelector(".stage");
    (stage || this.element.querySelector("#viewer-close"))?.focus({ preventScroll: true });
  }

  /** The comments of the shown item (for its markers and drawings); others are ignored. */
  setComments(comments) {
    if (!this.item) return;
    this.comments = comments.filter((comment) => comment.item_id === this.item.id);
    if (this.timeline) this.timeline.setMarkers(commentMarkers(this.comments));
    this.#showDrawings();
  }

  close() {
    if (this.player) this.player.pause();
    this.element.hidden = true;
    this.dispatchEvent(new CustomEvent("closed"));
  }

  #showDrawings() {
    if (this.layer && this.player) this.layer.showSaved(drawingsOn(this.comments, this.player.frame));
  }

  #build(item) {
    if (this.player) this.player.pause();
    this.item = item;
    this.player = null;
    this.timeline = null;
    this.layer = null;
    const close = el("button", { type: "button", class: "secondary small", id: "viewer-close", onclick: () => this.close() }, "Close");
    const title = el("h2", { id: "viewer-title" }, item.name, item.version_label ? el("span", { class: "muted" }, ` ${item.version_label}`) : null);
    const head = el("div", { class: "viewer-head" }, title,
      el("span", { class: "viewer-links" },
        el("a", { href: `/review/preview/${encodeURIComponent(this.sessionID)}/items/${encodeURIComponent(item.id)}`, class: "small-link" }, "Open in preview"),
        close));
    const media = item.media;
    if (!media) {
      this.body.replaceChildren(head, el("p", { class: "muted" }, "This item's review copy is still being made."));
      return;
    }
    const labels = frameLabels(media);
    const display = displaySize(media);
    const video = el("video", { class: "picture", "aria-label": `${item.name}, the frame` });
    video.muted = true;
    const frame = el("div", { class: "frame" }, video);
    frame.style.setProperty("--aspect", String(display.width / media.height));
    const stage = el("div", { class: "stage", id: "viewer-stage", tabindex: "0",
      "aria-label": "The picture: ← and → step a frame, Space plays" }, frame);
    const player = new FramePlayer(video, media);
    const layer = new DrawingLayer(frame, display);
    const timeline = new Timeline(player, labels, { filmstrip: media.filmstrip, filmstripURL: media.filmstrip_url, missing: media.missing || [] });
    Object.assign(this, { player, layer, timeline, labels });
    this.ready = new Promise((resolve) => video.readyState >= 1 ? resolve() : video.addEventListener("loadedmetadata", resolve, { once: true }));
    timeline.addEventListener("marker", (event) => {
      this.dispatchEvent(new CustomEvent("select", { detail: { id: event.detail.id } }));
      player.seek(event.detail.frame);
    });

    const counter = el("output", { class: "counter", id: "viewer-counter" });
    const play = el("button", { type: "button", class: "secondary", id: "viewer-play", onclick: () => player.toggle(), title: "Play or pause (Space)" }, "Play");
    player.addEventListener("state", () => { play.textContent = player.playing ? "Pause" : "Play"; });
    // The composer: an internal comment on the frame on screen, with what is drawn on it.
    const { element: tools, sync: syncTools } = drawingTools(layer);
    const draw = el("button", { type: "button", class: "secondary", id: "viewer-draw", "aria-pressed": "false",
      title: "Draw on this frame; the drawing goes with your comment" }, "Draw");
    const setDrawing = (on) => {
      if (on && player.playing) player.pause();
      layer.setEditing(on);
      tools.hidden = !on;
      draw.setAttribute("aria-pressed", String(on));
      draw.textContent = on ? "Done drawing" : "Draw";
      stage.classList.toggle("drawing-on", on);
      syncTools();
    };
    draw.addEventListener("click", () => setDrawing(!layer.editing));
    const transport = el("div", { class: "viewer-transport", role: "group", "aria-label": "Player" },
      el("button", { type: "button", class: "secondary", id: "viewer-back", title: "Previous frame (←)", onclick: () => player.step(-1) }, "◀︎ Frame"),
      play,
      el("button", { type: "button", class: "secondary", id: "viewer-forward", title: "Next frame (→)", onclick: () => player.step(1) }, "Frame ▶︎"),
      draw, counter);
    const text = el("textarea", { id: "staff-comment-text", rows: "2", maxlength: "10000", placeholder: "A note on this frame for the team…" });
    const onLabel = el("label", { for: "staff-comment-text", id: "staff-comment-label" });
    const internal = el("input", { type: "checkbox", id: "staff-comment-internal", checked: true });
    const post = el("button", { type: "submit", id: "staff-comment-post" }, "Comment");
    const problem = problemLine();
    const form = el("form", { class: "fb-composer", id: "staff-comment" },
      onLabel, text,
      el("div", { class: "composer-line" },
        el("label", { class: "check", for: "staff-comment-internal" }, internal, "Internal: staff only"),
        el("span", { class: "spacer" }), post),
      problem);
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!text.value.trim()) {
        problem.textContent = "Write something first.";
        text.focus();
        return;
      }
      const at = player.frame;
      const body = { text: text.value, anchor: { frame: at }, internal: internal.checked };
      const drawing = layer.drawing();
      if (drawing) body.drawing = drawing;
      const answer = await busy(post, "Posting…", () => request("POST", `${this.base}/items/${encodeURIComponent(item.id)}/comments`, body),
        { problem, done: `Comment posted on frame ${labels.number(at)}.` });
      if (!answer.ok) return;
      text.value = "";
      layer.reset();
      setDrawing(false);
      this.dispatchEvent(new CustomEvent("posted", { detail: answer.data }));
    });

    const showFrame = (shown) => {
      counter.textContent = `${labels.number(shown)}  ${labels.timecode(shown)}`;
      counter.dataset.frame = String(shown);
      onLabel.textContent = `Comment on ${anchorText({ frame: shown }, labels)}`;
      post.textContent = `Comment on ${labels.number(shown)}`;
      this.#showDrawings();
    };
    player.addEventListener("frame", (event) => showFrame(event.detail.frame));
    showFrame(0);

    stage.addEventListener("keydown", (event) => {
      const keys = {
        ArrowLeft: () => player.step(event.shiftKey ? -10 : -1),
        ArrowRight: () => player.step(event.shiftKey ? 10 : 1),
        " ": () => player.toggle(),
        Home: () => player.seek(0),
        End: () => player.seek(player.frameCount - 1),
        Escape: () => layer.editing && setDrawing(false),
      };
      if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
    });

    this.body.replaceChildren(head, stage, timeline.element, transport, tools, form);
    syncTools();
    window.dailiesStaffPlayer = player;
  }
}
