// Sending one file through the resumable upload: 8 MiB chunks with `PATCH /api/v1/uploads/{id}`
// and `Upload-Offset`, each after the last; after a failed chunk (the connection dropped, the
// server answered 5xx, or 409 with its own offset) it asks the server where it stands and
// carries on from there, waiting a little longer each time. In a secure context it hashes the
// file as it reads it (sha256.js) and sends the digest with the last chunk, so the server keeps
// the bytes only if they are the file's.
//
// The page remembers unfinished uploads in localStorage (a browser cannot reopen a file by
// itself, so after a reload the person chooses the same file again and it carries on).

import { csrfToken, request } from "/common/api.js";
import { sha256 } from "/staff/sha256.js";

export const CHUNK_BYTES = 8 * 1024 * 1024;
const GIVE_UP_AFTER = 8; // failures in a row (about four minutes of waiting) before asking the person
const MEMORY = "dailies.staff.uploads";

/** A file's key in the memory: what identifies it when chosen again. */
export function fileKey(file) {
  return `${file.name}|${file.size}|${file.lastModified}`;
}

/** A sequence's key: its first frame, its frame count and its total size. */
export function sequenceKey(files) {
  return `seq|${fileKey(files[0])}|${files.length}|${files.reduce((sum, file) => sum + file.size, 0)}`;
}

function readMemory() {
  try {
    const records = JSON.parse(localStorage.getItem(MEMORY) || "{}");
    return records && typeof records === "object" ? records : {};
  } catch {
    return {};
  }
}

/** The unfinished uploads this browser remembers, for a project. */
export function remembered(projectId) {
  return Object.values(readMemory()).filter((record) => record.project_id === projectId);
}

export function recall(key) {
  return readMemory()[key] || null;
}

/** Remembers `record` ({key, project_id, version_id, version_name, upload_id | sequence_upload_id, label, size, kind}). */
export function remember(record) {
  const records = readMemory();
  records[record.key] = { ...record, saved_at: new Date().toISOString() };
  try { localStorage.setItem(MEMORY, JSON.stringify(records)); } catch { /* private mode, full: resuming after a reload is lost, nothing else */ }
}

export function forget(key) {
  const records = readMemory();
  delete records[key];
  try { localStorage.setItem(MEMORY, JSON.stringify(records)); } catch { /* as above */ }
}

/** Whether this page hashes: only in a secure context (HTTPS or localhost), where a page may be trusted to; elsewhere the server's own hash stands alone. */
export function hashing() {
  return window.isSecureContext === true;
}

class UploadFailure extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

/** Waits `ms`, or less when the browser says it is back online (no point waiting then). */
const pause = (ms) => new Promise((resolve) => {
  const done = () => { clearTimeout(timer); window.removeEventListener("online", done); resolve(); };
  const timer = setTimeout(done, ms);
  window.addEventListener("online", done);
});

/** How long to wait before the `attempt`th retry: 1, 2, 4 … 30 seconds, or what the server asked. */
function backoff(attempt, retryAfter) {
  if (retryAfter) return Math.min(retryAfter, 60) * 1000;
  return Math.min(30000, 1000 * 2 ** (attempt - 1));
}

/** Sends one chunk with XMLHttpRequest (fetch cannot report an upload's progress). Answers {ok, status, data, offset, error}. */
function sendChunk(uploadId, offset, bytes, digest, progress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PATCH", `/api/v1/uploads/${uploadId}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
    xhr.setRequestHeader("Upload-Offset", String(offset));
    const token = csrfToken();
    if (token) xhr.setRequestHeader("X-CSRF-Token", token);
    if (digest) xhr.setRequestHeader("X-Content-SHA256", digest);
    xhr.upload.onprogress = (event) => progress(event.loaded);
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => resolve({ ok: false, status: 0, error: { code: "offline", message: "the connection dropped" } });
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      const header = xhr.getResponseHeader("Upload-Offset");
      const serverOffset = header === null || header === "" ? null : Number(header);
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({
        ok, status: xhr.status, data, offset: serverOffset,
        retryAfter: Number(xhr.getResponseHeader("Retry-After")) || null,
        error: ok ? null : (data && data.error) || { code: `http_${xhr.status}`, message: `the server answered ${xhr.status}` },
      });
    };
    xhr.send(bytes);
  });
}

