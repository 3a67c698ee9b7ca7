"""Governance reference data from <landing>/reference: the consent ledger and the do-not-call
list, pseudonymised, with the rows that could not be used."""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance.consents import load_consents
from pipelines.governance.dnc import load_dnc
from pipelines.governance.reference_files import LedgerLoad, rejects_frame

CONSENTS = dg.AssetKey(["silver", "consents"])
DNC_REGISTRY = dg.AssetKey(["silver", "dnc_registry"])
REFERENCE_REJECTS = dg.AssetKey(["silver", "reference_rejects"])


def _file_counts(load: LedgerLoad) -> dict:
    return {
        "files": dg.MetadataValue.json(load.files),
        "rows_in_files": sum(c["rows"] for c in load.files.values()),
        "rejected": len(load.rejects),
        "checked": load.checked,
    }


@dg.multi_asset(
    group_name="silver",
    specs=[
        dg.AssetSpec(
            CONSENTS,
            description="Consents and monitoring notices per person (token) and channel "
            "(whatsapp, call, recording): given, refused or withdrawn, when (UTC) and from where.",
            kinds={"delta", "polars"},
        ),
        dg.AssetSpec(
            DNC_REGISTRY,
            description="The do-not-call list (Não Me Perturbe, Bloctel style): number tokens "
            "with their registration date; never a number in clear.",
            kinds={"delta", "polars"},
        ),
        dg.AssetSpec(
            REFERENCE_REJECTS,
            description="Rows of the consent and do-not-call files that could not be used: "
            "file, line, field and rule (never the value); loaded + rejected = rows in the file.",
            kinds={"delta", "polars"},
        ),
    ],
)
def governance_reference(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
):
    """Reload reference/consents*.csv and reference/do_not_call*.csv whole on every run."""
    folder = firm.landing / "reference"
    pseudonymizer = firm.pseudonymizer()
    consents = load_consents(folder, pseudonymizer, firm.timezone, firm.default_region)
    dnc = load_dnc(folder, pseudonymizer, firm.default_region)
    for name, load in (("consents", consents), ("do-not-call", dnc)):
        if not load.checked:
            context.log.warning(f"no {name} file under {folder.name}/: nothing to check against")
        for rejected in load.rejects:
            context.log.warning(rejected.reason)
    rejects = rejects_frame(consents.rejects + dnc.rejects, datetime.now(UTC))
    written = {
        CONSENTS: lakehouse.overwrite(consents.frame, "silver.consents"),
        DNC_REGISTRY: lakehouse.overwrite(dnc.frame, "silver.dnc_registry"),
        REFERENCE_REJECTS: lakehouse.overwrite(rejects, "silver.reference_rejects"),
    }
    yield dg.MaterializeResult(
        asset_key=CONSENTS,
        metadata={
            "dagster/row_count": written[CONSENTS],
            **_file_counts(consents),
            "by_status": dg.MetadataValue.json(_counts(consents.frame, "channel", "status")),
        },
    )
    yield dg.MaterializeResult(
        asset_key=DNC_REGISTRY,
        metadata={
            "dagster/row_count": written[DNC_REGISTRY],
            **_file_counts(dnc),
            "numbers": dnc.frame.get_column("number_token").n_unique(),
        },
    )
    yield dg.MaterializeResult(
        asset_key=REFERENCE_REJECTS,
        metadata={"dagster/row_count": written[REFERENCE_REJECTS]},
    )


def _counts(frame: pl.DataFrame, *columns: str) -> dict[str, int]:
    grouped = frame.group_by(columns).len().sort(columns)
    return {"/".join(row[:-1]): row[-1] for row in grouped.iter_rows()}
