#!/usr/bin/python3
"""Compares a rendered report with the results.json it was rendered from: the page's
matrix cells, verdict, benchmark table and plot data, junit.xml, ktap.txt and summary.md must
say what the results say. With --dom (Chromium's --dump-dom of index.html) the page is the
one a browser built; with --probe (what the in-page probe measured) every plot must have been
drawn with a size and marks, every image must have decoded.

usage: check_report.py RESULTS_DIR [--dom FILE] [--probe FILE]
Exit 0 when everything matches; 1 with one line per mismatch."""
import json
import math
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
        if tag == "figure" and "data-plot" in a:
            self.figures.append(a)
        if tag == "svg" and a.get("class") == "plot":
            self.svgs.append(a)
        if a.get("id") == "verdict":
            self.verdict = a

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
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


def check_page(run, html):
    page = Page()
    page.feed(html)
    conf = run["conformance"]
    check(page.scripts == 0, f"index.html has {page.scripts} <script> elements (must have none)")
    check(not page.external, f"index.html refers to the network: {page.external[:3]}")
    counts = {o: sum(c["outcome"] == o for c in conf) for o in ("pass", "fail", "skip", "broken")}
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
    groups = {(b["case"], b["metric"], b["unit"]) for b in run["benchmarks"]}
    check(len(page.figures) == len(groups),
          f"{len(page.figures)} plot figures, results have {len(groups)} (case, metric, unit)")
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


def check_junit(run, directory):
    root = ET.parse(f"{directory}/junit.xml").getroot()
    conf = run["conformance"]
    check(root.get("tests") == str(len(conf)), "junit.xml: tests count")
    check(root.get("failures") == str(sum(c["outcome"] == "fail" for c in conf)),
          "junit.xml: failures count")
    check(root.get("skipped") == str(sum(c["outcome"] == "skip" for c in conf)),
          "junit.xml: skipped count")
    seen = {}
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            kind = ("fail" if case.find("failure") is not None else
                    "broken" if case.find("error") is not None else
                    "skip" if case.find("skipped") is not None else "pass")
            seen[(case.get("classname"), case.get("name"))] = kind
    for c in conf:
        key = (f'{c["fs"] or "none"}.{c["suite"]}', c["test"])
        check(seen.get(key) == c["outcome"], f"junit.xml {key}: {seen.get(key)}, results "
              f"{c['outcome']}")


def check_ktap(run, directory):
    lines = open(f"{directory}/ktap.txt").read().splitlines()
    conf = run["conformance"]
    check(lines and lines[0] == "KTAP version 1", "ktap.txt: first line is not 'KTAP version 1'")
    check(f"1..{len(conf)}" in lines, f"ktap.txt: no plan 1..{len(conf)}")
    results = [l for l in lines if re.match(r"^(not )?ok \d+ ", l)]
    check(len(results) == len(conf), f"ktap.txt: {len(results)} result lines, {len(conf)} results")
    for i, (line, c) in enumerate(zip(results, conf), 1):
        m = re.match(r"^(not ok|ok) (\d+) (\S+)( # (SKIP|error)\b.*)?$", line)
        if not m:
            problems.append(f"ktap.txt: malformed line {line!r}")
            continue
        expect = {"pass": ("ok", None), "skip": ("ok", "SKIP"), "fail": ("not ok", None),
                  "broken": ("not ok", "error")}[c["outcome"]]
        check((m.group(1), m.group(5)) == expect and m.group(2) == str(i)
              and m.group(3) == conf_name(c), f"ktap.txt line {i}: {line!r} for {c['outcome']} "
              f"{conf_name(c)}")


def check_summary(run, directory):
    text = open(f"{directory}/summary.md").read()
    for c in run["conformance"]:
        if c["outcome"] in ("fail", "broken"):
            check(conf_name(c) in text, f"summary.md does not list the failure {conf_name(c)}")


def check_probe(run, probe):
    check(probe.get("done"), "the in-page probe did not finish (page did not load?)")
    for p in probe.get("plots", []):
        check(p["width"] > 100 and p["height"] > 50 and p["marks"] > 10,
              f"plot {p['plot']} drawn at {p['width']}x{p['height']} with {p['marks']} marks")
    check(not probe.get("missing_plots"), f"figures without a plot: {probe.get('missing_plots')}")
    check(not probe.get("broken_images"), f"broken images: {probe.get('broken_images')}")
    groups = {(b["case"], b["metric"], b["unit"]) for b in run["benchmarks"]}
    check(len(probe.get("plots", [])) == len(groups), "the browser drew "
          f"{len(probe.get('plots', []))} plots, results have {len(groups)}")
    check(len(probe.get("pngs", [])) == len(groups), "not every plot's PNG decoded")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    directory = args[0]
    opts = dict(zip(args[1::2], args[2::2]))
    run = json.load(open(f"{directory}/results.json"))
    html = open(opts.get("--dom", f"{directory}/index.html")).read()
    page = check_page(run, html)
    check_plot_data(run, directory, page)
    check_junit(run, directory)
    check_ktap(run, directory)
    check_summary(run, directory)
    if "--probe" in opts:
        check_probe(run, json.load(open(opts["--probe"])))
    for p in problems:
        print(f"check_report: {p}")
    if not problems:
        print(f"check_report: {directory}: page, plots, junit.xml, ktap.txt and summary.md "
              f"match results.json ({len(run['conformance'])} conformance, "
              f"{len(run['benchmarks'])} benchmark results)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
