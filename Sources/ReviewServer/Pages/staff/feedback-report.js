// The feedback page's report and exports: make the session's PDF report (a job on the queue:
// its progress is followed until it is ready or failed), download it, and download the
// comments as CSV and the session as an OpenTimelineIO timeline or an EDL, made on the spot.

import { request } from "/common/api.js";
import { ago, el, humane } from "/common/dom.js";
import { busy, toast } from "/staff/ui.js";
import { bytes } from "/staff/feedback-parts.js";

const EXPORTS = [
  ["csv", "comments.csv", "Comments (CSV)"],
  ["otio", "timeline.otio", "Timeline (OTIO)"],
  ["edl", "timeline.edl", "Timeline (EDL)"],
];

export function reportCard({ sessionID }) {
  const base = `/api/v1/review/sessions/${encodeURIComponent(sessionID)}`;
  const internal = el("input", { type: "checkbox", id: "report-internal" });
  const make = el("button", { type: "button", id: "make-report" }, "Make the PDF report");
  const progress = el("progress", { id: "report-progress", max: "1", hidden: true });
  const state = el("span", { class: "report-state", id: "report-state", role: "status" });
  const pdf = el("a", { class: "button secondary", id: "report-pdf", hidden: true, download: "" }, "Download the PDF");
  const exportButtons = EXPORTS.map(([key, file, label]) => {
    const button = el("button", { type: "button", class: "secondary small", id: `export-${key}`, "data-file": file }, label);
    button.addEventListener("click", () => download(button, file));
    return button;
  });
  const element = el("section", { class: "card fb-report", id: "reports", "aria-labelledby": "reports-heading" },
    el("div", { class: "report-line" },
      el("h2", { id: "reports-heading" }, "Report"),
      el("label", { class: "check", for: "report-internal" }, internal, "With internal comments"),
      el("span", { class: "spacer" }),
      make),
    el("div", { class: "report-line report-progress" }, progress, state, pdf),
    el("div", { class: "report-line exports" }, el("span", { class: "muted" }, "Exports:"), exportButtons));

  let following = null;

  /** Shows a report's state; keeps asking while it is made. */
  const show = (report) => {
    pdf.hidden = report.state !== "ready";
    progress.hidden = report.state !== "queued";
    if (report.state === "queued") {
      const done = report.progress?.done ?? 0;
      const total = report.progress?.total ?? 0;
      progress.max = Math.max(total, 1);
      progress.value = total ? done : 0;
      if (!total) progress.removeAttribute("value");
      state.textContent = report.progress?.state === "running"
        ? (total ? `Making the report: picture ${done} of ${total}…` : "Making the report…") : "Waiting for a worker…";
      state.dataset.state = "queued";
      return;
    }
    state.dataset.state = report.state;
    if (report.state === "ready") {
      pdf.href = report.pdf_url;
      state.replaceChildren(`Ready: ${report.pages ?? "?"} page${report.pages === 1 ? "" : "s"}, ${bytes(report.size)}${report.options?.internal ? ", with internal comments" : ""}, made `,
        ago(report.finished_at || report.created_at), ".");
    } else {
      state.textContent = `The report failed: ${humane(report.error || "no reason given")} Try again.`;
    }
  };

  const follow = async (report) => {
    following = report.id;
    show(report);
    while (following === report.id && report.state === "queued") {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const answer = await request("GET", `${base}/reports/${encodeURIComponent(report.id)}`);
      if (following !== report.id) return;
      if (!answer.ok) {
        if (answer.status === 0 || answer.status >= 500) { state.textContent = "Waiting for the server…"; continue; }
        state.textContent = humane(answer.error.message);
        return;
      }
      report = answer.data;
      show(report);
      if (report.state === "ready") toast("The report is ready.");
      if (report.state === "failed") toast(state.textContent, "bad");
    }
  };

  make.addEventListener("click", async () => {
    const answer = await busy(make, "Asking…", () => request("POST", `${base}/reports`, { internal: internal.checked }),
      { problem: state });
    if (answer.ok) follow(answer.data);
  });

  /** An export, fetched so that a refusal is said on the page, then saved under the server's name. */
  async function download(button, file) {
    const query = internal.checked ? "?internal=true" : "";
    const answer = await busy(button, "Making…", async () => {
      let response;
      try {
        response = await fetch(`${base}/exports/${file}${query}`, { credentials: "same-origin" });
      } catch {
        return { ok: false, error: { message: "The server cannot be reached. Check your connection." } };
      }
      if (!response.ok) {
        let message = `The server answered ${response.status}.`;
        try { message = (await response.json()).error.message; } catch { /* not JSON: the status says it */ }
        return { ok: false, error: { message } };
      }
      const disposition = response.headers.get("Content-Disposition") || "";
      const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition) || /filename="?([^";]+)"?/i.exec(disposition);
      return { ok: true, data: { blob: await response.blob(), name: named ? decodeURIComponent(named[1]) : file } };
    }, { done: (data) => `Saved ${data.name}.` });
    if (!answer.ok) return;
    const url = URL.createObjectURL(answer.data.blob);
    const link = el("a", { href: url, download: answer.data.name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  // The latest report, as it stands.
  (async () => {
    const answer = await request("GET", `${base}/reports`);
    if (answer.ok && answer.data.data.length) {
      const latest = answer.data.data[0];
      if (latest.state === "queued") follow(latest); else show(latest);
    } else if (answer.ok) {
      state.textContent = "No report made yet.";
    }
  })();

  return element;
}
