// Drawings on frames, in the feedback format's terms (docs/feedback-format.md, "Drawings"):
// shapes at coordinates normalised 0…1 from the picture's top-left as displayed, widths and
// text sizes as fractions of its height, colours #RRGGBBAA. The layer is a canvas laid
// exactly over the picture, so it follows any size, zoom and pan of the picture.

export const TOOLS = ["pen", "line", "arrow", "rectangle", "ellipse", "text"];
export const COLORS = ["#FF3B30FF", "#FFCC00FF", "#34C759FF", "#0A84FFFF", "#FFFFFFFF", "#000000FF"];
/** Widths, as fractions of the picture's height (about 2, 4 and 8 pixels at 1080 lines). */
export const WIDTHS = { thin: 0.002, medium: 0.004, thick: 0.008 };
const TEXT_SIZE = 0.035;
/** Five decimals place a point within a fifth of a pixel even on a 16K frame. */
const round = (value) => Math.round(Math.min(Math.max(value, 0), 1) * 1e5) / 1e5;

/** A random UUID: `crypto.randomUUID` exists only in secure contexts, and a studio may serve plain HTTP. */
function uuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `#RRGGBBAA` as a CSS colour. */
function cssColor(color) {
  const hex = color.replace("#", "");
  if (hex.length !== 8) return color;
  const [r, g, b, a] = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
}

