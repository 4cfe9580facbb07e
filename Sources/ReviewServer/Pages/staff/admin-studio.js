// The studio's settings (admins): its name and logo, the reply-to address and time zone of
// its mails, when digests go out and how long batched mail gathers, whether sessions may have
// shareable links, and where a transfer of feedback puts its statuses.

import { csrfToken, request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { busy, confirmDialog, field, problemLine, toast } from "/staff/ui.js";
import { adminHead, adminPage } from "/staff/admin-shared.js";
import { knownZone, zoneLabel } from "/staff/session-schedule.js";

const LOGO_TYPES = ["image/png", "image/jpeg"];
const LOGO_MAX_BYTES = 16 * 1024 * 1024;

export default async function render(page) {
  if (!adminPage(page, "Studio")) return;
  const answer = await request("GET", "/api/v1/organization");
  if (!answer.ok) {
    page.main.replaceChildren(adminHead("/staff/admin"), el("p", { class: "problem" }, humane(answer.error.message)));
    return;
  }
  const studio = { settings: answer.data };
  /** After a save: the page, the header and the window's title show the studio as it now is. */
  studio.update = (settings) => {
    studio.settings = settings;
    page.organization = settings;
    page.setTitle("Studio", [["Admin", "/staff/admin"], ["Studio"]]);
  };
  page.main.replaceChildren(adminHead("/staff/admin"),
    el("div", { class: "admin-grid" }, settingsForm(studio), logoCard(studio)));
}

// ----- The settings: one form, saving only what changed -----

function settingsForm(studio) {
  const name = el("input", { type: "text", id: "studio-name", required: true, maxlength: 200, autocomplete: "organization" });
  const replyTo = el("input", { type: "email", id: "reply-to", maxlength: 254, autocomplete: "off", placeholder: "producers@studio.example" });
  const zone = el("input", { type: "text", id: "time-zone", required: true, maxlength: 64, list: "zones", autocomplete: "off",
    spellcheck: "false", placeholder: "Europe/London" });
  const zones = el("datalist", { id: "zones" }, zoneNames().map((name) => el("option", { value: name })));
  const zoneNow = el("small", { class: "hint", id: "time-zone-now", "aria-live": "polite" });
  const digestHour = el("select", { id: "digest-hour" },
    Array.from({ length: 24 }, (_, hour) => el("option", { value: String(hour) }, `${String(hour).padStart(2, "0")}:00`)));
  const windowMinutes = el("input", { type: "number", id: "batch-minutes", min: 1, max: 1440, step: 1, required: true, inputmode: "numeric" });
  const shareLinks = el("input", { type: "checkbox", id: "share-links", role: "switch" });
  const toVersion = el("input", { type: "radio", name: "transfer-to", id: "transfer-version", value: "version" });
  const toTask = el("input", { type: "radio", name: "transfer-to", id: "transfer-task", value: "task" });
  const save = el("button", { type: "submit", id: "save-studio" }, "Save settings");
  const state = el("span", { class: "muted save-state", id: "studio-state", role: "status" });
  const problem = problemLine();
  problem.id = "studio-problem";

  const showZone = () => {
    const value = zone.value.trim();
    if (!value) zoneNow.textContent = "";
    else if (!knownZone(value)) zoneNow.textContent = "Not a time zone this browser knows: use an IANA name such as Europe/London.";
    else zoneNow.textContent = `Now ${new Intl.DateTimeFormat(undefined, { timeZone: value, hour: "2-digit", minute: "2-digit" }).format(new Date())} there, ${zoneLabel(value)}.`;
  };
  zone.addEventListener("input", showZone);

  /** What the form shows for `settings`, as the API names it. */
  const shown = (settings) => ({
    name: settings.name,
    reply_to: settings.reply_to || "",
    time_zone: settings.time_zone,
    digest_hour: settings.digest_hour,
    notification_window_seconds: settings.notification_window_seconds,
    share_links_enabled: settings.share_links_enabled,
    transfer_status_to: settings.transfer_status_to,
  });
  const typed = () => ({
    name: name.value.trim(),
    reply_to: replyTo.value.trim(),
    time_zone: zone.value.trim(),
    digest_hour: Number(digestHour.value),
    notification_window_seconds: Math.round(Number(windowMinutes.value) * 60),
    share_links_enabled: shareLinks.checked,
    transfer_status_to: toTask.checked ? "task" : "version",
  });
  const fill = (settings) => {
    const values = shown(settings);
    name.value = values.name;
    replyTo.value = values.reply_to;
    zone.value = values.time_zone;
    digestHour.value = String(values.digest_hour);
    windowMinutes.value = String(Math.max(1, Math.round(values.notification_window_seconds / 60)));
    shareLinks.checked = values.share_links_enabled;
    (values.transfer_status_to === "task" ? toTask : toVersion).checked = true;
    showZone();
  };
  const changes = () => {
    const was = shown(studio.settings);
    const now = typed();
    const body = {};
    for (const key of Object.keys(now)) if (now[key] !== was[key]) body[key] = now[key];
    if ("reply_to" in body && !body.reply_to) body.reply_to = null;
    return body;
  };

  const form = el("form", { class: "card studio-settings", id: "studio-form", "aria-labelledby": "studio-heading" },
    el("h2", { id: "studio-heading" }, "Settings"),
    el("fieldset", {}, el("legend", {}, "The studio"),
      field("Studio name", name, "In the header of every page, in invitations and mails, and on reports."),
      field("Reply-to address", replyTo, "Where replies to the mails Dailies sends go. Empty: no reply-to."),
      el("div", { class: "field" }, el("label", { for: "time-zone" }, "Time zone"), zone, zones, zoneNow,
        el("small", { class: "hint" }, "Sessions' schedules are set and shown in it, and times in mails are in it."))),
    el("fieldset", {}, el("legend", {}, "Mail about feedback"),
      el("div", { class: "field-pair" },
        field("Daily digests go out at", digestHour, "In the studio's time zone."),
        el("div", { class: "field" }, el("label", { for: "batch-minutes" }, "Gathered mail waits"),
          el("span", { class: "with-unit" }, windowMinutes, el("span", { class: "muted", "aria-hidden": "true" }, "minutes")),
          el("small", { class: "hint", id: "batch-minutes-hint" }, "Minutes after the first comment, for more to come into the same mail.")))),
    el("fieldset", {}, el("legend", {}, "Review sessions"),
      el("label", { class: "check", for: "share-links" }, shareLinks, "Sessions may have a shareable link"),
      el("p", { class: "hint indent" }, "Off: only personal invites let anyone in, and every shareable link stops working."),
      el("div", { class: "field", role: "radiogroup", "aria-labelledby": "transfer-label" },
        el("span", { class: "label", id: "transfer-label" }, "A transfer of feedback puts the statuses on"),
        el("label", { class: "check", for: "transfer-version" }, toVersion, "the version"),
        el("label", { class: "check", for: "transfer-task" }, toTask, "the version's task (a version without a task gets none)"))),
    problem,
    el("div", { class: "actions" }, state, save));
  windowMinutes.setAttribute("aria-describedby", "batch-minutes-hint");

  form.addEventListener("input", () => { state.textContent = Object.keys(changes()).length ? "Not saved yet" : ""; });
  form.addEventListener("change", () => { state.textContent = Object.keys(changes()).length ? "Not saved yet" : ""; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = changes();
    if (!Object.keys(body).length) { state.textContent = "Nothing to save."; return; }
    if ("time_zone" in body && !knownZone(body.time_zone)) {
      problem.textContent = "That time zone is not one this browser knows: use an IANA name such as Europe/London.";
      zone.focus();
      return;
    }
    if ("share_links_enabled" in body && !body.share_links_enabled) {
      const sure = await confirmDialog("Turn shareable links off?",
        ["Every session's shareable link stops working at once; people who joined through one keep their access.",
          "Personal invites work as before."], "Turn off");
      if (!sure) { shareLinks.focus(); return; }
    }
    const answer = await busy(save, "Saving…", () => request("PATCH", "/api/v1/organization", body), { problem, done: "Settings saved." });
    if (answer.ok) {
      studio.update(answer.data);
      fill(answer.data);
      state.textContent = "Saved.";
    } else if (answer.error.field) {
      const control = { name, reply_to: replyTo, time_zone: zone, digest_hour: digestHour, notification_window_seconds: windowMinutes }[answer.error.field];
      control?.focus();
    }
  });
  fill(studio.settings);
  return form;
}

/** The IANA zones the browser knows, UTC first. */
function zoneNames() {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...names.filter((name) => name !== "UTC")];
}

