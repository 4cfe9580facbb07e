// Small helpers every page uses: elements without HTML parsing, and times in the viewer's
// own time zone.

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A time in the viewer's own time zone, with the zone's name. */
export function when(iso) {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }).format(new Date(iso));
}

/** A recent time as people say it ("5 min ago"), an older one as a date; the exact time on hover. */
export function ago(iso) {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  const words = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  let text;
  if (seconds < 45) text = words.format(0, "second");
  else if (seconds < 3600) text = words.format(-Math.round(seconds / 60), "minute");
  else if (seconds < 86400) text = words.format(-Math.round(seconds / 3600), "hour");
  else text = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })
    .format(new Date(iso));
  return el("time", { datetime: iso, title: when(iso) }, text);
}

/** The server's message as a sentence, its times (ISO 8601, UTC) shown in the viewer's zone. */
export function humane(message) {
  const text = message.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g, (iso) => when(iso));
  if (!text) return "";
  return text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
}
