// Times in the studio's time zone (an IANA name), whatever the zone of the browser showing them.
//
// A session's schedule is stored in UTC; staff type and read it as wall-clock times of the
// studio. `<input type="datetime-local">` holds a wall-clock time with no zone, so the page
// converts between the two here, with nothing but Intl: the offset a zone has at an instant
// comes from formatting that instant in the zone and reading the wall clock back.
//
// Around a daylight-saving change a wall-clock time can be missing (the clocks jump over it)
// or happen twice (the clocks go back over it). Like Temporal's "compatible" choice, a missing
// time moves forward by the jump (02:30 on the spring day in London is 03:30 BST), and a
// time that happens twice means the first of the two (01:30 BST, not 01:30 GMT).

const formatters = new Map();

/** A formatter giving the wall clock of `zone` as numeric parts (cached: they are slow to make). */
function wallClockFormatter(zone) {
  if (!formatters.has(zone)) {
    formatters.set(zone, new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }));
  }
  return formatters.get(zone);
}

/** The wall clock of `zone` at `epochMs`: {year, month, day, hour, minute, second}. */
function wallClock(epochMs, zone) {
  const parts = {};
  for (const { type, value } of wallClockFormatter(zone).formatToParts(new Date(epochMs))) {
    if (type !== "literal") parts[type] = Number(value);
  }
  if (parts.hour === 24) parts.hour = 0; // engines that still say 24:00 for midnight
  return parts;
}

/** Whether `zone` is a time zone this browser knows. */
export function knownZone(zone) {
  try {
    wallClockFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The studio's zone (`organization.time_zone`) when this browser knows it, else UTC. */
export function studioZone(organization) {
  const zone = organization?.time_zone || "UTC";
  return knownZone(zone) ? zone : "UTC";
}

/** Minutes `zone` is ahead of UTC at the instant `epochMs` (London in summer: 60; New York in winter: -300). */
export function offsetMinutes(zone, epochMs) {
  const wall = wallClock(epochMs, zone);
  const asUTC = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const whole = Math.floor(epochMs / 1000) * 1000; // the wall clock has no milliseconds
  return Math.round((asUTC - whole) / 60000);
}

/** "GMT", "GMT+1", "GMT-4", "GMT+5:30": an offset as people read it. */
export function offsetName(minutes) {
  if (!minutes) return "GMT";
  const sign = minutes > 0 ? "+" : "-";
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  return `GMT${sign}${hours}${rest ? ":" + String(rest).padStart(2, "0") : ""}`;
}

/** "Europe/London (GMT+1)": the zone and its offset at `epochMs` (now by default). */
export function zoneLabel(zone, epochMs = Date.now()) {
  return `${zone} (${offsetName(offsetMinutes(zone, epochMs))})`;
}

const pad = (number, width = 2) => String(number).padStart(width, "0");

/** An ISO 8601 UTC time as a datetime-local value ("2026-07-01T09:30") on `zone`'s wall clock. */
export function toLocalInput(iso, zone) {
  const wall = wallClock(Date.parse(iso), zone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

/**
 * A datetime-local value read as `zone`'s wall clock, as an ISO 8601 UTC time
 * ("2026-07-01T08:30:00.000Z"); null when the value is not a time.
 */
export function fromLocalInput(value, zone) {
  const match = /^(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?$/.exec(value || "");
  if (!match) return null;
  const [year, month, day, hour, minute, second = "0", fraction = "0"] = match.slice(1);
  // The wall-clock fields as if they were UTC: the true instant is this minus the zone's offset then.
  const wallAsUTC = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second),
    Number(fraction.padEnd(3, "0")));
  if (Number.isNaN(wallAsUTC)) return null;
  // A zone's offset changes at most once in any day around here: the offsets a day before and
  // a day after are the only two candidates.
  const before = offsetMinutes(zone, wallAsUTC - 86400000);
  const after = offsetMinutes(zone, wallAsUTC + 86400000);
  const fits = [before, after]
    .map((offset) => wallAsUTC - offset * 60000)
    .filter((instant) => wallAsUTC - offsetMinutes(zone, instant) * 60000 === instant);
  // One fit: the usual case. Two: the time happened twice; the earlier wins. None: the clocks
  // jumped over it; the offset before the jump carries it forward by the jump.
  const instant = fits.length ? Math.min(...fits) : wallAsUTC - before * 60000;
  return new Date(instant).toISOString();
}

/** A time for reading, on `zone`'s wall clock: "Tue 1 Dec 2026, 14:15". */
export function showInZone(iso, zone, { withZone = false } = {}) {
  const text = new Intl.DateTimeFormat(undefined, {
    timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
  return withZone ? `${text} ${offsetName(offsetMinutes(zone, Date.parse(iso)))}` : text;
}

/** "Tue 1 Dec, 14:15 – Tue 8 Dec, 14:15" on `zone`'s wall clock (the year only when not this year). */
export function showSchedule(startsAt, endsAt, zone) {
  const thisYear = wallClock(Date.now(), zone).year;
  const format = (iso) => {
    const options = { timeZone: zone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
    if (wallClock(Date.parse(iso), zone).year !== thisYear) options.year = "numeric";
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  };
  return `${format(startsAt)} – ${format(endsAt)}`;
}

/** Where a session is in its life: "closed", "scheduled" (starts later), "expired" (ended) or "open". */
export function sessionState(session, now = Date.now()) {
  if (session.closed_at) return "closed";
  if (now < Date.parse(session.starts_at)) return "scheduled";
  if (now >= Date.parse(session.ends_at)) return "expired";
  return "open";
}

/** The states in the order the list shows them, with their headings and chip colours. */
export const sessionStates = [
  { state: "open", heading: "Open", chip: "good", empty: "No session is open now." },
  { state: "scheduled", heading: "Scheduled", chip: "warn", empty: "No session starts later." },
  { state: "expired", heading: "Expired", chip: "", empty: "No session has run out of time." },
  { state: "closed", heading: "Closed", chip: "bad", empty: "No session is closed." },
];
