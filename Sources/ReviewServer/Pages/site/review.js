// The client review site: entry by invite link, shareable link (with a name) and
// passphrase, then the session as a playlist of its items. Plain ES modules, no build.
import { request, all } from "/common/api.js";
import { FramePlayer } from "/common/player.js";
import { frameLabels } from "/common/timecode.js";

const main = document.getElementById("main");
const studio = document.getElementById("studio");

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  main.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined));
  main.focus();
}

/** A time in the viewer's own time zone, with the zone's name. */
function when(iso) {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }).format(new Date(iso));
}

/** The server's message as a sentence, its times (ISO 8601, UTC) shown in the viewer's zone. */
function humane(message) {
  const text = message.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g, (iso) => when(iso));
  if (!text) return "";
  return text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
}

const refusals = {
  session_not_started: "Not open yet",
  session_expired: "This review has ended",
  session_closed: "This review is closed",
  access_revoked: "Your access has ended",
  invalid_token: "This link does not work",
  share_link_disabled: "This link is turned off",
};

function refused(error) {
  show(el("section", { class: "card notice", role: "alert" },
    el("h1", {}, refusals[error.code] || "Something went wrong"),
    el("p", {}, humane(error.message || "")),
    error.code === "invalid_token" ? el("p", { class: "muted" }, "Ask the studio for a new link.") : null));
}

/** Asks for the passphrase (and, for a shareable link, a name first); `attempt` tries it. */
function entryForm({ askName, askPassphrase, problem, wait }, attempt) {
  const name = el("input", { id: "name", name: "name", autocomplete: "name", required: true, maxlength: "200" });
  const email = el("input", { id: "email", name: "email", type: "email", autocomplete: "email" });
  const passphrase = el("input", { id: "passphrase", name: "passphrase", type: "password", autocomplete: "current-password",
    required: true });
  const button = el("button", { type: "submit" }, "Open the review");
  const message = el("p", { class: "problem", role: "alert", id: "problem" }, problem || "");
  const form = el("form", { class: "card entry", novalidate: false,
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      await attempt({ name: askName ? name.value.trim() : undefined, email: askName ? (email.value.trim() || null) : undefined,
        passphrase: askPassphrase ? passphrase.value : undefined });
      button.disabled = false;
    } },
    el("h1", {}, askName ? "Who is reviewing?" : "This review needs a passphrase"),
    askName ? [el("label", { for: "name" }, "Your name"), name,
               el("label", { for: "email" }, "Email (optional, for notifications)"), email] : null,
    askPassphrase ? [el("label", { for: "passphrase" }, "Passphrase"), passphrase] : null,
    message, button);
  show(form);
  (askName ? name : passphrase).focus();
  if (wait) countDown(wait, button, message);
}

