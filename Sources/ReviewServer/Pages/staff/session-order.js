// Moving items of a session's order: a selection as one, up or down by one place, or to where
// it was dropped. Pure functions over arrays of ids, so the page's drag, buttons and keys all
// reorder the same way.

/**
 * `order` with every id in `moving` taken out and put back together, in their present order,
 * before the id `before` (at the end when `before` is null or is itself moving).
 */
export function moveTo(order, moving, before) {
  const set = new Set(moving);
  const moved = order.filter((id) => set.has(id));
  const rest = order.filter((id) => !set.has(id));
  const at = before && !set.has(before) ? rest.indexOf(before) : -1;
  const place = at < 0 ? rest.length : at;
  return [...rest.slice(0, place), ...moved, ...rest.slice(place)];
}

/**
 * `order` with the ids in `moving` one place up (`step` -1) or down (+1): each run of
 * moving ids swaps with its neighbour, and a run already at the top (or bottom) stays.
 */
export function moveByOne(order, moving, step) {
  const set = new Set(moving);
  const result = [...order];
  const indexes = step < 0 ? result.keys() : [...result.keys()].reverse();
  for (const i of indexes) {
    const j = i + step;
    if (j < 0 || j >= result.length) continue;
    if (set.has(result[i]) && !set.has(result[j])) [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/** Whether two orders are the same. */
export function sameOrder(a, b) {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
