#!/usr/bin/python3
"""Compares a rendered report with the results.json it was rendered from: the page's
matrix cells, verdict, benchmark table and plot data, junit.xml, ktap.txt and summary.md must
say what the results say. With --dom (Chromium's --dump-dom of index.html) the page is the
one a browser built; with --probe (what the in-page probe measured) every plot must have been
drawn with a size and marks, every image must have decoded. Both files must show their
sections in the order of reports/sections.def.

usage: check_report.py RESULTS_DIR [--dom FILE] [--probe FILE]
       check_report.py mutate NAME FROM.json TO.json [ARG...]   (a changed copy of a run)
       check_report.py wrong-summary-ratio SUMMARY.md  (first mmap/read() ratio digit + 1)
       check_report.py shift-time-sample PLOT.dat      (first sample 0.5 s later)
       check_report.py reorder-summary SUMMARY.md      (last section moved first)
       check_report.py count slowed|throughput RESULTS.json
The sub-commands make check-report's mutations and counts (names in MUTATIONS).
CHECK_REPORT_NO_BOOTSTRAP=1 skips redoing the bootstrap of every mmap/read() interval (the
other checks of the pairs stay), for the mutation tests that are about something else.
Exit 0 when everything matches; 1 with one line per mismatch."""
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

problems = []


def check(cond, message):
    if not cond:
        problems.append(message)


def close(a, b):
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


class Page(HTMLParser):
    """Collects the elements tests care about, by their data-* attributes."""

    def __init__(self):
        super().__init__()
        self.cells, self.bench_rows, self.figures, self.svgs = [], [], [], []
        self.pair_rows, self.ceiling_rows = [], []
        self.skip_rows = []
        self.forest_rows, self.rows, self.overview = [], [], None
        self._skip = None
        self.verdict = None
        self.scripts = 0
        self.external = []
        self._cell = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            v = a.get(key) or ""
            if re.match(r"^(https?:)?//", v):
                self.external.append(v)
        if tag == "td" and "data-outcome" in a and "data-test" in a:
            self._cell = a
            self._text = []
        if tag == "tr" and a.get("class") == "bench":
            self.bench_rows.append(a)
        if tag == "tr" and a.get("class") == "pair":
            self.pair_rows.append(a)
        if tag == "g" and a.get("class") == "fp-row":
            self.forest_rows.append(a)
        if tag == "tr" and "data-row" in a:
            self.rows.append(a["data-row"])
        if a.get("id") == "overview":
            self.overview = a
        if tag == "tr" and a.get("class") == "ceiling":
            self.ceiling_rows.append(a)
        if tag == "tr" and a.get("class") == "bench-skip":
            self._skip = []
        if tag == "figure" and "data-plot" in a:
            self.figures.append(a)
        if tag == "svg" and a.get("class") == "plot":
            self.svgs.append(a)
        if a.get("id") == "verdict":
            self.verdict = a

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)
        if self._skip is not None:
            self._skip.append(data)

    def handle_endtag(self, tag):
        if tag == "tr" and self._skip is not None:
            self.skip_rows.append("".join(self._skip))
            self._skip = None
        if tag == "td" and self._cell is not None:
            self._cell["text"] = "".join(self._text)
            self.cells.append(self._cell)
            self._cell = None


def conf_name(c):
    place = c.get("place") or ""
    name = f'{c["suite"]}.{c["test"]}@{c.get("fs") or "none"}'
    if place and place != "host":
        name += "@" + place
    return re.sub(r"[#\s]", "_", name)


def is_time_series(b):
    """params.sample_times_s: one number per sample (model.h, ms_bench_is_time_series)."""
    t = b["params"].get("sample_times_s")
    return (isinstance(t, list) and len(t) == len(b["samples"]) and len(t) > 0
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in t))


def plot_group(b):
    """The plot a record belongs to: (case, metric, unit), and for a time series also its
    file system (one plot over time per file system)."""
    key = (b["case"], b["metric"], b["unit"])
    return key + ("time", b["params"].get("fs")) if is_time_series(b) else key


