// A frame-exact player over a proxy <video>. The rules (issue 14, "Frame-exact display"):
// - seek to the middle of frame k's interval, (k + ½)/rate, with the rational rate: seeking
//   to k/rate shows frame k−1 in Chromium at 23.976 and 59.94 (media time is truncated to
//   microseconds);
// - a seek is done when both `seeked` and the frame callback have come, in either order;
// - while playing, the frame is the callback's `mediaTime`, never `currentTime`.
//
// The proxy has exactly the source's frames, one after another at the proxy's constant
// rate (a variable-rate source keeps every frame; its frame map keeps their real times for
// the labels), so frame k starts at k/rate in the proxy.
//
// Self-check: every presented frame's `mediaTime` must be the start of a frame of the proxy,
// and after a seek to k it must be frame k's. A disagreement is dispatched as a "mismatch"
// event (the page reports it to the server), so a wrong frame in the field is seen.
import { parseRate } from "/common/timecode.js";

/**
 * The picture's size as displayed, in the drawing format's terms ({width, height, pixel_aspect}):
 * its storage width times its pixel aspect, so drawings sit where people saw them.
 */
export function displaySize(media) {
  const [num, den] = String(media.pixel_aspect || "1/1").split("/").map(Number);
  return { width: Math.round(media.width * (num || 1) / (den || 1)), height: media.height, pixel_aspect: media.pixel_aspect };
}

/** Playback speeds people pick from, and the steps J and L go through. */
export const SPEEDS = [0.25, 0.5, 1, 2, 4];
/** How far a presented frame's media time may be from its frame's start: rounding to µs, and some. */
const START_TOLERANCE = 0.001;

export class FramePlayer extends EventTarget {
  /** `video` plays `media` (a review item's media: proxy_url, rate, frame_count…). */
  constructor(video, media) {
    super();
    this.video = video;
    this.media = media;
    this.rate = parseRate(media.rate);
    this.frameCount = media.frame_count;
    this.frame = 0;
    /** The frame a seek is on its way to, or null. */
    this.seeking = null;
    /** "off", "item" (the whole item) or "range" (the in/out range). */
    this.loop = "off";
    this.inPoint = null;
    this.outPoint = null;
    /** 1 forward, -1 backward (J), 0 stopped; `speed` is how fast. */
    this.direction = 0;
    this.speed = 1;
    /** Disagreements of the self-check seen by this player, for the page and for tests. */
    this.mismatches = [];
    this.presented = 0;
    this.pendingSeek = null;
    this.chain = Promise.resolve();
    video.preload = "auto";
    video.playsInline = true;
    video.src = media.proxy_url;
    video.addEventListener("play", () => { this.direction = 1; this.#follow(); this.#changed(); });
    video.addEventListener("pause", () => {
      if (this.direction === 1) this.direction = 0;
      this.#settle();
      this.#changed();
    });
    video.addEventListener("ended", () => this.#ended());
  }

  get playing() { return this.direction !== 0; }

  /** Seconds from the proxy's start to the start of frame k. */
  startOf(k) { return k * this.rate.den / this.rate.num; }

  /** The frame a media time (seconds) falls in. */
  frameAt(mediaTime) {
    // A hair of tolerance: mediaTime is rounded to microseconds.
    const frame = Math.floor(mediaTime * this.rate.num / this.rate.den + 1e-4);
    return Math.min(Math.max(frame, 0), this.frameCount - 1);
  }

  clamp(k) { return Math.min(Math.max(Math.round(k), 0), this.frameCount - 1); }

  /**
   * Shows frame `k` (clamped to the media) and resolves once it is on screen. Seeks queue up:
   * while one runs, only the latest target asked for is kept (a scrub asks for many).
   */
  seek(k) {
    const target = this.clamp(k);
    if (this.direction === -1) this.#stopReverse();
    if (!this.video.paused) {
      this.seeking = target;
      this.direction = 0;
      this.video.pause();
    }
    this.pendingSeek = target;
    this.chain = this.chain.then(async () => {
      if (this.pendingSeek === null) return;
      const next = this.pendingSeek;
      this.pendingSeek = null;
      await this.#seekNow(next);
    });
    return this.chain;
  }

  async #seekNow(target) {
    this.seeking = target;
    // The frame the seek presents. A frame presented before `seeked` that is not the target
    // is one left over from before (playing, a settle): wait for the next. After `seeked`,
    // whatever comes is the seek's own frame, and the self-check judges it; a seek within the
    // frame already shown presents nothing, and then there is nothing to judge.
    const metadata = await new Promise((resolve) => {
      let seeked = false;
      let early = null;
      let done = false;
      const finish = (presented) => { if (!done) { done = true; resolve(presented); } };
      const onFrame = (_now, presented) => {
        if (seeked) return finish(presented);
        if (this.frameAt(presented.mediaTime) === target) early = presented;
        else this.video.requestVideoFrameCallback(onFrame);
      };
      this.video.addEventListener("seeked", () => {
        seeked = true;
        if (early) return finish(early);
        setTimeout(() => finish(null), 500);
      }, { once: true });
      this.video.requestVideoFrameCallback(onFrame);
      this.video.currentTime = (target + 0.5) * this.rate.den / this.rate.num;
    });
    if (metadata) this.#check(metadata.mediaTime, target, "seek");
    this.seeking = null;
    this.#show(target, true);
  }

  step(by) {
    const from = this.pendingSeek ?? this.seeking ?? this.frame;
    return this.seek(from + by);
  }

  play() {
    if (this.direction === -1) this.#stopReverse();
    const [first, last] = this.bounds();
    // From the end of what loops, playing starts over.
    if (this.frame >= last) return this.seek(first).then(() => this.video.play());
    return this.video.play();
  }

  pause() {
    if (this.direction === -1) return this.#stopReverse();
    if (!this.video.paused) this.video.pause();
  }

  toggle() { return this.playing ? this.pause() : this.play(); }

  /** The speed for both directions: the proxy's own rate times this. */
  setSpeed(speed) {
    this.speed = speed;
    if (this.direction !== -1) this.video.playbackRate = speed;
    this.#changed();
  }

  /**
   * J, K and L as editors know them: L plays forward, and again faster; J plays backward,
   * and again faster; K stops. Holding K, J and L step a frame (the page sends `step`).
   */
  shuttle(key) {
    if (key === "k") return this.pause();
    const direction = key === "l" ? 1 : -1;
    if (this.direction === direction) {
      const faster = SPEEDS.find((speed) => speed > this.speed);
      if (faster) this.setSpeed(faster);
      return;
    }
    this.setSpeed(1);
    return direction === 1 ? this.play() : this.#reverse();
  }

  /** Sets the in or out point at a frame (null clears it); the range loops when asked. */
  mark(which, frame) {
    if (which === "in") this.inPoint = frame;
    else this.outPoint = frame;
    if (this.inPoint !== null && this.outPoint !== null && this.inPoint > this.outPoint) {
      [this.inPoint, this.outPoint] = [this.outPoint, this.inPoint];
    }
    this.#changed();
  }

  /** The first and last frame playing stays within: the range when it loops, else the item. */
  bounds() {
    if (this.loop === "range") return [this.inPoint ?? 0, this.outPoint ?? this.frameCount - 1];
    return [0, this.frameCount - 1];
  }

  setLoop(mode) {
    this.loop = mode;
    this.#changed();
  }

  #changed() { this.dispatchEvent(new CustomEvent("state")); }

  #show(frame, settled = false) {
    if (frame === this.frame && this.shown && !settled) return;
    this.frame = frame;
    this.shown = true;
    this.dispatchEvent(new CustomEvent("frame", { detail: { frame, settled } }));
  }

  /** While playing, each presented frame's own media time says which it is. */
  #follow() {
    const onFrame = (_now, metadata) => {
      if (this.video.paused) return;
      const frame = this.frameAt(metadata.mediaTime);
      this.#check(metadata.mediaTime, null, "play");
      this.#show(frame);
      const [first, last] = this.bounds();
      if (this.loop === "range" && frame >= last) {
        this.video.pause();
        this.seek(first).then(() => this.video.play());
        return;
      }
      this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  #ended() {
    if (this.loop === "off") return;
    const [first] = this.bounds();
    this.seek(first).then(() => this.video.play());
  }

  /** Paused: settle exactly on the frame last presented. */
  #settle() {
    if (this.seeking === null && this.pendingSeek === null) this.seek(this.frame);
  }

