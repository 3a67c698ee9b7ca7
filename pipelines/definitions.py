"""The Dagster code location: everything under ``pipelines/defs`` plus project-wide resources."""

from __future__ import annotations

import dagster as dg

import pipelines.defs
from pipelines.defs.resources import default_resources
from pipelines.settings import Settings


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_defs(defs_root=pipelines.defs),
        dg.Definitions(resources=default_resources(settings)),
    )


defs = build_defs()
