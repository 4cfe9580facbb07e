"""Reads an editorial export back with OpenTimelineIO and prints what it found as JSON.

    read_interchange.py FILE.otio
    read_interchange.py FILE.edl --rate 30000/1001

An .otio file is read by OTIO's own JSON reader; an .edl by the CMX 3600 adapter
(otio-cmx3600-adapter), at the rate given, since an EDL does not say its rate. This is the
independent reader of Tests/ReportTests/InterchangeTests.swift: what Dailies wrote is judged
by what OTIO makes of it, not by our own parsing.

The summary, on standard output:

    {"name": ..., "tracks": [{"name", "kind", "source_range", "clips": [
        {"name", "source_range", "available_range", "range_in_parent", "reference",
         "target_url", "metadata", "markers": [
            {"name", "comment", "color", "marked_range", "metadata"}]}]}],
     "locator_lines": [...], "same_when_rewritten": true}

A range is {"start", "duration", "rate"}: values and rate as OTIO holds them (doubles).
`range_in_parent` is where the clip sits in its track, from the track's start (for an EDL,
the record side less the first record in, which is the track's source_range start, negated).

`locator_lines` (EDL only) lists every `* LOC:` line as written, with the event it follows
(0 for the first) and its timecode as OTIO's `opentime.from_timecode` counts it at the
given rate: the adapter drops a locator whose timecode it cannot match (its pattern takes
colons only, so drop-frame `HH:MM:SS;FF` ones), and the test still wants to see where those
lines point. Grouping lines under events is the only parsing done here.

`same_when_rewritten` (.otio only) says whether OTIO, writing back what it read, gives the
same document (numbers compared as numbers, keys in any order): then the file has every
field OTIO writes for its schemas, and none that OTIO would drop.
"""

import argparse
import fractions
import json
import re
import sys

import opentimelineio as otio


def plain(value):
    """OTIO's AnyDictionary and AnyVector as JSON-able dicts and lists."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "items"):
        return {key: plain(item) for key, item in value.items()}
    return [plain(item) for item in value]


def time_range(value):
    if value is None:
        return None
    return {"start": value.start_time.value, "duration": value.duration.value, "rate": value.start_time.rate}


def clip_summary(clip):
    reference = clip.media_reference
    return {
        "name": clip.name,
        "source_range": time_range(clip.source_range),
        "available_range": time_range(reference.available_range if reference is not None else None),
        "range_in_parent": time_range(clip.range_in_parent()),
        "reference": reference.schema_name() if reference is not None else None,
        "target_url": getattr(reference, "target_url", None),
        "metadata": plain(clip.metadata),
        "markers": [
            {
                "name": marker.name,
                "comment": marker.comment,
                "color": marker.color,
                "marked_range": time_range(marker.marked_range),
                "metadata": plain(marker.metadata),
            }
            for marker in clip.markers
        ],
    }


def as_numbers(value):
    """A JSON document with every number a float, so that 86400 and 86400.0 compare equal."""
    if isinstance(value, dict):
        return {key: as_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_numbers(item) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def locator_lines(text, rate):
    lines = []
    event = -1
    for line in text.splitlines():
        stripped = line.strip()
        if re.match(r"^\d+\s", stripped):
            event += 1
        match = re.match(r"^\*\s*LOC:\s*(\S+)\s*(.*)$", stripped)
        if match:
            timecode = match.group(1)
            lines.append({
                "event": event,
                "line": stripped,
                "timecode": timecode,
                "value": otio.opentime.from_timecode(timecode, rate).value,
            })
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--rate", help="the EDL's rate, exact (24000/1001) or whole (25)")
    arguments = parser.parse_args()

    summary = {}
    if arguments.file.endswith(".edl"):
        if not arguments.rate:
            parser.error("an .edl needs --rate")
        rate = float(fractions.Fraction(arguments.rate))
        timeline = otio.adapters.read_from_file(arguments.file, adapter_name="cmx_3600", rate=rate)
        with open(arguments.file, encoding="utf-8") as edl:
            summary["locator_lines"] = locator_lines(edl.read(), rate)
    else:
        timeline = otio.adapters.read_from_file(arguments.file, adapter_name="otio_json")
        with open(arguments.file, encoding="utf-8") as written:
            ours = json.load(written)
        rewritten = json.loads(otio.adapters.write_to_string(timeline, "otio_json"))
        summary["same_when_rewritten"] = as_numbers(ours) == as_numbers(rewritten)

    summary["name"] = timeline.name
    summary["tracks"] = [
        {
            "name": track.name,
            "kind": track.kind,
            "source_range": time_range(track.source_range),
            "clips": [clip_summary(child) for child in track if isinstance(child, otio.schema.Clip)],
        }
        for track in timeline.tracks
    ]
    json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
