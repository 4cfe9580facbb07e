// What the review site and the staff pages both know about feedback (docs/feedback-format.md):
// statuses in words, where a comment sits, its anchor as people read it, threads in order,
// the drawings shown on a frame, the timeline's markers, and the comment filters.

/** A status as people read it. */
export const statusWords = { pending: "Pending", approved: "Approved", requires_changes: "Changes requested" };

/** Where a comment sits, for sorting and jumping: whole-item comments first (-1), then by frame. */
export function firstFrame(comment) {
  const anchor = comment.anchor || {};
  return anchor.frame ?? anchor.first ?? -1;
}

/** Whether a comment is on a frame or a range (so a player can show it). */
export function onFrames(comment) {
  const anchor = comment.anchor;
  return !!anchor && (anchor.frame !== undefined || anchor.first !== undefined);
}

/**
 * An anchor as people read it: "1042 · 01:00:01:17", "1040–1048", or "Whole item". The API's
 * own numbers win; `labels` (timecode.js's frameLabels) fills in where a comment is not saved yet.
 */
export function anchorText(anchor, labels) {
  if (!anchor) return null;
  if (anchor.frame !== undefined) {
    return `${anchor.number ?? labels?.number(anchor.frame) ?? anchor.frame} · ${anchor.timecode ?? labels?.timecode(anchor.frame) ?? ""}`
      .replace(/ · $/, "");
  }
  if (anchor.first !== undefined) {
    return `${anchor.first_number ?? labels?.number(anchor.first) ?? anchor.first}–${anchor.last_number ?? labels?.number(anchor.last) ?? anchor.last}`;
  }
  return "Whole item";
}

/**
 * Comments as threads: the top-level ones by frame then time, and each one's replies by time
 * (a Map from the parent's id).
 */
export function threads(comments) {
  const all = [...comments];
  const tops = all.filter((c) => !c.parent_id)
    .sort((a, b) => firstFrame(a) - firstFrame(b) || a.created_at.localeCompare(b.created_at));
  const replies = new Map();
  for (const reply of all.filter((c) => c.parent_id).sort((a, b) => a.created_at.localeCompare(b.created_at))) {
    replies.set(reply.parent_id, [...(replies.get(reply.parent_id) || []), reply]);
  }
  return { tops, replies };
}

/** The drawings shown on `frame`: on their comment's frame, or across a held range. */
export function drawingsOn(comments, frame) {
  const shown = [];
  for (const comment of comments) {
    if (!comment.drawing || comment.deleted_at) continue;
    const anchor = comment.anchor || {};
    const first = anchor.frame ?? anchor.first;
    const last = comment.drawing.hold ? (anchor.last ?? first) : first;
    if (first !== undefined && frame >= first && frame <= last) shown.push(comment.drawing);
  }
  return shown;
}

/** Timeline markers (timeline.js): every top-level comment on a frame or a range. */
export function commentMarkers(comments) {
  return [...comments]
    .filter((c) => !c.parent_id && !c.deleted_at && onFrames(c))
    .map((c) => ({ id: c.id, first: c.anchor.frame ?? c.anchor.first, last: c.anchor.frame ?? c.anchor.last,
      kind: c.resolved_at ? "resolved" : c.drawing ? "drawn" : "", title: `${c.author.name}: ${c.text.slice(0, 80)}` }));
}

/**
 * Whether a top-level comment passes the filters: `author` (an author id), `status` (the
 * author's status on the comment's item, from `statusOf(comment)`), `resolved` ("open" or
 * "resolved") and `internal` ("internal" or "shared"); an empty filter passes everything.
 */
export function passes(comment, filter, statusOf = () => undefined) {
  const { author, status, resolved, internal } = filter;
  if (author && comment.author.id !== author) return false;
  if (status && (statusOf(comment) ?? "pending") !== status) return false;
  if (resolved === "open" && comment.resolved_at) return false;
  if (resolved === "resolved" && !comment.resolved_at) return false;
  if (internal === "internal" && !comment.internal) return false;
  if (internal === "shared" && comment.internal) return false;
  return true;
}
