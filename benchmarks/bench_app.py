"""How fast the app re-renders with cached results, for a 5,000-comment run.

Builds a 5,000-row round by repeating the bundled sample's rows with new ids (a benchmark
input, not a product feature), analyses it once with the app's own run cache, then times
interactions two ways:

* server: Streamlit's AppTest, the script's full rerun after each interaction (in-process);
* browser: Debian's Chromium driven by Playwright against `streamlit run app.py`, from the click
  until the page has re-rendered (no stale elements, no running indicator, expected content shown).

    .venv/bin/python benchmarks/bench_app.py --rows 5000 --repeats 5

Prints one JSON object; `--markdown` also prints the table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build_input(rows: int) -> bytes:
    """The sample's rows repeated to `rows`, each with a new unique id (semicolon CSV, UTF-8)."""
    from nlp.io import read_table
    from nlp.runs.app_runs import SAMPLE_FILE

    base = read_table(SAMPLE_FILE)
    reps = -(-rows // len(base))
    import pandas as pd

    frame = pd.concat([base] * reps, ignore_index=True).head(rows)
    frame["Svar-ID"] = [f"B{i:05d}" for i in range(1, rows + 1)]
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def make_run(rows: int) -> Path:
    from nlp.runs.app_runs import compute_run, sample_settings

    data = build_input(rows)
    start = time.perf_counter()
    folder = compute_run(data, f"bench_{rows}.csv", sample_settings())
    print(f"run ready in {time.perf_counter() - start:.1f} s: {folder}", file=sys.stderr)
    return folder


def _stats(values: list[float]) -> dict:
    return {"median_s": round(statistics.median(values), 3), "max_s": round(max(values), 3),
            "n": len(values)}


# ------------------------------------------------------------------ server side (AppTest)


def bench_server(folder: Path, repeats: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from nlp.runs.store import load_run

    run = load_run(folder)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.radio(key="source").set_value("Åpne lagret kjøring").run()
    at.selectbox(key="open_pick").set_value(folder.name).run()  # runs open from the runs folder only
    at.button(key="open_run").click().run()
    assert not at.exception and at.session_state["run_folder"] == str(folder)
    themes = [t.id for t in run.themes]
    out: dict[str, list[float]] = {}

    def timed(name, action):
        start = time.perf_counter()
        action()
        out.setdefault(name, []).append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]

    def view(name):
        at.session_state["view"] = name
        at.run()

    for i in range(repeats):
        for name in ("Oversikt", "Tema", "Sammenlign", "Kommentarer", "Last ned"):
            timed(f"open view {name}", lambda n=name: view(n))
        view("Tema")
        timed("pick another theme", lambda: _by_key(at.selectbox, "theme_pick").set_value(
            themes[(i + 1) % len(themes)]).run())
        timed("search in a theme", lambda: at.text_input(key="theme_search").input(
            ["kommunen", "behov", "IMDi", "samarbeid", "mer"][i % 5]).run())
        view("Sammenlign")
        timed("compare by another column", lambda: at.selectbox(key="cmp_column").set_value(
            ["Fylke", "Spørsmål", "Rolle"][i % 3]).run())
        view("Kommentarer")
        timed("full-text search (all comments)", lambda: at.text_input(key="all_search").input(
            ["samarbeid", "tilskudd", "norsk", "bolig", "korona"][i % 5]).run())
        timed("sidebar group filter", lambda: at.multiselect(key="flt_År").set_value([["2019"], ["2020", "2021"]][i % 2]).run())
        at.multiselect(key="flt_År").set_value([]).run()
        view("Tema")
        tid = _by_key(at.selectbox, "theme_pick").value
        timed("rename a theme", lambda: (at.text_input(key=f"rename_{tid}").input(f"Nytt navn {i}").run(),
                                          at.button(key=f"rename_btn_{tid}").click().run()))
        timed("undo", lambda: at.button(key="undo").click().run())
    return {k: _stats(v) for k, v in out.items()} | {"comments": len(run.comments)}


def _by_key(widgets, base: str):
    """Widgets that show theme names have versioned keys (`base@version`, new after each edit)."""
    return next(w for w in widgets if (w.key or "").split("@")[0] == base)


# ------------------------------------------------------------------ browser (Chromium)

_BUSY_JS = """() => !!document.querySelector('[data-testid="stStatusWidget"]') ||
    !!document.querySelector('[data-stale="true"]') || !!document.querySelector('[data-testid="stSkeleton"]')"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_browser(folder: Path, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    from nlp.runs.app_runs import list_runs
    from nlp.runs.store import load_run

    run = load_run(folder)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="nb-NO")
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("tab", name="Oversikt").wait_for(timeout=600_000)
            _settle(page)
            page.get_by_text("Åpne lagret kjøring").click()
            picker = page.get_by_role("combobox", name="Lagret kjøring")
            picker.click()
            picker.fill(folder.name)
            label = next(r.label for r in list_runs() if r.name == folder.name)
            page.get_by_role("option", name=label, exact=True).click()
            _settle(page)
            page.get_by_role("button", name="Åpne", exact=True).click()
            page.get_by_text("Kjøringen er åpnet.").wait_for(timeout=120_000)
            _settle(page)
            out: dict[str, list[float]] = {}

            def timed(name, action, ready):
                start = time.perf_counter()
                action()
                ready()
                _settle(page, quiet_ms=0)
                out.setdefault(name, []).append(time.perf_counter() - start)

            def tab(name, ready_text):
                timed(f"open view {name}", lambda: page.get_by_role("tab", name=name).click(),
                      lambda: page.get_by_text(ready_text).first.wait_for(timeout=60_000))

            labels = [t.label for t in run.themes]
            for i in range(repeats):
                tab("Oversikt", "Temaer etter størrelse og sentiment")
                tab("Tema", "Typiske sitater")
                tab("Sammenlign", "Vis ett tema med konfidensintervaller")
                tab("Kommentarer", "Flytt kommentarer til et annet tema")
                tab("Last ned", "Modellen, til neste runde")
                page.get_by_role("tab", name="Kommentarer").click()
                _settle(page)
                search = page.get_by_role("textbox", name="Søk i alle kommentarer")
                word = ["samarbeid", "tilskudd", "norsk", "bolig", "korona"][i % 5]
                timed("full-text search (all comments)", lambda: (search.fill(word), search.press("Enter")),
                      lambda: page.get_by_text("Viser ").first.wait_for(timeout=60_000))
                page.get_by_role("tab", name="Tema").click()
                _settle(page)
                target = labels[(i + 1) % len(labels)]
                timed("pick another theme", lambda: _pick_theme(page, target),
                      lambda: page.get_by_role("heading", name=target, exact=True).wait_for(timeout=60_000))
            browser.close()
        return {k: _stats(v) for k, v in out.items()} | {"comments": len(run.comments)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _pick_theme(page, label: str) -> None:
    page.get_by_role("combobox", name="Tema", exact=True).click()
    page.get_by_role("option", name=label, exact=False).first.click()


def _settle(page, timeout_s: float = 120, quiet_ms: int = 150) -> None:
    """Wait until Streamlit has finished the rerun and drawn it (checked on two animation frames)."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(50)
    while time.monotonic() < deadline:
        if not page.evaluate(_BUSY_JS):
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            if not page.evaluate(_BUSY_JS):
                break
        page.wait_for_timeout(20)
    if quiet_ms:
        page.wait_for_timeout(quiet_ms)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    folder = make_run(args.rows)
    result = {"rows": args.rows, "repeats": args.repeats, "cpu_count": os.cpu_count(),
              "load_avg_start": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()}
    result["server"] = bench_server(folder, args.repeats)
    if not args.skip_browser and Path(CHROMIUM).exists():
        result["browser"] = bench_browser(folder, args.repeats)
    result["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.markdown:
        names = [k for k in result["server"] if k != "comments"]
        names += [k for k in result.get("browser", {}) if k not in names and k != "comments"]
        print("\n| interaction | server rerun median / max (s) | browser median / max (s) |")
        print("|---|---|---|")
        for k in names:
            s = result["server"].get(k)
            b = result.get("browser", {}).get(k)
            fmt = lambda x: f"{x['median_s']:.2f} / {x['max_s']:.2f}" if x else "–"  # noqa: E731
            print(f"| {k} | {fmt(s)} | {fmt(b)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