def check_page(run, html):
    page = Page()
    page.feed(html)
    conf = run["conformance"]
    check(page.scripts == 0, f"index.html has {page.scripts} <script> elements (must have none)")
    check(not page.external, f"index.html refers to the network: {page.external[:3]}")
    counts = {o: sum(c["outcome"] == o for c in conf) for o in ("pass", "fail", "skip", "broken")}
    for o in ("xfail", "xpass"):  # schema 2; a page of a version 1 run may leave them out
        if any(c["outcome"] == o for c in conf):
            counts[o] = sum(c["outcome"] == o for c in conf)
    v = page.verdict or {}
    for o, n in counts.items():
        check(v.get("data-" + o) == str(n), f"verdict says {o}={v.get('data-' + o)}, results {n}")
    cells = {(c["data-test"], c["data-col"]): c for c in page.cells}
    check(len(page.cells) == len(conf), f"matrix has {len(page.cells)} cells, results {len(conf)}")
    for c in conf:
        key = (f'{c["suite"]}.{c["test"]}', f'{c["place"]}/{c["fs"]}')
        cell = cells.get(key)
        if not cell:
            problems.append(f"matrix has no cell for {key}")
            continue
        check(cell["data-outcome"] == c["outcome"],
              f"matrix {key}: {cell['data-outcome']}, results {c['outcome']}")
        if c.get("message"):
            # The page shows control characters (forbidden in XML) as U+FFFD.
            shown = re.sub(r"[\x00-\x08\x0b-\x1f]", "\ufffd", c["message"].strip())
            check(shown in cell["text"],
                  f"matrix {key}: the message is not in the cell")
    rows = page.bench_rows
    check(len(rows) == len(run["benchmarks"]),
          f"benchmark table has {len(rows)} rows, results {len(run['benchmarks'])}")
    for row in rows:
        b = run["benchmarks"][int(row["data-index"])]
        for attr, key in (("data-median", "median"), ("data-ci-low", "ci_low"),
                          ("data-ci-high", "ci_high")):
            check(close(row[attr], b[key]), f"benchmark {row['data-index']} {key}: page "
                  f"{row[attr]}, results {b[key]}")
        check(row["data-n"] == str(len(b["samples"])), f"benchmark {row['data-index']}: n")
    skipped = ((run.get("extra") or {}).get("bench") or {}).get("skipped") or []
    check(len(page.skip_rows) == len(skipped), f"page lists {len(page.skip_rows)} skipped "
          f"benchmark variants, results have {len(skipped)}")
    for row, s in zip(page.skip_rows, skipped):
        check(row.startswith(s["case"]) and row.endswith(s["reason"])
              and all(f"{k}={s[k]}" in row for k in ("method", "numa", "cache") if k in s),
              f"skipped variant {s['case']}/{s['method']}: the page says {row!r}")
    groups = {plot_group(b) for b in run["benchmarks"]}
    check(len(page.figures) == len(groups),
          f"{len(page.figures)} plot figures, results have {len(groups)} (case, metric, unit) "
          "and time series per file system")
    check(len(page.svgs) == len(page.figures),
          f"{len(page.figures)} plot figures but {len(page.svgs)} inline SVG plots")
    check(sum(int(f["data-points"]) for f in page.figures) == len(run["benchmarks"]),
          "plots do not show every benchmark record exactly once")
    return page


def check_plot_data(run, directory, page):
    """Every point gnuplot drew is a (median, ci_low, ci_high) of that plot's records."""
    for fig in page.figures:
        stem = fig["data-plot"]
        try:
            text = open(f"{directory}/plots/{stem}.dat").read()
        except OSError as e:
            problems.append(f"plot data missing: {e}")
            continue
        title = text.splitlines()[0][2:]
        case, metric = title.split(": ", 1)
        if "data-samples" in fig:
            check_time_data(run, stem, text, fig, case, metric)
            continue
        triples = {(b["median"], b["ci_low"], b["ci_high"]) for b in run["benchmarks"]
                   if b["case"] == case and b["metric"] == metric}
        points = 0
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            f = re.findall(r'"[^"]*"|\S+', line)
            nums = [float(x) for x in (f[2:5] if f[1].startswith('"') else f[1:4])]
            points += 1
            check(any(all(close(n, t) for n, t in zip(nums, tr)) for tr in triples),
                  f"{stem}.dat: point {nums} is not a result of {case}/{metric}")
        check(points == int(fig["data-points"]), f"{stem}.dat has {points} points, page says "
              f"{fig['data-points']}")


def check_time_data(run, stem, text, fig, case, metric):
    """A plot over time: every point is (sample_times_s[i], samples[i]) of a time-series
    record of that case, metric and file system, and every sample of them is drawn."""
    recs = [b for b in run["benchmarks"] if b["case"] == case and b["metric"] == metric
            and is_time_series(b) and b["params"].get("fs") == fig.get("data-fs")]
    want = {(float(t), float(v)) for b in recs
            for t, v in zip(b["params"]["sample_times_s"], b["samples"])}
    drawn = 0
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        t, v = (float(x) for x in line.split()[:2])
        drawn += 1
        check(any(close(t, a) and close(v, b) for a, b in want),
              f"{stem}.dat: ({t}, {v}) is not a sample of {case}/{metric} over time")
    total = sum(len(b["samples"]) for b in recs)
    check(drawn == total and fig["data-samples"] == str(total),
          f"{stem}.dat draws {drawn} samples, page says {fig['data-samples']}, results have "
          f"{total}")
    check(fig["data-points"] == str(len(recs)), f"{stem}: page says {fig['data-points']} "
          f"records, results have {len(recs)} time series of {case}/{metric}")


