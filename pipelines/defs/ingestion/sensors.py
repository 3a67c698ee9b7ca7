"""Sensor: request the ingest job when files appear in (or change under) the landing folder."""

import dagster as dg

from pipelines.defs.resources import FirmResource
from pipelines.defs.schedules import ingest_job
from pipelines.ingest.landing import landing_fingerprint


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_files(context: dg.SensorEvaluationContext, firm: FirmResource):
    """Fingerprints every landing source file (path, size, mtime; no content is read). The cursor
    is that fingerprint: a new, replaced or touched file changes it and requests one ingest run
    (run key = fingerprint, so the same state never runs twice). Files already ingested are
    skipped by the ingest itself (keyed by sha256)."""
    fingerprint, count = landing_fingerprint(firm.landing)
    if count == 0:
        return dg.SkipReason(f"no source files under {firm.landing}")
    if fingerprint == context.cursor:
        return dg.SkipReason(f"{count} landing files, none new or changed")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=fingerprint, tags={"vigia/landing_files": str(count)})],
        cursor=fingerprint,
    )
