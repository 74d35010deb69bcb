"""Markdown for the results: tables for stdout and the whole of docs/benchmarks.md.

The k-nearest part is written in bench/knn_report.py, the targets in bench/targets.py and the
findings in bench/findings.py; this module writes the other sections and puts it all together.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.findings import findings, http_findings
from bench.http_report import http_section, stall_section, startup_section
from bench.knn_report import knn_section
from bench.markdown import fmt_mb, fmt_ms, fmt_pct, fmt_ratio, fmt_spread, table
from bench.national_table import national_table_section
from bench.postcodes import GazetteerResult, ParseResult
from bench.results import Results
from bench.targets import targets_table
from bench.timing import fmt_s, fmt_us

# -- postcodes ----------------------------------------------------------------------------------


def gazetteer_loading(results: Sequence[GazetteerResult]) -> str:
    rows = [
        [
            g.label,
            g.source,
            f"{g.postcodes:,}",
            f"{g.districts:,}",
            fmt_s(g.load_source.median),
            fmt_s(g.load_cache.median),
            fmt_ratio(g.load_source.median / g.load_cache.median),
        ]
        for g in results
    ]
    return table(
        [
            "Gazetteer",
            "Source",
            "Postcodes",
            "Districts",
            "Load from source (+ write cache)",
            "Load from cache",
            "Cache speed-up",
        ],
        rows,
        left=2,
    )


def gazetteer_lookups(results: Sequence[GazetteerResult]) -> str:
    rows = [
        [
            g.label,
            f"{g.sample:,}",
            fmt_us(g.find.median),
            fmt_us(g.parse_and_find.median),
            fmt_spread(g.find),
            "**" + str(g.misses) + " WRONG**" if g.misses else "0",
        ]
        for g in results
    ]
    return table(
        [
            "Gazetteer",
            "Postcodes looked up",
            "`find` per lookup",
            "`parse_postcode` + `find`",
            "`find` noise",
            "Not found / wrong",
        ],
        rows,
    )


def parse_table(results: Sequence[ParseResult]) -> str:
    return table(
        ["`parse_postcode` input", "Example", "Per call"],
        [[p.label, f"`{p.example!r}`", fmt_us(p.timing.median)] for p in results],
        left=2,
    )


# -- pages and coverage -------------------------------------------------------------------------


def coverage_section(results: Results) -> str:
    c = results.coverage
    if c is None:
        return ""
    whole = c.whole.median
    rows = [
        [name, fmt_s(t.median), fmt_pct(t.median, whole) if t is not c.whole else "", fmt_spread(t)]
        for name, t in c.timings.items()
    ]
    return (
        "## 6. Coverage of every postcode\n\n"
        "`reports.coverage.build_coverage` on the shared data, as `safeplaces report coverage` "
        f"runs it: {c.postcodes:,} live postcodes in the service area, the nearest Safe Place "
        f"and police enquiry office of every one among the {c.places} active places (one "
        "`VenueIndex.nearest_distances` batch query per kind, geodesic metres), the tables by "
        f"local authority and postcode district, and the greedy ranking of {c.candidates} "
        f"candidates ({c.picks} picks). Loading the data files and the place database "
        "(`load_datasets`, done once) is not included. The parts are timed alone; median of "
        f"{len(c.whole.samples)} repeats, taking turns.\n\n"
        + table(["Step", "Median", "Share of the whole", "Noise"], rows)
        + f"\n\n{c.within_800m_pct:.1f}% of the postcodes are within 800 m of a Safe Place. "
        "Candidates: NHS England ODS GP practices and pharmacies, licensed under the Open "
        "Government Licence v3.0.\n"
    )


def pages_section(results: Results) -> str:
    p = results.pages
    if p is None:
        return ""
    rows = [[url, f"{c / 1000:.1f} KB", f"{u / 1000:.1f} KB"] for url, c, u in p.transfer]
    rows.append(["**total**", f"**{p.total_compressed / 1000:.1f} KB**", ""])
    return (
        "## 4. The results page\n\n"
        f"`/find?q=DE4 3AG&k=10` on the real data ({p.places} places listed, the police "
        "office included), fetched in-process with `Accept-Encoding: gzip`, with every "
        "script, stylesheet and icon it links to. Map tiles come from the tile server and "
        "are not counted.\n\n"
        + table(["URL", "Compressed", "Uncompressed"], rows, left=1)
        + f"\n\nServer time per page (request in, HTML out, in-process): median "
        f"{p.render.median * 1000:.1f} ms over {len(p.render.samples)} requests "
        f"(spread ±{p.render.spread * 50:.0f}%). The offline worker (`/sw.js`, asked for at "
        f"every visit): median {fmt_ms(p.worker.median)} ({fmt_spread(p.worker)}), the two "
        "taking turns.\n"
    )


# -- national scale -----------------------------------------------------------------------------


def national_section(results: Results) -> str:
    n = results.national
    if n is None:
        return ""
    rows = [
        ["Process start to ready (median)", fmt_s(n.ready.median), fmt_spread(n.ready)],
        *[[f"… of which {k} (child's clock)", fmt_s(v), ""] for k, v in n.parts.items()],
        ["Resident memory at ready", fmt_mb(n.rss_bytes), ""],
        ["… the same process, app imported, no data", fmt_mb(n.baseline_bytes), ""],
        ["… gazetteer and places (the difference)", fmt_mb(n.rss_bytes - n.baseline_bytes), ""],
        ["Peak resident memory up to ready", fmt_mb(n.peak_bytes), ""],
        ["`Gazetteer.find`, per lookup", fmt_us(n.lookup.median), fmt_spread(n.lookup)],
        [
            "`resolver.postcode` (parse, find, origin)",
            fmt_us(n.resolve.median),
            fmt_spread(n.resolve),
        ],
        [
            "`VenueIndex.nearest`, k = 5",
            fmt_us(n.nearest_index.median),
            fmt_spread(n.nearest_index),
        ],
        [
            "`Locator.nearest` (5 Safe Places + the police office)",
            fmt_us(n.nearest.median),
            fmt_spread(n.nearest),
        ],
    ]
    return (
        "## 3. National scale\n\n"
        f"The service's start-up (the app's lifespan: gazetteer, place names, area, place "
        f"database, locator, resolver) in a fresh process with every GB postcode "
        f"({n.postcodes:,}, `postcodes_uk.parquet`, read through its cache) as the gazetteer "
        f"and {n.places:,} synthetic places across Great Britain in its database; "
        f"{len(n.ready.samples)} starts from bytecode, after a first that wrote it. Lookups: "
        "random GB postcodes; nearest: random GB postcode centroids; medians over 7 repeats in "
        "each start.\n\n" + table(["", "Measured", "Noise"], rows) + "\n"
    )


# -- the document -------------------------------------------------------------------------------


def postcode_section(results: Results) -> str:
    c = results.config
    return (
        "## 5. Postcode lookup\n\n"
        f"Loading: each load from source goes into a new, empty temporary cache directory "
        f"(median of {c.load_repeats}); loads from the cache reuse the last one "
        f"(median of {max(3, c.load_repeats)}).\n\n"
        f"{gazetteer_loading(results.gazetteers)}\n\n"
        f"Lookups: {c.lookups:,} distinct real postcodes drawn at random from each gazetteer, "
        f"parsed beforehand; median of {c.lookup_repeats} repeats.\n\n"
        f"{gazetteer_lookups(results.gazetteers)}\n\n"
        f"{parse_table(results.parse)}\n"
    )


def method_notes(results: Results) -> str:
    c = results.config
    sizes = ", ".join(f"{n:,}" for n in c.synthetic_sizes)
    return "\n".join(
        [
            "- Every figure is a median over repeats, and every comparison a ratio measured in "
            "the same run, the methods taking turns (the machine is shared and noisy: absolute "
            "times vary from run to run, ratios less). The garbage collector is paused while "
            "timing; a first untimed pass (the correctness check) warms up.",
            "- **k-nearest.** The real venues, and synthetic venues "
            f"({sizes}) at distinct GB postcode centroids drawn at random (fixed seed), each "
            f"moved by up to {c.jitter_m:g} m in a random direction, so they cluster like "
            f"population does. Query points: {c.queries:,} random postcode centroids one at a "
            f"time, and a batch of {c.batch_queries:,}, from the same area (Derbyshire and "
            "Derby postcodes for the real venues, GB postcodes for the synthetic ones).",
            "  - `VenueIndex.nearest(lon, lat, k)`: the project's index (shapely STRtree on "
            "British National Grid). It takes WGS84 lon/lat as Python floats (as the API does) "
            "and returns `VenueMatch` objects with geodesic distances and walking times: more "
            "work per call than the others, which return indices. That is part of the "
            "comparison.",
            "  - `cKDTree`, brute force and PostGIS are handed the query already projected to "
            "the grid; BallTree radians of latitude and longitude.",
            f"  - PostGIS: {results.postgis or 'not measured'}; its own server on 127.0.0.1, "
            "queried from Python with psycopg (a prepared statement per query).",
            "- **HTTP load**, **national scale**, **the results page**, **postcode lookup** and "
            "**coverage**: see each section.",
            f"- Seed {c.seed}. Run time of this report: {results.seconds:.0f} s.",
        ]
    )


RUNNING = """## Running it