def check_junit(run, directory):
    root = ET.parse(f"{directory}/junit.xml").getroot()
    conf = run["conformance"]
    check(root.get("tests") == str(len(conf)), "junit.xml: tests count")
    check(root.get("failures") == str(sum(c["outcome"] == "fail" for c in conf)),
          "junit.xml: failures count")
    check(root.get("skipped") == str(sum(c["outcome"] in ("skip", "xfail") for c in conf)),
          "junit.xml: skipped count (skip and xfail)")
    seen = {}
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            kind = ("fail" if case.find("failure") is not None else
                    "broken" if case.find("error") is not None else
                    "skip" if case.find("skipped") is not None else "pass")
            seen[(case.get("classname"), case.get("name"))] = kind
    for c in conf:
        key = (f'{c["fs"] or "none"}.{c["suite"]}', c["test"])
        want = {"xfail": "skip", "xpass": "pass"}.get(c["outcome"], c["outcome"])
        check(seen.get(key) == want, f"junit.xml {key}: {seen.get(key)}, results "
              f"{c['outcome']}")


def check_ktap(run, directory):
    lines = open(f"{directory}/ktap.txt").read().splitlines()
    conf = run["conformance"]
    check(lines and lines[0] == "KTAP version 1", "ktap.txt: first line is not 'KTAP version 1'")
    check(f"1..{len(conf)}" in lines, f"ktap.txt: no plan 1..{len(conf)}")
    results = [l for l in lines if re.match(r"^(not )?ok \d+ ", l)]
    check(len(results) == len(conf), f"ktap.txt: {len(results)} result lines, {len(conf)} results")
    for i, (line, c) in enumerate(zip(results, conf), 1):
        m = re.match(r"^(not ok|ok) (\d+) (\S+)( # (SKIP|XFAIL|error)\b.*)?$", line)
        if not m:
            problems.append(f"ktap.txt: malformed line {line!r}")
            continue
        expect = {"pass": ("ok", None), "skip": ("ok", "SKIP"), "fail": ("not ok", None),
                  "broken": ("not ok", "error"), "xfail": ("ok", "XFAIL"),
                  "xpass": ("ok", None)}[c["outcome"]]
        check((m.group(1), m.group(5)) == expect and m.group(2) == str(i)
              and m.group(3) == conf_name(c), f"ktap.txt line {i}: {line!r} for {c['outcome']} "
              f"{conf_name(c)}")


def check_summary(run, directory):
    text = open(f"{directory}/summary.md").read()
    for c in run["conformance"]:
        if c["outcome"] in ("fail", "broken", "xfail", "xpass"):
            check(conf_name(c) in text, f"summary.md does not list the {c['outcome']} "
                  f"{conf_name(c)}")


# --- mmap against read(): the pairing rules of reports/ratios.h, written again here ---
HOW_KEYS = {"method", "api", "engine", "hint", "block_size", "iters_per_sample", "placement_pu",
            "toucher_pu", "ceiling_read_MBps", "ceiling_size", "ceiling_pages", "ceiling_measured",
            "pages", "state",
            "timed", "mapping", "drift",
            "sample_times_s"}  # per sample, not a condition: model.h MS_PER_SAMPLE_PARAMS
DURABLE = {"msync", "fsync", "fdatasync", "sync", "dsync"}


def method_of(b):
    for k in ("method", "api", "engine"):
        if isinstance(b["params"].get(k), str):
            return b["params"][k]
    return b["case"]


def kind_of(method):
    first = method.split("_")[0]
    if first == "mmap":
        return "map"
    if first in ("read", "pread", "readv", "preadv", "psync", "pipe"):
        return "read"
    if first in ("write", "pwrite", "writev", "pwritev"):
        return "write"
    return None


def durable(method):
    return any(t in DURABLE for t in method.split("_")[1:])


def advice(b):
    h = b["params"].get("hint")
    h = h if isinstance(h, str) else "none"
    for prefix in ("POSIX_FADV_", "MADV_", "FADV_"):
        if h.startswith(prefix):
            return h[len(prefix):]
    return h


def group_key(b):
    params = {k: v for k, v in b["params"].items() if k not in HOW_KEYS}
    return (b["case"], b["metric"], b["unit"], b.get("place") or "",
            json.dumps(params, sort_keys=True))


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def bootstrap(a, b):
    """ms_median_ratio(a, b) of lib/stats.c: b/a with the same xorshift64* stream."""
    mask = (1 << 64) - 1
    state = 0x9E3779B97F4A7C15
    ratio = median(b) / median(a)
    if len(a) < 2 or len(b) < 2:
        return ratio, ratio, ratio

    def rnd():
        nonlocal state
        x = state
        x ^= x >> 12
        x ^= (x << 25) & mask
        x ^= x >> 27
        state = x
        return (x * 2685821657736338717) & mask
    ratios = []
    for _ in range(2000):
        ra = [a[rnd() % len(a)] for _ in a]
        rb = [b[rnd() % len(b)] for _ in b]
        da = median(ra)
        if da != 0:
            ratios.append(median(rb) / da)
    ratios.sort()
    k = len(ratios)
    return ratio, ratios[int(0.025 * (k - 1))], ratios[int(0.975 * (k - 1) + 0.5)]


