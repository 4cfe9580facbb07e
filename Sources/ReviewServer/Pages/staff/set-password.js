// Choosing a password from a set-password link (an invitation, or the first start's link for
// the admin): twice, then this browser is signed in and goes to the projects.

import { request } from "/common/api.js";
import { el } from "/common/dom.js";
import { busy, field, problemLine } from "/staff/ui.js";

const SHORTEST = 10;

export default async function render(page) {
  page.setTitle("Choose your password", []);
  const password = el("input", { type: "password", id: "new-password", name: "password", autocomplete: "new-password", required: true, minlength: SHORTEST, maxlength: 200 });
  const again = el("input", { type: "password", id: "new-password-again", name: "again", autocomplete: "new-password", required: true, minlength: SHORTEST, maxlength: 200 });
  const submit = el("button", { type: "submit", id: "set-password" }, "Set password and sign in");
  const problem = problemLine();
  const form = el("form", { class: "card entry", id: "set-password-form" },
    el("h1", {}, "Choose your password"),
    page.me ? el("p", { class: "muted" }, `This browser is signed in as ${page.me.name}; the link is for whoever it was sent to.`) : null,
    field("New password", password, `At least ${SHORTEST} characters. A few unrelated words make a good one.`),
    field("The same again", again), problem, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.value !== again.value) {
      problem.textContent = "The two passwords differ: type the same one twice.";
      again.select();
      return;
    }
    const answer = await busy(submit, "Setting…",
      () => request("POST", "/api/v1/staff/password", { token: page.params.token, password: password.value }), { problem });
    if (answer.ok) return location.assign("/staff/projects");
    if (answer.error.code === "invalid_token") {
      problem.textContent = "This link was used already or has expired. Ask an admin to send you a new one.";
    }
  });
  page.main.replaceChildren(form);
  password.focus();
}
