// The API as the pages call it: JSON in and out, same-origin cookies, and errors as values
// ({status, code, message, retryAfter}) so a page can say exactly what went wrong.

/** Sends `method path` with `body` (an object, sent as JSON) and answers {ok, status, data, error}. */
export async function request(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { "Accept": "application/json" } };
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

/** Every page of a list. */
export async function all(path) {
  const answer = await request("GET", path);
  return answer.ok ? answer.data.data : [];
}