def t975(df):
    """ms_t975 of lib/paired.c: the table up to 7, Cornish-Fisher above."""
    small = (12.7062, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646)
    if df < len(small):
        return small[df]
    z = 1.959964
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2) +
            (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def paired_of(m, s):
    """(ratio, low, high) when m was sampled in pairs with s (reports/ratios.c ms_paired_of):
    the geometric mean of the per-pair ratios with a t interval on their logarithms."""
    p = m.get("paired") or {}
    partner = p.get("partner")
    if not isinstance(partner, dict) or not isinstance(p.get("ratios"), list) or p.get("control"):
        return None
    hint = s["params"].get("hint") if isinstance(s["params"].get("hint"), str) else "none"
    if partner.get("method") != s["params"].get("method") or partner.get("hint") != hint or \
            (partner.get("block_size") or 0) != (s["params"].get("block_size") or 0):
        return None
    logs = [math.log(r) for r in p["ratios"] if isinstance(r, (int, float)) and r > 0 and
            math.isfinite(r)]
    if len(logs) < 2:
        return None
    mean = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1))
    h = t975(len(logs) - 1) * sd / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - h), math.exp(mean + h)


def expected_pairs(run):
    """(map index, sys index, best, same, map samples, sys samples, higher is better,
    drifting, paired (ratio, low, high) or None)."""
    bench = run["benchmarks"]
    keys = [group_key(b) for b in bench]
    out = []
    for mi, m in enumerate(bench):
        if kind_of(method_of(m)) != "map" or m["metric"] == "fraction_of_read_ceiling":
            continue
        cands = [si for si, s in enumerate(bench) if kind_of(method_of(s)) in ("read", "write")
                 and keys[si] == keys[mi] and durable(method_of(s)) == durable(method_of(m))
                 and s["samples"]]
        if not cands or not m["samples"]:
            continue
        sign = 1 if m["higher_is_better"] else -1
        best = max(cands, key=lambda si: (sign * bench[si]["median"], -si))
        declared = [si for si in cands if paired_of(m, bench[si])]
        best = declared[-1] if declared else best
        mbs = m["params"].get("block_size") or 0
        same = [si for si in cands if advice(bench[si]) == advice(m)
                and (not mbs or bench[si]["params"].get("block_size") == mbs)]
        same = same[0] if len(same) == 1 else None
        out.append((mi, best, True, same == best, m["samples"], bench[best]["samples"],
                    m["higher_is_better"], m.get("drifting") or bench[best].get("drifting"),
                    paired_of(m, bench[best])))
        if same is not None and same != best:
            out.append((mi, same, False, True, m["samples"], bench[same]["samples"],
                        m["higher_is_better"], m.get("drifting") or bench[same].get("drifting"),
                        paired_of(m, bench[same])))
    fid = ((run.get("extra") or {}).get("fidelity") or {}).get("results") or []
    for m in fid:
        if m.get("engine") != "mmap":
            continue
        for s in fid:
            if s.get("engine") != "psync" or (s.get("fs"), s.get("workload")) != \
                    (m.get("fs"), m.get("workload")):
                continue
            for source in ("mmapsuite", "fio"):
                a, b = m.get(source + "_MBps") or [], s.get(source + "_MBps") or []
                if a and b:
                    out.append((-1, -1, True, True, a, b, True, False, None))
    return out


def verdict_of(ratio, low, high, n_map, n_sys, higher, drifting=False):
    """(word, the factor the faster side wins by). Drifting samples take no verdict."""
    if n_map < 2 or n_sys < 2 or not ratio > 0 or drifting:
        return "unknown", None
    if low <= 1 <= high:
        return "none", None
    gain = ratio if higher else 1 / ratio
    return ("mmap", gain) if gain > 1 else ("syscall", 1 / gain)


def factor_text(f):
    return f"{f:.{2 if f < 10 else 1 if f < 100 else 0}f}x faster"