// ----- The logo: shown, replaced from a PNG or JPEG, removed -----

function logoCard(studio) {
  const picture = el("div", { class: "logo-frame", id: "logo-frame" });
  const file = el("input", { type: "file", id: "logo-file", accept: LOGO_TYPES.join(","), class: "visually-hidden" });
  const choose = el("button", { type: "button", class: "secondary", id: "choose-logo" }, "Choose an image…");
  const remove = el("button", { type: "button", class: "secondary danger", id: "remove-logo" }, "Remove");
  const state = el("p", { class: "hint", id: "logo-state", role: "status" });
  const problem = problemLine();
  problem.id = "logo-problem";
  choose.addEventListener("click", () => file.click());

  const show = () => {
    const url = studio.settings.logo_url;
    remove.hidden = !url;
    if (url) {
      // A new address each time it changes: the browser's copy of the old one must not show.
      const image = el("img", { src: `${url}${url.includes("?") ? "&" : "?"}v=${Date.now()}`, alt: `${studio.settings.name}'s logo`, id: "logo-image" });
      image.addEventListener("error", () => picture.replaceChildren(el("span", { class: "muted" }, "The logo could not be shown.")));
      picture.replaceChildren(image);
    } else {
      picture.replaceChildren(el("span", { class: "muted logo-none" }, "No logo: pages and mails show the studio's name."));
    }
  };

  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    file.value = "";
    if (!chosen) return;
    problem.textContent = "";
    if (!LOGO_TYPES.includes(chosen.type)) {
      problem.textContent = `${chosen.name} is not a PNG or JPEG image.`;
      toast(problem.textContent, "bad");
      return;
    }
    if (chosen.size > LOGO_MAX_BYTES) {
      problem.textContent = `${chosen.name} is larger than 16 MB: make it smaller first.`;
      toast(problem.textContent, "bad");
      return;
    }
    state.textContent = `Sending ${chosen.name}…`;
    const answer = await busy(choose, "Sending…", () => sendBytes("PUT", "/api/v1/organization/logo", chosen), { problem, done: "Logo saved." });
    state.textContent = answer.ok ? "The server keeps it as a PNG of at most 1024 × 256 pixels." : "";
    if (answer.ok) { studio.update(answer.data); show(); }
  });
  remove.addEventListener("click", async () => {
    const sure = await confirmDialog("Remove the logo?", ["Pages and mails show the studio's name instead."], "Remove");
    if (!sure) return;
    const answer = await busy(remove, "Removing…", () => request("DELETE", "/api/v1/organization/logo"), { problem, done: "Logo removed." });
    if (!answer.ok) return;
    const fresh = await request("GET", "/api/v1/organization");
    studio.update(fresh.ok ? fresh.data : { ...studio.settings, logo_url: null });
    show();
    choose.focus();
  });

  show();
  return el("section", { class: "card logo-card", "aria-labelledby": "logo-heading" },
    el("h2", { id: "logo-heading" }, "Logo"),
    el("p", { class: "muted" }, "On the review site and in mails and reports. A PNG or JPEG; wide logos suit best (up to 4 : 1)."),
    picture, state, problem,
    el("div", { class: "actions" }, file, remove, choose));
}

/** Sends a file's raw bytes as the body (as api.js's request() sends JSON), answering {ok, status, data, error}. */
async function sendBytes(method, path, file) {
  const headers = { "Accept": "application/json", "Content-Type": file.type };
  const token = csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  let response;
  try {
    response = await fetch(path, { method, credentials: "same-origin", headers, body: file });
  } catch {
    return { ok: false, status: 0, error: { code: "offline", message: "The server cannot be reached. Check your connection." } };
  }
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (response.ok) return { ok: true, status: response.status, data };
  return { ok: false, status: response.status, error: (data && data.error) || { code: `http_${response.status}`, message: `The server answered ${response.status}.` } };
}
