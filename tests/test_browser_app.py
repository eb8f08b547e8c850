"""The app in a real browser: Debian's Chromium driven by Playwright against `streamlit run app.py`.

CI installs `chromium` and sets FRITEKST_REQUIRE_BROWSER=1 (a missing browser then fails the
test instead of skipping it). Playwright's own browser download is not used. With
FRITEKST_SAVE_SCREENSHOT=1 the theme view screenshot is also copied to benchmarks/app_screenshot.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from app_support import APP, ROOT, WIDE_RATING, copy_into_runs, run_label, wide_run  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: the first start analyses the sample cold (embedding ~1,600 comments); later starts read the stored run
START_LIMIT_MS = 9 * 60 * 1000
STEP_LIMIT_MS = 60 * 1000


def _require_browser() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("FRITEKST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run app.py` on a free port, with this session's cache; stopped afterwards."""
    _require_browser()
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail(f"streamlit did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture()
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="nb-NO")
        pg = context.new_page()
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        yield pg
        browser.close()


def _open_app(page, server) -> None:
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("tab", name="Oversikt").wait_for(timeout=START_LIMIT_MS)


def _sample_folder() -> Path:
    from nlp.runs.app_runs import SAMPLE_FILE, cached_run, run_key, sample_settings

    folder = cached_run(run_key(SAMPLE_FILE.read_bytes(), SAMPLE_FILE.name, sample_settings()))
    assert folder is not None, "the app should have stored the sample run"
    return folder


def test_sample_data_theme_quotes_in_chromium(page, server, tmp_path):
    from nlp.runs.store import load_run

    _open_app(page, server)
    run = load_run(_sample_folder())
    page.get_by_text("1\u00a0741", exact=True).first.wait_for(timeout=STEP_LIMIT_MS)  # headline figure

    page.get_by_role("tab", name="Tema").click()
    page.get_by_role("heading", name="Typiske sitater").wait_for(timeout=STEP_LIMIT_MS)
    theme = run.themes[0]
    page.get_by_role("heading", name=theme.label, exact=True).wait_for(timeout=STEP_LIMIT_MS)
    texts = run.comments.set_index("id")["text"]
    quotes = [texts[q] for q in theme.quote_ids]
    assert quotes
    for quote in quotes:
        assert page.get_by_text(quote, exact=True).first.is_visible()
    page.wait_for_timeout(1500)  # let the charts finish drawing before the screenshot
    shot = tmp_path / "app_tema.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("FRITEKST_SAVE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "benchmarks" / "app_screenshot.png")
    assert not page.dialogs


