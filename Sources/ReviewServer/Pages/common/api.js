// The API as the pages call it: JSON in and out, same-origin cookies, and errors as values
// ({status, code, message, retryAfter}) so a page can say exactly what went wrong.
// Signed-in staff send the CSRF token their sign-in set (a readable cookie, `dailies_csrf`)
// with every request that changes something.

/** The staff web session's CSRF token, when this browser has one. */
export function csrfToken() {
  const match = /(?:^|;\s*)dailies_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : null;
}

/** Sends `method path` with `body` (an object, sent as JSON) and answers {ok, status, data, error}. */
export async function request(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { "Accept": "application/json" } };
  const token = method === "GET" || method === "HEAD" ? null : csrfToken();
  if (token) options.headers["X-CSRF-Token"] = token;
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    return { ok: false, status: 0, error: { code: "offline", message: "The server cannot be reached. Check your connection." } };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (response.ok) return { ok: true, status: response.status, data };
  const error = (data && data.error) || { code: "http_" + response.status, message: "The server answered " + response.status + "." };
  const retryAfter = Number(response.headers.get("Retry-After")) || null;
  return { ok: false, status: response.status, error: { ...error, retryAfter } };
}

/** Every page of a list (paged by 500, the most a page holds). */
export async function all(path) {
  const items = [];
  const join = path.includes("?") ? "&" : "?";
  for (;;) {
    const answer = await request("GET", `${path}${join}limit=500&offset=${items.length}`);
    if (!answer.ok) return items;
    items.push(...answer.data.data);
    if (!answer.data.data.length || items.length >= answer.data.pagination.total) return items;
  }
}
