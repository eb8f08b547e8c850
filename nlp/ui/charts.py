"""Plotly figures for the app, with Norwegian number formats and safely escaped labels."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from nlp.ui.text import SENTIMENT_COLOURS, SENTIMENT_NB, fmt_int, fmt_pct, fmt_pp, fmt_p, plot_escape
from nlp.schema import TOPIC_ID
from nlp.themes.membership import sentiment_counts

LABEL_LEN = 48
STACK_ORDER = ("positive", "mixed", "neutral", "negative")
HIGHER, LOWER, SAME = "#1F5AA6", "#D9822B", "#9DB4CF"

_BASE_LAYOUT = dict(
    separators=", ",  # decimal comma, space between thousands
    margin=dict(l=10, r=20, t=40, b=10),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title_text="",
                traceorder="normal"),
    hoverlabel=dict(align="left"),
)

#: shown in the chart's toolbar; the camera icon downloads a PNG at twice the size
def plotly_config(file_name: str) -> dict:
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
    }


def _layout(fig: go.Figure, **kw) -> go.Figure:
    fig.update_layout(**{"template": "plotly_white", **_BASE_LAYOUT, **kw})
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def for_export(fig: go.Figure, title: str) -> go.Figure:
    """A standalone copy for a PNG file: with a title, and room for it."""
    out = go.Figure(fig)
    top = (out.layout.margin.t or 40) + 50
    out.update_layout(title=dict(text=plot_escape(title), x=0.01, xanchor="left", y=0.98, yanchor="top",
                                 font=dict(size=18)), margin=dict(t=top))
    if out.layout.legend.orientation == "h":
        out.update_layout(legend=dict(y=1.0, yanchor="bottom"))
    return out


def png_export_available() -> bool:
    """Kaleido draws PNGs with a local Chromium; without one the chart toolbar's camera still works."""
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False) is not None
    except Exception:  # noqa: BLE001 - any failure means: no server-side PNGs
        return False


def to_png(fig: go.Figure, title: str) -> bytes:
    """The chart as a PNG file with its title, at print resolution."""
    out = for_export(fig, title)
    return out.to_image(format="png", width=1400, height=int(out.layout.height or 500) + 50, scale=2)


def theme_overview(comments: pd.DataFrame, themes: Sequence[tuple[int, str]], title: str = "",
                   theme_info: Sequence = ()) -> go.Figure:
    """Themes as horizontal bars (largest on top), split by sentiment, with size and share.

    ``theme_info`` (ThemeInfo) names the codes, so a code with a sentiment of its own counts with it."""
    sub = comments[~comments["is_nonanswer"].to_numpy(dtype=bool)]
    ids = [t for t, _ in themes]
    labels = {t: lab for t, lab in themes}
    counts = sentiment_counts(sub, ids, STACK_ORDER, theme_info)  # a comment counts in each of its codes
    totals = counts.sum(axis=1)
    n_sub = max(len(sub), 1)
    order = [t for t in ids]  # already sorted by the caller
    y = [plot_escape(labels[t], LABEL_LEN) for t in order]
    fig = go.Figure()
    for s in STACK_ORDER:
        values = counts.loc[order, s].to_numpy()
        within = np.divide(values, np.maximum(totals.loc[order].to_numpy(), 1))
        fig.add_bar(
            y=y, x=values, orientation="h", name=SENTIMENT_NB[s], marker_color=SENTIMENT_COLOURS[s],
            customdata=np.stack([[fmt_pct(w) for w in within], [plot_escape(labels[t]) for t in order],
                                 [str(t) for t in order]], axis=1),
            hovertemplate="%{customdata[1]}<br>" + SENTIMENT_NB[s] + ": %{x} (%{customdata[0]} av temaet)"
                          "<extra></extra>",
        )
    fig.add_scatter(
        y=y, x=totals.loc[order].to_numpy(), mode="text", showlegend=False, hoverinfo="skip",
        text=[f"  {fmt_int(n)} ({fmt_pct(n / n_sub)})" for n in totals.loc[order]],
        textposition="middle right", textfont=dict(size=12),
    )
    fig.update_yaxes(autorange="reversed", title_text="")
    fig.update_xaxes(title_text="Antall kommentarer", range=[0, max(totals.max(), 1) * 1.22])
    return _layout(fig, barmode="stack", height=max(260, 34 * len(order) + 110), title_text=title)


