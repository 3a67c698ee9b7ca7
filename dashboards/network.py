"""Who talks to whom, laid out for a node-link chart (pure polars, no Streamlit).

Employees sit on an inner ring grouped by team, counterparts on an outer ring, each counterpart
placed near the employees it talks to; an edge per pair, its width the number of contacts.
"""

from __future__ import annotations

import math

import polars as pl

MAX_EDGES = 60
INNER, OUTER = 1.0, 2.0


def _ring(tokens: list[str], radius: float) -> dict[str, tuple[float, float, float]]:
    """token -> (x, y, angle) evenly around a circle, in the given order."""
    step = 2 * math.pi / max(len(tokens), 1)
    return {
        token: (radius * math.cos(i * step), radius * math.sin(i * step), i * step)
        for i, token in enumerate(tokens)
    }


def layout(pairs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(nodes, edges) from ranked pairs (team, employee_token, counterpart_token, contacts).

    nodes: token, kind (employee | counterpart), team, contacts, x, y.
    edges: employee_token, counterpart_token, team, contacts, x, y, x2, y2.
    """
    node_schema = {"token": pl.Utf8, "kind": pl.Utf8, "team": pl.Utf8, "contacts": pl.Int64,
                   "x": pl.Float64, "y": pl.Float64}
    edge_schema = {"employee_token": pl.Utf8, "counterpart_token": pl.Utf8, "team": pl.Utf8,
                   "contacts": pl.Int64, "x": pl.Float64, "y": pl.Float64, "x2": pl.Float64,
                   "y2": pl.Float64}
    if pairs.is_empty():
        return pl.DataFrame(schema=node_schema), pl.DataFrame(schema=edge_schema)
    employees = (
        pairs.group_by("employee_token")
        .agg(pl.col("team").first(), pl.col("contacts").sum())
        .sort(["team", "employee_token"], nulls_last=True)
    )
    inner = _ring(employees["employee_token"].to_list(), INNER)
    # a counterpart's angle: the contact-weighted mean direction of the employees it talks to
    angles: dict[str, list[float]] = {}
    for row in pairs.iter_rows(named=True):
        _, _, angle = inner[row["employee_token"]]
        sums = angles.setdefault(row["counterpart_token"], [0.0, 0.0, 0.0])
        sums[0] += row["contacts"] * math.cos(angle)
        sums[1] += row["contacts"] * math.sin(angle)
        sums[2] += row["contacts"]
    order = sorted(angles, key=lambda t: (math.atan2(angles[t][1], angles[t][0]) % (2 * math.pi),
                                          t))
    outer = _ring(order, OUTER)
    nodes = [
        (token, "employee", team, contacts, *inner[token][:2])
        for token, team, contacts in employees.iter_rows()
    ] + [
        (token, "counterpart", None, int(angles[token][2]), *outer[token][:2]) for token in order
    ]
    edges = [
        (row["employee_token"], row["counterpart_token"], row["team"], row["contacts"],
         *inner[row["employee_token"]][:2], *outer[row["counterpart_token"]][:2])
        for row in pairs.iter_rows(named=True)
    ]
    return (
        pl.DataFrame(nodes, schema=node_schema, orient="row"),
        pl.DataFrame(edges, schema=edge_schema, orient="row"),
    )
