#!/usr/bin/env python3
"""Runs gcc -fanalyzer over the sources of a compile_commands.json whose path starts with one of
the given folders, every file compiled as the build compiles it (same flags, output discarded).
Prints each diagnostic; exit status 1 if any -Wanalyzer-* warning was printed, 2 on bad input.
  gcc-analyzer.py COMPILE_COMMANDS.json SOURCE_TOP FOLDER [FOLDER ...]"""
import concurrent.futures
import json
import os
import re
import shlex
import subprocess
import sys


def analyzer_command(entry):
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    if "-o" in args:  # the object file of the real build is left alone
        i = args.index("-o")
        args[i + 1] = os.devnull
    # -fanalyzer's warnings are the point; -Werror from the build would stop at the first.
    return [a for a in args if a != "-Werror"] + ["-fanalyzer", "-fdiagnostics-plain-output"]


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    db_path, top, folders = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3:]
    try:
        with open(db_path) as f:
            db = json.load(f)
    except (OSError, ValueError) as e:
        print(f"gcc-analyzer: cannot read {db_path}: {e}", file=sys.stderr)
        return 2
    prefixes = [os.path.join(top, d.strip("/")) + "/" for d in folders]
    entries = [e for e in db if any(e["file"].startswith(p) for p in prefixes)]
    if not entries:
        print(f"gcc-analyzer: no source under {' '.join(folders)} in {db_path}", file=sys.stderr)
        return 2

    def run(entry):
        r = subprocess.run(analyzer_command(entry), cwd=entry["directory"],
                           capture_output=True, text=True)
        return entry["file"], r.returncode, r.stderr

    findings = 0
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for path, rc, err in pool.map(run, entries):
            if err:
                sys.stdout.write(err.replace(top + "/", ""))
            findings += len(re.findall(r"\[-Wanalyzer-[a-z-]+\]", err))
            if rc != 0:
                print(f"gcc-analyzer: {os.path.relpath(path, top)} did not compile")
                findings += 1
    print(f"gcc -fanalyzer: {len(entries)} files, {findings} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
