// The scrubbable timeline under the player: the playhead, the in/out range, comment
// markers, frames where a sequence had a missing file, and a filmstrip preview on hover.
// It is a slider for the keyboard and for screen readers.

/** An element with a class. */
function div(className) {
  const node = document.createElement("div");
  node.className = className;
  return node;
}

export class Timeline extends EventTarget {
  /**
   * `player` is a FramePlayer; `labels` gives a frame's number and timecode; `filmstrip` is
   * the item's filmstrip layout and `filmstripURL` its sheet (both may be absent).
   */
  constructor(player, labels, { filmstrip, filmstripURL, missing = [] } = {}) {
    super();
    this.player = player;
    this.labels = labels;
    this.count = player.frameCount;
    this.element = div("timeline");
    Object.assign(this.element, { tabIndex: 0, id: "timeline" });
    this.element.setAttribute("role", "slider");
    this.element.setAttribute("aria-label", "Timeline");
    this.element.setAttribute("aria-valuemin", "0");
    this.element.setAttribute("aria-valuemax", String(this.count - 1));
    this.track = div("track");
    this.range = div("range");
    this.range.hidden = true;
    this.markers = div("markers");
    this.gaps = div("gaps");
    this.playhead = div("playhead");
    this.preview = div("preview");
    this.preview.hidden = true;
    this.previewPicture = div("preview-picture");
    this.previewLabel = div("preview-label");
    this.preview.append(this.previewPicture, this.previewLabel);
    this.track.append(this.gaps, this.range, this.markers, this.playhead);
    this.element.append(this.track, this.preview);
    this.filmstrip = filmstrip && filmstripURL && filmstrip.tiles && filmstrip.tiles.length ? filmstrip : null;
    if (this.filmstrip) {
      // The sheet, scaled so a tile is 160 CSS pixels wide.
      const scale = 160 / this.filmstrip.tile_width;
      this.previewScale = scale;
      this.previewPicture.style.width = `${Math.round(this.filmstrip.tile_width * scale)}px`;
      this.previewPicture.style.height = `${Math.round(this.filmstrip.tile_height * scale)}px`;
      this.previewPicture.style.backgroundImage = `url("${filmstripURL}")`;
      this.previewPicture.style.backgroundSize =
        `${this.filmstrip.columns * this.filmstrip.tile_width * scale}px ${this.filmstrip.rows * this.filmstrip.tile_height * scale}px`;
    } else {
      this.previewPicture.hidden = true;
    }
    this.setMissing(missing);
    this.#listen();
    player.addEventListener("frame", (event) => this.show(event.detail.frame));
    player.addEventListener("state", () => this.#showRange());
  }

  /** The left edge of frame k's slot, as a fraction of the track. */
  #at(frame) { return this.count > 1 ? frame / this.count : 0; }

  /** The frame under a client x coordinate. */
  frameAtX(clientX) {
    const box = this.track.getBoundingClientRect();
    const fraction = Math.min(Math.max((clientX - box.left) / box.width, 0), 0.999999);
    return Math.floor(fraction * this.count);
  }

  show(frame) {
    this.playhead.style.left = `${100 * (frame + 0.5) / this.count}%`;
    this.element.setAttribute("aria-valuenow", String(frame));
    this.element.setAttribute("aria-valuetext", `Frame ${this.labels.number(frame)}, ${this.labels.timecode(frame)}`);
  }

  #showRange() {
    const { inPoint, outPoint } = this.player;
    this.range.hidden = inPoint === null && outPoint === null;
    if (this.range.hidden) return;
    const first = inPoint ?? 0;
    const last = outPoint ?? this.count - 1;
    this.range.style.left = `${100 * this.#at(first)}%`;
    this.range.style.width = `${100 * (last - first + 1) / this.count}%`;
  }

  /** Comment markers: `[{id, first, last, kind}]`; a click on one dispatches "marker". */
  setMarkers(markers) {
    this.markers.replaceChildren(...markers.map((marker) => {
      const node = document.createElement("button");
      node.type = "button";
      node.className = `marker ${marker.kind || ""}`;
      node.dataset.comment = marker.id;
      node.dataset.frame = String(marker.first);
      node.title = marker.title || `Comment at ${this.labels.number(marker.first)}`;
      node.setAttribute("aria-label", node.title);
      node.tabIndex = -1;
      node.style.left = `${100 * this.#at(marker.first)}%`;
      node.style.width = `max(6px, ${100 * (marker.last - marker.first + 1) / this.count}%)`;
      node.addEventListener("pointerdown", (event) => event.stopPropagation());
      node.addEventListener("click", (event) => {
        event.stopPropagation();
        this.dispatchEvent(new CustomEvent("marker", { detail: { id: marker.id, frame: marker.first } }));
      });
      return node;
    }));
  }

  /** Frames filled in for missing files, as `[first, last]` ranges. */
  setMissing(ranges) {
    this.gaps.replaceChildren(...ranges.map(([first, last]) => {
      const node = div("gap");
      node.title = `Missing file${first === last ? "" : "s"}: ${this.labels.number(first)}${first === last ? "" : `–${this.labels.number(last)}`}`;
      node.style.left = `${100 * this.#at(first)}%`;
      node.style.width = `max(3px, ${100 * (last - first + 1) / this.count}%)`;
      return node;
    }));
  }

  #preview(clientX) {
    const frame = this.frameAtX(clientX);
    const box = this.track.getBoundingClientRect();
    this.preview.hidden = false;
    this.previewLabel.textContent = `${this.labels.number(frame)}  ${this.labels.timecode(frame)}`;
    if (this.filmstrip) {
      // The tile of the latest frame at or before the one hovered.
      const tiles = this.filmstrip.tiles;
      let low = 0;
      let high = tiles.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (tiles[middle].frame <= frame) low = middle; else high = middle - 1;
      }
      const tile = tiles[low];
      this.previewPicture.style.backgroundPosition = `-${tile.x * this.previewScale}px -${tile.y * this.previewScale}px`;
    }
    const width = this.preview.offsetWidth || 160;
    const x = Math.min(Math.max(clientX - box.left - width / 2, 0), Math.max(box.width - width, 0));
    this.preview.style.left = `${x}px`;
  }

  #listen() {
    let scrubbing = false;
    this.element.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      scrubbing = true;
      this.element.setPointerCapture(event.pointerId);
      this.player.seek(this.frameAtX(event.clientX));
      this.element.focus();
    });
    this.element.addEventListener("pointermove", (event) => {
      this.#preview(event.clientX);
      if (scrubbing) this.player.seek(this.frameAtX(event.clientX));
    });
    const stop = () => { scrubbing = false; };
    this.element.addEventListener("pointerup", stop);
    this.element.addEventListener("pointercancel", stop);
    this.element.addEventListener("pointerleave", () => { if (!scrubbing) this.preview.hidden = true; });
    this.element.addEventListener("keydown", (event) => {
      const keys = { Home: 0, End: this.count - 1, PageUp: this.player.frame - 10, PageDown: this.player.frame + 10 };
      if (event.key in keys) {
        event.preventDefault();
        event.stopPropagation();
        this.player.seek(keys[event.key]);
      }
    });
  }
}
