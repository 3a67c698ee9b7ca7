"""Scheduled reports built from the gold tables: HTML pages with Altair charts, plus CSV files.

Report builders take polars frames and return a :class:`~pipelines.reports.page.Report`;
:mod:`pipelines.reports.storage` writes it under ``reports/<kind>/<date>/`` (local folder or the
lakehouse's S3 prefix). Only pseudonyms, aggregates and redacted snippets go into a report.
"""