def sentiment_split(comments: pd.DataFrame, title: str = "", sentiments: Sequence[str] | None = None) -> go.Figure:
    """One 100 % bar: the sentiment mix of a set of comments (``sentiments``: theirs in a theme,
    default their own)."""
    keep = ~comments["is_nonanswer"].to_numpy(dtype=bool)
    values = comments["sentiment"] if sentiments is None else pd.Series(list(sentiments), index=comments.index)
    counts = values[keep].value_counts().reindex(list(STACK_ORDER), fill_value=0)
    n = max(int(counts.sum()), 1)
    fig = go.Figure()
    for s in STACK_ORDER:
        share = counts[s] / n
        fig.add_bar(
            x=[share * 100], y=[""], orientation="h", name=SENTIMENT_NB[s], marker_color=SENTIMENT_COLOURS[s],
            text=[fmt_pct(share, 0) if share >= 0.06 else ""], textposition="inside", insidetextanchor="middle",
            hovertemplate=f"{SENTIMENT_NB[s]}: {fmt_int(counts[s])} ({fmt_pct(share)})<extra></extra>",
        )
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", showgrid=False)
    fig.update_yaxes(showticklabels=False)
    return _layout(fig, barmode="stack", height=150, title_text=title, margin=dict(l=10, r=10, t=50, b=10))


def _marker(row) -> str:
    if not row["significant"]:
        return ""
    return " ▲" if row["diff"] > 0 else " ▼"


