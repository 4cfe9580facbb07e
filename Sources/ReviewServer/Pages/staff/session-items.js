// A session's items on its setup page: poster, place, version, and the client-facing name and
// reason for review edited in place; several selected at once (checkboxes, shift-click for a
// range) to drag, move or remove together; versions of the project added from a picker.
//
// Dragging uses pointer events on each row's handle (mouse, pen and touch alike, and what
// WebDriver's actions send); the keyboard's way is "Move up"/"Move down" on each row, or
// Alt+ArrowUp/Alt+ArrowDown anywhere in a row. Each reorder is saved at once with the whole
// order; when the server refuses, the list goes back to the last order it accepted.

import { all, request } from "/common/api.js";
import { el } from "/common/dom.js";
import { busy, confirmDialog, problemLine, toast } from "/staff/ui.js";
import { moveByOne, moveTo, sameOrder } from "/staff/session-order.js";

const DRAG_THRESHOLD = 4; // pixels a press must travel before it is a drag, not a click

/**
 * The items card. `context`: {sessionID, projectID}. Answers the card's element; it loads
 * the items itself.
 */
export function itemsCard(context) {
  const api = `/api/v1/sessions/${encodeURIComponent(context.sessionID)}`;
  const state = {
    items: new Map(),   // id → SessionItem
    rows: new Map(),    // id → the row's <li>
    order: [],          // ids as shown
    saved: [],          // ids in the order the server last accepted
    selected: new Set(),
    anchor: null,       // the id a shift-click selects from
    pendingSaves: 0,
    saving: Promise.resolve(),
  };

  const list = el("ol", { class: "items", id: "items", "aria-describedby": "items-help" });
  const orderStatus = el("span", { class: "order-status muted", id: "order-status", role: "status" });
  const selectAll = el("input", { type: "checkbox", id: "select-all", "aria-label": "Select every item" });
  const selectedCount = el("span", { class: "muted", id: "selected-count" });
  const removeButton = el("button", { type: "button", class: "secondary danger small", id: "remove-selected", disabled: true },
    "Remove selected");
  const addButton = el("button", { type: "button", class: "secondary small", id: "add-versions" }, "Add versions");
  const problem = problemLine();
  const empty = el("p", { class: "empty", id: "items-empty", hidden: true },
    "No versions in this session yet. “Add versions” picks them from the project.");

  const card = el("section", { class: "card items-card", "aria-labelledby": "items-heading" },
    el("div", { class: "card-head" },
      el("h2", { id: "items-heading" }, "Items ", el("span", { class: "count", id: "items-count" })),
      el("span", { class: "spacer" }),
      orderStatus,
      addButton),
    el("div", { class: "selection-bar" },
      el("label", { class: "check" }, selectAll, "Select all"),
      selectedCount,
      el("span", { class: "spacer" }),
      removeButton),
    el("p", { class: "hint muted", id: "items-help" },
      "Drag a row by its handle to move it, with every selected row; or use Move up and Move down ",
      "(Alt+↑ and Alt+↓ in a row). Shift-click a checkbox to select a range. The order is saved at once."),
    problem,
    list,
    empty);

  // ----- Loading and showing -----

  async function load() {
    list.setAttribute("aria-busy", "true");
    const answer = await request("GET", `${api}/items`);
    list.removeAttribute("aria-busy");
    if (!answer.ok) {
      problem.textContent = answer.error.message;
      return;
    }
    setItems(answer.data.data);
  }

  /** Takes the server's items as they are now: rows kept where they exist (and what is typed in them). */
  function setItems(items) {
    const sorted = [...items].sort((a, b) => a.position - b.position);
    const ids = new Set(sorted.map((item) => item.id));
    for (const [id, row] of state.rows) {
      if (!ids.has(id)) { row.remove(); state.rows.delete(id); state.items.delete(id); state.selected.delete(id); }
    }
    for (const item of sorted) {
      state.items.set(item.id, item);
      if (!state.rows.has(item.id)) state.rows.set(item.id, row(item));
    }
    state.order = sorted.map((item) => item.id);
    state.saved = [...state.order];
    showOrder();
  }

  /** Puts the rows in `state.order`, numbers them, and keeps the focus where it was. */
  function showOrder() {
    const focused = document.activeElement;
    list.append(...state.order.map((id) => state.rows.get(id)));
    state.order.forEach((id, index) => {
      const row = state.rows.get(id);
      row.querySelector(".position").textContent = String(index + 1);
      row.querySelector(".move-up").disabled = index === 0;
      row.querySelector(".move-down").disabled = index === state.order.length - 1;
    });
    if (focused && list.contains(focused) && document.activeElement !== focused) focused.focus({ preventScroll: false });
    document.getElementById("items-count")?.replaceChildren(String(state.order.length));
    empty.hidden = state.order.length > 0;
    showSelection();
  }

  function showSelection() {
    for (const [id, row] of state.rows) {
      const on = state.selected.has(id);
      row.classList.toggle("selected", on);
      row.querySelector(".select").checked = on;
    }
    const count = state.selected.size;
    selectAll.checked = count > 0 && count === state.order.length;
    selectAll.indeterminate = count > 0 && count < state.order.length;
    selectedCount.textContent = count ? `${count} selected` : "";
    removeButton.disabled = count === 0;
    removeButton.textContent = count ? `Remove selected (${count})` : "Remove selected";
  }

  /** One item's row. */
  function row(item) {
    const name = item.version_name + (item.version_label ? ` ${item.version_label}` : "");
    const select = el("input", { type: "checkbox", class: "select", "aria-label": `Select ${name}` });
    select.addEventListener("click", (event) => choose(item.id, select.checked, event.shiftKey));

    const handle = el("span", { class: "drag-handle", title: "Drag to move (with every selected row)", "aria-hidden": "true" });
    handle.addEventListener("pointerdown", (event) => pressHandle(event, item.id));

    const poster = el("img", { class: "poster", alt: "", loading: "lazy", width: "96", height: "54",
      src: `/api/v1/versions/${encodeURIComponent(item.version_id)}/download/poster` });
    poster.addEventListener("error", () => poster.replaceWith(el("span", { class: "poster none" }, "No picture")));

    const status = el("span", { class: "save-state muted", role: "status" });
    const rowProblem = el("span", { class: "problem" });
    const clientName = el("input", { type: "text", class: "client-name", maxlength: "200", placeholder: item.version_name,
      value: item.client_name || "", "aria-label": `Client-facing name of ${name}` });
    const reason = el("input", { type: "text", class: "reason", maxlength: "2000", placeholder: "No reason given",
      value: item.reason || "", "aria-label": `Reason for review of ${name}` });
    for (const [input, key] of [[clientName, "client_name"], [reason, "reason"]]) {
      input.addEventListener("change", () => saveField(item.id, key, input, status, rowProblem));
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") input.blur();
      });
    }

    const up = el("button", { type: "button", class: "secondary small move-up", "aria-label": `Move ${name} up` }, "Move up");
    const down = el("button", { type: "button", class: "secondary small move-down", "aria-label": `Move ${name} down` }, "Move down");
    up.addEventListener("click", () => moveOne(item.id, -1));
    down.addEventListener("click", () => moveOne(item.id, +1));

    // The row takes the focus when its blank part is clicked, so Alt+arrows work from there too.
    const li = el("li", { class: "item-row", tabindex: "-1", "data-item": item.id, "data-version": item.version_id },
      el("div", { class: "row-grip" }, select, handle),
      el("span", { class: "position" }),
      poster,
      el("div", { class: "item-text" },
        el("div", { class: "item-name" }, el("strong", {}, item.version_name),
          item.version_label ? el("span", { class: "chip" }, item.version_label) : null),
        el("div", { class: "item-fields" },
          el("label", { class: "inline-field" }, el("span", {}, "Client sees"), clientName),
          el("label", { class: "inline-field" }, el("span", {}, "Reason"), reason)),
        el("div", { class: "row-result" }, status, rowProblem)),
      el("div", { class: "row-moves" }, up, down));
    li.addEventListener("keydown", (event) => {
      if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      event.preventDefault();
      moveOne(item.id, event.key === "ArrowUp" ? -1 : +1);
    });
    return li;
  }

  // ----- Editing an item in place -----

  async function saveField(id, key, input, status, rowProblem) {
    const value = input.value.trim();
    const item = state.items.get(id);
    if ((item[key] || "") === value) return;
    status.textContent = "Saving…";
    const answer = await busy(null, "", () => request("PATCH", `${api}/items/${encodeURIComponent(id)}`, { [key]: value || null }),
      { problem: rowProblem });
    if (answer.ok) {
      state.items.set(id, { ...item, ...answer.data });
      status.textContent = key === "client_name" ? "Name saved" : "Reason saved";
    } else {
      status.textContent = ""; // what was typed stays in the field, with the server's message beside it
    }
  }

  // ----- Selecting -----

  function choose(id, on, range) {
    if (range && state.anchor && state.anchor !== id && state.order.includes(state.anchor)) {
      const [from, to] = [state.order.indexOf(state.anchor), state.order.indexOf(id)].sort((a, b) => a - b);
      for (const other of state.order.slice(from, to + 1)) on ? state.selected.add(other) : state.selected.delete(other);
    } else {
      on ? state.selected.add(id) : state.selected.delete(id);
    }
    state.anchor = id;
    showSelection();
  }

  selectAll.addEventListener("change", () => {
    state.selected = selectAll.checked ? new Set(state.order) : new Set();
    showSelection();
  });

  /** What a move of `id` carries: the whole selection when it is selected, else itself. */
  function carried(id) {
    return state.selected.has(id) ? state.order.filter((other) => state.selected.has(other)) : [id];
  }

  // ----- Reordering -----

  function moveOne(id, step) {
    const next = moveByOne(state.order, carried(id), step);
    if (sameOrder(next, state.order)) {
      orderStatus.textContent = step < 0 ? "Already at the top." : "Already at the bottom.";
      return;
    }
    reorder(next);
  }

  /** Shows `next` at once and saves it; the last accepted order comes back if the server refuses. */
  function reorder(next) {
    state.order = next;
    showOrder();
    state.pendingSaves += 1;
    orderStatus.textContent = "Saving the order…";
    state.saving = state.saving.then(async () => {
      const answer = await request("PUT", `${api}/items/order`, { item_ids: next });
      state.pendingSaves -= 1;
      if (answer.ok) {
        for (const item of answer.data.data) state.items.set(item.id, item);
        state.saved = answer.data.data.sort((a, b) => a.position - b.position).map((item) => item.id);
        if (!state.pendingSaves) orderStatus.textContent = "Order saved.";
        return;
      }
      toast(`The order was not saved: ${answer.error.message}`, "bad");
      if (!state.pendingSaves) {
        // Nothing newer is on its way: show what the server holds. (If the server's items
        // changed meanwhile, reload them.)
        if (answer.status === 422) await load();
        else { state.order = [...state.saved]; showOrder(); }
        orderStatus.textContent = "The order was not saved; it is back as it was.";
      }
    });
  }

  /** A press on a row's handle: a drag once it moves, carrying the selection when the row is in it. */
  function pressHandle(event, id) {
    if (event.button !== 0) return;
    event.preventDefault();
    const startY = event.clientY;
    const moving = carried(id);
    let dragging = false;
    let before = null;
    const marker = el("div", { class: "drop-marker", "aria-hidden": "true" });

    const move = (moveEvent) => {
      if (moveEvent.pointerId !== event.pointerId) return;
      if (!dragging) {
        if (Math.abs(moveEvent.clientY - startY) < DRAG_THRESHOLD) return;
        dragging = true;
        card.classList.add("dragging-items");
        for (const other of moving) state.rows.get(other).classList.add("moving");
        list.append(marker);
      }
      moveEvent.preventDefault();
      before = dropBefore(moveEvent.clientY, moving);
      placeMarker(marker, before);
      edgeScroll(moveEvent.clientY);
    };
    const finish = (endEvent) => {
      if (endEvent.type !== "keydown" && endEvent.pointerId !== event.pointerId) return;
      if (endEvent.type === "keydown" && endEvent.key !== "Escape") return;
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", finish);
      window.removeEventListener("pointercancel", finish);
      window.removeEventListener("keydown", finish);
      if (!dragging) return;
      card.classList.remove("dragging-items");
      for (const other of moving) state.rows.get(other)?.classList.remove("moving");
      marker.remove();
      if (endEvent.type !== "pointerup") return; // cancelled, or Escape: nothing moves
      const next = moveTo(state.order, moving, before);
      if (!sameOrder(next, state.order)) reorder(next);
    };
    // The handle keeps the pointer while it drags, also outside the window.
    try { event.target.setPointerCapture(event.pointerId); } catch { /* a pointer that is already gone */ }
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", finish);
    window.addEventListener("pointercancel", finish);
    window.addEventListener("keydown", finish);
  }

  /** The id of the first row not being moved whose middle is below `y` (null: the end). */
  function dropBefore(y, moving) {
    const set = new Set(moving);
    for (const id of state.order) {
      if (set.has(id)) continue;
      const box = state.rows.get(id).getBoundingClientRect();
      if (y < box.top + box.height / 2) return id;
    }
    return null;
  }

  function placeMarker(marker, before) {
    const rows = state.order.map((id) => state.rows.get(id));
    const target = before ? state.rows.get(before) : null;
    const last = rows[rows.length - 1];
    marker.style.top = `${target ? target.offsetTop - 3 : last.offsetTop + last.offsetHeight + 1}px`;
  }

  /** Scrolls the window while a drag nears its top or bottom edge. */
  function edgeScroll(y) {
    const edge = 48;
    if (y < edge) window.scrollBy(0, -12);
    else if (y > window.innerHeight - edge) window.scrollBy(0, 12);
  }

  // ----- Removing and adding -----

  removeButton.addEventListener("click", async () => {
    const ids = state.order.filter((id) => state.selected.has(id));
    if (!ids.length) return;
    const names = ids.map((id) => state.items.get(id).version_name);
    const shown = names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");
    const sure = await confirmDialog(`Remove ${ids.length} ${ids.length === 1 ? "item" : "items"}?`,
      [`${shown} will leave this session. The versions stay in the project, and feedback already given on them is kept.`],
      "Remove");
    if (!sure) return;
    const answer = await busy(removeButton, "Removing…", () => request("POST", `${api}/items/remove`, { item_ids: ids }),
      { done: `Removed ${ids.length} ${ids.length === 1 ? "item" : "items"}.`, problem });
    if (answer.ok) {
      for (const id of ids) state.selected.delete(id);
      await load();
    }
  });

  addButton.addEventListener("click", () => pickVersions(context, new Set([...state.items.values()].map((item) => item.version_id)),
    async (versionIDs) => {
      const answer = await request("POST", `${api}/items`, { version_ids: versionIDs });
      if (answer.ok) await load();
      return answer;
    }));

  load();
  return card;
}