def check_pairs(run, page, directory):
    want = expected_pairs(run)
    rows = page.pair_rows
    check(len(rows) == len(want), f"mmap against read(): page has {len(rows)} comparisons, "
          f"results.json gives {len(want)}")
    summary = open(f"{directory}/summary.md").read()
    section = summary.split("### mmap against read()", 1)[-1].split("\n### ", 1)[0]
    md_rows = [l for l in section.splitlines() if l.startswith("| ") and "---" not in l][1:]
    check(len(md_rows) == len(want), f"summary.md mmap against read(): {len(md_rows)} rows, "
          f"results.json gives {len(want)}")
    for i, (row, w, md) in enumerate(zip(rows, want, md_rows + [""] * len(want))):
        mi, si, best, same, ms, ss, higher, drifting, paired = w
        where = f"mmap against read() row {i}"
        check((int(row["data-map-index"]), int(row["data-sys-index"])) == (mi, si),
              f"{where}: pairs records {row['data-map-index']}/{row['data-sys-index']}, "
              f"expected {mi}/{si}")
        check((row["data-best"], row["data-same"]) == (str(int(best)), str(int(same))),
              f"{where}: best/like-for-like flags {row['data-best']}/{row['data-same']}")
        ratio = median(ms) / median(ss) if not paired else paired[0]
        low, high = float(row["data-low"]), float(row["data-high"])
        check(close(row["data-ratio"], ratio), f"{where}: ratio {row['data-ratio']}, expected "
              f"{ratio} ({'paired' if paired else 'medians'})")
        check(row.get("data-paired") in (None, str(int(bool(paired)))),
              f"{where}: data-paired {row.get('data-paired')}, results.json says {bool(paired)}")
        if paired:
            check(close(low, paired[1]) and close(high, paired[2]), f"{where}: interval "
                  f"[{low}, {high}], the per-pair log-ratios give {paired[1:]}")
        check(low <= ratio * (1 + 1e-12) and ratio <= high * (1 + 1e-12),
              f"{where}: interval [{low}, {high}] does not hold the ratio {ratio}")
        check(paired or (low >= min(ms) / max(ss) * (1 - 1e-12) and
                         high <= max(ms) / min(ss) * (1 + 1e-12)),
              f"{where}: interval [{low}, {high}] outside what the samples allow")
        if not paired and not os.environ.get("CHECK_REPORT_NO_BOOTSTRAP"):  # ~30 ms a pair
            r, lo, hi = bootstrap(ss, ms)
            check(close(low, lo) and close(high, hi), f"{where}: interval [{low}, {high}], "
                  f"the bootstrap of the samples gives [{lo}, {hi}]")
        word, factor = verdict_of(ratio, low, high, len(ms), len(ss), higher, drifting)
        check(row["data-verdict"] == word, f"{where}: verdict {row['data-verdict']}, the "
              f"interval says {word}")
        cells = [c.strip().strip("*") for c in md.strip().strip("|").split("|")]
        # Counter columns (faults/op, cycles/op ...) follow the verdict: "mmap / syscall".
        check(all(" / " in c for c in cells[10:]),
              f"summary.md {where}: counter cells {cells[10:]} are not 'mmap / syscall'")
        cells = cells[:10]
        check(len(cells) == 10 and cells[8].split(" ")[0] == f"{ratio:.3g}",
              f"summary.md {where}: ratio cell {cells[8:9]}, expected {ratio:.3g}")
        if factor is not None and len(cells) == 10:
            check(cells[9].startswith("mmap " if word == "mmap" else "") and
                  cells[9].endswith(factor_text(factor)),
                  f"summary.md {where}: verdict '{cells[9]}', expected ... {factor_text(factor)}")
        elif len(cells) == 10:
            check(cells[9] in ("no significant difference", "too few samples to tell",
                               "drifting: no verdict"),
                  f"summary.md {where}: verdict '{cells[9]}' for a non-significant ratio")
    check_ceiling(run, page)


def check_overview(run, page):
    """The forest plot has one row per best pair, with the pair's ratio (mmap faster > 1)
    and its noisy/drifting marks; the four rows are there; drifting results are counted."""
    bench = run["benchmarks"]
    if not bench:
        return
    want = [w for w in expected_pairs(run) if w[2]]
    rows = page.forest_rows
    check(len(rows) == len(want), f"forest plot has {len(rows)} rows, results.json gives "
          f"{len(want)} best pairs")
    for i, (row, w) in enumerate(zip(rows, want)):
        mi, si, best, same, ms, ss, higher, drifting, paired = w
        ratio = median(ms) / median(ss) if not paired else paired[0]
        gain = ratio if higher else 1 / ratio
        check(math.isclose(float(row["data-ratio"]), gain, rel_tol=1e-5) if ratio > 0 else True,
              f"forest row {i}: ratio {row['data-ratio']}, medians give {gain}")
        noisy = (mi >= 0 and bench[mi]["noisy"]) or (si >= 0 and bench[si]["noisy"])
        check(row["data-noisy"] == str(int(noisy)), f"forest row {i}: noisy mark")
        check(row["data-drifting"] == str(int(bool(drifting))), f"forest row {i}: drifting mark")
    n_drift = sum(bool(b.get("drifting")) for b in bench)
    check(page.overview is not None and page.overview.get("data-drifting") == str(n_drift),
          f"overview counts {page.overview and page.overview.get('data-drifting')} drifting "
          f"results, results.json has {n_drift}")
    check(set(page.rows) >= {"memory usage", "performance", "syncing", "sharing"},
          f"the four comparison rows: page has {page.rows}")


def check_ceiling(run, page):
    bench = run["benchmarks"]
    groups = {}
    for i, b in enumerate(bench):
        if b["metric"] != "fraction_of_read_ceiling" or b["params"].get("cache") != "hot":
            continue
        g = groups.setdefault(group_key(b), {"map": None, "read": None})
        k = kind_of(method_of(b))
        if k in ("map", "read") and (g[k] is None or b["median"] > bench[g[k]]["median"]):
            g[k] = i
    want = [(g["map"] if g["map"] is not None else -1, g["read"]) for g in groups.values()
            if g["read"] is not None]
    got = [(int(r["data-map-index"]), int(r["data-sys-index"])) for r in page.ceiling_rows]
    check(got == want, f"fraction of the ceiling: page rows {got[:4]}..., results.json gives "
          f"{want[:4]}...")
    for r in page.ceiling_rows:
        b = bench[int(r["data-sys-index"])]
        check(close(r["data-ceiling"], b["params"]["ceiling_read_MBps"]),
              "fraction of the ceiling: ceiling differs from the record's")
        if int(r["data-map-index"]) >= 0:
            m = bench[int(r["data-map-index"])]
            check(close(r["data-map-ceiling"], m["params"]["ceiling_read_MBps"]),
                  "fraction of the ceiling: the mapping's ceiling differs from its record's")


