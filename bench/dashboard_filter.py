"""Benchmark: server time of the dashboards' data calls behind a filter change, on gold tables
built from ~10M messages.

Running 10M messages through the whole pipeline (parse, redact, NER) would take hours here
(bench/results/demo_pipeline.json: ~1.5k messages/s), so this script synthesises the *silver
events* gold is built from (message and call metadata: who, whom, when, direction; no text) month
by month and aggregates them with the pipeline's own gold code (pipelines.analytics:
contact_frequency, contact_timing, call_volume_daily, misconduct_trend_weekly). Flagged messages
(gold.message_scores, ~1 % of messages) and their alerts are synthesised directly with short
redacted-looking texts. Tables are written partitioned by event_date, as the assets write them.

Then, for each page, it times the data-module calls a filter change triggers (team or dates),
with Streamlit's data cache cleared first ("cold": every table read from Delta) and again with the
cache warm. Target: a filter change answers in <= 300 ms server time.

Usage: .venv/bin/python bench/dashboard_filter.py [--messages 10000000] [--rebuild]
Writes bench/results/dashboard_filter.json; the lakehouse stays in bench/data/dashboard_filter/
(git-ignored) for reruns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines import lake  # noqa: E402
from pipelines.analytics.calendar import load_calendar  # noqa: E402
from pipelines.analytics.call_volume import call_volume_daily  # noqa: E402
from pipelines.analytics.contact_frequency import contact_frequency  # noqa: E402
from pipelines.analytics.contact_timing import contact_timing  # noqa: E402
from pipelines.analytics.misconduct_trend import misconduct_trend_weekly  # noqa: E402
from pipelines.detection.alerts import ALERTS_SCHEMA  # noqa: E402
from pipelines.detection.message_scores import MESSAGE_SCORES_SCHEMA  # noqa: E402

RESULTS = REPO / "bench" / "results"
DATA = REPO / "bench" / "data" / "dashboard_filter"
TIMEZONE = "America/Sao_Paulo"
TEAMS = ["Trabalhista", "Família", "Cível", "Previdenciário", "Criminal", "Tributário"]
CATEGORIES = ["bribery", "off_channel", "harassment", "insider_info", "confidentiality_breach"]
END = date(2026, 10, 31)
DAYS = 365
EMPLOYEES = 400
CLIENTS_PER_EMPLOYEE = 60
FLAG_RATE = 0.012
CALLS_PER_MESSAGE = 0.1
RUNS = 5


def tokens(prefix: int, count: int) -> pl.Series:
    """P- + 12 hex digits for the numbers 0..count-1 (look them up with ``gather``)."""
    return pl.Series([f"P-{prefix:02x}{n:010x}" for n in range(count)], dtype=pl.Utf8)


EMPLOYEE_TOKENS = tokens(1, EMPLOYEES)
CLIENT_TOKENS = tokens(2, EMPLOYEES * CLIENTS_PER_EMPLOYEE)


def hex_id(prefix: str, *columns: str) -> pl.Expr:
    """A stable id like the pipeline's (prefix + 16 hex) from a hash of some columns."""
    digest = pl.concat_str([pl.col(c).cast(pl.Utf8) for c in columns]).hash(seed=7)
    return pl.format(prefix + "{}", (digest % (16**15)).cast(pl.Utf8).str.zfill(16))


def people(rng: np.random.Generator) -> tuple[pl.DataFrame, np.ndarray]:
    """Employees (token, team, activity weight) and each one's client numbers."""
    numbers = np.arange(EMPLOYEES)
    employees = pl.DataFrame({
        "employee": numbers,
        "employee_token": EMPLOYEE_TOKENS,
        "team": [TEAMS[i % len(TEAMS)] for i in numbers],
    })
    weights = rng.pareto(2.0, EMPLOYEES) + 0.2
    return employees, weights / weights.sum()


def events(rng, day_first: date, days: int, count: int, employees, weights, channel: str):
    """``count`` synthetic silver rows over ``days`` days: employee, counterpart, time."""
    employee = rng.choice(EMPLOYEES, size=count, p=weights)
    client = employee * CLIENTS_PER_EMPLOYEE + rng.zipf(1.6, count) % CLIENTS_PER_EMPLOYEE
    day = rng.integers(0, days, count)
    # local hours: mostly business hours, some evenings and early mornings
    hour = np.clip(rng.normal(13.5, 3.6, count), 0, 23.99)
    seconds = (hour * 3600).astype(np.int64) + rng.integers(0, 60, count)
    local_midnight = np.datetime64(day_first) + day.astype("timedelta64[D]")
    utc = local_midnight.astype("datetime64[s]") + seconds.astype("timedelta64[s]") \
        + np.timedelta64(3, "h")
    frame = pl.DataFrame({
        "employee": employee,
        "counterpart_token": CLIENT_TOKENS.gather(client),
        "at": pl.Series(utc.astype("datetime64[us]")).dt.replace_time_zone("UTC"),
        "direction": np.where(rng.random(count) < 0.5, "outbound", "inbound"),
    }).join(employees, on="employee").drop("employee")
    frame = frame.with_columns(
        event_date=pl.col("at").dt.convert_time_zone(TIMEZONE).dt.date(), kind=pl.lit("message"))
    if channel == "message":
        return frame.rename({"at": "sent_at"})
    answered = rng.random(count) < 0.78
    return frame.rename({"at": "started_at"}).with_columns(
        call_id=pl.int_range(pl.len()).cast(pl.Utf8),
        answered=pl.Series(answered),
        billsec_s=pl.Series(np.where(answered, rng.gamma(2.0, 90.0, count), 0).astype(np.int64)),
    )