def group_heatmap(cmp: pd.DataFrame, themes: Sequence[tuple[int, str]], groups: Sequence[str],
                  column: str) -> go.Figure:
    """Share of each theme in each group; ▲/▼ marks a group significantly above/below the rest."""
    ids = [t for t, _ in themes]
    labels = {t: lab for t, lab in themes}
    table = {(r[TOPIC_ID], r["group"]): r for r in cmp.to_dict("records")}
    z, text, hover = [], [], []
    for tid in ids:
        zr, tr, hr = [], [], []
        for g in groups:
            r = table.get((tid, g))
            if r is None or not r["n"]:
                zr.append(None)
                tr.append("")
                hr.append("")
                continue
            zr.append(float(r["share"]) * 100)
            tr.append(fmt_pct(r["share"], 0) + _marker(r))
            hr.append(
                f"{plot_escape(labels[tid])}<br>{plot_escape(column)}: {plot_escape(g)}<br>"
                f"Andel: {fmt_pct(r['share'])} (95 % KI {fmt_pct(r['ci_low'])}–{fmt_pct(r['ci_high'])})<br>"
                f"{fmt_int(r['k'])} av {fmt_int(r['n'])} kommentarer<br>"
                f"Forskjell mot resten: {fmt_pp(r['diff'])}, justert p = {fmt_p(r['p_adj'])}"
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    fig = go.Figure(go.Heatmap(
        z=z, x=[plot_escape(g, 28) for g in groups], y=[plot_escape(labels[t], LABEL_LEN) for t in ids],
        text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
        colorscale="Blues", zmin=0, colorbar=dict(title=dict(text="Andel"), ticksuffix=" %"), xgap=2, ygap=2,
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-30 if len(groups) > 6 else 0)
    return _layout(fig, height=max(300, 36 * len(ids) + 160), margin=dict(l=10, r=10, t=90, b=10))


def group_bars(cmp_theme: pd.DataFrame, label: str, column: str) -> go.Figure:
    """One theme's share per group with 95 % intervals and the overall share as a line."""
    d = cmp_theme[cmp_theme["n"] > 0]
    colours = [HIGHER if (s and df > 0) else LOWER if s else SAME for s, df in zip(d["significant"], d["diff"])]
    fig = go.Figure(go.Bar(
        x=[plot_escape(g, 28) for g in d["group"]], y=d["share"] * 100, marker_color=colours,
        error_y=dict(type="data", symmetric=False, array=(d["ci_high"] - d["share"]) * 100,
                     arrayminus=(d["share"] - d["ci_low"]) * 100, color="#555", thickness=1.2),
        customdata=np.stack([[fmt_pct(v) for v in d["share"]], [fmt_pct(v) for v in d["ci_low"]],
                             [fmt_pct(v) for v in d["ci_high"]], [fmt_int(v) for v in d["k"]],
                             [fmt_int(v) for v in d["n"]], [fmt_p(v) for v in d["p_adj"]],
                             [plot_escape(g) for g in d["group"]]], axis=1),
        hovertemplate="%{customdata[6]}<br>Andel: %{customdata[0]} (95 % KI %{customdata[1]}–%{customdata[2]})<br>"
                      "%{customdata[3]} av %{customdata[4]}<br>justert p = %{customdata[5]}<extra></extra>",
        showlegend=False,
    ))
    if len(d):
        overall = float(d["overall_share"].iloc[0]) * 100
        fig.add_hline(y=overall, line_dash="dot", line_color="#333",
                      annotation_text=f"Alle: {fmt_pct(overall / 100)}", annotation_position="top left",
                      annotation_bgcolor="rgba(255,255,255,0.85)")
    fig.update_yaxes(title_text="Andel av kommentarene", ticksuffix=" %", rangemode="tozero")
    fig.update_xaxes(title_text=plot_escape(column), tickangle=-30 if len(d) > 6 else 0)
    return _layout(fig, height=420, title_text=plot_escape(label))


def trend_lines(per_round: pd.DataFrame, themes: Sequence[tuple[int, str]], column: str) -> go.Figure:
    """Each theme's share per round with 95 % intervals."""
    fig = go.Figure()
    for tid, label in themes:
        d = per_round[(per_round[TOPIC_ID] == tid) & (per_round["n"] > 0)]
        fig.add_scatter(
            x=[plot_escape(r) for r in d["round"]], y=d["share"] * 100, mode="lines+markers",
            name=plot_escape(label, LABEL_LEN),
            error_y=dict(type="data", symmetric=False, array=(d["ci_high"] - d["share"]) * 100,
                         arrayminus=(d["share"] - d["ci_low"]) * 100, thickness=1),
            customdata=np.stack([[fmt_pct(v) for v in d["share"]], [fmt_pct(v) for v in d["ci_low"]],
                                 [fmt_pct(v) for v in d["ci_high"]], [fmt_int(v) for v in d["k"]],
                                 [fmt_int(v) for v in d["n"]]], axis=1) if len(d) else None,
            hovertemplate=plot_escape(label) + "<br>%{x}: %{customdata[0]} (95 % KI %{customdata[1]}–"
                          "%{customdata[2]})<br>%{customdata[3]} av %{customdata[4]}<extra></extra>",
        )
    fig.update_yaxes(title_text="Andel av kommentarene", ticksuffix=" %", rangemode="tozero")
    fig.update_xaxes(title_text=plot_escape(column), type="category")
    return _layout(fig, height=460, legend=dict(orientation="v", x=1.02, y=1, title_text=""),
                   margin=dict(l=10, r=10, t=30, b=10))


def _signed(x: float, decimals: int = 2) -> str:
    text = f"{abs(x):.{decimals}f}".replace(".", ",")
    return ("−" if x < 0 and text.strip("0,") else "+" if x > 0 and text.strip("0,") else "") + text


def drivers_chart(table: pd.DataFrame) -> go.Figure:
    """Themes ranked by impact on the rating (largest first, on top), with 95 % intervals.

    Significant themes are coloured (blue: lifts the mean, orange: pulls it down) and marked
    with *; the others are grey. Themes without an impact (too few respondents) are left out.
    """
    d = table[table["impact"].notna()]
    label = [plot_escape(f"{lab}{' *' if s else ''}", LABEL_LEN) for lab, s in zip(d["label"], d["significant"])]
    colours = [(HIGHER if i > 0 else LOWER) if s else SAME for i, s in zip(d["impact"], d["significant"])]
    low = (d["impact"] - d["impact_low"]).fillna(0)
    high = (d["impact_high"] - d["impact"]).fillna(0)
    fig = go.Figure(go.Bar(
        y=label, x=d["impact"], orientation="h", marker_color=colours, showlegend=False,
        error_x=dict(type="data", symmetric=False, array=high, arrayminus=low, color="#555", thickness=1.2),
        customdata=np.stack([
            [plot_escape(v) for v in d["label"]], [_signed(v, 3) for v in d["impact"]],
            [_signed(v, 3) for v in d["impact_low"]], [_signed(v, 3) for v in d["impact_high"]],
            [fmt_int(v) for v in d["n"]], [f"{v:.2f}".replace(".", ",") for v in d["mean_with"]],
            [f"{v:.2f}".replace(".", ",") for v in d["mean_without"]], [fmt_p(v) for v in d["p_adjusted"]],
        ], axis=1) if len(d) else None,
        hovertemplate="%{customdata[0]}<br>Effekt: %{customdata[1]} (95 % KI %{customdata[2]} til "
                      "%{customdata[3]})<br>%{customdata[4]} respondenter nevner temaet<br>Snitt med temaet: "
                      "%{customdata[5]}, uten: %{customdata[6]}<br>justert p = %{customdata[7]}<extra></extra>",
    ))
    fig.add_vline(x=0, line_color="#333", line_width=1)
    fig.update_yaxes(autorange="reversed", title_text="")
    fig.update_xaxes(title_text="Effekt på snittet (poeng på skalaen)", zeroline=False)
    return _layout(fig, height=max(260, 30 * len(d) + 110), margin=dict(l=10, r=20, t=20, b=10))



def warm_up() -> None:
    """Build one small figure of each kind: Plotly loads its validators lazily (~0.5 s the first
    time), and a server should pay that at start, not on an analyst's first click."""
    go.Figure(go.Bar(x=[1], y=["a"], orientation="h", error_y=dict(array=[0.1])))
    go.Figure(go.Heatmap(z=[[1]], x=["a"], y=["b"], text=[["x"]], texttemplate="%{text}", colorbar=dict(title="x")))
    fig = go.Figure(go.Scatter(x=["a"], y=[1], mode="lines+markers", error_y=dict(array=[0.1])))
    fig.add_hline(y=1, annotation_text="x")
    fig.add_vline(x=0)
    _layout(fig, title_text="x")
