"""The "Last ned" view: tagged comments, the summary workbook and the model folder for the next round."""

from __future__ import annotations

import streamlit as st

from nlp.app.state import drivers_now, edits_now
from nlp.report import workbook
from nlp.runs.store import RunData
from nlp.schema import Edited
from nlp.ui import editing, exports
from nlp.ui.page import tag_command
from nlp.ui.uploads import download_name

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def view_downloads(run: RunData, edited: Edited, show_original: bool) -> None:
    st.caption("Nedlastingene gjelder hele kjøringen (ikke utvalget i sidepanelet) og tar med endringene dine.")
    log_lines = editing.describe(edits_now(), {t.id: t.label for t in run.themes})
    driver_table = summary_drivers(run)
    c1, c2 = st.columns(2)
    with c1, st.container(border=True):
        st.markdown("**Kommentarer med temaer**")
        st.caption("Én rad per kommentar med tema, sentiment, gruppene og en 0/1-kolonne per tema.")
        include_original = show_original and run.has_original
        b1, b2, b3 = st.columns(3)
        b1.download_button(
            "Excel (XLSX)", key="dl_xlsx", icon=":material/download:",
            data=lambda: exports.table_bytes(exports.tagged_comments(edited, run.group_columns, include_original),
                                             ".xlsx"),
            file_name=download_name(run.source, "kommentarer", ".xlsx"), mime=XLSX_MIME)
        b2.download_button(
            "CSV", key="dl_csv", icon=":material/download:",
            data=lambda: exports.table_bytes(exports.tagged_comments(edited, run.group_columns, include_original),
                                             ".csv"),
            file_name=download_name(run.source, "kommentarer", ".csv"), mime="text/csv")
        if (run.folder / "comments.sav").is_file():
            b3.download_button(
                "SPSS (SAV)", key="dl_sav", icon=":material/download:",
                data=lambda: exports.sav_bytes(edited, include_original),
                file_name=download_name(run.source, "kommentarer", ".sav"), mime="application/x-spss-sav",
                help="Hvert tema som en 0/1-variabel med temanavnet som variabeletikett.")
    with c2, st.container(border=True):
        st.markdown("**Temaoversikt**")
        st.caption("Nøkkeltall, temaer med andeler og 95 % intervaller, sitater, grupper og utvikling over tid"
                   + (", og driverne av vurderingen." if driver_table is not None else "."))
        st.download_button(
            "Excel (XLSX)", key="dl_summary", icon=":material/download:",
            data=lambda: workbook.summary_workbook(edited, run.group_columns, log_lines, drivers=driver_table,
                                                  respondents=workbook.respondent_counts(run.metadata)),
            file_name=download_name(run.source, "temaoversikt", ".xlsx"), mime=XLSX_MIME)
    with st.container(border=True):
        st.markdown("**Modellen, til neste runde**")
        st.caption("Bruk modellen til å merke en ny runde med de samme temaene og endringene dine:")
        st.code(tag_command(run.metadata, run.model_folder), language="bash")
        st.download_button("Modellmappen (ZIP)", key="dl_model", icon=":material/download:",
                           data=lambda: exports.zip_folder(run.model_folder), mime="application/zip",
                           file_name=download_name(run.source, "modell", ".zip"))
    st.caption("Diagrammene lastes ned med knappen under hvert diagram, eller med kamera-ikonet i diagrammets "
               "verktøylinje.")


def summary_drivers(run: RunData):
    """The drivers table for the workbook's "Drivere" sheet (after edits); None without a rating."""
    try:
        result = drivers_now(run)
    except Exception:  # noqa: BLE001 - the drivers view reports it; the workbook goes without the sheet
        return None
    return None if result is None else result[0]
