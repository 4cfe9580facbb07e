// A frame-exact player over a proxy <video>. The rules (docs of the review site, issue 14):
// - seek to the middle of frame k's interval, (k + ½)/rate, with the rational rate: seeking
//   to k/rate shows frame k−1 in Chromium at 23.976 and 59.94 (media time is truncated to
//   microseconds);
// - a seek is done when both `seeked` and the frame callback have come, in either order;
// - while playing, the frame is the callback's `mediaTime`, never `currentTime`.
import { parseRate } from "/common/timecode.js";

export class FramePlayer extends EventTarget {
  /** `video` plays `media` (a review item's media: proxy_url, rate, frame_count…). */
  constructor(video, media) {
    super();
    this.video = video;
    this.media = media;
    this.rate = parseRate(media.rate);
    this.frameCount = media.frame_count;
    this.frame = 0;
    this.seeking = null;
    video.preload = "auto";
    video.playsInline = true;
    video.src = media.proxy_url;
    video.addEventListener("play", () => this.#follow());
    video.addEventListener("pause", () => this.#settle());
  }

  /** The frame a media time (seconds) falls in. */
  frameAt(mediaTime) {
    // A hair of tolerance: mediaTime is rounded to microseconds.
    const frame = Math.floor(mediaTime * this.rate.num / this.rate.den + 1e-4);
    return Math.min(Math.max(frame, 0), this.frameCount - 1);
  }

  /** Shows frame `k` (clamped to the media) and resolves once it is on screen. */
  async seek(k) {
    const target = Math.min(Math.max(Math.round(k), 0), this.frameCount - 1);
    if (!this.video.paused) {
      this.seeking = target;
      this.video.pause();
    }
    const done = new Promise((resolve) => {
      let seeked = false;
      let presented = false;
      const finish = () => { if (seeked && presented) resolve(); };
      this.video.addEventListener("seeked", () => {
        seeked = true;
        finish();
        // A seek within the frame already shown presents no new frame: nothing more will come.
        setTimeout(() => { presented = true; finish(); }, 500);
      }, { once: true });
      this.video.requestVideoFrameCallback(() => { presented = true; finish(); });
    });
    this.video.currentTime = (target + 0.5) * this.rate.den / this.rate.num;
    await done;
    this.seeking = null;
    this.#show(target);
  }

  step(by) { return this.seek(this.frame + by); }

  toggle() { return this.video.paused ? this.video.play() : this.video.pause(); }

  #show(frame) {
    if (frame === this.frame && this.shown) return;
    this.frame = frame;
    this.shown = true;
    this.dispatchEvent(new CustomEvent("frame", { detail: { frame } }));
  }

  /** While playing, each presented frame's own media time says which it is. */
  #follow() {
    const onFrame = (_now, metadata) => {
      this.#show(this.frameAt(metadata.mediaTime));
      if (!this.video.paused) this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  /** Paused: settle exactly on the frame last presented. */
  #settle() {
    if (this.seeking === null) this.seek(this.frame);
  }
}