`make bench` runs everything and rewrites this file (about 20 minutes on this machine);
`python -m bench --quick` is a smoke run with small sizes that writes nothing unless given
`--output PATH`.

### Running one part

`--only` runs some of the parts (`knn`, `startup`, `http`, `nearest-unique`, `find`, `stall`,
`national`, `pages`, `postcodes`, `coverage`) and prints their tables without writing this file;
`--rounds N` sets the interleaved rounds of HTTP load. From a checkout, for the headline alone
(unique postcodes against ping and the minimal peer, and cache hits; 1 worker):

```
PYTHONPATH=$PWD .venv/bin/python -m bench --only nearest-unique --rounds 3
```

and `--only find` for the results page against those JSON searches, `--only startup` for
exec to `/readyz`, `--only knn` for the index against its peers (`VenueIndex.nearest_batch`
among them).
"""


def headline(results: Results) -> str:
    """The search as real traffic makes it, in one line above the targets."""
    found = http_findings(results.http) if results.http is not None else []
    return f"**Headline.** {found[0]}\n\n" if found else ""


def document(results: Results) -> str:
    c = results.config
    machine = table(["", ""], [[k, v] for k, v in results.machine.items()], left=2)
    warning = (
        "\n> **Quick run** (`--quick`): fewer repeats and smaller sizes. Not for comparison.\n"
        if c.quick
        else ""
    )
    finding_lines = "\n".join(f"- {n}" for n in findings(results))
    found = results.national_table
    national_table = f"{national_table_section(found)}\n" if found else ""
    return (
        "# Benchmarks\n\n"
        "Generated by `python -m bench` (`make bench`); rerun it rather than editing this "
        "file. How fast the service finds places, answers over HTTP, starts and holds the "
        "national data, compared with what one would pick instead, on the same machine in "
        "the same run.\n"
        f"{warning}\n"
        "## Targets\n\n"
        f"{headline(results)}"
        f"{targets_table(results)}\n\n"
        "## Findings\n\n"
        f"{finding_lines}\n\n"
        f"{RUNNING}\n"
        "## How it is measured\n\n"
        f"{method_notes(results)}\n\n"
        "Machine (shared with other work):\n\n"
        f"{machine}\n\n"
        f"{knn_section(results)}\n"
        f"{startup_section(results)}\n"
        f"{http_section(results)}\n"
        f"{stall_section(results)}\n"
        f"{national_section(results)}\n"
        f"{national_table}"
        f"{pages_section(results)}\n"
        f"{postcode_section(results)}\n"
        f"{coverage_section(results)}\n"
        "Data: Code-Point Open postcodes and library venues from `../shared/data` (see its "
        "README). Contains OS data © Crown copyright and database right 2025. Contains Royal "
        "Mail data © Royal Mail copyright and database right 2025. Contains National "
        "Statistics data © Crown copyright and database right 2025.\n"
    )