/** Paints `shapes` on a 2D context of `width`×`height` pixels. */
export function paint(context, shapes, width, height) {
  const px = ([x, y]) => [x * width, y * height];
  for (const shape of shapes) {
    context.strokeStyle = context.fillStyle = cssColor(shape.color);
    context.lineWidth = Math.max(1, (shape.width || 0) * height);
    context.lineCap = context.lineJoin = "round";
    context.beginPath();
    switch (shape.type) {
      case "stroke": {
        const points = shape.points.map(px);
        context.moveTo(...points[0]);
        if (points.length === 1) context.lineTo(points[0][0] + 0.01, points[0][1]);
        for (const point of points.slice(1)) context.lineTo(...point);
        context.stroke();
        break;
      }
      case "line":
      case "arrow": {
        const [x1, y1] = px(shape.from);
        const [x2, y2] = px(shape.to);
        context.moveTo(x1, y1);
        context.lineTo(x2, y2);
        if (shape.type === "arrow") {
          const angle = Math.atan2(y2 - y1, x2 - x1);
          const head = Math.max(context.lineWidth * 4, 10);
          for (const side of [-1, 1]) {
            context.moveTo(x2, y2);
            context.lineTo(x2 - head * Math.cos(angle + side * Math.PI / 7), y2 - head * Math.sin(angle + side * Math.PI / 7));
          }
        }
        context.stroke();
        break;
      }
      case "rectangle": {
        const [x1, y1] = px(shape.from);
        const [x2, y2] = px(shape.to);
        context.strokeRect(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
        break;
      }
      case "ellipse": {
        const [x1, y1] = px(shape.from);
        const [x2, y2] = px(shape.to);
        context.ellipse((x1 + x2) / 2, (y1 + y2) / 2, Math.abs(x2 - x1) / 2, Math.abs(y2 - y1) / 2, 0, 0, 2 * Math.PI);
        context.stroke();
        break;
      }
      case "text": {
        const [x, y] = px(shape.at);
        const size = shape.size * height;
        context.font = `600 ${size}px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif`;
        context.textBaseline = "top";
        // A dark edge keeps light text readable on a light picture, and the other way round.
        context.lineWidth = Math.max(1, size / 8);
        context.strokeStyle = "rgba(0, 0, 0, .55)";
        context.strokeText(shape.text, x, y);
        context.fillText(shape.text, x, y);
        break;
      }
    }
  }
}

/**
 * The canvas over the picture: shows the drawings of the frame on screen, and, while
 * editing, takes the pointer to draw new shapes with undo and redo.
 */
export class DrawingLayer extends EventTarget {
  /** `frame` is the element the picture fills exactly; `display` the picture's size as displayed. */
  constructor(frame, display) {
    super();
    this.frame = frame;
    this.display = display;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "drawing";
    this.canvas.setAttribute("aria-hidden", "true");
    frame.append(this.canvas);
    /** The drawings shown now: saved ones on this frame. */
    this.shown = [];
    /** The drawing being made. */
    this.shapes = [];
    /** What undo takes back ({added} or {cleared}), and what redo does again. */
    this.done = [];
    this.undone = [];
    this.tool = "pen";
    this.color = COLORS[0];
    this.width = WIDTHS.medium;
    this.editing = false;
    this.current = null;
    new ResizeObserver(() => this.render()).observe(frame);
    this.#listen();
  }

  /** Shows `drawings` (each a drawing of the format) under the one being made. */
  showSaved(drawings) {
    this.shown = drawings;
    this.render();
  }

  setEditing(on) {
    this.editing = on;
    this.canvas.classList.toggle("editing", on);
    this.render();
  }

  /** Draws again at the canvas's size on screen (times the zoom, so lines stay sharp). */
  render(zoom = this.zoom || 1) {
    this.zoom = zoom;
    const box = this.frame.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    // The box on screen is already zoomed: its size is what is seen.
    const width = Math.max(1, Math.round(box.width * ratio));
    const height = Math.max(1, Math.round(box.height * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const context = this.canvas.getContext("2d");
    context.clearRect(0, 0, width, height);
    for (const drawing of this.shown) paint(context, drawing.shapes, width, height);
    paint(context, this.current ? [...this.shapes, this.current] : this.shapes, width, height);
  }

  get isEmpty() { return this.shapes.length === 0; }

  /** The drawing made, in the format, or null when nothing is drawn. */
  drawing({ hold = false } = {}) {
    if (!this.shapes.length) return null;
    return { display: this.display, hold, shapes: this.shapes.map((shape) => ({ ...shape })) };
  }

  /** Takes back the last shape added, or the last clear. */
  undo() {
    const action = this.done.pop();
    if (!action) return;
    if (action.added) this.shapes.pop(); else this.shapes = action.cleared;
    this.undone.push(action);
    this.#changed();
  }

  redo() {
    const action = this.undone.pop();
    if (!action) return;
    if (action.added) this.shapes.push(action.added); else this.shapes = [];
    this.done.push(action);
    this.#changed();
  }

  /** Wipes the drawing being made: one step to undo. */
  clear() {
    if (!this.shapes.length) return;
    this.done.push({ cleared: this.shapes });
    this.undone = [];
    this.shapes = [];
    this.#changed();
  }

  /** Forgets the drawing made (after it was saved with its comment). */
  reset() {
    this.shapes = [];
    this.done = [];
    this.undone = [];
    this.#changed();
  }

  get canUndo() { return this.done.length > 0; }
  get canRedo() { return this.undone.length > 0; }

  #changed() {
    this.render();
    this.dispatchEvent(new CustomEvent("change"));
  }

  #point(event) {
    const box = this.canvas.getBoundingClientRect();
    return [round((event.clientX - box.left) / box.width), round((event.clientY - box.top) / box.height)];
  }

  #add(shape) {
    const added = { id: uuid(), color: this.color, ...shape };
    this.shapes.push(added);
    this.done.push({ added });
    this.undone = [];
    this.#changed();
  }

  #listen() {
    const canvas = this.canvas;
    canvas.addEventListener("pointerdown", (event) => {
      if (!this.editing || event.button !== 0) return;
      event.preventDefault();
      event.stopPropagation();
      const at = this.#point(event);
      if (this.tool === "text") return this.#askText(at);
      canvas.setPointerCapture(event.pointerId);
      const pressure = event.pointerType === "pen" ? [Math.round(event.pressure * 1000) / 1000] : [];
      this.current = this.tool === "pen"
        ? { type: "stroke", color: this.color, width: this.width, points: [[...at, ...pressure]] }
        : { type: this.tool, color: this.color, width: this.width, from: at, to: at };
      this.render();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!this.current) return;
      const at = this.#point(event);
      if (this.current.type === "stroke") {
        const last = this.current.points[this.current.points.length - 1];
        if (Math.hypot(at[0] - last[0], at[1] - last[1]) < 0.001 || this.current.points.length >= 5000) return;
        const pressure = event.pointerType === "pen" ? [Math.round(event.pressure * 1000) / 1000] : [];
        this.current.points.push([...at, ...pressure]);
      } else {
        this.current.to = at;
      }
      this.render();
    });
    const finish = () => {
      if (!this.current) return;
      const shape = this.current;
      this.current = null;
      const { id: _, ...rest } = shape;
      this.#add(rest);
    };
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
  }

  /** The text tool: a field where the click was; Enter adds the text, Escape drops it. */
  #askText(at) {
    const field = document.createElement("input");
    field.className = "drawing-text";
    field.setAttribute("aria-label", "Text to draw");
    field.maxLength = 500;
    field.style.left = `${at[0] * 100}%`;
    field.style.top = `${at[1] * 100}%`;
    this.frame.append(field);
    field.focus();
    let done = false;
    const end = (keep) => {
      if (done) return;
      done = true;
      const text = field.value.trim();
      field.remove();
      if (keep && text) this.#add({ type: "text", at, text, size: TEXT_SIZE });
    };
    field.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter") { event.preventDefault(); end(true); }
      if (event.key === "Escape") end(false);
    });
    field.addEventListener("blur", () => end(true));
  }
}