def check_topology(run, html):
    """The lstopo drawing is made from the recorded hwloc XML, not from the machine rendering:
    as many PUs and cores drawn as the XML has."""
    xml = ((run.get("environment") or {}).get("topology") or {}).get("xml")
    if not isinstance(xml, str):
        return
    start = html.find('id="topology"')
    part = html[start:html.find("</div>", start)] if start >= 0 else ""
    check("from the hwloc XML the run recorded" in part,
          "the topology was not drawn from environment.topology.xml")
    root = ET.fromstring(xml)
    for kind in ("PU", "Core"):
        want = sum(1 for o in root.iter("object") if o.get("type") == kind)
        got = len(re.findall(rf">{kind} L#\d+<", part))
        check(got == want, f"topology: {got} {kind} drawn, the recorded XML has {want}")


def check_probe(run, probe):
    check(probe.get("done"), "the in-page probe did not finish (page did not load?)")
    for p in probe.get("plots", []):
        check(p["width"] > 100 and p["height"] > 50 and p["marks"] > 10,
              f"plot {p['plot']} drawn at {p['width']}x{p['height']} with {p['marks']} marks")
    check(not probe.get("missing_plots"), f"figures without a plot: {probe.get('missing_plots')}")
    check(not probe.get("broken_images"), f"broken images: {probe.get('broken_images')}")
    groups = {plot_group(b) for b in run["benchmarks"]}
    check(len(probe.get("plots", [])) == len(groups), "the browser drew "
          f"{len(probe.get('plots', []))} plots, results have {len(groups)}")
    check(len(probe.get("pngs", [])) == len(groups), "not every plot's PNG decoded")
    # Layout at 1280 px: nothing wider than the window, no legend over its plot.
    check(probe.get("page_width", 1 << 30) <= probe.get("window_width", 0),
          f"the page scrolls sideways at {probe.get('window_width')} px: it is "
          f"{probe.get('page_width')} px wide (widest: {probe.get('widest')})")
    for o in probe.get("legend_overlaps", []):
        check(False, f"plot {o}: its legend overlaps the plot")
    check(len(probe.get("legends", [])) == len(groups), f"{len(probe.get('legends', []))} "
          f"legends for {len(groups)} plots")


def under_todays_names(run):
    """The results as mmapsuite reads them (lib/results.c): a result recorded under a name that
    lib/renames.def renames is read under today's name(s), one per variant of a split test."""
    here = os.path.dirname(os.path.abspath(__file__))
    text = open(os.path.join(here, "..", "..", "lib", "renames.def")).read()
    to = {}
    for old, new in re.findall(r'^RENAME\("([^"]+)", "([^"]+)"\)', text, re.M):
        to.setdefault(old, []).append(new)

    def today(name, depth=0):
        if name not in to or depth > 16:
            return [name]
        return [n for new in to[name] for n in today(new, depth + 1)]

    conformance = []
    for c in run["conformance"]:
        old = c["suite"] + "/" + c["test"]
        for name in today(old):
            d = dict(c)
            d["suite"], d["test"] = name.split("/", 1)
            if name != old:
                d.setdefault("renamed_from", old)
            conformance.append(d)
    run["conformance"] = conformance
    return run


# The "### " headings of summary.md, by the section (sections.def name) that writes them.
SUMMARY_HEADINGS = {
    "The seed's table, measured": "overview",
    "mmap against read()": "pairs",
    "Fraction of the memory-read ceiling (hot cache)": "pairs",
    "Failures": "failures",
    "Expected failures (known deviations)": "expected",
    "Expected to fail but passed (XPASS)": "expected",
    "Conformance": "conformance",
    "Benchmarks": "benchmarks",
}
# index.html's <section id>, by section.
HTML_IDS = {"overview": "overview", "mmap-vs-read": "pairs", "failures": "failures",
            "expected": "expected", "conformance": "conformance", "coverage": "coverage",
            "benchmarks": "benchmarks", "environment": "environment"}