def flagged(rng, messages: pl.DataFrame) -> pl.DataFrame:
    """~FLAG_RATE of the messages as gold.message_scores rows (synthetic redacted text)."""
    picked = messages.sample(fraction=FLAG_RATE, seed=int(rng.integers(1 << 30)))
    category = rng.integers(0, len(CATEGORIES), picked.height)
    score = np.round(rng.uniform(0.3, 1.0, picked.height), 2)
    rows = picked.with_columns(
        hex_id("M-", "sent_at", "employee_token", "counterpart_token").alias("message_id"),
        hex_id("C-", "employee_token", "counterpart_token").alias("chat_id"),
        pl.col("employee_token").alias("sender_token"),
        pl.Series("score", score),
        pl.Series("severity", np.where(score >= 0.7, "high",
                                       np.where(score >= 0.4, "medium", "low"))),
        pl.Series("categories", [[CATEGORIES[c]] for c in category]),
        pl.Series("rule_ids", [[f"{CATEGORIES[c]}.pt-BR.{c}"] for c in category]),
        pl.format("Combinamos o valor por fora com [PESSOA {}] amanhã.",
                  pl.col("counterpart_token")).alias("text_redacted"),
    )
    return rows.select(
        pl.col(name).cast(dtype) if name in rows.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in MESSAGE_SCORES_SCHEMA.items()
    )


def alerts_of(scores: pl.DataFrame) -> pl.DataFrame:
    """One alert per chat x category, as gold.alerts keeps them."""
    grouped = (
        scores.explode("categories")
        .group_by("chat_id", "categories")
        .agg(
            pl.col("event_date").min(), pl.col("event_date").max().alias("last_event_date"),
            pl.col("event_date").n_unique().alias("days"), pl.col("score").max(),
            pl.col("severity").max(), pl.col("team").first(), pl.col("employee_token").first(),
            pl.col("counterpart_token").first(), pl.col("sent_at").min().alias("first_seen"),
            pl.col("sent_at").max().alias("last_seen"), pl.col("message_id").alias("message_ids"),
            pl.col("rule_ids").list.explode(keep_nulls=False, empty_as_null=False).unique()
            .alias("rule_ids"),
            pl.col("text_redacted").first().str.slice(0, 60).alias("snippet"),
        )
        .rename({"categories": "category"})
    )
    return grouped.with_columns(
        hex_id("A-", "chat_id", "category").alias("alert_id"),
        pl.lit("open").alias("status"), pl.lit([], pl.List(pl.Utf8)).alias("signal_ids"),
        pl.format("{} flagged messages", pl.col("message_ids").list.len()).alias("reason"),
    ).select(list(ALERTS_SCHEMA)).cast(ALERTS_SCHEMA)


def build(base: str, messages_total: int) -> dict:
    """Write the gold tables month by month; returns row counts and build seconds."""
    rng = np.random.default_rng(7)
    employees, weights = people(rng)
    calendar = load_calendar()
    first_day = END - timedelta(days=DAYS - 1)
    started, counts = time.perf_counter(), {"messages": 0, "calls": 0}
    scores_all = []
    day = first_day
    while day <= END:
        days = min(31, (END - day).days + 1)
        share = days / DAYS
        messages = events(rng, day, days, int(messages_total * share), employees, weights,
                          "message")
        calls = events(rng, day, days, int(messages_total * CALLS_PER_MESSAGE * share),
                       employees, weights, "call")
        counts["messages"] += messages.height
        counts["calls"] += calls.height
        partitions = {"partition_by": ["event_date"], "base": base}
        lake.append(contact_frequency(messages.lazy(), calls.lazy()),
                    "gold.contact_frequency_daily", **partitions)
        lake.append(contact_timing(messages.lazy(), calls.lazy(), TIMEZONE, calendar),
                    "gold.contact_timing", **partitions)
        lake.append(call_volume_daily(calls.lazy()), "gold.call_volume_daily", **partitions)
        scores = flagged(rng, messages)
        lake.append(scores, "gold.message_scores", **partitions)
        scores_all.append(scores.drop("text_redacted"))
        day += timedelta(days=days)
    scores = pl.concat(scores_all)
    alerts = alerts_of(scores.with_columns(text_redacted=pl.lit("[PESSOA] valor por fora")))
    lake.overwrite(alerts, "gold.alerts", base=base)
    weeks = pl.date_range(first_day - timedelta(days=first_day.weekday()), END, "1w",
                          eager=True).to_list()
    trend = misconduct_trend_weekly(
        scores.lazy(), alerts.lazy(), None, weeks=weeks, teams=TEAMS, categories=CATEGORIES,
        timezone=TIMEZONE)
    lake.overwrite(trend, "gold.misconduct_trend_weekly", base=base)
    rows = {name: lake.scan_table(name, base).select(pl.len()).collect().item()
            for name in TABLES}
    return {"input": counts, "rows": rows, "build_seconds": round(time.perf_counter() - started)}


