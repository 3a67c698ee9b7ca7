from datetime import UTC, datetime

from pipelines import lake
from pipelines.governance.access_log import (
    ACCESS_LOG_SCHEMA,
    ACCESS_LOG_TABLE,
    AccessEvent,
    append_events,
    read_access_log,
)


def test_empty_log_has_the_schema(tmp_path):
    log = read_access_log(str(tmp_path))
    assert log.is_empty() and dict(log.schema) == ACCESS_LOG_SCHEMA


def test_events_are_appended_in_order_with_defaults(tmp_path):
    base = str(tmp_path)
    first = AccessEvent(user="carla", role="compliance", action="reidentify", outcome="granted")
    later = AccessEvent(
        user="maria",
        role="manager",
        action="page_view",
        outcome="granted",
        page="Contact frequency",
        what="gold.contact_frequency_daily team=tributario",
        host="10.0.0.7",
        client="Mozilla/5.0",
        at=datetime(2099, 1, 1, tzinfo=UTC),
    )
    assert append_events([later], base) == 1
    assert append_events([first], base) == 1
    log = read_access_log(base)
    assert log["user"].to_list() == ["carla", "maria"]  # sorted by time
    assert dict(log.schema) == ACCESS_LOG_SCHEMA
    row = log.row(0, named=True)
    assert row["host"] and row["client"].startswith("vigia-cli")
    assert len(row["event_id"]) == 32 and row["at"].tzinfo is not None
    assert log.row(1, named=True)["page"] == "Contact frequency"
    assert lake.delta_table(ACCESS_LOG_TABLE, base).version() == 1  # two appends, no rewrite
