// What every staff page does the same way: say that something is under way, then whether it
// worked (a toast), keep what was typed when it failed, and ask before destroying.

import { el, humane } from "/common/dom.js";

/** Shows `message` for a few seconds in the corner (`kind`: "good" or "bad"; errors stay longer). */
export function toast(message, kind = "good") {
  const host = document.getElementById("toasts");
  const note = el("div", { class: `toast ${kind}` }, message);
  host.append(note);
  setTimeout(() => note.remove(), kind === "bad" ? 8000 : 4000);
  return note;
}

/**
 * Runs `work` (an async function answering api.js's {ok, error, data}) for `button`: the
 * button is disabled and says `busyLabel` meanwhile; success shows `done` (a string, or a
 * function of the data) as a toast, failure the server's message, in `problem` (an element
 * near the form) when given and as a toast. Answers the result; forms are never cleared here,
 * so a failed request keeps what was typed.
 */
export async function busy(button, busyLabel, work, { done, problem } = {}) {
  const label = button ? button.textContent : "";
  if (button) { button.disabled = true; button.textContent = busyLabel; button.setAttribute("aria-busy", "true"); }
  if (problem) problem.textContent = "";
  let answer;
  try {
    answer = await work();
  } catch (error) {
    answer = { ok: false, error: { code: "page", message: String(error && error.message || error) } };
  } finally {
    if (button) { button.disabled = false; button.textContent = label; button.removeAttribute("aria-busy"); }
  }
  if (answer && answer.ok === false) {
    const message = humane(answer.error.message || "That did not work");
    if (problem) problem.textContent = message;
    toast(message, "bad");
  } else if (done) {
    toast(typeof done === "function" ? done(answer && answer.data) : done);
  }
  return answer;
}

/** A labelled field: `<label>` text, the control, and an optional hint below, tied by ids. */
let fieldCount = 0;
export function field(text, control, hint) {
  const id = control.id || `field-${++fieldCount}`;
  control.id = id;
  const hintNode = hint ? el("small", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return el("div", { class: "field" }, el("label", { for: id }, text), control, hintNode);
}

/** Where a form says what went wrong. */
export function problemLine() {
  return el("p", { class: "problem", role: "alert" });
}

/**
 * Asks before something that cannot be undone: a modal dialog with `title`, `body` (nodes
 * or text) and a `confirm` button. Answers true when confirmed.
 */
export function confirmDialog(title, body, confirm = "Delete", { danger = true } = {}) {
  return new Promise((resolve) => {
    const yes = el("button", { type: "submit", class: danger ? "danger" : "", value: "yes" }, confirm);
    const no = el("button", { type: "button", class: "secondary", onclick: () => dialog.close("no") }, "Cancel");
    const dialog = el("dialog", { class: "dialog" },
      el("form", { method: "dialog" }, el("h2", {}, title), ...[body].flat().map((part) => typeof part === "string" ? el("p", {}, part) : part),
        el("div", { class: "actions" }, no, yes)));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(dialog.returnValue === "yes"); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
