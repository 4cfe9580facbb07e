// The session's live room over its WebSocket (docs/feedback-format.md, "The room"): events
// after the last one this page has, then live ones; presence and the presenter. It resumes
// where it left off after a dropped connection, and stops for good when access has ended.

export class Room extends EventTarget {
  /** `path` is the room's address (…/room), `after` the last event number the page has. */
  constructor(path, after) {
    super();
    this.path = path;
    this.after = after;
    this.retry = 500;
    this.closed = false;
    this.socket = null;
    this.#open();
  }

  /** Sends a request into the room (`present`, `hand_over`, `stop_presenting`, `state`). */
  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close() {
    this.closed = true;
    if (this.socket) this.socket.close(1000);
  }

  get connected() { return !!this.socket && this.socket.readyState === WebSocket.OPEN; }

  #open() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${this.path}?after=${this.after}`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.retry = 500;
      this.dispatchEvent(new CustomEvent("connection", { detail: { connected: true } }));
    });
    socket.addEventListener("message", (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      if (typeof data.seq === "number") {
        if (data.seq <= this.after) return; // already had it (a resume overlaps)
        this.after = data.seq;
        this.dispatchEvent(new CustomEvent("event", { detail: data }));
      } else {
        this.dispatchEvent(new CustomEvent(data.type, { detail: data }));
      }
    });
    socket.addEventListener("close", (event) => {
      this.dispatchEvent(new CustomEvent("connection", { detail: { connected: false, code: event.code } }));
      if (this.closed) return;
      if (event.code === 4003) {
        // Access ended (revoked, closed, out of schedule): coming back would be refused.
        this.dispatchEvent(new CustomEvent("ended"));
        return;
      }
      // 4008 (fell behind), 1001 (server restart) or a dropped network: resume after the last event.
      const wait = this.retry;
      this.retry = Math.min(this.retry * 2, 10_000);
      setTimeout(() => { if (!this.closed) this.#open(); }, wait);
    });
  }
}