/** Keeps the button off while the throttle's wait runs, saying how long is left. */
function countDown(seconds, button, message) {
  button.disabled = true;
  const tick = () => {
    if (seconds <= 0) { button.disabled = false; message.textContent = "You can try again now."; return; }
    message.textContent = `Too many tries. Try again in ${seconds} s.`;
    seconds -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

/** Trades an invite or share token for the access cookie, asking what the session needs. */
async function enter(kind, token) {
  const state = { askName: kind === "join", askPassphrase: false };
  const attempt = async ({ name, email, passphrase } = {}) => {
    const body = kind === "join" ? { share_token: token, name, email, passphrase: passphrase ?? null }
                                 : { token, passphrase: passphrase ?? null };
    const answer = await request("POST", kind === "join" ? "/api/v1/review/join" : "/api/v1/review/access", body);
    if (answer.ok) {
      // The token leaves the address bar; the cookie carries the access from here.
      history.replaceState(null, "", `/review/sessions/${answer.data.id}`);
      return sessionView(answer.data.id);
    }
    const error = answer.error;
    if (error.code === "passphrase_required" || error.code === "passphrase_wrong") {
      state.askPassphrase = true;
      state.askName = kind === "join";
      return entryForm({ ...state, problem: error.code === "passphrase_wrong" ? "That passphrase is not right." : "" }, attempt);
    }
    if (error.code === "too_many_attempts") {
      return entryForm({ ...state, askPassphrase: true, wait: error.retryAfter || 30 }, attempt);
    }
    if (error.code === "invalid_field") {
      return entryForm({ ...state, problem: error.message }, attempt);
    }
    refused(error);
  };
  if (kind === "join") entryForm(state, attempt);
  else await attempt();
}

const statusWords = { pending: "Pending", approved: "Approved", requires_changes: "Changes requested" };

function summaryText(summary) {
  if (!summary || summary.deciders === 0) return "No decision needed";
  if (summary.any_requires_changes) return "Changes requested";
  if (summary.all_approved) return "Approved";
  return `${summary.approved} of ${summary.deciders} approved`;
}

async function sessionView(sessionID) {
  const base = `/api/v1/review/sessions/${sessionID}`;
  const answer = await request("GET", base);
  if (!answer.ok) {
    if (answer.status === 401) {
      return refused({ code: "invalid_token", message: "Open the review again from your invite link." });
    }
    return refused(answer.error);
  }
  const session = answer.data;
  document.title = `${session.title} · ${session.studio}`;
  studio.textContent = session.studio;
  studio.parentElement.hidden = false;
  const [items, summaries, statuses] = await Promise.all([
    all(`${base}/items`), all(`${base}/summaries`), all(`${base}/statuses`)]);
  const summaryOf = new Map(summaries.map((s) => [s.item_id, s]));
  const mine = new Map(statuses.filter((s) => s.collaborator.id === session.you.id).map((s) => [s.item_id, s.status]));

  const list = el("ol", { class: "playlist", "aria-label": "Items to review" },
    items.map((item, index) => el("li", { class: "item", "data-item": item.id },
      el("a", { class: "open", href: `/review/sessions/${sessionID}/items/${item.id}`, "aria-label": `Review ${item.name}` }),
      el("div", { class: "poster" },
        item.media && item.media.poster_url
          ? el("img", { src: item.media.poster_url, alt: "", loading: "lazy", width: "320", height: "180" })
          : el("span", { class: "pending" }, "Being prepared")),
      el("div", { class: "about" },
        el("h2", {}, el("span", { class: "position" }, `${index + 1}`), el("span", { class: "name" }, item.name),
          item.version_label ? el("span", { class: "label" }, item.version_label) : null),
        item.reason ? el("p", { class: "reason" }, item.reason) : null,
        el("p", { class: "statuses" },
          el("span", { class: `chip summary ${(summaryOf.get(item.id) || {}).any_requires_changes ? "changes" : ""}` },
            summaryText(summaryOf.get(item.id))),
          mine.has(item.id) ? el("span", { class: `chip mine ${mine.get(item.id)}` }, `You: ${statusWords[mine.get(item.id)]}`) : null)))));

  show(
    el("section", { class: "session" },
      el("h1", {}, session.title),
      el("p", { class: "dates" }, `Open until ${when(session.ends_at)}`),
      session.description ? el("p", { class: "description" }, session.description) : null,
      el("p", { class: "muted" }, `Reviewing as ${session.you.name}`)),
    items.length ? list : el("p", { class: "card muted" }, "Nothing to review yet."));
}

/** One item in the player: frame-exact stepping, seeking and playback on the proxy. */
async function itemView(sessionID, itemID) {
  const base = `/api/v1/review/sessions/${sessionID}`;
  const [session, item] = await Promise.all([request("GET", base), request("GET", `${base}/items/${itemID}`)]);
  if (!session.ok) return session.status === 401
    ? refused({ code: "invalid_token", message: "Open the review again from your invite link." }) : refused(session.error);
  if (!item.ok) return refused(item.error);
  studio.textContent = session.data.studio;
  studio.parentElement.hidden = false;
  document.title = `${item.data.name} · ${session.data.title}`;
  const back = el("a", { class: "back", href: `/review/sessions/${sessionID}` }, "← All items");
  const media = item.data.media;
  if (!media) {
    return show(back, el("h1", {}, item.data.name), el("p", { class: "card muted" }, "This item is still being prepared."));
  }
  const labels = frameLabels(media);
  const video = el("video", { class: "picture", muted: true, "aria-label": item.data.name });
  video.muted = true;
  const counter = el("output", { class: "counter", id: "counter", "aria-live": "off" });
  const jump = el("input", { id: "jump", class: "jump", inputmode: "numeric", placeholder: "Frame or timecode",
    "aria-label": "Go to frame number or timecode" });
  const player = new FramePlayer(video, media);
  const playButton = el("button", { type: "button", class: "play", id: "play", onclick: () => player.toggle() }, "Play");
  const render = (frame) => {
    counter.textContent = `${labels.number(frame)}  ${labels.timecode(frame)}`;
    counter.dataset.frame = String(frame);
  };
  player.addEventListener("frame", (event) => render(event.detail.frame));
  video.addEventListener("play", () => { playButton.textContent = "Pause"; });
  video.addEventListener("pause", () => { playButton.textContent = "Play"; });
  const form = el("form", { class: "goto", onsubmit: async (event) => {
    event.preventDefault();
    const index = labels.index(jump.value);
    jump.setCustomValidity(index === null ? "A frame number or a timecode such as 01:00:01:17" : "");
    if (index !== null) await player.seek(index);
  } }, jump);
  const controls = el("div", { class: "controls" },
    el("button", { type: "button", id: "back", onclick: () => player.step(-1), title: "Previous frame (←)" }, "◀︎ Frame"),
    playButton,
    el("button", { type: "button", id: "forward", onclick: () => player.step(1), title: "Next frame (→)" }, "Frame ▶︎"),
    counter, form);
  // Downloads, only as the session allows them (the server refuses the others anyway).
  const download = (kind, label) => item.data.downloads[kind]
    ? el("a", { class: "download", href: `${base}/items/${itemID}/download/${kind}`, download: "" }, label) : null;
  const downloads = [download("original", "Download the original"), download("proxy", "Download the review copy")]
    .filter(Boolean);
  show(back, el("h1", { class: "item-title" }, item.data.name), el("div", { class: "stage" }, video), controls,
    downloads.length ? el("p", { class: "downloads" }, downloads) : null);
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement) return;
    const keys = { ArrowLeft: () => player.step(-1), ArrowRight: () => player.step(1), " ": () => player.toggle(),
      k: () => video.pause(), l: () => video.play(), j: () => player.step(-1) };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });
  await new Promise((resolve) => video.readyState >= 1 ? resolve() : video.addEventListener("loadedmetadata", resolve, { once: true }));
  await player.seek(0);
  window.dailiesPlayer = player;
}

function route() {
  const parts = location.pathname.split("/").filter(Boolean);
  if (parts[0] !== "review" || parts.length < 3) return refused({ code: "invalid_token", message: "This address is not a review link." });
  const [, kind, value] = parts;
  if (kind === "invite") return enter("invite", value);
  if (kind === "join") return enter("join", value);
  if (kind === "sessions" && parts[3] === "items" && parts[4]) return itemView(value, parts[4]);
  if (kind === "sessions") return sessionView(value);
  refused({ code: "invalid_token", message: "This address is not a review link." });
}

route();
