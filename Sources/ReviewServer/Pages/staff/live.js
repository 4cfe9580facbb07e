// A project's staff event channel (`GET /api/v1/projects/{id}/live`, Server-Sent Events):
// `version` events ({version, job}) for what is processing now, then `ready`, then a `version`
// event whenever a version is added or changes and `removed` ({id}) when one goes.
//
// EventSource reconnects by itself after a dropped connection; after an HTTP error (the server
// restarting, a 5xx) it gives up, so this opens a new one, waiting longer each time. Each
// `ready` (the first and after every reconnection) is the page's cue to load the list by REST,
// so nothing that changed while it was away is missed.

/**
 * Follows project `projectId`. Handlers: `version({version, job})`, `removed(id)`, `ready()`,
 * `state("connecting" | "live" | "reconnecting")`. Answers a function that stops following.
 */
export function followProject(projectId, { version, removed, ready, state }) {
  let source = null;
  let stopped = false;
  let failures = 0;
  let timer = null;

  function open() {
    if (stopped) return;
    state(failures ? "reconnecting" : "connecting");
    source = new EventSource(`/api/v1/projects/${encodeURIComponent(projectId)}/live`);
    source.addEventListener("version", (event) => {
      const data = parse(event.data);
      if (data && data.version) version(data);
    });
    source.addEventListener("removed", (event) => {
      const data = parse(event.data);
      if (data && data.id) removed(data.id);
    });
    source.addEventListener("ready", () => {
      failures = 0;
      state("live");
      ready();
    });
    source.addEventListener("error", () => {
      if (stopped) return;
      state("reconnecting");
      if (source.readyState === EventSource.CLOSED) {
        // An HTTP error: EventSource does not retry those by itself.
        failures++;
        clearTimeout(timer);
        timer = setTimeout(open, Math.min(30000, 1000 * 2 ** Math.min(failures - 1, 5)));
      }
    });
  }

  function parse(text) {
    try { return JSON.parse(text); } catch { return null; }
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
  };
}
