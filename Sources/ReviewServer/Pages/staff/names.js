// What a dropped file or folder becomes: entries to upload, each a single file or an image
// sequence (numbered frames of one folder), with a version's name, asset and number proposed
// from the file name the way studios name things: `sh010_comp_v003.mov` is version 3 of the
// asset `sh010_comp`.

/** Picture formats whose numbered files are frames of one sequence (movies never are). */
const FRAME_EXTENSIONS = new Set(["exr", "dpx", "cin", "png", "jpg", "jpeg", "tif", "tiff", "tga", "bmp", "webp", "sgi", "rgb", "hdr", "psd"]);

/** `name.1001.exr`, `name_1001.exr`, `name1001.exr`: the prefix, the frame number's digits, the extension. */
const FRAME = /^(.*?)(\d+)\.([A-Za-z0-9]+)$/;

/** A trailing version mark: `_v003`, `.v3`, `-V12`, `v003`. */
const VERSION = /^(.*?)[._\- ]?[vV](\d{1,5})$/;

/** The file's name without its extension. */
export function stem(fileName) {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/**
 * Proposes a version's {name, asset, version_number} from a file's stem (or a sequence's prefix):
 * `sh010_comp_v003` → sh010_comp, 3. Without a version mark the asset is the whole name, and the
 * number is the next one after `highest(asset)` (the project's highest so far, or 0).
 */
export function propose(baseName, highest = () => 0) {
  const name = baseName.replace(/[._\- ]+$/, "") || baseName || "untitled";
  const marked = VERSION.exec(name);
  if (marked && marked[1]) {
    return { name, asset: marked[1].replace(/[._\- ]+$/, ""), version_number: Number(marked[2]) };
  }
  return { name, asset: name, version_number: highest(name) + 1 };
}

/** The folder a file came from ("" for a file dropped on its own). */
function folderOf(file, path) {
  const full = path || file.webkitRelativePath || "";
  const slash = full.lastIndexOf("/");
  return slash > 0 ? full.slice(0, slash) : "";
}

/**
 * Groups files into upload entries: numbered frames of one folder with the same prefix,
 * padding and extension become one sequence entry (two frames or more); everything else is a
 * file entry. `files` are {file, path} pairs (path: where in a dropped folder, when known).
 * Answers entries {kind: "file"|"sequence", files: [File] (in frame order), label, base, folder}.
 */
export function group(files) {
  const sequences = new Map();
  const entries = [];
  for (const { file, path } of files) {
    const frame = FRAME.exec(file.name);
    const folder = folderOf(file, path);
    if (frame && FRAME_EXTENSIONS.has(frame[3].toLowerCase())) {
      const key = `${folder}\u0000${frame[1]}\u0000${frame[2].length}\u0000${frame[3].toLowerCase()}`;
      if (!sequences.has(key)) sequences.set(key, { prefix: frame[1], digits: frame[2].length, extension: frame[3], folder, frames: [] });
      sequences.get(key).frames.push({ file, number: Number(frame[2]) });
      continue;
    }
    entries.push({ kind: "file", files: [file], label: file.name, base: stem(file.name), folder });
  }
  for (const sequence of sequences.values()) {
    sequence.frames.sort((a, b) => a.number - b.number);
    if (sequence.frames.length === 1) {
      const { file } = sequence.frames[0];
      entries.push({ kind: "file", files: [file], label: file.name, base: stem(file.name), folder: sequence.folder });
      continue;
    }
    const first = sequence.frames[0].number;
    const last = sequence.frames[sequence.frames.length - 1].number;
    const pattern = `${sequence.prefix}${"#".repeat(sequence.digits)}.${sequence.extension}`;
    // The prefix names the shot: `sh010_comp_v003.` → `sh010_comp_v003`; a bare `1001.exr` takes its folder's name.
    const base = sequence.prefix.replace(/[._\- ]+$/, "") || sequence.folder.split("/").pop() || "sequence";
    entries.push({
      kind: "sequence", files: sequence.frames.map((frame) => frame.file), folder: sequence.folder, base,
      label: `${pattern} (${first}–${last}, ${sequence.frames.length} frames)`,
      missing: last - first + 1 - sequence.frames.length,
    });
  }
  return entries;
}

/** Every file under a dropped item (DataTransferItem.webkitGetAsEntry()), with its path. */
export async function walk(entry) {
  if (!entry) return [];
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return [{ file, path: entry.fullPath.replace(/^\//, "") }];
  }
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const children = [];
  // readEntries answers a batch at a time (100 in Chromium) until it answers none.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    children.push(...batch);
  }
  const found = [];
  for (const child of children) found.push(...await walk(child));
  return found;
}

/** A size as people read it: 1.4 GB, 820 KB. */
export function bytes(count) {
  if (count < 1000) return `${count} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = count;
  let unit = -1;
  do { value /= 1000; unit++; } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
