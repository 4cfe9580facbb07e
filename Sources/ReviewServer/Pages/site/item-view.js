// One item in the player: frame-exact playback, stepping and seeking on the proxy, the
// timeline, drawing, comments, your decision, and the live room (other people's feedback,
// who is here, and following the presenter).
import { request, all } from "/common/api.js";
import { el } from "/common/dom.js";
import { FramePlayer, SPEEDS, displaySize } from "/common/player.js";
import { frameLabels, parseRate } from "/common/timecode.js";
import { Timeline } from "/common/timeline.js";
import { DrawingLayer, drawingTools } from "/common/drawing.js";
import { Room } from "/common/room.js";
import { CommentPanel, statusWords } from "/site/comments.js";

/** A toggle button with its pressed state said to assistive technology. */
function toggle(label, attributes, onclick) {
  return el("button", { type: "button", class: "secondary", "aria-pressed": "false", ...attributes, onclick }, label);
}

/**
 * The item page. `review` is the page's context: the session, who this page writes as
 * (`me`), where its API is (`readBase` for the session as collaborators see it,
 * `feedbackBase` for comments, statuses and the room), and how addresses are written.
 */
export async function itemView(review, itemID, { show, refused, brand }) {
  const { session, readBase, feedbackBase } = review;
  const [answer, last] = await Promise.all([
    request("GET", `${readBase}/items/${itemID}`),
    request("GET", `${feedbackBase}/events?after=2147483647&limit=1`)]);
  if (!answer.ok) return refused(answer.error);
  const item = answer.data;
  brand(session);
  document.title = `${item.name} · ${session.title}`;
  const items = await all(`${readBase}/items`);
  const index = items.findIndex((candidate) => candidate.id === itemID);
  const neighbour = (by) => items[index + by] ? el("a", { class: "neighbour", href: review.itemPath(items[index + by].id),
    title: items[index + by].name }, by < 0 ? "‹ Previous" : "Next ›") : null;
  const nav = el("nav", { class: "item-nav", "aria-label": "Items" },
    el("a", { class: "back", href: review.sessionPath() }, "← All items"),
    el("span", { class: "muted" }, `${index + 1} of ${items.length}`), neighbour(-1), neighbour(1));
  const heading = el("h1", { class: "item-title" }, item.name,
    item.version_label ? el("span", { class: "label" }, ` ${item.version_label}`) : null);
  const media = item.media;
  if (!media) return show(nav, heading, el("p", { class: "card muted" }, "This item is still being prepared. Come back in a minute."));

  // The picture: a frame exactly the picture's displayed shape, zoomed and panned inside the stage.
  const labels = frameLabels(media);
  const display = displaySize(media);
  const video = el("video", { class: "picture", "aria-label": item.name });
  video.muted = true;
  const frame = el("div", { class: "frame" }, video);
  frame.style.setProperty("--aspect", String(display.width / media.height));
  const missingBadge = el("div", { class: "missing", hidden: true, role: "status" });
  const presenterBadge = el("div", { class: "following", hidden: true, role: "status" });
  const stage = el("div", { class: "stage", id: "stage" }, frame, missingBadge, presenterBadge);
  const player = new FramePlayer(video, media);
  const layer = new DrawingLayer(frame, display);

  // Frames a sequence was missing files for (the frame map says so), as ranges.
  let missing = [];
  if (media.frame_map_url) {
    const map = await request("GET", media.frame_map_url);
    if (map.ok && Array.isArray(map.data.missing)) missing = map.data.missing.map((r) => Array.isArray(r) ? r : [r, r]);
  }
  const timeline = new Timeline(player, labels, { filmstrip: media.filmstrip, filmstripURL: media.filmstrip_url, missing });

  // Comments, and the drawings of the frame on screen.
  const me = review.me;
  const canComment = review.preview || (session.allow_comments && session.you.role !== "observer");
  const comments = new CommentPanel({ base: feedbackBase, itemID, me, labels, player, layer, canComment, preview: review.preview });
  const showDrawings = () => layer.showSaved(comments.drawingsOn(player.frame));
  comments.addEventListener("change", () => { timeline.setMarkers(comments.markers()); showDrawings(); });
  const jumpTo = async ({ id, frame: target }) => {
    comments.select(id);
    await player.seek(target);
  };
  comments.addEventListener("jump", (event) => jumpTo(event.detail));
  timeline.addEventListener("marker", (event) => jumpTo(event.detail));

  // The counter, the transport and the tools.
  const counter = el("output", { class: "counter", id: "counter", "aria-live": "off" });
  const render = (shown) => {
    counter.textContent = `${labels.number(shown)}  ${labels.timecode(shown)}`;
    counter.dataset.frame = String(shown);
    const gap = missing.find(([first, last]) => shown >= first && shown <= last);
    missingBadge.hidden = !gap;
    if (gap) missingBadge.textContent = `Missing file: frame ${labels.number(shown)} is filled in`;
    showDrawings();
  };
  player.addEventListener("frame", (event) => render(event.detail.frame));
  player.addEventListener("mismatch", (event) => {
    // The self-check: the server logs and counts what a browser really showed.
    request("POST", `${readBase}/items/${itemID}/frame-checks`, event.detail);
  });

  const playButton = el("button", { type: "button", class: "play", id: "play", onclick: () => player.toggle(),
    title: "Play or pause (Space, K)" }, "Play");
  const syncPlay = () => {
    playButton.textContent = player.direction === 1 ? "Pause" : player.direction === -1 ? "Pause ◂" : "Play";
    playButton.setAttribute("aria-pressed", String(player.playing));
  };
  player.addEventListener("state", syncPlay);
  const jump = el("input", { id: "jump", class: "jump", inputmode: "numeric", placeholder: "Frame or timecode",
    "aria-label": "Go to frame number or timecode", autocomplete: "off" });
  const goto = el("form", { class: "goto", onsubmit: async (event) => {
    event.preventDefault();
    const target = labels.index(jump.value);
    const ok = target !== null && target >= 0 && target < player.frameCount;
    jump.setCustomValidity(ok ? "" : `A frame number from ${labels.number(0)} to ${labels.number(player.frameCount - 1)}, or a timecode such as ${labels.timecode(0)}`);
    jump.reportValidity();
    if (ok) await player.seek(target);
  } }, jump);
  const speed = el("select", { id: "speed", "aria-label": "Playback speed", onchange: () => player.setSpeed(Number(speed.value)) },
    SPEEDS.map((value) => el("option", { value: String(value), selected: value === 1 }, `${value}×`)));
  player.addEventListener("state", () => { speed.value = String(player.speed); });
  const loop = el("select", { id: "loop", "aria-label": "Loop", onchange: () => player.setLoop(loop.value) },
    el("option", { value: "off" }, "No loop"), el("option", { value: "item" }, "Loop item"),
    el("option", { value: "range" }, "Loop in–out"));
  const inButton = el("button", { type: "button", id: "mark-in", class: "secondary", title: "Set the in point here (I)",
    onclick: () => player.mark("in", player.frame) }, "In");
  const outButton = el("button", { type: "button", id: "mark-out", class: "secondary", title: "Set the out point here (O)",
    onclick: () => player.mark("out", player.frame) }, "Out");
  const clearRange = el("button", { type: "button", id: "clear-range", class: "secondary", title: "Clear in and out",
    onclick: () => { player.mark("in", null); player.mark("out", null); } }, "Clear");
  const rangeLabel = el("span", { class: "muted range-label", id: "range-label" });
  player.addEventListener("state", () => {
    const { inPoint, outPoint } = player;
    rangeLabel.textContent = inPoint === null && outPoint === null ? ""
      : `${inPoint === null ? "…" : labels.number(inPoint)}–${outPoint === null ? "…" : labels.number(outPoint)}`;
  });
  const mute = toggle("Sound off", { id: "mute", title: "Mute (M)", disabled: !media.has_audio }, () => {
    video.muted = !video.muted;
  });
  const volume = el("input", { type: "range", id: "volume", min: "0", max: "1", step: "0.05", value: "1",
    "aria-label": "Volume", disabled: !media.has_audio, oninput: () => { video.volume = Number(volume.value); video.muted = false; } });
  video.addEventListener("volumechange", () => {
    mute.textContent = video.muted ? "Sound off" : "Sound on";
    mute.setAttribute("aria-pressed", String(!video.muted));
  });

  // Zoom and pan: the frame is scaled and moved inside the stage; drawings go with it.
  const view = { zoom: 1, x: 0, y: 0 };
  const zoomLabel = el("span", { class: "muted zoom-label", id: "zoom-label" });
  const applyView = () => {
    if (view.zoom <= 1) { view.zoom = 1; view.x = 0; view.y = 0; }
    frame.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`;
    zoomLabel.textContent = view.zoom === 1 ? "" : `${Math.round(view.zoom * 100)}%`;
    stage.classList.toggle("zoomed", view.zoom > 1);
    requestAnimationFrame(() => layer.render(view.zoom));
  };
  const zoomBy = (factor) => { view.zoom = Math.min(Math.max(view.zoom * factor, 1), 16); applyView(); };
  stage.addEventListener("wheel", (event) => {
    if (!event.ctrlKey && !event.metaKey && view.zoom === 1 && event.deltaY > 0) return;
    event.preventDefault();
    zoomBy(event.deltaY < 0 ? 1.25 : 0.8);
  }, { passive: false });
  let panning = null;
  stage.addEventListener("pointerdown", (event) => {
    if (view.zoom === 1 || layer.editing || event.button !== 0) return;
    panning = { x: event.clientX - view.x, y: event.clientY - view.y };
    stage.setPointerCapture(event.pointerId);
  });
  stage.addEventListener("pointermove", (event) => {
    if (!panning) return;
    view.x = event.clientX - panning.x;
    view.y = event.clientY - panning.y;
    applyView();
  });
  stage.addEventListener("pointerup", () => { panning = null; });
  const fullscreen = el("button", { type: "button", id: "fullscreen", class: "secondary", title: "Fullscreen (F)",
    onclick: () => document.fullscreenElement ? document.exitFullscreen() : stage.requestFullscreen() }, "Fullscreen");

  // Drawing tools: shown while drawing.
  const drawButton = toggle("Draw", { id: "draw", title: "Draw on this frame (D)" }, () => setDrawing(!layer.editing));
  const { element: tools, sync: syncTools } = drawingTools(layer);
  const setDrawing = (on) => {
    if (on && player.playing) player.pause();
    layer.setEditing(on);
    tools.hidden = !on;
    drawButton.setAttribute("aria-pressed", String(on));
    stage.classList.toggle("drawing-on", on);
    syncTools();
  };

  const transport = el("div", { class: "controls transport", role: "group", "aria-label": "Player" },
    el("button", { type: "button", id: "first", class: "secondary", onclick: () => player.seek(player.bounds()[0]),
      title: "First frame (Home)", "aria-label": "First frame" }, "|◀︎"),
    el("button", { type: "button", id: "back", onclick: () => player.step(-1), title: "Previous frame (←)" }, "◀︎ Frame"),
    playButton,
    el("button", { type: "button", id: "forward", onclick: () => player.step(1), title: "Next frame (→)" }, "Frame ▶︎"),
    el("button", { type: "button", id: "last", class: "secondary", onclick: () => player.seek(player.bounds()[1]),
      title: "Last frame (End)", "aria-label": "Last frame" }, "▶︎|"),
    counter, goto);
  const extras = el("div", { class: "controls extras" },
    speed, loop, inButton, outButton, clearRange, rangeLabel,
    el("span", { class: "spacer" }),
    mute, volume,
    el("button", { type: "button", class: "secondary", id: "zoom-out", title: "Zoom out (−)", onclick: () => zoomBy(0.8) }, "−"),
    zoomLabel,
    el("button", { type: "button", class: "secondary", id: "zoom-in", title: "Zoom in (+)", onclick: () => zoomBy(1.25) }, "+"),
    el("button", { type: "button", class: "secondary", id: "zoom-fit", title: "Fit (0)",
      onclick: () => { view.zoom = 1; applyView(); } }, "Fit"),
    fullscreen, canComment ? drawButton : null);

  // Your decision, as your role allows.
  const decision = el("section", { class: "decision", "aria-label": "Your decision" });
  const summaryLine = el("p", { class: "summary muted", id: "summary" });
  let statuses = [];
  const renderDecision = async () => {
    const summaries = await all(`${feedbackBase}/summaries`);
    const summary = summaries.find((s) => s.item_id === itemID);
    summaryLine.textContent = !summary || summary.deciders === 0 ? "No decision needed"
      : summary.any_requires_changes ? `Changes requested · ${summary.approved} of ${summary.deciders} approved`
      : summary.all_approved ? "Approved by everyone" : `${summary.approved} of ${summary.deciders} approved`;
    const mine = statuses.find((s) => s.item_id === itemID && s.collaborator.kind === me.kind && s.collaborator.id === me.id);
    const current = mine ? mine.status : "pending";
    decision.replaceChildren(summaryLine);
    if (review.preview) {
      decision.append(el("p", { class: "muted" }, "In a preview you see the decision buttons' place; only collaborators decide."));
      return;
    }
    if (session.you.role === "observer") return;
    const set = async (status) => {
      const answer = await request("PUT", `${readBase}/items/${itemID}/status`, { status: current === status ? "pending" : status });
      if (!answer.ok) { alert(answer.error.message); return; }
      statuses = statuses.filter((s) => !(s.item_id === itemID && s.collaborator.id === me.id)).concat([answer.data]);
      comments.setStatuses(statuses);
      renderDecision();
    };
    decision.append(el("div", { class: "decide" },
      el("button", { type: "button", id: "approve", class: `approve ${current === "approved" ? "chosen" : ""}`,
        "aria-pressed": String(current === "approved"), onclick: () => set("approved") }, current === "approved" ? "✓ Approved" : "Approve"),
      el("button", { type: "button", id: "requires-changes", class: `changes ${current === "requires_changes" ? "chosen" : ""}`,
        "aria-pressed": String(current === "requires_changes"), onclick: () => set("requires_changes") },
      current === "requires_changes" ? "✓ Changes requested" : "Requires changes")),
    el("p", { class: "muted mine", id: "my-status" }, `Your status: ${statusWords[current]}`));
  };

  const downloadLink = (kind, label) => item.downloads[kind]
    ? el("a", { class: "download", href: `${readBase}/items/${itemID}/download/${kind}`, download: "" }, label) : null;
  const downloads = [downloadLink("original", "Download the original"), downloadLink("proxy", "Download the review copy")].filter(Boolean);

  show(el("div", { class: "item-page" },
    el("div", { class: "viewer" }, nav, heading, stage, timeline.element, transport, extras, tools,
      item.reason ? el("p", { class: "reason" }, item.reason) : null,
      downloads.length ? el("p", { class: "downloads" }, downloads) : null),
    el("aside", { class: "side" }, decision, comments.element)));

  // Keys, as editors know them. Typing in a field never drives the player.
  const held = new Set();
  document.addEventListener("keyup", (event) => held.delete(event.key.toLowerCase()));
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if ((event.ctrlKey || event.metaKey) && key === "z" && layer.editing) {
      event.preventDefault();
      return event.shiftKey ? layer.redo() : layer.undo();
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    held.add(key);
    const actions = {
      ArrowLeft: () => player.step(event.shiftKey ? -10 : -1),
      ArrowRight: () => player.step(event.shiftKey ? 10 : 1),
      " ": () => player.toggle(),
      k: () => player.shuttle("k"),
      // With K held, J and L step one frame, as in editing tools.
      j: () => held.has("k") ? player.step(-1) : player.shuttle("j"),
      l: () => held.has("k") ? player.step(1) : player.shuttle("l"),
      Home: () => player.seek(player.bounds()[0]),
      End: () => player.seek(player.bounds()[1]),
      i: () => player.mark("in", player.frame),
      o: () => player.mark("out", player.frame),
      m: () => media.has_audio && mute.click(),
      f: () => fullscreen.click(),
      "+": () => zoomBy(1.25), "=": () => zoomBy(1.25), "-": () => zoomBy(0.8), "0": () => { view.zoom = 1; applyView(); },
      d: () => canComment && setDrawing(!layer.editing),
      Escape: () => layer.editing && setDrawing(false),
    };
    if (target instanceof HTMLButtonElement && (key === " " || key === "Enter")) return;
    if (target.id === "timeline" && ["Home", "End"].includes(key)) return;
    if (actions[key]) { event.preventDefault(); actions[key](); }
  });

  // What is there now, then the room from there on.
  const [commentList, statusList] = await Promise.all([all(`${feedbackBase}/comments?item_id=${itemID}`),
    all(`${feedbackBase}/statuses?item_id=${itemID}`)]);
  statuses = statusList;
  comments.load(commentList);
  comments.setStatuses(statuses);
  renderDecision();
  await new Promise((resolve) => video.readyState >= 1 ? resolve() : video.addEventListener("loadedmetadata", resolve, { once: true }));
  const startAt = Number(new URLSearchParams(location.search).get("frame"));
  await player.seek(Number.isInteger(startAt) ? startAt : 0);
  window.dailiesPlayer = player;
  window.dailiesComments = comments;

  live(review, { itemID, player, comments, presenterBadge, after: last.ok ? last.data.last_seq : 0,
    onStatus: (status) => {
      statuses = statuses.filter((s) => !(s.item_id === status.item_id && s.collaborator.id === status.collaborator.id))
        .concat([status]);
      comments.setStatuses(statuses);
      renderDecision();
    },
    onItemChanged: () => location.reload() });
}

/**
 * The live room for the item page: other people's comments and statuses as they come, who
 * is here, and the presenter: present yourself, or follow whoever presents.
 */
function live(review, { itemID, player, comments, presenterBadge, after, onStatus, onItemChanged }) {
  const room = new Room(review.roomPath, after);
  window.dailiesRoom = room;
  const presence = document.getElementById("presence");
  const presentButton = document.getElementById("present");
  const followButton = document.getElementById("follow");
  let presenter = null;
  let following = new URLSearchParams(location.search).has("follow");

  room.addEventListener("event", (event) => {
    const { type, data } = event.detail;
    if (type.startsWith("comment.")) comments.upsert(data.comment);
    else if (type === "receipt.ready") {
      const comment = comments.comments.get(data.comment_id);
      if (comment) comments.upsert({ ...comment, receipt: data.receipt });
    } else if (type === "status.changed") onStatus(data.status);
    else if ((type === "item.removed" || type === "item.changed") && data.item_id === itemID) onItemChanged();
  });
  room.addEventListener("presence", (event) => {
    const people = event.detail.participants;
    presence.hidden = !people.length;
    presence.textContent = `${people.length} here`;
    presence.title = people.map((p) => p.name).join(", ");
  });
  room.addEventListener("ended", () => {
    presenterBadge.hidden = false;
    presenterBadge.textContent = "Your access to this review has ended.";
  });

  const isMe = (author) => author && author.kind === review.me.kind && author.id === review.me.id;
  const syncButtons = () => {
    presentButton.hidden = false;
    presentButton.textContent = isMe(presenter) ? "Stop presenting" : "Present";
    presentButton.setAttribute("aria-pressed", String(isMe(presenter)));
    followButton.hidden = !presenter || isMe(presenter);
    followButton.setAttribute("aria-pressed", String(following));
    followButton.textContent = following ? `Following ${presenter ? presenter.name : ""}` : `Follow ${presenter ? presenter.name : ""}`;
    presenterBadge.hidden = !(presenter && following && !isMe(presenter));
    if (!presenterBadge.hidden) presenterBadge.textContent = `Following ${presenter.name}`;
  };
  presentButton.onclick = () => room.send({ type: isMe(presenter) ? "stop_presenting" : "present" });
  followButton.onclick = () => {
    following = !following;
    syncButtons();
    if (following && presenter) follow(lastState);
  };

  // Following: go where the presenter is, and play or pause with them.
  let lastState = null;
  const follow = async (state) => {
    if (!state || !state.item_id) return;
    if (state.item_id !== itemID) {
      location.assign(`${review.itemPath(state.item_id)}?follow&frame=${state.frame ?? 0}`);
      return;
    }
    const rate = parseRate(state.rate || "1/1");
    const speed = Math.abs(rate.num / rate.den) || 1;
    if (state.playing) {
      if (Math.abs(player.frame - state.frame) > 12) await player.seek(state.frame);
      if (player.speed !== speed) player.setSpeed(speed);
      if (!player.playing) player.shuttle(rate.num < 0 ? "j" : "l");
    } else {
      if (player.playing) player.pause();
      await player.seek(state.frame);
    }
  };
  room.addEventListener("presenter", (event) => {
    const state = event.detail;
    presenter = state.presenter || null;
    lastState = state;
    if (!presenter) following = false;
    syncButtons();
    if (presenter && following && !isMe(presenter)) follow(state);
  });
  room.addEventListener("error", (event) => {
    presenterBadge.hidden = false;
    presenterBadge.textContent = event.detail.message;
    setTimeout(syncButtons, 4000);
  });

  // Presenting: say where this player is, on every settled frame and every change of state.
  let sent = 0;
  const tell = () => {
    if (!isMe(presenter)) return;
    const playing = player.playing;
    const now = performance.now();
    if (playing && now - sent < 250) return; // the room passes on four a second while playing
    sent = now;
    const speed = player.speed * (player.direction === -1 ? -1 : 1);
    const [num, den] = Number.isInteger(speed) ? [speed, 1] : [speed * 4, 4];
    room.send({ type: "state", item_id: itemID, frame: player.frame, playing, rate: `${num}/${den}` });
  };
  player.addEventListener("frame", tell);
  player.addEventListener("state", () => { sent = 0; tell(); });
  room.addEventListener("presenter", () => { if (isMe(presenter) && lastState && lastState.item_id !== itemID) tell(); });
  syncButtons();
}
