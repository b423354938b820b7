#!/usr/bin/env python3
"""Summarises flight recordings of the switch or a vport: where the data path spends its time and what it allocates.

    bench/jfr-top.py [--frames N] [--threads REGEX] [--top N] FILE.jfr...

For each recording (e.g. those netns-bench.sh --jfr wrote) it prints, for the threads chosen:
  - CPU use per thread (jdk.ThreadCPULoad, share of one core), to see how much of a busy thread the samples explain;
  - Java execution samples: the hottest methods (top frame), each with the nearest dev.vswitch frame below it, so
    that time in a library is charged to the project code that called it;
  - native method samples: where threads sat in native code (a send or receive system call, or an idle wait);
  - allocation samples: estimated bytes by allocation site and by class, and per frame when --frames N says how many
    frames the recording covers (netns-bench.sh prints that number).
JDK 17's jfr tool has no 'view' command, hence this script; it reads 'jfr print --json'.
Record 20 s or more (netns-bench.sh --tcp-seconds 30 --jfr DIR): in a short recording a few samples carry all the
weight, and one of them can top a table by chance.
Blind spot: time a thread spends inside the JVM itself (e.g. Unsafe.setMemory zeroing a new direct buffer) is in
neither kind of sample; a system profiler (perf) sees it.
"""
import argparse
import collections
import json
import re
import subprocess

EVENTS = "jdk.ExecutionSample,jdk.NativeMethodSample,jdk.ObjectAllocationSample,jdk.ThreadCPULoad,jdk.CPUInformation"
PROJECT = "dev.vswitch."


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].replace("/", ".") + "." + method["name"]


def short(name):
    """dev.vswitch.server.secure.SecureDatagramSwitch.seal -> SecureDatagramSwitch.seal"""
    parts = name.split(".")
    return ".".join(parts[-2:])


def site(frames):
    """The top frame, and the nearest project frame below it when the top frame is not the project's own."""
    names = [frame_name(f) for f in frames]
    if not names:
        return "(no stack)"
    top = short(names[0])
    if names[0].startswith(PROJECT):
        return top
    caller = next((short(n) for n in names if n.startswith(PROJECT)), None)
    return f"{top}  <- {caller}" if caller else top


def frames_of(event):
    trace = event["values"].get("stackTrace")  # absent when the JVM could not walk the stack
    return trace["frames"] if trace else []


def thread_of(event):
    values = event["values"]
    thread = values.get("sampledThread") or values.get("eventThread") or {}
    return thread.get("javaName") or thread.get("osName") or "?"


def table(title, counter, total, top, unit, per=None):
    if not total:
        return
    print(f"  {title} (total {total:,.0f} {unit}{f', {total / per:,.0f} {unit}/frame' if per else ''})")
    for key, value in counter.most_common(top):
        extra = f"  {value / per:9,.1f} {unit}/frame" if per else ""
        print(f"    {100 * value / total:5.1f}%  {value:>12,.0f}{extra}  {key}")


def summarise(path, threads, top, frames):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", EVENTS, path], check=True, capture_output=True,
                         text=True).stdout
    events = [e for e in json.loads(out)["recording"]["events"]
              if e["type"] == "jdk.CPUInformation" or threads.search(thread_of(e))]
    by_type = collections.defaultdict(list)
    for e in events:
        by_type[e["type"]].append(e)

    print(f"\n=== {path}  (threads matching /{threads.pattern}/)")
    load = collections.defaultdict(list)
    for e in by_type["jdk.ThreadCPULoad"]:
        load[thread_of(e)].append(e["values"]["user"] + e["values"]["system"])
    if load:  # emitted every 10 s with settings=profile, so only in longer recordings
        info = by_type["jdk.CPUInformation"]
        cores = info[0]["values"]["hwThreads"] if info else 1  # the event's share is of all cores; shown of one
        busy = sorted(((sum(v) / len(v) * cores, t) for t, v in load.items()), reverse=True)
        print("  CPU per thread (% of one core): " + ", ".join(f"{t}={100 * c:.0f}%" for c, t in busy[:6] if c >= 0.01))
    for kind, title in (("jdk.ExecutionSample", "Java execution samples"),
                        ("jdk.NativeMethodSample", "native method samples")):
        samples = by_type[kind]
        per_thread = collections.Counter(thread_of(e) for e in samples)
        print(f"  {title}: {len(samples)}  " + ", ".join(f"{t}={n}" for t, n in per_thread.most_common(6)))
        hot = collections.Counter(site(frames_of(e)) for e in samples)
        table(f"hottest {title}", hot, len(samples), top, "samples")

    allocations = by_type["jdk.ObjectAllocationSample"]
    by_site, by_class = collections.Counter(), collections.Counter()
    for e in allocations:
        weight = e["values"]["weight"]
        by_site[site(frames_of(e))] += weight
        by_class[e["values"]["objectClass"]["name"].replace("/", ".")] += weight
    total = sum(by_class.values())
    print(f"  allocation samples: {len(allocations)} (bytes are estimates: each sample carries the weight of the "
          "allocations since the one before)")
    table("allocation by site", by_site, total, top, "bytes", frames)
    table("allocation by class", by_class, total, top, "bytes", frames)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recordings", nargs="+", metavar="FILE.jfr")
    parser.add_argument("--threads", default=".", help="only threads whose name matches this regex (default: all)")
    parser.add_argument("--top", type=int, default=15, help="rows per table (default 15)")
    parser.add_argument("--frames", type=int, help="frames the recording covers, for bytes per frame")
    args = parser.parse_args()
    for path in args.recordings:
        summarise(path, re.compile(args.threads), args.top, args.frames)


if __name__ == "__main__":
    main()