def section_order():
    """The sections' one order: the MS_SECTION lines of reports/sections.def."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sections.def")
    return re.findall(r"^MS_SECTION\((\w+),", open(path).read(), re.M)


def check_section_order(directory, html):
    """summary.md and index.html show their sections in sections.def's order, and the page's
    navigation links them in that order too."""
    order = section_order()
    check(order, "reports/sections.def lists no section")
    rank = {name: i for i, name in enumerate(order)}
    md = [SUMMARY_HEADINGS.get(h) for h in
          re.findall(r"^### (.*)$", open(f"{directory}/summary.md").read(), re.M)]
    ids = re.findall(r'<section id="([^"]+)"', html)
    nav = re.findall(r'<a href="#([^"]+)">', (re.findall(r"<nav>.*?</nav>", html, re.S)
                                              or [""])[0])
    for what, names in (("summary.md", md), ("index.html", [HTML_IDS.get(i) for i in ids]),
                        ("the navigation", [HTML_IDS.get(i) for i in nav])):
        check(None not in names and all(n in rank for n in names),
              f"{what}: a section sections.def does not list: {names}")
        seq = [rank[n] for n in names if n in rank]
        check(seq == sorted(seq), f"{what}: sections out of sections.def's order: {names}")


# --- check-report's mutations of a run, and its counts ---

def _is_ext4_seq_read(b):
    return b["case"] == "seq_read" and b["params"].get("fs") == "ext4"


def _tighten(run):
    """Each ext4 seq_read record's samples: its median +-1%, so a rank test sees 20%."""
    for b in run["benchmarks"]:
        if _is_ext4_seq_read(b):
            n = len(b["samples"])
            b["samples"] = [b["median"] * (1 + 0.02 * (i / max(n - 1, 1) - 0.5))
                            for i in range(n)]


def _slow(run):
    """Tightened, then ext4 seq_read 20% slower, another kernel, one passing test failing."""
    _tighten(run)
    run["id"] = "slow"
    run["environment"]["kernel"]["release"] = "9.9.9-other"
    for b in run["benchmarks"]:
        if _is_ext4_seq_read(b):
            b["samples"] = [s * 0.8 for s in b["samples"]]
            for k in ("median", "ci_low", "ci_high"):
                b[k] *= 0.8
    c = next(c for c in run["conformance"] if c["outcome"] == "pass")
    c["outcome"] = "fail"
    c["message"] = "injected"


def _other_cases(run):
    run["benchmarks"] = [dict(b, case="other_" + b["case"]) for b in run["benchmarks"]]


def _bare(run):
    _other_cases(run)
    run["conformance"] = []


def _stale(run):
    b = next(b for b in run["benchmarks"] if b["params"].get("method") == "mmap")
    b["samples"] = [s * 1.5 for s in b["samples"]]


def _role(run, case, role):
    """CASE's records renamed to a case this build does not know, recording ROLE ("-": none
    recorded), so the report can take their overview row only from results.json."""
    for b in run["benchmarks"]:
        if b["case"] == case:
            b["case"] = "renamed_" + case
            b.pop("overview", None)
            if role != "-":
                b["overview"] = role


def _future(run):
    run["schema_version"] = 99


def _identity(run, run_id, time):
    run["id"] = run_id
    run["time"] = time


def _topology(run, xml_file):
    run["environment"]["topology"]["xml"] = open(xml_file).read()


def _guest(run, kernel, arch, page_size):
    """The run as if made in a guest of another architecture and page size (schema 4, with
    environment.place), for the matrix of places."""
    run["schema_version"] = 4
    run["id"] = f"20261201T000000Z-guest-{arch}-1"
    run["place"] = f"guest:{kernel}"
    env = run["environment"]
    env["kernel"]["release"] = kernel
    env["architecture"] = arch
    env["page_size"] = page_size
    env["place"] = {"page_size": page_size, "word_bits": 64, "byte_order": "little",
                    "thp_pmd_size": None, "hugetlb_default_kb": None, "hugetlb_sizes_kb": []}
    for c in run["conformance"]:
        c["place"] = run["place"]


def passing(run, fs, n):
    """The n-th passing result on fs: a test the matrix mutations change."""
    return [c for c in run["conformance"] if c["outcome"] == "pass" and c["fs"] == fs][n]


def _guest_16k(run):
    """arm64 with 16 KiB pages, with known differences from the host: a pass that fails
    on tmpfs, a pass skipped on ext4, a failure that is a known deviation (xfail) on every
    file system, and a test that did not run."""
    _guest(run, "6.12.58-arm64-16k", "aarch64", 16384)
    c = passing(run, "tmpfs", 0)
    c.update(outcome="fail", message="injected: 16 KiB pages\nsecond line <b>&")
    passing(run, "ext4", 1).update(outcome="skip", message="injected skip reason: no ext4 here")
    for c in run["conformance"]:
        if c["outcome"] == "fail" and c["suite"] == "mremap":
            c.update(outcome="xfail", expectation={
                "reason": "injected: known on arm64", "file": "kernel.expect", "line": 7})
    gone = passing(run, "tmpfs", 2)
    run["conformance"] = [c for c in run["conformance"]
                          if (c["suite"], c["test"]) != (gone["suite"], gone["test"])]


def _guest_64k(run):
    """ppc64el with 64 KiB pages: the same outcomes as the host but one test not run on
    ext4."""
    _guest(run, "6.12.58-ppc64el-64k", "ppc64le", 65536)
    gone = passing(run, "ext4", 6)
    run["conformance"] = [c for c in run["conformance"] if c is not gone]


def _guest_tight(run):
    """Tightened, as a 16 KiB arm64 guest: the baseline of the TCG comparison."""
    _tighten(run)
    _guest(run, "6.12.58-arm64-16k", "aarch64", 16384)


