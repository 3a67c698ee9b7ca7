"""Misconduct trends: flags, alerts and review outcomes per category, team and week, with the
rules that fired."""

import streamlit as st

from dashboards import auth, charts, data, filters, widgets

viewer = auth.guard("view_aggregates")
st.title("Misconduct trends")
if missing := data.missing_tables((data.TREND,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
scope = selection.describe()
trend = data.misconduct_trend(viewer, selection)
if trend.is_empty():
    st.info("No flagged messages or alerts in the weeks of these dates.")
    st.stop()

st.subheader("Flagged messages per week and category")
weekly = data.trend_by_week(viewer, selection)
st.altair_chart(charts.weekly_category_lines(weekly), width="stretch")
widgets.download(viewer, weekly, key="trend_weekly_csv", file_name="misconduct_by_week.csv",
                 source=data.TREND, filters=scope)

st.subheader("By team and category")
by_team = data.trend_by_team(viewer, selection)
left, right = st.columns(2)
with left:
    widgets.table(
        viewer, by_team, key="trend_team_csv", file_name="misconduct_by_team.csv",
        source=data.TREND, filters=scope,
        column_config={"false_positive_share": st.column_config.NumberColumn(
            "false positives (of reviewed)", format="percent")},
    )
with right:
    st.altair_chart(charts.team_category_heatmap(by_team), width="stretch")

st.subheader("Rules that fired")
rules = data.rules_fired(viewer, selection)
left, right = st.columns(2)
with left:
    widgets.table(viewer, rules, key="trend_rules_csv", file_name="rules_fired.csv",
                  source=data.SCORES, filters=scope)
with right:
    st.altair_chart(charts.count_bars(rules.head(15), "rule_id", "messages", "Flagged messages"),
                    width="stretch")

st.subheader("Weekly rows")
st.caption("Top rules per category, team and week; confirmed and false positives come from "
           "the review queue.")
widgets.table(viewer, trend, key="trend_rows_csv", file_name="misconduct_trend_weekly.csv",
              source=data.TREND, filters=scope)
