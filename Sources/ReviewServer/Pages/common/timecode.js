// Frame numbers and timecodes people know, from a proxy's playback facts: the same rules as
// FrameTime's Timecode (drop-frame at 29.97 and 59.94 skips labels 00 and 01, or 00–03, at
// the start of every minute but each tenth).

/** The rate as a fraction {num, den} from "24000/1001". */
export function parseRate(text) {
  const [num, den] = String(text).split("/").map(Number);
  return { num, den: den || 1 };
}

/** Labels for one proxy: `label(k)` gives {number, timecode} for frame index k. */
export function frameLabels(media) {
  const rate = parseRate(media.rate);
  const base = Math.round(rate.num / rate.den);
  const drop = rate.den === 1001 && rate.num % 30000 === 0;
  const dropped = drop ? base / 15 : 0;
  const framesPerMinute = base * 60 - dropped;
  const framesPer10Minutes = framesPerMinute * 10 + dropped;
  const dayFrames = framesPer10Minutes * 6 * 24;

  const parse = (text) => {
    const match = /^(\d\d):(\d\d):(\d\d)[:;.](\d\d)$/.exec(text || "");
    if (!match) return 0;
    const [hours, minutes, seconds, frames] = match.slice(1).map(Number);
    const totalMinutes = hours * 60 + minutes;
    return (totalMinutes * 60 + seconds) * base + frames - dropped * (totalMinutes - Math.floor(totalMinutes / 10));
  };
  const format = (count) => {
    let frame = ((count % dayFrames) + dayFrames) % dayFrames;
    if (drop) {
      const tens = Math.floor(frame / framesPer10Minutes);
      const rest = frame % framesPer10Minutes;
      frame += dropped * 9 * tens + (rest > dropped ? dropped * Math.floor((rest - dropped) / framesPerMinute) : 0);
    }
    const two = (n) => String(n).padStart(2, "0");
    const frames = frame % base;
    const seconds = Math.floor(frame / base) % 60;
    const minutes = Math.floor(frame / (base * 60)) % 60;
    const hours = Math.floor(frame / (base * 3600));
    return `${two(hours)}:${two(minutes)}:${two(seconds)}${drop ? ";" : ":"}${two(frames)}`;
  };
  const start = parse(media.start_timecode);
  return {
    number: (k) => media.first_frame_number + k,
    timecode: (k) => format(start + k),
    /** The index of a typed frame number or timecode, or null. */
    index(text) {
      const typed = String(text).trim();
      if (/^\d+$/.test(typed)) return Number(typed) - media.first_frame_number;
      if (/^\d\d:\d\d:\d\d[:;.]\d\d$/.test(typed)) return parse(typed) - start;
      return null;
    },
  };
}
