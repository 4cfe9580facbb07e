// A streaming SHA-256 (FIPS 180-4) over Uint8Arrays: the upload hashes each chunk as it reads
// it, so a file of any size is hashed in one pass without holding it in memory. (Web Crypto's
// digest() takes the whole input at once, and exists only in secure contexts anyway.)
//
//   const hash = sha256(); hash.update(bytes); ...; hash.hex()  // or hash.digest(): Uint8Array(32)

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** A new hash: `update(bytes)` any number of times, then `digest()` (bytes) or `hex()` once. */
export function sha256() {
  const state = new Uint32Array(INITIAL);
  const words = new Uint32Array(64);
  const pending = new Uint8Array(64); // the start of a block not yet complete
  let pendingLength = 0;
  let totalBytes = 0;
  let finished = false;

  /** Mixes the 64-byte blocks of `bytes` from `start` into the state (`count` blocks). */
  function blocks(bytes, start, count) {
    let [a, b, c, d, e, f, g, h] = state;
    for (let block = 0; block < count; block++) {
      const base = start + block * 64;
      for (let i = 0; i < 16; i++) {
        const j = base + i * 4;
        words[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      for (let i = 16; i < 64; i++) {
        const w15 = words[i - 15], w2 = words[i - 2];
        const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
        const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
        words[i] = (words[i - 16] + s0 + words[i - 7] + s1) | 0;
      }
      for (let i = 0; i < 64; i++) {
        const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const choice = (e & f) ^ (~e & g);
        const t1 = (h + s1 + choice + K[i] + words[i]) | 0;
        const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const majority = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (s0 + majority) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      a = state[0] = (state[0] + a) | 0; b = state[1] = (state[1] + b) | 0;
      c = state[2] = (state[2] + c) | 0; d = state[3] = (state[3] + d) | 0;
      e = state[4] = (state[4] + e) | 0; f = state[5] = (state[5] + f) | 0;
      g = state[6] = (state[6] + g) | 0; h = state[7] = (state[7] + h) | 0;
    }
  }

  const hash = {
    /** Adds `bytes` (a Uint8Array, or an ArrayBuffer) to what is hashed. */
    update(input) {
      if (finished) throw new Error("sha256: update after digest");
      const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
      totalBytes += bytes.length;
      let at = 0;
      if (pendingLength) {
        const take = Math.min(64 - pendingLength, bytes.length);
        pending.set(bytes.subarray(0, take), pendingLength);
        pendingLength += take;
        at = take;
        if (pendingLength < 64) return hash;
        blocks(pending, 0, 1);
        pendingLength = 0;
      }
      const whole = Math.floor((bytes.length - at) / 64);
      blocks(bytes, at, whole);
      at += whole * 64;
      pending.set(bytes.subarray(at), 0);
      pendingLength = bytes.length - at;
      return hash;
    },
    /** How many bytes went in so far. */
    get length() { return totalBytes; },
    /** Ends the hash: the 32 bytes of the digest. */
    digest() {
      if (finished) throw new Error("sha256: digest twice");
      const bits = totalBytes * 8;
      const tail = new Uint8Array(pendingLength < 56 ? 64 : 128);
      tail.set(pending.subarray(0, pendingLength));
      tail[pendingLength] = 0x80;
      // The length in bits, big-endian, in the last 8 bytes (2^53 bytes is more than any file).
      const view = new DataView(tail.buffer);
      view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
      view.setUint32(tail.length - 4, bits >>> 0);
      blocks(tail, 0, tail.length / 64);
      finished = true;
      const out = new Uint8Array(32);
      const outView = new DataView(out.buffer);
      state.forEach((word, i) => outView.setUint32(i * 4, word));
      return out;
    },
    /** Ends the hash: the digest as 64 lower-case hex digits. */
    hex() {
      return Array.from(hash.digest(), (byte) => byte.toString(16).padStart(2, "0")).join("");
    },
  };
  return hash;
}