/** Names of the tools, as their buttons say them. */
const TOOL_NAMES = { pen: "Pen", line: "Line", arrow: "Arrow", rectangle: "Rectangle", ellipse: "Ellipse", text: "Text" };

/**
 * The drawing tools for `layer` (hidden until drawing starts): a button per tool, the
 * colours, the width, undo, redo and clear, each saying its state to assistive technology.
 * Answers {element, sync}: `sync()` shows the layer's state again.
 */
export function drawingTools(layer) {
  const button = (label, attributes, onclick) => {
    const node = document.createElement("button");
    node.type = "button";
    node.textContent = label;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.addEventListener("click", onclick);
    return node;
  };
  const toolButtons = TOOLS.map((tool) => button(TOOL_NAMES[tool], { class: "tool secondary", "data-tool": tool, "aria-pressed": "false" },
    () => { layer.tool = tool; sync(); }));
  const colorButtons = COLORS.map((color) => {
    const node = button("", { class: "swatch", "data-color": color, "aria-label": `Colour ${color}`, "aria-pressed": "false" },
      () => { layer.color = color; sync(); });
    node.style.setProperty("--swatch", cssColor(color));
    return node;
  });
  const swatches = document.createElement("span");
  swatches.className = "swatches";
  swatches.append(...colorButtons);
  const width = document.createElement("select");
  width.id = "draw-width";
  width.setAttribute("aria-label", "Line width");
  for (const name of Object.keys(WIDTHS)) {
    width.append(new Option(name[0].toUpperCase() + name.slice(1), name, name === "medium", name === "medium"));
  }
  width.addEventListener("change", () => { layer.width = WIDTHS[width.value]; });
  const undo = button("Undo", { id: "undo", class: "secondary", title: "Undo (Ctrl+Z)" }, () => layer.undo());
  const redo = button("Redo", { id: "redo", class: "secondary", title: "Redo (Ctrl+Shift+Z)" }, () => layer.redo());
  const clear = button("Clear", { id: "clear-drawing", class: "secondary" }, () => layer.clear());
  const element = document.createElement("div");
  element.className = "tools";
  element.id = "tools";
  element.hidden = true;
  element.setAttribute("role", "toolbar");
  element.setAttribute("aria-label", "Drawing tools");
  element.append(...toolButtons, swatches, width, undo, redo, clear);
  function sync() {
    for (const node of toolButtons) node.setAttribute("aria-pressed", String(node.dataset.tool === layer.tool));
    for (const node of colorButtons) node.setAttribute("aria-pressed", String(node.dataset.color === layer.color));
    undo.disabled = !layer.canUndo;
    redo.disabled = !layer.canRedo;
    clear.disabled = layer.isEmpty;
  }
  layer.addEventListener("change", sync);
  return { element, sync };
}