/**
 * The "Add versions" dialog: the project's versions (those in the session already greyed),
 * filtered as one types; `add(versionIDs)` sends the choice and answers the request's result.
 */
async function pickVersions(context, present, add) {
  const filter = el("input", { type: "search", id: "version-filter", placeholder: "Filter by name, asset or status",
    "aria-label": "Filter the versions" });
  const choices = el("ul", { class: "version-choices", id: "version-choices" }, el("li", { class: "loading" }, "Loading the versions…"));
  const problem = problemLine();
  const addChosen = el("button", { type: "button", id: "add-chosen", disabled: true }, "Add");
  const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
  const dialog = el("dialog", { class: "dialog versions-dialog", "aria-labelledby": "add-versions-title" },
    el("h2", { id: "add-versions-title" }, "Add versions"),
    el("p", { class: "muted" }, "They join the end of the session, in the order listed here."),
    filter, choices, problem,
    el("div", { class: "actions" }, cancel, addChosen));
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  filter.focus();

  const versions = await all(`/api/v1/projects/${encodeURIComponent(context.projectID)}/versions`);
  const boxes = [];
  const count = () => {
    const chosen = boxes.filter((box) => box.checked).length;
    addChosen.disabled = chosen === 0;
    addChosen.textContent = chosen ? `Add ${chosen} ${chosen === 1 ? "version" : "versions"}` : "Add";
  };
  choices.replaceChildren(...versions.map((version) => {
    const inSession = present.has(version.id);
    const box = el("input", { type: "checkbox", value: version.id, disabled: inSession });
    box.addEventListener("change", count);
    if (!inSession) boxes.push(box);
    const words = [version.name, version.asset, version.status, version.media_state].filter(Boolean).join(" ").toLowerCase();
    return el("li", { "data-words": words, class: inSession ? "present" : "" },
      el("label", { class: "check" }, box,
        el("span", { class: "choice-name" }, version.name),
        version.version_number ? el("span", { class: "chip" }, `v${String(version.version_number).padStart(3, "0")}`) : null,
        el("span", { class: "muted" }, inSession ? "in this session" : version.status),
        version.media_state !== "ready" ? el("span", { class: "chip warn" }, version.media_state) : null));
  }));
  if (!versions.length) choices.replaceChildren(el("li", { class: "muted" }, "The project has no versions yet."));
  else if (!boxes.length) choices.prepend(el("li", { class: "muted" }, "Every version of the project is in this session already."));
  filter.addEventListener("input", () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const li of choices.children) li.hidden = !words.every((word) => (li.dataset.words || "").includes(word));
  });
  addChosen.addEventListener("click", async () => {
    const ids = boxes.filter((box) => box.checked).map((box) => box.value);
    const answer = await busy(addChosen, "Adding…", () => add(ids),
      { done: `Added ${ids.length} ${ids.length === 1 ? "version" : "versions"}.`, problem });
    if (answer.ok) dialog.close();
  });
}
