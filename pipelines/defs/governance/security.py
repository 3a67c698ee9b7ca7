"""gold.security_alerts from audit.access_log, and the sensor that notifies new ones.

The sensor works like the misconduct alert sensor (``pipelines/defs/detection/sensors.py``) and
shares its channels (the ``notifier`` resource: outbox, webhook, e-mail): the cursor is the table
version last notified; on a new version, the alerts at or above ``notify.min_severity`` of
config/security_rules.yaml that the cursor's version did not hold are sent, once each. A channel
that fails is logged and the notification kept in ``<outbox>/undelivered/``.
"""

import json

import dagster as dg
import polars as pl

from pipelines import lake
from pipelines.analytics.calendar import load_calendar
from pipelines.conform.participants import PARTICIPANTS_SCHEMA
from pipelines.defs.conformed.assets import silver_participants
from pipelines.defs.detection.sensors import NotifierResource
from pipelines.defs.partitions import daily_table
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance.access_log import read_access_log
from pipelines.governance.access_policy import AccessConfigError, AccessPolicy, load_policy
from pipelines.governance.security_alerts import (
    new_security_alerts,
    security_alerts,
    security_payload,
    security_recipient,
)
from pipelines.governance.security_rules import load_security_rules
from pipelines.notify.channels import deliver

SECURITY_ALERTS = "gold.security_alerts"


@daily_table("gold", "security_alerts", [silver_participants])
def gold_security_alerts(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Unusual access to personal data (config/security_rules.yaml over the whole access log):
    many re-identifications, access outside working hours, bulk exports, teams outside the
    user's role, repeated failed logins; rule, user, window, count and reason."""
    config = load_security_rules()
    log = read_access_log(lakehouse.uri)
    employees = (
        lakehouse.scan_or_empty("silver.participants", PARTICIPANTS_SCHEMA)
        .filter((pl.col("role") == "employee") & pl.col("team").is_not_null())
        .select("token", "team")
        .collect()
    )
    alerts = security_alerts(
        log,
        config,
        timezone=firm.timezone,
        calendar=load_calendar(),
        policy=_policy(context),
        employee_teams=dict(employees.iter_rows()),
    )
    written = lakehouse.overwrite(alerts, SECURITY_ALERTS)
    by_rule = alerts.group_by("rule_id").len().sort("rule_id")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "access_log_rows": log.height,
            "rules": len(config.rules),
            "by_rule": dg.MetadataValue.json(dict(by_rule.iter_rows())),
        }
    )


def _policy(context: dg.AssetExecutionContext) -> AccessPolicy | None:
    try:
        return load_policy()
    except AccessConfigError as exc:
        context.log.warning(f"{exc}; the team rule is skipped and logins are not checked")
        return None


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def security_alert_notifications(
    context: dg.SensorEvaluationContext,
    lakehouse: LakehouseResource,
    notifier: NotifierResource,
):
    """Notifies the security contact (notify.address of config/security_rules.yaml) of each
    new security alert at or above the notify severity: ids, rule, role, window and reason."""
    if not lakehouse.exists(SECURITY_ALERTS):
        return dg.SkipReason(f"{SECURITY_ALERTS} does not exist yet")
    try:
        cursor = json.loads(context.cursor) if context.cursor else {}
    except json.JSONDecodeError:
        cursor = {}
    version = lake.delta_table(SECURITY_ALERTS, lakehouse.uri).version()
    if cursor.get("version") == version:
        return dg.SkipReason(f"{SECURITY_ALERTS} unchanged (version {version})")
    previous = None
    if cursor.get("version") is not None:
        previous = lake.read_version(SECURITY_ALERTS, int(cursor["version"]), lakehouse.uri)
        if previous is None:
            context.log.warning(
                f"{SECURITY_ALERTS} version {cursor['version']} is no longer readable: alerts "
                f"of version {version} are taken as already notified"
            )
            return dg.SensorResult(cursor=json.dumps({"version": version}))
    config = load_security_rules()
    pending = new_security_alerts(lakehouse.read(SECURITY_ALERTS), previous, config)
    channels, recipient = notifier.build(), security_recipient(config)
    failures = 0
    for alert in pending.iter_rows(named=True):
        payload = security_payload(alert, recipient)
        errors = deliver(channels, payload, recipient)
        for error in errors:
            context.log.error(error)
        if errors:
            failures += len(errors)
            notifier.fallback().send(payload, recipient)
    context.log.info(
        f"{SECURITY_ALERTS} v{version}: {pending.height} new security alerts notified on "
        f"{', '.join(c.name for c in channels)}; {failures} channel failures"
    )
    return dg.SensorResult(
        cursor=json.dumps({"version": version}),
        skip_reason=None if pending.height else f"no new alerts in {SECURITY_ALERTS} v{version}",
    )
