"""The "Last ned" view: tagged comments, the summary workbook and the model folder for the next round."""

from __future__ import annotations

import streamlit as st

from nlp.app.state import edits_now
from nlp.report import workbook
from nlp.runs.store import RunData
from nlp.schema import Edited
from nlp.ui import editing, exports
from nlp.ui.uploads import download_name

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def view_downloads(run: RunData, edited: Edited, show_original: bool) -> None:
    st.caption("Nedlastingene gjelder hele kjøringen (ikke utvalget i sidepanelet) og tar med endringene dine.")
    log_lines = editing.describe(edits_now(), {t.id: t.label for t in run.themes})
    c1, c2 = st.columns(2)
    with c1, st.container(border=True):
        st.markdown("**Kommentarer med temaer**")
        st.caption("Én rad per kommentar med tema, sentiment, gruppene og en 0/1-kolonne per tema.")
        include_original = show_original and run.has_original
        b1, b2 = st.columns(2)
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
    with c2, st.container(border=True):
        st.markdown("**Temaoversikt**")
        st.caption("Nøkkeltall, temaer med andeler og 95 % intervaller, sitater, grupper og utvikling over tid.")
        st.download_button(
            "Excel (XLSX)", key="dl_summary", icon=":material/download:",
            data=lambda: workbook.summary_workbook(edited, run.group_columns, log_lines),
            file_name=download_name(run.source, "temaoversikt", ".xlsx"), mime=XLSX_MIME)
    with st.container(border=True):
        st.markdown("**Modellen, til neste runde**")
        st.caption("Bruk modellen til å merke en ny runde med de samme temaene og endringene dine:")
        st.code(f'fritekst tag NY_RUNDE.xlsx --text-column "{run.metadata.get("input", {}).get("text_column", "Svar")}"'
                f' --model "{run.model_folder}"', language="bash")
        st.download_button("Modellmappen (ZIP)", key="dl_model", icon=":material/download:",
                           data=lambda: exports.zip_folder(run.model_folder), mime="application/zip",
                           file_name=download_name(run.source, "modell", ".zip"))
    st.caption("Diagrammene lastes ned med knappen under hvert diagram, eller med kamera-ikonet i diagrammets "
               "verktøylinje.")
