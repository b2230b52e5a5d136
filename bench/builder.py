"""The query builder's cost to a reader, at the shipped data: the bundle's size (as served and
gzipped) and the time from opening /builder until the builder has drawn itself from its SHACL
configuration, in Debian's headless chromium, and until a built question is answered. Writes
bench/results/builder.json; bench/report.py puts it in the report.

    .venv/bin/python bench/builder.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DIST = ROOT / "src" / "partnergraph" / "web" / "static" / "dist"
SHAPE = "https://w3id.org/partnergraph/shapes/builder#"


def sizes() -> dict:
    out = {}
    for name in ("builder.js", "builder.css", "workbench.js"):
        data = (DIST / name).read_bytes()
        out[name] = {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, compresslevel=6))}
    return out


def timings(rounds: int) -> dict:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from conftest import LiveServer
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from partnergraph.web.app import create_app
    from tests.selenium_chrome import chrome

    def shown(selector):
        return lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]

    live = LiveServer(create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False}))
    drawn, answered, loads = [], [], []
    try:
        with chrome() as browser:
            for _ in range(rounds + 1):            # the first round warms the server's caches, not counted
                browser.delete_all_cookies()
                started = time.perf_counter()
                browser.get(live.url + "/builder?lang=en")
                WebDriverWait(browser, 60).until(shown(f'.StartClassGroup li[data-id="{SHAPE}Project"] .item-sel'))
                ready = time.perf_counter() - started
                load = browser.execute_script("const n = performance.getEntriesByType('navigation')[0];"
                                              "return n.loadEventEnd - n.startTime;") / 1000
                shown(f'.StartClassGroup li[data-id="{SHAPE}Project"] .item-sel')(browser)[0].click()
                WebDriverWait(browser, 60).until(shown(f'.EndClassGroup li[data-id="{SHAPE}Goal"] .item-sel'))[0].click()
                WebDriverWait(browser, 60).until(shown(".playBtn"))[0].click()
                WebDriverWait(browser, 60).until(shown("#builder-results table.results-table"))
                done = time.perf_counter() - started
                drawn.append(ready)
                loads.append(load)
                answered.append(done)
    finally:
        live.stop()
    keep = slice(1, None)
    return {"rounds": rounds,
            "load_event_s": round(statistics.median(loads[keep]), 3),
            "builder_drawn_s": round(statistics.median(drawn[keep]), 3),
            "builder_drawn_max_s": round(max(drawn[keep]), 3),
            "first_answer_s": round(statistics.median(answered[keep]), 3),
            "cold_builder_drawn_s": round(drawn[0], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = {"data": "shipped (./data)", "sizes": sizes(), **timings(args.rounds),
              "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "builder.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
