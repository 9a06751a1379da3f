#!/usr/bin/python3
"""Compares `mmapsuite report --matrix`'s matrix.html and matrix.md with the runs they were
rendered from: the columns (one per run and file system, with the run's kernel, architecture,
page size and place), every cell's outcome ("none": not run), the order (rows whose outcomes
differ where they ran first, then the rows that differ only in where they ran, then the rest
the same everywhere but not all passing, then the rows passing everywhere, each group in the
order of first appearance), each non-pass
cell's link to an entry holding its message and expectation reason, the counts per column,
and that the page fetches nothing and runs no script. With --dom (Chromium's --dump-dom of
matrix.html) the page is the one a browser built; with --probe (check-in-browser's in-page
probe) the page must not be wider than the window.

usage: check_matrix.py OUT_DIR RUN... [--dom FILE] [--probe FILE]
       check_matrix.py misorder MATRIX.html   (moves the last differing row to the end)
       check_matrix.py unlink MATRIX.html     (drops the anchor of the first link's target)
Exit 0 when everything matches; 1 with one line per mismatch."""
import json
import os
import re
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_report import under_todays_names  # noqa: E402 (the results as mmapsuite reads them)

problems = []


def check(cond, message):
    if not cond:
        problems.append(message)


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "results.json")
    run = under_todays_names(json.load(open(path)))
    if run.get("schema_version", 1) < 4:  # lib/results.c: the "BROKEN: " prefix of old runs
        for c in run["conformance"]:
            m = c.get("message") or ""
            if c["outcome"] in ("fail", "broken") and m.startswith("BROKEN: "):
                c["outcome"], c["message"] = "broken", m[len("BROKEN: "):]
    return run


def page_size(env):
    size = (env.get("place") or {}).get("page_size") or env.get("page_size")
    if not isinstance(size, int):
        return "?"
    units, i = ["B", "KiB", "MiB", "GiB"], 0
    while size >= 1024 and i < 3:
        size, i = size / 1024, i + 1
    return f"{size:g} {units[i]}"


def expected(runs):
    """Columns and rows in the matrix's order, as matrix.c builds them."""
    cols = []
    for i, run in enumerate(runs):
        env = run["environment"]
        seen = []
        for c in run["conformance"]:
            key = (c.get("place") or "host", c.get("fs") or "none")
            if key not in seen:
                seen.append(key)
        host = run["id"].split("-")[1:-1]
        for place, fs in seen:
            cols.append({"run": i, "id": run["id"], "place": place, "fs": fs,
                         "kernel": (env.get("kernel") or {}).get("release") or "?",
                         "arch": env.get("architecture") or "?", "page": page_size(env),
                         "who": "-".join(host) if place == "host" and host else place})
    rows = {}
    for i, run in enumerate(runs):
        for c in run["conformance"]:
            name = f'{c["suite"]}.{c["test"]}'
            cells = rows.setdefault(name, [None] * len(cols))
            k = next(k for k, col in enumerate(cols) if col["run"] == i and
                     (col["place"], col["fs"]) == (c.get("place") or "host", c.get("fs") or "none"))
            if cells[k] is None:
                cells[k] = c
    order = []
    for group in range(4):
        for name, cells in rows.items():
            outcomes = {c["outcome"] if c else "none" for c in cells}
            ran = outcomes - {"none"}
            g = 0 if len(ran) > 1 else 1 if len(outcomes) > 1 else 3 if outcomes == {"pass"} \
                else 2
            if g == group:
                order.append((name, cells, (g < 2, g == 0)))
    return cols, order