def test_html_in_comments_shows_as_text_in_chromium(page, server, tmp_path):
    """A comment with <script>, an <img> handler and markdown links renders literally and runs nothing."""
    from nlp.runs.store import load_run

    _open_app(page, server)
    folder = copy_into_runs(_sample_folder(), f"kopi-{tmp_path.name}")
    run = load_run(folder)
    hostile = "<script>alert('x')</script> <img src=x onerror=alert(2)> [klikk](javascript:alert(3)) **fet**"
    quote = run.themes[0].quote_ids[0]
    comments = pd.read_parquet(folder / "comments.parquet")
    comments.loc[comments["id"] == quote, "text"] = hostile
    comments.loc[comments["id"] == quote, "Rolle"] = "<b>rolle</b> ![bilde](x.png)"
    comments.to_parquet(folder / "comments.parquet", index=False)

    _open_saved(page, folder)
    page.get_by_role("tab", name="Tema").click()
    page.get_by_role("heading", name="Typiske sitater").wait_for(timeout=STEP_LIMIT_MS)
    assert page.get_by_text(hostile, exact=True).is_visible()
    assert page.get_by_text("<b>rolle</b> ![bilde](x.png)", exact=False).first.is_visible()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("img[src='x.png']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.wait_for_timeout(1000)
    assert not page.dialogs


def test_clicking_a_theme_in_the_overview_opens_it(page, server):
    from nlp.runs.store import load_run

    _open_app(page, server)
    run = load_run(_sample_folder())
    page.get_by_role("heading", name="Temaer etter størrelse og sentiment").wait_for(timeout=STEP_LIMIT_MS)
    bars = page.locator(".js-plotly-plot .barlayer .point")
    bars.first.wait_for(timeout=STEP_LIMIT_MS)
    target = run.themes[1]  # the second row (themes in size order)
    n_rows = len(run.themes) + 1  # and "Uten tema"
    # one bar trace per sentiment, each with a point per row: click the widest segment of row 2
    boxes = [bars.nth(j * n_rows + 1).bounding_box() for j in range(bars.count() // n_rows)]
    box = max((b for b in boxes if b), key=lambda b: b["width"])
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_role("heading", name=target.label, exact=True).wait_for(timeout=STEP_LIMIT_MS)
    assert page.locator('[role="tab"][aria-selected="true"]').inner_text() == "Tema"


def _open_saved(page, folder: Path) -> None:
    """Pick a run in the runs folder from the list (typing filters it) and open it."""
    label = run_label(folder)
    page.get_by_text("Åpne lagret kjøring").click()
    picker = page.get_by_role("combobox", name="Lagret kjøring")
    picker.click()
    picker.fill(folder.name)
    page.get_by_role("option", name=label, exact=True).click()
    page.get_by_role("button", name="Åpne", exact=True).click()
    page.get_by_text("Kjøringen er åpnet.").first.wait_for(timeout=STEP_LIMIT_MS)


def test_renamed_theme_shows_its_new_name_in_chromium(page, server, tmp_path):
    """After a rename the heading, the theme picker and the saved model all carry the new name."""
    from nlp.runs.store import load_run, read_edits

    _open_app(page, server)
    folder = copy_into_runs(_sample_folder(), f"kopi-{tmp_path.name}")
    theme = load_run(folder).themes[0]
    _open_saved(page, folder)
    page.get_by_role("tab", name="Tema").click()
    page.get_by_text("Rediger temaet").click()
    name = page.get_by_role("textbox", name="Nytt navn")
    name.fill("Barn og skole")
    name.press("Enter")
    page.get_by_role("button", name="Gi nytt navn").click()
    page.get_by_role("heading", name="Barn og skole", exact=True).wait_for(timeout=STEP_LIMIT_MS)
    picker = page.get_by_role("combobox", name="Tema", exact=True)
    page.wait_for_function("el => el.value.startsWith('Barn og skole')", arg=picker.element_handle(),
                           timeout=STEP_LIMIT_MS)
    assert picker.input_value() == f"Barn og skole ({theme.size})"
    assert read_edits(folder).renames == {theme.id: "Barn og skole"}


def test_drivers_view_of_a_wide_run_draws_the_bars_in_chromium(page, server, wide_run, tmp_path):  # noqa: F811
    """A wide run with a rating: the "Drivere" tab shows one bar per theme, with interval whiskers."""
    _open_app(page, server)
    folder = copy_into_runs(wide_run, f"bred-{tmp_path.name}")
    stored = pd.read_csv(folder / "drivers.csv")
    _open_saved(page, folder)
    page.get_by_text("respondenter").first.wait_for(timeout=STEP_LIMIT_MS)  # the wide run's caption
    page.get_by_role("tab", name="Drivere").click()
    page.get_by_role("heading", name=f"Hva trekker «{WIDE_RATING}» opp og ned?").wait_for(timeout=STEP_LIMIT_MS)
    bars = page.locator(".js-plotly-plot .barlayer .point")
    bars.first.wait_for(timeout=STEP_LIMIT_MS)
    assert bars.count() == int(stored["impact"].notna().sum())
    assert page.locator(".js-plotly-plot .errorbar").count() >= 1
    widest = max(bars.nth(i).bounding_box()["width"] for i in range(bars.count()))
    assert widest > 20  # drawn, not empty
    page.get_by_role("heading", name="Svarene bak et tema").wait_for(timeout=STEP_LIMIT_MS)
    assert page.get_by_text("Vurdering:").first.is_visible()
    assert not page.dialogs


def test_charts_export_as_png_through_the_local_chromium():
    """The app's "Last ned diagrammet (PNG)" renders with kaleido, which needs this Chromium."""
    _require_browser()
    import pandas as pd

    from nlp.ui import charts

    assert charts.png_export_available()
    comments = pd.DataFrame({"topic_id": [0, 0, 1], "is_nonanswer": [False] * 3,
                             "sentiment": ["positive", "negative", "neutral"]})
    png = charts.to_png(charts.theme_overview(comments, [(0, "Bosetting <b>x</b>"), (1, "Tilskudd")]), "Temaer")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_add_a_code_to_a_comment_and_undo_in_chromium(page, server, tmp_path):
    """Issue 17: a comment given a second theme in the "Kommentarer" view shows it, the edit is saved
    and listed, and "Angre" takes it back."""
    from nlp.runs.store import load_run, read_edits
    from nlp.themes.edits import text_id

    _open_app(page, server)
    folder = copy_into_runs(_sample_folder(), f"kode-{tmp_path.name}")
    run = load_run(folder)
    big, second = run.themes[0], run.themes[1]
    c = run.comments
    row = c[(c["topic_id"] == big.id) & ~c["is_duplicate"]].iloc[0]
    _open_saved(page, folder)
    page.get_by_role("tab", name="Kommentarer").click()
    picked = page.get_by_role("combobox", name="Kommentarer (velg rader i tabellen, eller skriv ID)")
    picked.click()
    picked.fill(str(row["id"]))
    page.get_by_role("option", name=str(row["id"]), exact=True).click()
    page.keyboard.press("Escape")
    theme = page.get_by_role("combobox", name="Velg tema")
    theme.click()
    theme.fill(second.label)
    page.get_by_role("option", name=second.label, exact=True).click()
    page.get_by_role("button", name="Legg til tema").click()
    page.get_by_text(f"«{second.label}» lagt til på 1 kommentar(er).").first.wait_for(timeout=STEP_LIMIT_MS)
    assert read_edits(folder).added == {text_id(row["text"]): [second.id]}
    page.get_by_text(f"Tema lagt til: «{second.label}» på 1 kommentartekst(er)").wait_for(timeout=STEP_LIMIT_MS)
    page.get_by_role("button", name="Angre").click()
    page.get_by_text("Siste endring er angret.").first.wait_for(timeout=STEP_LIMIT_MS)
    assert read_edits(folder).added == {}
    assert not page.dialogs


def _analyse_upload(page, name: str):
    """Click «Analyser» and wait until the run of the uploaded file `name` is stored."""
    from nlp.runs.app_runs import list_runs

    page.get_by_role("button", name="Analyser").click()
    deadline = time.monotonic() + START_LIMIT_MS / 1000
    while not (runs := [r for r in list_runs() if name in r.label]):
        assert time.monotonic() < deadline, "the upload was not analysed"
        page.wait_for_timeout(1000)
    return runs[0]


def test_upload_with_the_fast_sentiment_model_in_chromium(page, server, tmp_path):
    """Issue 19: «Sentimentmodell» in the upload form: the fine-tuned model is the default, «Rask»
    analyses with the frozen one and the caption says so."""
    import json

    _open_app(page, server)
    page.get_by_text("Last opp fil", exact=True).click()
    name = f"finjustert-{tmp_path.name}.csv"
    csv = tmp_path / name
    csv.write_text("Svar;Rolle\n" + "\n".join(f"{t};{r}" for t, r in [
        ("Samarbeidet med IMDi fungerer svært godt.", "a"), ("Tilskuddet kommer altfor sent.", "b"),
        ("Vi trenger mer veiledning om negativ sosial kontroll.", "a"), ("Fylkeskommunen er en god partner.", "b"),
        ("Pandemien gjorde norskopplæringen vanskelig.", "a"), ("Nei", "b")] * 5) + "\n", encoding="utf-8")
    page.locator("input[type=file]").first.set_input_files(str(csv))
    page.get_by_text("Finjustert (anbefalt)").wait_for(timeout=STEP_LIMIT_MS)
    page.get_by_text("Rask", exact=True).click()
    run = _analyse_upload(page, name)
    page.get_by_text("rask sentimentmodell", exact=False).first.wait_for(timeout=STEP_LIMIT_MS)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(tmp_path / "finetuned.png"), full_page=True)
    meta = json.loads((run.folder / "model" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["sentiment_spec"] == "sentiment"
    assert not page.dialogs


def test_wide_upload_with_themes_per_question_in_chromium(page, server, tmp_path):
    """A wide upload offers «Egne temaer per spørsmål» and the rating's scale (as its name states it);
    the run is analysed per question on that scale."""
    import json

    _open_app(page, server)
    page.get_by_text("Last opp fil", exact=True).click()
    name = f"per-sporsmal-{tmp_path.name}.csv"
    first = ["Samarbeidet med IMDi fungerer svært godt.", "IMDi svarer raskt og gir nyttig veiledning.",
             "Tilskuddet kommer altfor sent.", "Tilskuddene er for lave til å dekke kostnadene.",
             "Vi trenger mer veiledning om negativ sosial kontroll.", "Nei"]
    second = ["Fylkeskommunen er en god partner.", "Samarbeidet med fylket har blitt bedre etter reformen.",
              "Pandemien gjorde norskopplæringen vanskelig.", "Under pandemien stoppet praksisplassene opp.",
              "Kvalifiseringen til arbeid tar for lang tid.", "Ingen kommentar"]
    extra = ["Det gjelder særlig i år.", "Slik har det vært lenge.", "Vi håper på endring.",
             "Dette er viktig for oss.", "Det merkes i hverdagen.", "Vi har meldt fra om dette."]

    def answer(pool: list[str], k: int, i: int) -> str:  # mostly distinct, so both columns read as open answers
        return pool[k % 6] if k % 6 == 5 else f"{pool[k % 6]} {extra[(i // 6) % 6]}"

    lines = ["Respondent;Om IMDi;Om fylket;Nytte (0-10)"]
    lines += [f"{i};{answer(first, i, i)};{answer(second, i * 5, i)};{i % 11}" for i in range(1, 37)]
    csv = tmp_path / name
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.locator("input[type=file]").first.set_input_files(str(csv))
    page.get_by_text("Skala for vurderingen").wait_for(timeout=STEP_LIMIT_MS)
    assert page.get_by_role("combobox", name="Skala for vurderingen").input_value() == "0–10"  # from the name
    page.get_by_text("Egne temaer per spørsmål").click()
    run = _analyse_upload(page, name)
    page.get_by_text("36 respondenter", exact=False).first.wait_for(timeout=STEP_LIMIT_MS)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(tmp_path / "per_question.png"), full_page=True)
    settings = json.loads((run.folder / "run.json").read_text(encoding="utf-8"))["settings"]
    assert settings["per_question"] is True and settings["rating_scale"] == [0.0, 10.0]
    meta = json.loads((run.folder / "model" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["per_question"] is True
    assert not page.dialogs


def test_add_a_code_in_the_codebook_view_in_chromium(page, server, tmp_path):
    """Issue 17 point 5: a code added in «Kodebok» re-assigns the comments as a new run, which the
    page then shows (the new theme in the theme picker), and «Tilbake» opens the run before it."""
    from nlp.runs.store import load_run

    _open_app(page, server)
    folder = copy_into_runs(_sample_folder(), f"kodebok-{tmp_path.name}")
    _open_saved(page, folder)
    page.get_by_role("tab", name="Kodebok").click()
    page.get_by_role("heading", name="Kodeboken").wait_for(timeout=STEP_LIMIT_MS)
    page.get_by_text("Ny kode", exact=True).wait_for(timeout=STEP_LIMIT_MS)
    form = page.get_by_test_id("stForm").first
    form.get_by_role("textbox", name="Navn").fill("Tolketjenester")
    form.get_by_role("textbox", name="Beskrivelse (én linje)").fill("Bruk av tolk og tolketjenester.")
    form.get_by_role("textbox", name="Stikkord").fill("tolk\ntolketjeneste\ntolking")
    form.get_by_role("button", name="Legg til og fordel på nytt").click()
    page.get_by_text("ny kode", exact=False).first.wait_for(timeout=STEP_LIMIT_MS)
    page.get_by_role("button", name="Tilbake til versjonen før endringen").wait_for(timeout=STEP_LIMIT_MS)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(tmp_path / "kodebok.png"), full_page=True)
    if os.environ.get("FRITEKST_SAVE_SCREENSHOT") == "1":
        shutil.copyfile(tmp_path / "kodebok.png", ROOT / "benchmarks" / "app_codebook.png")
    from nlp.runs.app_runs import list_runs

    child = next(load_run(r.folder) for r in list_runs() if load_run(r.folder).info.get("parent") == folder.name)
    assert "tolketjenester" in {t.codebook_id for t in child.themes}
    assert form.get_by_role("textbox", name="Navn").input_value() == ""  # the form is ready for the next code
    page.get_by_role("tab", name="Tema").click()
    picker = page.get_by_role("combobox", name="Tema", exact=True)
    picker.click()
    page.get_by_role("option", name="Tolketjenester", exact=False).first.wait_for(timeout=STEP_LIMIT_MS)
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="Kodebok").click()
    page.get_by_role("button", name="Tilbake til versjonen før endringen").click()
    page.get_by_text("Versjonen før kodebokendringen er åpnet.").first.wait_for(timeout=STEP_LIMIT_MS)
    assert "tolketjenester" not in {t.codebook_id for t in load_run(folder).themes}
    assert not page.dialogs