def _guest_slow(run, accel):
    """Slowed as "slow", as a 64 KiB ppc64el guest booted with mmapsuite.accel=ACCEL on its
    command line (tools/vm's mark: "tcg" is an emulated CPU, whose timings are smoke)."""
    _slow(run)
    _guest(run, "6.12.58-ppc64el-64k", "ppc64le", 65536)
    run["id"] = f"20261201T000000Z-guest-ppc64le-{accel}"
    run["environment"]["cpu_model"] = None
    run["environment"]["kernel"]["cmdline"] = f"console=hvc0 quiet mmapsuite.accel={accel}"


MUTATIONS = {
    "future": _future,            # a schema version from the future
    "tight": _tighten,
    "slow": _slow,
    "other-cases": _other_cases,  # no benchmark metric in common
    "bare": _bare,                # nothing in common
    "stale": _stale,              # an mmap record's samples 1.5x: the report is stale
    "identity": _identity,        # ID TIME
    "topology": _topology,        # XML_FILE: another machine's hwloc XML
    "role": _role,                # CASE ROLE|-: the overview role only in results.json
    "guest-16k": _guest_16k,      # an arm64 16 KiB guest with known differences (matrix)
    "guest-64k": _guest_64k,      # a ppc64el 64 KiB guest, one test not run (matrix)
    "guest-tight": _guest_tight,  # "tight" as an arm64 16 KiB guest
    "guest-slow": _guest_slow,    # ACCEL: "slow" as a ppc64el 64 KiB guest under QEMU's ACCEL
}


def wrong_summary_ratio(path):
    """The first ratio cell of summary.md's mmap/read() table, "1.23 [..]": its first digit
    changed."""
    text = open(path).read()
    head, rest = text.split("### mmap against read()", 1)
    rest = re.sub(r"\| (\d)(\.\d+ \[)",
                  lambda m: f"| {(int(m.group(1)) + 1) % 10}{m.group(2)}", rest, 1)
    open(path, "w").write(head + "### mmap against read()" + rest)


def reorder_summary(path):
    """summary.md's last "### " section moved before its first one."""
    text = open(path).read()
    parts = re.split(r"(?m)^(?=### )", text)
    head, blocks = parts[0], parts[1:]
    open(path, "w").write(head + "".join(blocks[-1:] + blocks[:-1]))


def shift_time_sample(path):
    """The first sample of a plot over time moved by half a second."""
    lines = open(path).read().split("\n")
    i = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    t, v = lines[i].split()[:2]
    lines[i] = f"{float(t) + 0.5!r} {v}"
    open(path, "w").write("\n".join(lines))


def count(what, path):
    """slowed: ext4 seq_read records with at least 4 samples (what "slow" makes significant);
    throughput: twice the throughput records (two runs in the history)."""
    benchmarks = json.load(open(path))["benchmarks"]
    if what == "slowed":
        return sum(_is_ext4_seq_read(b) and len(b["samples"]) >= 4 for b in benchmarks)
    return 2 * sum(b["metric"] == "throughput" for b in benchmarks)


def subcommand(args):
    """check-report's helpers; None when args are not a sub-command."""
    if args[0] == "mutate" and len(args) >= 4 and args[1] in MUTATIONS:
        run = json.load(open(args[2]))
        MUTATIONS[args[1]](run, *args[4:])
        json.dump(run, open(args[3], "w"))
        return 0
    if args[0] == "wrong-summary-ratio" and len(args) == 2:
        wrong_summary_ratio(args[1])
        return 0
    if args[0] == "shift-time-sample" and len(args) == 2:
        shift_time_sample(args[1])
        return 0
    if args[0] == "reorder-summary" and len(args) == 2:
        reorder_summary(args[1])
        return 0
    if args[0] == "count" and len(args) == 3 and args[1] in ("slowed", "throughput"):
        print(count(args[1], args[2]))
        return 0
    if args[0] in ("mutate", "wrong-summary-ratio", "shift-time-sample", "reorder-summary",
                   "count"):
        print(__doc__)
        return 2
    return None


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    rc = subcommand(args)
    if rc is not None:
        return rc
    directory = args[0]
    opts = dict(zip(args[1::2], args[2::2]))
    run = under_todays_names(json.load(open(f"{directory}/results.json")))
    html = open(opts.get("--dom", f"{directory}/index.html")).read()
    page = check_page(run, html)
    check_plot_data(run, directory, page)
    check_junit(run, directory)
    check_ktap(run, directory)
    check_summary(run, directory)
    check_pairs(run, page, directory)
    check_overview(run, page)
    check_topology(run, html)
    check_section_order(directory, html)
    if "--probe" in opts:
        check_probe(run, json.load(open(opts["--probe"])))
    for p in problems:
        print(f"check_report: {p}")
    if not problems:
        print(f"check_report: {directory}: page, plots, junit.xml, ktap.txt and summary.md "
              f"match results.json ({len(run['conformance'])} conformance, "
              f"{len(run['benchmarks'])} benchmark results, {len(page.pair_rows)} mmap/read() "
              f"comparisons, {len(page.ceiling_rows)} ceiling rows)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
