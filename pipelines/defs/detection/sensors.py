"""Sensor: tell the team's manager of each new alert at or above the notify severity.

gold.alerts is rederived on every pipeline run (a new Delta version each time). The cursor is
the version last notified and the last alert sent from it: on a new version, the alerts at or
above ``notify.min_severity`` (config/detection.yaml) that the cursor's version did not hold at
that severity are sent, in first_seen order, once each. Comparing versions rather than dates
keeps alerts that a late export opens on an old date from being missed. If the cursor's version
was vacuumed, the sensor cannot tell what was sent: it moves on without resending and logs it.
The first tick (no cursor) notifies every alert already at or above the notify severity.
A channel that fails is logged (channel and alert id) and the notification is written to
``<outbox>/undelivered/`` instead, so that none is lost; it is not retried.
"""

from __future__ import annotations

import json

import dagster as dg

from pipelines import lake
from pipelines.defs.resources import FirmResource, LakehouseResource, NotifierResource
from pipelines.detection.config import load_detection_config
from pipelines.notify.channels import deliver
from pipelines.notify.payload import build_payload
from pipelines.notify.pending import new_alerts
from pipelines.notify.recipients import Managers
from pipelines.privacy.keys import load_key
from pipelines.privacy.pseudonyms import Pseudonymizer

ALERTS = "gold.alerts"


def _cursor(raw: str | None) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        value = {}
    return value if isinstance(value, dict) else {}


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def alert_notifications(
    context: dg.SensorEvaluationContext,
    lakehouse: LakehouseResource,
    firm: FirmResource,
    notifier: NotifierResource,
):
    """Notifies the employee's manager of each new alert at or above the notify severity:
    outbox file, webhook and/or e-mail, with pseudonyms, reason and redacted snippet only."""
    if not lakehouse.exists(ALERTS):
        return dg.SkipReason(f"{ALERTS} does not exist yet")
    cursor = _cursor(context.cursor)
    version = lake.delta_table(ALERTS, lakehouse.uri).version()
    if cursor.get("version") == version:
        return dg.SkipReason(f"{ALERTS} unchanged (version {version})")
    previous = None
    if cursor.get("version") is not None:
        previous = lake.read_version(ALERTS, int(cursor["version"]), lakehouse.uri)
        if previous is None:
            context.log.warning(
                f"{ALERTS} version {cursor['version']} is no longer readable (vacuumed?): "
                f"alerts of version {version} are taken as already notified"
            )
            return dg.SensorResult(cursor=json.dumps({"version": version, "last": None}))
    config = load_detection_config()
    pending = new_alerts(lakehouse.read(ALERTS), previous, config.notify.min_severity)
    channels = notifier.build()
    directory = firm.directory()  # tokens only: no need for the NER model of firm.privacy()
    pseudonymizer = Pseudonymizer(load_key(), directory.aliases())
    managers = Managers(directory, pseudonymizer.token, config.notify.managers)
    failures, last = 0, cursor.get("last")
    for alert in pending.iter_rows(named=True):
        recipient = managers.recipient(alert["employee_token"], alert["team"])
        payload = build_payload(alert, recipient)
        errors = deliver(channels, payload, recipient)
        for error in errors:
            context.log.error(error)
        if errors:  # kept, so that nothing is lost: resend from <outbox>/undelivered/
            failures += len(errors)
            notifier.fallback().send(payload, recipient)
        last = alert["alert_id"]
    context.log.info(
        f"{ALERTS} v{version}: {pending.height} new alerts notified on "
        f"{', '.join(c.name for c in channels)}; {failures} channel failures"
    )
    return dg.SensorResult(
        cursor=json.dumps({"version": version, "last": last}),
        skip_reason=None if pending.height else f"no new alerts in {ALERTS} v{version}",
    )