class MatrixPage(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cols, self.rows, self.totals, self.details = [], [], [], {}
        self.scripts, self.external, self.styles = 0, [], 0
        self._row = self._cell = self._detail = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.scripts += tag == "script"
        self.styles += tag == "style"
        for key in ("src", "href"):
            if re.match(r"^(https?:)?//", a.get(key) or ""):
                self.external.append(a[key])
        if tag == "th" and a.get("class") == "col" and not self.rows:
            self.cols.append(a)
        if tag == "tr" and a.get("class") == "mrow":
            self._row = dict(a, cells=[])
            self.rows.append(self._row)
        if tag == "tr" and a.get("class") == "totals":
            self._row = None
        if tag == "td" and "data-outcome" in a and self._row is not None:
            self._cell = dict(a, links=[])
            self._row["cells"].append(self._cell)
        if tag == "td" and "data-pass" in a:
            self.totals.append(a)
        if tag == "a" and self._cell is not None:
            self._cell["links"].append(a.get("href"))
        if tag == "div" and a.get("class", "").startswith("detail"):
            self._detail = dict(a)
            self._text = []
            self.details.setdefault(a.get("id"), []).append(self._detail)

    def handle_data(self, data):
        if self._detail is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        if tag == "div" and self._detail is not None:
            self._detail["text"] = "".join(self._text)
            self._detail = None


def check_columns(page, cols):
    check(len(page.cols) == len(cols), f"{len(page.cols)} columns, expected {len(cols)} "
          "(one per run and file system)")
    for k, (th, col) in enumerate(zip(page.cols, cols)):
        for attr, key in (("data-run", "id"), ("data-place", "place"), ("data-fs", "fs"),
                          ("data-kernel", "kernel"), ("data-arch", "arch"),
                          ("data-page-size", "page"), ("data-who", "who")):
            check(th.get(attr) == col[key], f"column {k}: {attr} {th.get(attr)!r}, expected "
                  f"{col[key]!r}")


def check_rows(page, cols, order):
    got = [r.get("data-test") for r in page.rows]
    want = [name for name, _, _ in order]
    check(got == want, "rows out of order (differences first, then the rest): first "
          f"mismatch at {next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), len(got))}"
          f" of {len(got)} (page) / {len(want)} (expected)")
    by_name = {r.get("data-test"): r for r in page.rows}
    for name, cells, differs in order:
        row = by_name.get(name)
        if row is None:
            check(False, f"{name}: no row")
            continue
        for attr, want in zip(("data-differs", "data-ran-differs"), differs):
            check(row.get(attr) == str(int(want)),
                  f"{name}: {attr} {row.get(attr)}, expected {int(want)}")
        check(len(row["cells"]) == len(cols), f"{name}: {len(row['cells'])} cells")
        for k, (cell, c) in enumerate(zip(row["cells"], cells)):
            want_o = c["outcome"] if c else "none"
            check(cell.get("data-outcome") == want_o and cell.get("data-test") == name and
                  cell.get("data-col") == str(k),
                  f"{name} column {k}: {cell.get('data-outcome')}, expected {want_o}")
            if want_o in ("pass", "none"):
                check(not cell["links"], f"{name} column {k}: a {want_o} cell links somewhere")
                continue
            check_link(page, name, k, cell, c)


def check_link(page, name, k, cell, c):
    links = cell["links"]
    if len(links) != 1 or not (links[0] or "").startswith("#"):
        check(False, f"{name} column {k}: {c['outcome']} without one link to its message")
        return
    targets = page.details.get(links[0][1:], [])
    if len(targets) != 1:
        check(False, f"{name} column {k}: its link {links[0]} leads to {len(targets)} anchors")
        return
    d = targets[0]
    check(d.get("data-test") == name and d.get("data-col") == str(k) and
          d.get("data-outcome") == c["outcome"],
          f"{name} column {k}: its link leads to {d.get('data-test')} column {d.get('data-col')}")
    text = d.get("text", "")
    message = re.sub(r"[\x00-\x08\x0b-\x1f]", "\ufffd", (c.get("message") or "").strip())
    check(message in text, f"{name} column {k}: the message is not where its cell links")
    reason = (c.get("expectation") or {}).get("reason")
    check(not reason or reason in text,
          f"{name} column {k}: the expectation's reason is not where its cell links")
    if c["outcome"] == "skip" and not message:
        check("no reason given" in text, f"{name} column {k}: a skip without a reason")


def check_totals(page, cols, order, runs):
    check(len(page.totals) == len(cols), f"{len(page.totals)} column counts for {len(cols)}")
    for k, (td, col) in enumerate(zip(page.totals, cols)):
        results = [c for c in runs[col["run"]]["conformance"]
                   if (c.get("place") or "host", c.get("fs") or "none") ==
                   (col["place"], col["fs"])]
        for o in ("pass", "fail", "skip", "broken", "xfail", "xpass"):
            n = sum(c["outcome"] == o for c in results)
            check(td.get("data-" + o) == str(n), f"column {k}: {td.get('data-' + o)} {o}, "
                  f"results {n}")
        none = sum(cells[k] is None for _, cells, _ in order)
        check(td.get("data-none") == str(none), f"column {k}: {td.get('data-none')} not run, "
              f"expected {none}")


def check_markdown(directory, cols, order):
    md = open(os.path.join(directory, "matrix.md")).read()
    rows = [r for r in re.findall(r"^\| ([\w.]+) \|[^|\n]*\|[^|\n]*\|(.*)\|$", md, re.M)
            if "." in r[0]]  # not the header rows
    got = [name for name, _ in rows]
    check(got == [name for name, _, _ in order], "matrix.md: rows differ from the expected order")
    for (name, rest), (_, cells, _) in zip(rows, order):
        shown = [re.sub(r"^\[(\w+)\]\(#m-\d+-\d+\)$", r"\1", x.strip()) for x in rest.split("|")]
        want = [c["outcome"] if c else "not run" for c in cells]
        check(shown == want, f"matrix.md {name}: {shown}, expected {want}")
    anchors = set(re.findall(r'<a id="(m-\d+-\d+)"></a>', md))
    links = set(re.findall(r"\]\(#(m-\d+-\d+)\)", md))
    check(links and links == anchors, f"matrix.md: {len(links)} links, {len(anchors)} anchors")


def check_probe(probe):
    check(probe.get("done"), "the in-page probe did not finish (page did not load?)")
    check(probe.get("page_width", 1 << 30) <= probe.get("window_width", 0),
          f"matrix.html scrolls sideways at {probe.get('window_width')} px: it is "
          f"{probe.get('page_width')} px wide (widest: {probe.get('widest')})")
    check(not probe.get("broken_images"), f"broken images: {probe.get('broken_images')}")


def misorder(path):
    """The last differing row moved to the end of its table: differences no longer first."""
    text = open(path).read()
    rows = re.findall(r'<tr class="mrow"[^>]*data-differs="1".*?</tr>\n', text)
    text = text.replace(rows[-1], "", 1)
    i = text.index('<tr class="totals"')
    open(path, "w").write(text[:i] + rows[-1] + text[i:])


def unlink(path):
    """The first link's target loses its anchor."""
    text = open(path).read()
    target = re.search(r'<td[^>]*><a href="#(m-\d+-\d+)">', text).group(1)
    open(path, "w").write(text.replace(f'id="{target}"', 'id="gone"', 1))


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] in ("misorder", "unlink"):
        {"misorder": misorder, "unlink": unlink}[args[0]](args[1])
        return 0
    opts = {}
    while len(args) >= 2 and args[-2] in ("--dom", "--probe"):
        opts[args[-2]] = args[-1]
        args = args[:-2]
    if len(args) < 2:
        print(__doc__)
        return 2
    directory, runs = args[0], [load(p) for p in args[1:]]
    html = open(opts.get("--dom", os.path.join(directory, "matrix.html"))).read()
    page = MatrixPage()
    page.feed(html)
    check(page.scripts == 0, f"matrix.html has {page.scripts} <script> elements")
    check(not page.external, f"matrix.html refers to the network: {page.external[:3]}")
    check(page.styles == 1, "matrix.html has no inline <style>")
    cols, order = expected(runs)
    check_columns(page, cols)
    check_rows(page, cols, order)
    check_totals(page, cols, order, runs)
    check_markdown(directory, cols, order)
    if "--probe" in opts:
        check_probe(json.load(open(opts["--probe"])))
    for p in problems:
        print(f"check_matrix: {p}")
    if not problems:
        differ = sum(d[0] for _, _, d in order)
        print(f"check_matrix: {directory}: {len(order)} rows x {len(cols)} columns, {differ} "
              "differing first, cells, links, counts and matrix.md match the runs")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