  /** Backward play: browsers do not play video backwards, so step back, one seek per frame, on the rate's clock. */
  async #reverse() {
    if (!this.video.paused) {
      this.direction = 0;
      this.video.pause();
      await this.chain;
    }
    this.direction = -1;
    this.#changed();
    const token = (this.reverseToken = {});
    let due = performance.now();
    while (this.direction === -1 && this.reverseToken === token) {
      const [first, last] = this.bounds();
      let next = this.frame - 1;
      if (next < first) {
        if (this.loop === "off") break;
        next = last;
      }
      this.pendingSeek = next;
      await (this.chain = this.chain.then(async () => {
        if (this.pendingSeek === null) return;
        const target = this.pendingSeek;
        this.pendingSeek = null;
        await this.#seekNow(target);
      }));
      due += 1000 * this.rate.den / (this.rate.num * this.speed);
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else due = performance.now(); // seeking is slower than the rate: go as fast as it allows
    }
    if (this.reverseToken === token) {
      this.direction = 0;
      this.#changed();
    }
  }

  #stopReverse() {
    this.direction = 0;
    this.reverseToken = null;
    this.#changed();
  }

  /** The self-check: `mediaTime` must be a frame's start, and `expected`'s when given. */
  #check(mediaTime, expected, during) {
    this.presented += 1;
    const frame = this.frameAt(mediaTime);
    const offset = mediaTime - this.startOf(frame);
    if ((expected === null || frame === expected) && Math.abs(offset) <= START_TOLERANCE) return;
    const mismatch = { during, expected: expected ?? frame, presented: frame, media_time: mediaTime };
    this.mismatches.push(mismatch);
    this.dispatchEvent(new CustomEvent("mismatch", { detail: mismatch }));
  }
}
