// The versions page's upload panel: drop files or a folder (or choose them), check the
// proposed name, asset and version number of each, then upload them one after another
// through the resumable upload (upload-transfer.js), with a progress bar per entry and overall.
// Unfinished uploads are remembered: after a reload they are listed, and choosing the same
// file again carries on where the server stands.

import { request } from "/common/api.js";
import { el, humane } from "/common/dom.js";
import { confirmDialog, toast } from "/staff/ui.js";
import { bytes, group, propose, walk } from "/staff/names.js";
import { fileKey, forget, hashing, recall, remember, remembered, sendFile, sequenceKey, serverState } from "/staff/upload-transfer.js";

const SEQUENCE_LANES = 4; // frames of a sequence sent at once: they are small, and each is a request of its own

/**
 * The panel for project `project`. `highest(asset)` answers the project's highest version
 * number of an asset (for names without a version mark); `changed(version)` is told of each
 * version the panel creates or finishes. Answers {element, accept(dataTransfer)}: the page
 * passes drops made anywhere on it.
 */
export function uploadPanel(project, { highest, changed }) {
  const entries = [];
  let running = false;
  let nextId = 0;

  const chooseFiles = el("input", { type: "file", multiple: true, hidden: true, id: "upload-files", "aria-label": "Choose files to upload" });
  const chooseFolder = el("input", { type: "file", multiple: true, hidden: true, id: "upload-folder", webkitdirectory: true, "aria-label": "Choose a folder to upload" });
  chooseFiles.addEventListener("change", () => { add(Array.from(chooseFiles.files, (file) => ({ file }))); chooseFiles.value = ""; });
  chooseFolder.addEventListener("change", () => { add(Array.from(chooseFolder.files, (file) => ({ file, path: file.webkitRelativePath }))); chooseFolder.value = ""; });

  const zone = el("div", { class: "drop-zone", id: "drop-zone" },
    el("p", { class: "drop-words" }, el("strong", {}, "Drop movies, stills or a folder of frames here"),
      el("span", { class: "muted" }, " or ")),
    el("div", { class: "drop-buttons" },
      el("button", { type: "button", class: "secondary small", onclick: () => chooseFiles.click() }, "Choose files"),
      el("button", { type: "button", class: "secondary small", onclick: () => chooseFolder.click() }, "Choose folder")),
    chooseFiles, chooseFolder);

  const unfinished = el("div", { class: "unfinished", id: "unfinished" });
  const rows = el("tbody");
  const table = el("table", { class: "list uploads", id: "upload-list", hidden: true },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "File"), el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Asset"),
      el("th", { scope: "col", class: "col-number" }, "Version"), el("th", { scope: "col", class: "col-progress" }, "Progress"),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Remove")))),
    rows);
  const overallBar = el("progress", { max: 1, value: 0, id: "upload-overall", "aria-label": "All uploads" });
  const overallText = el("span", { class: "muted", id: "upload-overall-text" });
  const startButton = el("button", { type: "button", id: "upload-start", onclick: () => start() }, "Upload");
  const clearButton = el("button", { type: "button", class: "secondary", onclick: () => clear() }, "Clear list");
  const footer = el("div", { class: "upload-footer", hidden: true },
    el("div", { class: "overall" }, overallBar, overallText), clearButton, startButton);
  const hashNote = el("p", { class: "hint muted upload-hash" }, hashing()
    ? "Each file's SHA-256 is computed as it is sent, and the server keeps it only if the bytes match."
    : "This page is not on HTTPS, so it does not compute checksums: the server computes and checks its own.");

  const element = el("section", { class: "card upload-panel", "aria-labelledby": "upload-title" },
    el("h2", { id: "upload-title" }, "Upload"), zone, unfinished, table, footer, hashNote);

  // ---- Entries ------------------------------------------------------------------------------

  function add(found) {
    const visible = found.filter(({ file }) => !file.name.startsWith(".") && file.name !== "Thumbs.db");
    const grouped = group(visible);
    if (!grouped.length) return toast("Nothing to upload there: no files.", "bad");
    for (const found of grouped) {
      const size = found.files.reduce((sum, file) => sum + file.size, 0);
      // The memory is per project: the same file dropped on another project is a new upload there.
      const key = `${project.id}|${found.kind === "sequence" ? sequenceKey(found.files) : fileKey(found.files[0])}`;
      if (entries.some((entry) => entry.key === key)) { toast(`${found.label} is in the list already.`, "bad"); continue; }
      const entry = { id: ++nextId, ...found, size, key, resume: recall(key), state: "ready", sent: 0, note: null, error: "" };
      entry.fields = entry.resume ? { name: entry.resume.version_name } : propose(found.base, highest);
      entries.push(entry);
      rows.append(row(entry));
    }
    refresh();
    showUnfinished();
    // A file chosen again to resume carries on at once: choosing it was the person's say-so.
    const resuming = entries.filter((entry) => entry.resume && entry.state === "ready");
    if (resuming.length && !running) return start(resuming);
    const firstInput = rows.querySelector("input:not(:disabled)");
    if (firstInput && !running) firstInput.focus();
  }

  function row(entry) {
    const name = el("input", { type: "text", value: entry.fields.name, "aria-label": `Version name for ${entry.label}`, required: true, maxlength: 200 });
    const asset = el("input", { type: "text", value: entry.fields.asset ?? "", "aria-label": `Asset for ${entry.label}`, maxlength: 200 });
    const number = el("input", { type: "number", min: 0, max: 99999, value: entry.fields.version_number ?? "", "aria-label": `Version number for ${entry.label}` });
    name.addEventListener("input", () => { entry.fields.name = name.value; });
    asset.addEventListener("input", () => { entry.fields.asset = asset.value; });
    number.addEventListener("input", () => { entry.fields.version_number = number.value === "" ? null : Number(number.value); });
    const bar = el("progress", { max: Math.max(entry.size, 1), value: 0, "aria-label": `Upload of ${entry.label}` });
    const words = el("span", { class: "upload-words" });
    const problem = el("span", { class: "problem", role: "alert" });
    const retry = el("button", { type: "button", class: "small", hidden: true, onclick: () => start([entry]) }, "Retry");
    const remove = el("button", { type: "button", class: "secondary small icon", title: "Remove from the list", "aria-label": `Remove ${entry.label}`,
      onclick: () => removeEntry(entry) }, "×");
    const what = el("td", { class: "upload-file" }, el("span", { class: "file-name" }, entry.label),
      el("small", { class: "muted" }, `${bytes(entry.size)}${entry.kind === "sequence" && entry.missing ? ` · ${entry.missing} frames missing` : ""}`));
    const tr = el("tr", { "data-entry": entry.id, "data-state": entry.state }, what,
      entry.resume
        ? el("td", { colspan: 3 }, el("span", { class: "chip warn" }, "Resumes"), " ", entry.resume.version_name)
        : [el("td", {}, name), el("td", {}, asset), el("td", { class: "col-number" }, number)],
      el("td", { class: "col-progress" }, bar, el("div", { class: "upload-status" }, words, problem, retry)),
      el("td", { class: "col-remove" }, remove));
    entry.view = { tr, name, asset, number, bar, words, problem, retry, remove };
    show(entry);
    return tr;
  }

  /** Brings an entry's row up to date with its state. */
  function show(entry) {
    const { tr, bar, words, problem, retry, remove, name, asset, number } = entry.view;
    tr.dataset.state = entry.state;
    if (entry.media) tr.dataset.media = entry.media;
    bar.value = entry.sent;
    const percent = entry.size ? Math.floor((entry.sent / entry.size) * 100) : 0;
    const sent = `${bytes(entry.sent)} of ${bytes(entry.size)} · ${percent}%`;
    words.textContent = {
      ready: entry.resume ? `${bytes(entry.sent)} sent before: carries on from there` : "Ready",
      waiting: "Waiting…",
      creating: "Creating the version…",
      uploading: entry.note ? `${entry.note} ${sent}` : sent,
      processing: { ready: "Uploaded · ready", failed: "Uploaded · its processing failed: see the list below" }[entry.media] || "Processing…",
      failed: entry.sent ? sent : "",
    }[entry.state] ?? "";
    problem.textContent = entry.state === "failed" ? humane(entry.error || "That did not work") : "";
    retry.hidden = entry.state !== "failed";
    remove.disabled = ["creating", "uploading"].includes(entry.state);
    const editable = !entry.versionId && ["ready", "failed"].includes(entry.state);
    for (const input of [name, asset, number]) input.disabled = !editable;
    refresh();
  }

  function removeEntry(entry) {
    entries.splice(entries.indexOf(entry), 1);
    entry.view.tr.remove();
    refresh();
    showUnfinished(); // an unfinished upload taken off the list is still remembered: it shows there again
  }

  function clear() {
    for (const entry of [...entries]) if (!["creating", "uploading", "waiting"].includes(entry.state)) removeEntry(entry);
  }

  /** The list, the overall bar and the buttons, from the entries. */
  function refresh() {
    table.hidden = footer.hidden = !entries.length;
    const total = entries.reduce((sum, entry) => sum + entry.size, 0);
    const sent = entries.reduce((sum, entry) => sum + (entry.state === "processing" ? entry.size : entry.sent), 0);
    overallBar.max = Math.max(total, 1);
    overallBar.value = sent;
    const left = entries.filter((entry) => ["ready", "failed"].includes(entry.state)).length;
    const done = entries.filter((entry) => entry.state === "processing").length;
    const processing = entries.filter((entry) => entry.state === "processing" && !["ready", "failed"].includes(entry.media)).length;
    overallText.textContent = running
      ? `${bytes(sent)} of ${bytes(total)} · ${total ? Math.floor((sent / total) * 100) : 0}%`
      : done && !left ? `${done} uploaded${processing ? `: ${processing} processing` : ""}` : `${entries.length} to upload · ${bytes(total)}`;
    startButton.disabled = running || !left;
    startButton.textContent = running ? "Uploading…" : left > 1 ? `Upload ${left}` : "Upload";
    clearButton.disabled = running;
  }

  // ---- Uploading ---------------------------------------------------------------------------

  async function start(only) {
    if (running) return;
    const queue = (only || entries).filter((entry) => ["ready", "failed"].includes(entry.state));
    for (const entry of queue) { entry.state = "waiting"; entry.error = ""; show(entry); }
    running = true;
    refresh();
    for (const entry of queue) {
      try {
        await upload(entry);
        entry.state = "processing";
        forget(entry.key);
      } catch (error) {
        entry.state = "failed";
        entry.error = error.message || String(error);
      }
      entry.note = null;
      show(entry);
    }
    running = false;
    refresh();
    showUnfinished();
    const failed = queue.filter((entry) => entry.state === "failed").length;
    if (failed) toast(`${failed} of ${queue.length} uploads did not finish: see the list.`, "bad");
    else toast(queue.length > 1 ? `${queue.length} uploads sent: processing.` : "Upload sent: processing.");
  }

  /** Creates the entry's version (unless it has one) and sends its bytes. */
  async function upload(entry) {
    if (entry.resume && !entry.versionId) {
      entry.versionId = entry.resume.version_id;
      entry.uploadId = entry.resume.upload_id;
      entry.sequenceId = entry.resume.sequence_upload_id;
    }
    if (!entry.versionId) {
      entry.state = "creating";
      show(entry);
      const body = { name: (entry.fields.name || "").trim(), asset: (entry.fields.asset || "").trim() || null,
                     version_number: entry.fields.version_number ?? null };
      const created = await request("POST", `/api/v1/projects/${project.id}/versions`, body);
      if (!created.ok) throw new Error(created.error.message);
      entry.versionId = created.data.id;
      entry.versionName = created.data.name;
      changed(created.data);
    }
    entry.state = "uploading";
    show(entry);
    if (entry.kind === "sequence") await sendSequence(entry);
    else await sendSingle(entry);
    const version = await request("GET", `/api/v1/versions/${entry.versionId}`);
    if (version.ok) changed(version.data);
  }

  function memoryRecord(entry, ids) {
    return { key: entry.key, project_id: project.id, version_id: entry.versionId, version_name: entry.versionName || entry.resume?.version_name || entry.fields.name,
             label: entry.label, size: entry.size, kind: entry.kind, ...ids };
  }

  const progressOf = (entry) => (sent) => { entry.sent = sent; show(entry); };
  const noteOf = (entry) => (text) => { entry.note = text; show(entry); };

  async function sendSingle(entry) {
    const file = entry.files[0];
    if (entry.uploadId && !(await serverState(entry.uploadId, noteOf(entry)))) {
      // The server no longer has it: it finished (the answer to the last chunk was lost), or it was abandoned.
      if (await hasMedia(entry.versionId)) { entry.sent = entry.size; return; }
      entry.uploadId = null;
    }
    if (!entry.uploadId) {
      const started = await request("POST", `/api/v1/versions/${entry.versionId}/uploads`, { file_name: file.name, size: file.size });
      if (!started.ok) throw new Error(started.error.message);
      entry.uploadId = started.data.id;
      remember(memoryRecord(entry, { upload_id: entry.uploadId }));
    }
    try {
      await sendFile(file, entry.uploadId, { progress: progressOf(entry), note: noteOf(entry) });
    } catch (error) {
      // A refused checksum or a vanished upload leaves nothing to resume: a retry starts the bytes again.
      if (["gone", "checksum_mismatch"].includes(error.code)) { entry.uploadId = null; forget(entry.key); }
      throw error;
    }
  }

  async function sendSequence(entry) {
    let state = null;
    if (entry.sequenceId) {
      const known = await request("GET", `/api/v1/sequence-uploads/${entry.sequenceId}`);
      if (known.ok) state = known.data;
      else if (known.status !== 404) throw new Error(known.error.message);
    }
    if (!state) {
      if (await hasMedia(entry.versionId)) { entry.sent = entry.size; return; }
      const files = entry.files.map((file) => ({ file_name: file.name, size: file.size }));
      let started = await request("POST", `/api/v1/versions/${entry.versionId}/sequence-uploads`, { files });
      // A folder that is mostly gaps is refused unless the person says to go ahead (the server names the gaps).
      if (!started.ok && (/mostly/.test(started.error.code) || started.status === 422 && /allow gaps/i.test(started.error.message))) {
        const go = await confirmDialog("Frames are missing", [humane(started.error.message), "Upload the frames there are anyway? The missing ones show as the project says (hold, slate or black)."], "Upload anyway", { danger: false });
        if (!go) throw new Error("Not uploaded: frames are missing.");
        started = await request("POST", `/api/v1/versions/${entry.versionId}/sequence-uploads`, { files, allow_gaps: true });
      }
      if (!started.ok) throw new Error(started.error.message);
      state = started.data;
      entry.sequenceId = state.id;
      remember(memoryRecord(entry, { sequence_upload_id: state.id }));
    }
    if (state.complete) { entry.sent = entry.size; return; }
    const byName = new Map(entry.files.map((file) => [file.name, file]));
    const members = state.uploads.filter((member) => !member.complete);
    const sentOf = new Map(state.uploads.map((member) => [member.id, member.complete ? member.size : member.offset]));
    const total = () => { let sum = 0; for (const value of sentOf.values()) sum += value; return sum; };
    progressOf(entry)(total());
    let next = 0;
    let failure = null;
    const lane = async () => {
      while (!failure && next < members.length) {
        const member = members[next++];
        const file = byName.get(member.file_name);
        try {
          if (!file) throw new Error(`${member.file_name} is not among the files chosen`);
          await sendFile(file, member.id, {
            progress: (sent) => { sentOf.set(member.id, sent); progressOf(entry)(total()); },
            note: noteOf(entry),
            cancelled: () => failure !== null,
          });
          sentOf.set(member.id, member.size);
        } catch (error) {
          // A member the server finished while its answer was lost is not a failure.
          if (error.code === "gone") { sentOf.set(member.id, member.size); continue; }
          failure = failure || error;
        }
      }
    };
    await Promise.all(Array.from({ length: SEQUENCE_LANES }, lane));
    if (failure) throw failure;
    // The last frame in, the server stores the sequence as a whole: wait for that, to say if it failed.
    noteOf(entry)("Storing the sequence…");
    for (let waited = 0; waited < 600; waited++) {
      const now = await request("GET", `/api/v1/sequence-uploads/${entry.sequenceId}`);
      if (now.ok && now.data.state === "failed") throw new Error(now.data.error || "the server could not store the sequence");
      if (now.ok && (now.data.complete || now.data.state === "complete")) break;
      if (!now.ok && now.status === 404) break; // finished and tidied away
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function hasMedia(versionId) {
    const version = await request("GET", `/api/v1/versions/${versionId}`);
    return version.ok && version.data.media_state !== "none";
  }

  // ---- Unfinished uploads from before a reload ------------------------------------------------

  async function showUnfinished() {
    const records = remembered(project.id).filter((record) => !entries.some((entry) => entry.key === record.key));
    if (!records.length) { unfinished.replaceChildren(); return; }
    const items = [];
    for (const record of records) {
      let offset = null;
      if (record.upload_id) {
        const answer = await request("GET", `/api/v1/uploads/${record.upload_id}`);
        if (answer.status === 404) { forget(record.key); continue; } // finished or abandoned meanwhile
        if (answer.ok) offset = answer.data.offset;
      }
      record.offset = offset;
      const forgetButton = el("button", { type: "button", class: "secondary small", onclick: () => abandon(record) }, "Forget");
      items.push(el("li", { "data-key": record.key },
        el("span", { class: "file-name" }, record.label), " ",
        el("span", { class: "muted" }, offset === null ? `${bytes(record.size)}` : `${bytes(offset)} of ${bytes(record.size)} sent`,
          ` · version ${record.version_name}`), " ", forgetButton));
    }
    if (!items.length) { unfinished.replaceChildren(); return; }
    unfinished.replaceChildren(el("p", { class: "unfinished-title" },
      el("strong", {}, items.length > 1 ? "Unfinished uploads." : "An unfinished upload."),
      " Choose the file again to resume from where it stopped."), el("ul", {}, items));
  }

  async function abandon(record) {
    if (record.upload_id) await request("DELETE", `/api/v1/uploads/${record.upload_id}`);
    forget(record.key);
    toast(`Forgot the upload of ${record.label}. Its version stays, without media.`);
    showUnfinished();
  }

  /** Takes a drop's files and folders (walking folders with webkitGetAsEntry). */
  async function accept(transfer) {
    const items = Array.from(transfer.items || []).filter((item) => item.kind === "file");
    // Entries and files must be taken before the first await: the drop's data is gone after the event.
    const dropped = items.length
      ? items.map((item) => ({ entry: item.webkitGetAsEntry ? item.webkitGetAsEntry() : null, file: item.getAsFile() }))
      : Array.from(transfer.files || [], (file) => ({ entry: null, file }));
    const found = [];
    for (const { entry, file } of dropped) {
      if (entry) found.push(...await walk(entry)); // a folder is walked; a file is itself
      else if (file) found.push({ file });
    }
    add(found);
  }

  window.addEventListener("beforeunload", (event) => {
    if (running) { event.preventDefault(); event.returnValue = ""; }
  });

  /** The versions page tells the panel of each version it learns about: finished uploads follow their media state. */
  function seen(version) {
    for (const entry of entries) {
      if (entry.versionId === version.id && entry.state === "processing" && entry.media !== version.media_state) {
        entry.media = version.media_state;
        show(entry);
      }
    }
  }

  showUnfinished();
  return { element, zone, accept, seen };
}
