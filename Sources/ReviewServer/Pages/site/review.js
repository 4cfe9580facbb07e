// The client review site: entry by invite link, shareable link (with a name) and
// passphrase; the session as a playlist of its items; each item in the player. Staff sign
// in here too, and open any session in preview: exactly what a collaborator sees, under a
// bar that says so. Plain ES modules, no build.
import { request, all } from "/common/api.js";
import { el, when, humane } from "/common/dom.js";
import { itemView } from "/site/item-view.js";
import { statusWords } from "/site/comments.js";

const main = document.getElementById("main");
const bar = document.querySelector(".bar");

function show(...nodes) {
  main.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined));
  main.focus({ preventScroll: true });
}

/** The studio's name and logo, and the session's title, in the bar. */
function brand(session) {
  document.getElementById("studio").textContent = session.studio;
  document.getElementById("session-title").textContent = session.title;
  const logo = document.getElementById("logo");
  if (session.logo_url) {
    logo.src = session.logo_url;
    logo.alt = session.studio;
    logo.hidden = false;
  }
  bar.hidden = false;
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
  const form = el("form", { class: "card entry",
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
      return route();
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

/**
 * The page's context for a session: who this page writes as, and where its API is. A
 * collaborator reads and writes under /api/v1/review/sessions/{id}. Staff previewing read
 * the session there too (the server answers staff with what collaborators see), and write
 * their comments as staff under /api/v1/sessions/{id}, where no status can be set.
 */
async function reviewContext(sessionID, preview) {
  const readBase = `/api/v1/review/sessions/${sessionID}`;
  const answer = await request("GET", readBase);
  if (!answer.ok) {
    if (answer.status === 401) {
      if (preview) { location.assign(`/review/sign-in?next=${encodeURIComponent(location.pathname)}`); return null; }
      refused({ code: "invalid_token", message: "Open the review again from your invite link." });
      return null;
    }
    refused(answer.error);
    return null;
  }
  const session = answer.data;
  const root = preview ? `/review/preview/${sessionID}` : `/review/sessions/${sessionID}`;
  const context = { session, readBase, preview, sessionPath: () => root, itemPath: (id) => `${root}/items/${id}` };
  if (preview) {
    const me = await request("GET", "/api/v1/me");
    if (!me.ok) { location.assign(`/review/sign-in?next=${encodeURIComponent(location.pathname)}`); return null; }
    const previewBar = document.getElementById("preview-bar");
    previewBar.hidden = false;
    previewBar.replaceChildren(el("strong", {}, "Preview"),
      ` — you see this review as its collaborators do. Your comments are staff comments (internal unless you untick it), and no status can be set here. `,
      el("a", { href: "/review/preview" }, "All sessions"));
    return { ...context, me: { kind: "staff", id: me.data.id, name: me.data.name },
      feedbackBase: `/api/v1/sessions/${sessionID}`, roomPath: `/api/v1/sessions/${sessionID}/room` };
  }
  return { ...context, me: { kind: "collaborator", id: session.you.id, name: session.you.name },
    feedbackBase: readBase, roomPath: `${readBase}/room` };
}


function summaryText(summary) {
  if (!summary || summary.deciders === 0) return "No decision needed";
  if (summary.any_requires_changes) return "Changes requested";
  if (summary.all_approved) return "Approved";
  return `${summary.approved} of ${summary.deciders} approved`;
}

async function sessionView(review) {
  const { session, readBase, feedbackBase } = review;
  document.title = `${session.title} · ${session.studio}`;
  brand(session);
  const [items, summaries, statuses] = await Promise.all([
    all(`${readBase}/items`), all(`${feedbackBase}/summaries`), all(`${feedbackBase}/statuses`)]);
  const summaryOf = new Map(summaries.map((s) => [s.item_id, s]));
  const mine = new Map(statuses.filter((s) => s.collaborator.kind === review.me.kind && s.collaborator.id === review.me.id)
    .map((s) => [s.item_id, s.status]));

  const list = el("ol", { class: "playlist", "aria-label": "Items to review" },
    items.map((item, index) => el("li", { class: "item", "data-item": item.id },
      el("a", { class: "open", href: review.itemPath(item.id), "aria-label": `Review ${item.name}` }),
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
      el("p", { class: "muted" }, review.preview ? `Previewing as ${review.me.name}` : `Reviewing as ${session.you.name}`)),
    items.length ? list : el("p", { class: "card muted" }, "Nothing to review yet."));
}

/** Staff sign-in: email and password, then back where they were going. */
function signIn() {
  const next = new URLSearchParams(location.search).get("next");
  const target = next && next.startsWith("/review/") ? next : "/review/preview";
  const email = el("input", { id: "email", type: "email", autocomplete: "username", required: true });
  const password = el("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const button = el("button", { type: "submit", id: "sign-in" }, "Sign in");
  const message = el("p", { class: "problem", role: "alert", id: "problem" });
  document.title = "Sign in · Dailies";
  show(el("form", { class: "card entry", onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    const answer = await request("POST", "/api/v1/staff/sign-in", { email: email.value.trim(), password: password.value });
    button.disabled = false;
    if (answer.ok) { location.assign(target); return; }
    if (answer.error.retryAfter) return countDown(answer.error.retryAfter, button, message);
    message.textContent = answer.status === 401 ? "That email and password do not match a staff account." : humane(answer.error.message);
  } },
  el("h1", {}, "Staff sign-in"),
  el("label", { for: "email" }, "Email"), email,
  el("label", { for: "password" }, "Password"), password,
  message, button));
  email.focus();
}

/** Signed-in staff: every project's sessions, each opening in preview. */
async function previewList() {
  const me = await request("GET", "/api/v1/me");
  if (!me.ok) return location.assign("/review/sign-in");
  document.title = "Preview a session · Dailies";
  const projects = await all("/api/v1/projects");
  const groups = await Promise.all(projects.map(async (project) => [project, await all(`/api/v1/projects/${project.id}/sessions`)]));
  const signOut = el("button", { type: "button", class: "secondary", id: "sign-out", onclick: async () => {
    await request("POST", "/api/v1/staff/sign-out");
    location.assign("/review/sign-in");
  } }, "Sign out");
  show(el("section", { class: "session" },
    el("h1", {}, "Preview a session"),
    el("p", { class: "muted" }, `Signed in as ${me.data.name}. A preview shows a session exactly as its collaborators see it.`),
    signOut),
  groups.filter(([, sessions]) => sessions.length).map(([project, sessions]) => el("section", { class: "card project" },
    el("h2", {}, project.name),
    el("ul", { class: "sessions" }, sessions.map((session) => el("li", {},
      el("a", { href: `/review/preview/${session.id}`, class: "preview-link" }, session.title),
      el("span", { class: "muted" }, ` · ${session.closed_at ? "closed" : `until ${when(session.ends_at)}`}`)))))));
}

async function route() {
  const parts = location.pathname.split("/").filter(Boolean);
  const [, kind, value] = parts;
  if (parts[0] !== "review") return refused({ code: "invalid_token", message: "This address is not a review link." });
  if (kind === "sign-in") return signIn();
  if (kind === "preview" && !value) return previewList();
  if (kind === "invite" && value) return enter("invite", value);
  if (kind === "join" && value) return enter("join", value);
  if ((kind === "sessions" || kind === "preview") && value) {
    const review = await reviewContext(value, kind === "preview");
    if (!review) return;
    if (parts[3] === "items" && parts[4]) return itemView(review, parts[4], { show, refused, brand });
    return sessionView(review);
  }
  refused({ code: "invalid_token", message: "This address is not a review link." });
}

route();
