"""The Cineon log-to-display transform, written out in numpy: the oracle Dailies' `cineon`
display transform is held to (Tests/MediaTests/DisplayTransformTests.swift).

Reads 10-bit code values as raw little-endian gbrp10le planes (G, B, R; what
`ffmpeg -i log.dpx -f rawvideo -pix_fmt gbrp10le -` writes) from standard input, and writes
packed 8-bit RGB to standard output:

    linear  = (10 ** ((code - 685) / 300) - offset) / (1 - offset),  offset = 10 ** ((95 - 685) / 300)
    display = the sRGB curve (IEC 61966-2-1) of linear clipped to [0, 1]

Reference white 685, reference black 95, and 300 = 0.6 / 0.002: the negative's gamma over
the printing density step of one code value.

Usage: cineon_oracle.py WIDTH HEIGHT < planes.gbrp10le > picture.rgb24
"""

import sys

import numpy as np


def cineon_to_display(code: np.ndarray) -> np.ndarray:
    offset = 10.0 ** ((95 - 685) / 300)
    linear = (10.0 ** ((code.astype(np.float64) - 685) / 300) - offset) / (1 - offset)
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * np.power(linear, 1 / 2.4) - 0.055)


def main() -> None:
    width, height = int(sys.argv[1]), int(sys.argv[2])
    planes = np.frombuffer(sys.stdin.buffer.read(), dtype="<u2").reshape(3, height, width)
    green, blue, red = planes
    display = cineon_to_display(np.stack([red, green, blue], axis=-1))
    sys.stdout.buffer.write(np.rint(display * 255).astype(np.uint8).tobytes())


if __name__ == "__main__":
    main()