/** Whether a failed chunk is worth sending again (the connection, the server's load, an offset to correct). */
function retryable(status) {
  return status === 0 || status === 409 || status === 429 || status >= 500 && status !== 507;
}

/**
 * Where the server stands on an upload (its offset), asking again while it cannot be reached.
 * Answers the UploadState, or null when the server has no such upload (finished or abandoned).
 */
export async function serverState(uploadId, note = () => {}) {
  for (let attempt = 1; ; attempt++) {
    const answer = await request("GET", `/api/v1/uploads/${uploadId}`);
    if (answer.ok) return answer.data;
    if (answer.status === 404) return null;
    if (!retryable(answer.status) || attempt >= GIVE_UP_AFTER) throw new UploadFailure(answer.error.message, answer.error.code);
    note("Reconnecting…");
    await pause(backoff(attempt, answer.error.retryAfter));
  }
}

/**
 * Sends `file` to the upload `uploadId` from wherever the server stands, to the end.
 * `progress(bytesTheServerHasOrIsReceiving)` as it goes; `note(text | null)` for what it is
 * doing besides sending ("Reconnecting…", "Checking the part already sent…"). Answers the final
 * UploadState (complete), or throws an Error whose message says why it stopped.
 */
export async function sendFile(file, uploadId, { progress = () => {}, note = () => {}, cancelled = () => false } = {}) {
  const state = await serverState(uploadId, note);
  if (!state) throw new UploadFailure("the server no longer has this upload", "gone");
  if (state.complete) return state;
  let offset = state.offset;
  progress(offset);
  const hash = hashing() ? sha256() : null;
  let hashed = 0;
  let digest = null;
  let failures = 0;
  for (;;) {
    if (cancelled()) throw new UploadFailure("stopped", "cancelled");
    const end = Math.min(offset + CHUNK_BYTES, file.size);
    if (hash && hashed < offset) {
      // After a reload the part already sent is hashed again from the file, before carrying on.
      note("Checking the part already sent…");
      while (hashed < offset) {
        const upTo = Math.min(hashed + CHUNK_BYTES, offset);
        hash.update(new Uint8Array(await file.slice(hashed, upTo).arrayBuffer()));
        hashed = upTo;
      }
      note(null);
    }
    const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
    if (hash && hashed < end) {
      hash.update(bytes.subarray(hashed - offset));
      hashed = end;
      if (end === file.size) digest = hash.hex();
    }
    const answer = await sendChunk(uploadId, offset, bytes, end === file.size ? digest : null, (loaded) => progress(offset + loaded));
    if (answer.ok) {
      failures = 0;
      note(null);
      offset = answer.data.offset;
      progress(offset);
      if (answer.data.complete) return answer.data;
      continue;
    }
    if (answer.status === 404) throw new UploadFailure("the server no longer has this upload", "gone");
    if (!retryable(answer.status) || ++failures >= GIVE_UP_AFTER) {
      throw new UploadFailure(answer.error.message, answer.error.code);
    }
    note("Reconnecting…");
    progress(offset);
    await pause(backoff(failures, answer.retryAfter));
    if (answer.status === 409 && Number.isFinite(answer.offset) && answer.offset !== null) {
      offset = answer.offset;
    } else {
      const now = await serverState(uploadId, note);
      if (!now) throw new UploadFailure("the server no longer has this upload", "gone");
      if (now.complete) return now;
      offset = now.offset;
    }
    progress(offset);
  }
}