TABLES = ("gold.contact_frequency_daily", "gold.contact_timing", "gold.message_scores",
          "gold.call_volume_daily", "gold.misconduct_trend_weekly", "gold.alerts")


def page_calls(viewer, selection) -> dict:
    """What each page asks the data module for after a filter change (pages' own order)."""
    from dashboards import alert_queue, data, records

    return {
        "overview": lambda: (data.overview_kpis(viewer, selection),
                             data.daily_trend(viewer, selection),
                             records.latest_flagged(viewer, selection)),
        "contact_frequency": lambda: (data.top_pairs(viewer, selection, None),
                                      data.contact_network(viewer, selection),
                                      data.employees(viewer, selection),
                                      data.channel_summary(viewer, selection)),
        "contact_timing": lambda: (data.hour_weekday(viewer, selection),
                                   data.after_hours_by_team(viewer, selection),
                                   data.after_hours_trend(viewer, selection)),
        "misconduct_trends": lambda: (data.misconduct_trend(viewer, selection),
                                      data.trend_by_week(viewer, selection),
                                      data.trend_by_team(viewer, selection),
                                      data.rules_fired(viewer, selection)),
        "calls": lambda: (data.call_kpis(viewer, selection), data.calls_per_day(viewer, selection),
                          data.calls_by_agent(viewer, selection)),
        "flagged_messages": lambda: (records.flagged_categories(viewer, selection),
                                     records.flagged(viewer, selection, [], ["high"])),
        "alerts": lambda: alert_queue.alerts(viewer, selection, ["open"], []),
    }


def timed(call, clear) -> float:
    clear()
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(base: str) -> dict:
    import streamlit as st

    from dashboards.data import Filters
    from dashboards.roles import Viewer
    from pipelines.governance.access_policy import PERMISSIONS

    os.environ["LAKEHOUSE_URI"] = base
    os.environ["VIGIA_TIMEZONE"] = TIMEZONE
    compliance = Viewer("bench", "compliance", frozenset(PERMISSIONS), (), "bench")
    manager = Viewer("bench-manager", "manager",
                     frozenset({"view_aggregates", "view_messages", "view_alerts"}),
                     ("Cível",), "bench")
    scenarios = {
        "28 days, all teams (compliance)": (compliance, Filters((), END - timedelta(27), END)),
        "28 days, one team (compliance)": (compliance, Filters(("Família",), END - timedelta(27),
                                                               END)),
        "28 days, own team (manager)": (manager, Filters((), END - timedelta(27), END)),
        "90 days, all teams (compliance)": (compliance, Filters((), END - timedelta(89), END)),
    }
    results = {}

    def clear() -> None:  # every Streamlit cache the data module uses
        st.cache_data.clear()
        st.cache_resource.clear()

    for name, (viewer, selection) in scenarios.items():
        per_page = {}
        for page, call in page_calls(viewer, selection).items():
            timed(call, clear)  # warm the OS file cache and polars, not Streamlit's
            cold = [timed(call, clear) for _ in range(RUNS)]
            warm = [timed(call, lambda: None) for _ in range(RUNS)]
            per_page[page] = {"cold_ms_median": round(statistics.median(cold)),
                              "cold_ms_min": round(min(cold)),
                              "cold_ms_max": round(max(cold)),
                              "warm_ms_median": round(statistics.median(warm), 1)}
        results[name] = per_page
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the gold tables")
    args = parser.parse_args()
    base = str(DATA / f"m{args.messages}")
    built = None
    marker = Path(base) / "built.json"
    if args.rebuild or not marker.exists():
        shutil.rmtree(base, ignore_errors=True)
        built = build(base, args.messages)
        marker.write_text(json.dumps(built))
    built = built or json.loads(marker.read_text())
    load_at_start = [round(x, 1) for x in os.getloadavg()]
    timings = measure(base)
    worst = {name: max(page["cold_ms_median"] for page in pages.values())
             for name, pages in timings.items()}
    default = [name for name in worst if name.startswith("28 days")]  # the pages' default range
    result = {
        "benchmark": "dashboard_filter",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "input": built["input"],
        "gold_rows": built["rows"],
        "build_seconds": built["build_seconds"],
        "how": "synthetic silver events aggregated by pipelines.analytics; flagged messages and "
               "alerts synthesised; times = the data-module calls of one page after a filter "
               f"change, median of {RUNS}, Streamlit cache cleared (cold) or not (warm)",
        "pages": timings,
        "worst_page_cold_median_ms": worst,
        "target_ms": 300,
        "meets_target_default_28_days": all(worst[name] <= 300 for name in default),
        "meets_target_all_scenarios": all(ms <= 300 for ms in worst.values()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dashboard_filter.json").write_text(json.dumps(result, indent=2,
                                                              ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
