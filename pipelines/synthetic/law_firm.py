"""Synthetic demo data for a fictional Brazilian law firm (``vigia generate``).

Writes ``<out>/landing/`` (reference CSVs, WhatsApp exports in every layout family, Cloud API
webhook deliveries for employees on a WhatsApp Business number, call records of three phone
systems: Asterisk cdr-csv, Asterisk cdr_custom and FreeSWITCH mod_cdr_csv) and
``<out>/ground_truth/`` (every identifier used, every seeded case with its file and line).
Same arguments -> byte-identical files: every random draw comes from ``Random`` instances
seeded from ``seed`` and a Faker seeded per instance.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random

from faker import Faker

from pipelines.synthetic.calls import CallBook, number_calls
from pipelines.synthetic.cloud_api_writer import CloudRenderer, write_cloud_files
from pipelines.synthetic.conversations import Chat, build_chat, load_phrases, session_count
from pipelines.synthetic.conversations import session_start as draw_start
from pipelines.synthetic.misconduct import employee_risks, plan_cases
from pipelines.synthetic.pbx_files import MAIN, phone_systems, write_call_files
from pipelines.synthetic.people import (
    TEAMS,
    Client,
    Employee,
    Registry,
    make_clients,
    make_employees,
    write_phone,
)
from pipelines.synthetic.reference import ContactRules, make_consents, make_dnc, write_reference
from pipelines.synthetic.slots import World
from pipelines.synthetic.whatsapp_writer import (
    OTHER_LAYOUTS,
    PT_LAYOUTS,
    PT_WEIGHTS,
    ExportRenderer,
    export_file_name,
)

EMOJI = ["🌻", "⚖️", "🙏", "💼", "🌸", "⭐"]
PRIMARY_ROLE_WEIGHTS = {"advogado": 5, "advogado_senior": 4, "socio": 2, "socio_admin": 1}
SUPPORT_ROLES = ("estagiario", "secretaria", "financeiro")
BUSINESS_SHARE = 0.1  # employees whose number is a WhatsApp Business number on the Cloud API


def _layouts(rng: Random, employees: list[Employee]) -> list[str]:
    """Mostly pt-BR phones; a few employees use other phone languages/date settings."""
    layouts = rng.choices(PT_LAYOUTS, PT_WEIGHTS, k=len(employees))
    n_other = min(len(OTHER_LAYOUTS), len(employees) // 3 or 1)  # default size: every layout
    for i, layout in zip(rng.sample(range(len(employees)), n_other), OTHER_LAYOUTS, strict=False):
        layouts[i] = layout
    return layouts


def _contact_name(rng: Random, client: Client, taken: set[str]) -> str:
    r = rng.random()
    first_last = f"{client.first_name} {client.last_name}"
    if r < 0.62:
        name = client.name
    elif r < 0.72:
        name = first_last
    elif r < 0.80:
        name = f"{client.first_name} ({client.team})"
    elif r < 0.86:
        name = (
            f"{'Dona' if client.gender == 'f' else 'Seu'} {client.first_name} {rng.choice(EMOJI)}"
        )
    else:
        name = write_phone(client.phone_e164, "intl")
    if name in taken:
        name = client.name
    taken.add(name)
    return name


def _chats(
    rng: Random, employees: list[Employee], clients: list[Client], layouts: list[str]
) -> tuple[list[Chat], dict[str, list[Employee]]]:
    lawyers = [e for e in employees if e.is_lawyer]
    support = [e for e in employees if e.role_key in SUPPORT_ROLES] or lawyers
    layout_of = {e.employee_id: layout for e, layout in zip(employees, layouts, strict=True)}
    taken: dict[str, set[str]] = {e.employee_id: set() for e in employees}
    chats: list[Chat] = []
    contacts: dict[str, list[Employee]] = {}
    for client in clients:
        pool = [e for e in lawyers if e.team == client.team] or lawyers
        primary = rng.choices(pool, [PRIMARY_ROLE_WEIGHTS[e.role_key] for e in pool])[0]
        people = [primary]
        if rng.random() < 0.35:
            second = rng.choice(support)
            if second is not primary:
                people.append(second)
        contacts[client.client_id] = people
        if rng.random() < 0.1:  # call-only client
            continue
        for i, emp in enumerate(people):
            chats.append(
                Chat(
                    emp,
                    client,
                    _contact_name(rng, client, taken[emp.employee_id]),
                    layout_of[emp.employee_id],
                    rng.random() < 0.4,
                    i == 0,
                )
            )
    return chats, contacts


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(
    out: Path,
    *,
    days: int = 90,
    employees: int = 40,
    clients: int = 400,
    seed: int = 7,
    end: date | None = None,
) -> dict:
    """Write the demo landing folder and its ground truth under ``out``; return a summary.

    Removes ``out/landing/whatsapp``, ``out/landing/calls`` and ``out/ground_truth`` first so
    that no file of an earlier run is left behind.
    """
    if days < 1 or employees < 2 or clients < 1:
        raise ValueError("generate needs days >= 1, employees >= 2 and clients >= 1")
    out = Path(out)
    end = end or date.today()
    first_day = end - timedelta(days=days - 1)
    window_end = datetime.combine(end, time(23, 59, 59))
    landing, truth = out / "landing", out / "ground_truth"
    for stale in (landing / "whatsapp", landing / "calls", landing / "cloud_api", truth):
        shutil.rmtree(stale, ignore_errors=True)

    def rng(part: str) -> Random:
        return Random(f"vigia:{seed}:{part}")

    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    registry = Registry(rng("people"), fake)
    staff = make_employees(registry, employees)
    teams = [t for t in TEAMS if any(e.team == t for e in staff)]
    people = make_clients(registry, clients, teams)
    layouts = _layouts(rng("layouts"), staff)
    chats, contacts = _chats(rng("chats"), staff, people, layouts)
    consents = make_consents(rng("consents"), registry, people, first_day, end)
    dnc = make_dnc(rng("dnc"), registry, people, first_day, end)

    srng = rng("sessions")
    session_chat = [
        i for i, chat in enumerate(chats) for _ in range(session_count(srng, chat, days))
    ]
    emp_index = {e.employee_id: i for i, e in enumerate(staff)}
    plan = plan_cases(
        rng("cases"),
        [emp_index[chats[i].employee.employee_id] for i in session_chat],
        employee_risks(rng("risk"), len(staff)),
    )
    case_ids: dict[int, str] = {}
    counters: Counter[str] = Counter()
    for s in sorted(plan):
        counters[plan[s].label] += 1
        prefix = "MC" if plan[s].label == "positive" else "HN"
        case_ids[s] = f"{prefix}-{counters[plan[s].label]:04d}"
    per_chat: dict[int, list[tuple[datetime, int]]] = {}
    for s, chat_i in enumerate(session_chat):
        late = s in plan and plan[s].label == "positive" and srng.random() < 0.5
        per_chat.setdefault(chat_i, []).append((draw_start(srng, first_day, days, late), s))

    world = World(rng("world"), registry, doc_kinds=load_phrases()["doc_kinds"])
    # business numbers among pt-BR phones, so every other layout family still gets exports
    candidates = [e for e, layout in zip(staff, layouts, strict=True) if layout in PT_LAYOUTS]
    count = min(len(candidates), max(1, round(len(staff) * BUSINESS_SHARE)))
    business = {e.employee_id for e in rng("business").sample(candidates, count)}
    cloud = CloudRenderer(rng("cloud"))
    crng, frng = rng("conversations"), rng("files")
    truth_rows: list[list] = []
    stats: Counter[str] = Counter()
    layouts_used: Counter[str] = Counter()
    for chat_i, chat in enumerate(chats):
        sessions = sorted(per_chat.get(chat_i, []))
        if not sessions:
            continue
        scenes = [(plan.get(s), s) for _, s in sessions]
        msgs = build_chat(crng, world, chat, [t for t, _ in sessions], scenes, window_end)
        if chat.employee.employee_id in business:
            cloud.render(chat, msgs, lambda m: (*m.mark, case_ids[m.case]) if m.mark else None)
            continue
        lines, starts = ExportRenderer(chat).render(msgs)
        rel = f"whatsapp/{chat.employee.employee_id}/{export_file_name(chat)}"
        ios = chat.layout.startswith("ios")
        newline = "\r\n" if ios and frng.random() < 0.15 else "\n"
        text = newline.join(lines) + ("" if frng.random() < 0.25 else newline)
        path = landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        layouts_used[chat.layout] += 1
        stats["lines"] += len(lines)
        stats["messages"] += sum(1 for m, n in zip(msgs, starts, strict=True) if n and not m.system)
        stats["system_lines"] += 1 + sum(
            1 for m, n in zip(msgs, starts, strict=True) if n and m.system
        )
        for m, n in zip(msgs, starts, strict=True):
            if m.mark and n:
                truth_rows.append([rel, n, m.mark[0], m.mark[1], case_ids[m.case]])
                stats[f"lines_{m.mark[1]}"] += 1

    cloud_stats = write_cloud_files(landing, cloud, truth_rows)
    book = CallBook(rng("calls"), contacts, people, ContactRules(consents, dnc))
    calls = book.draw(first_day, days)
    calls += book.prospecting(staff, dnc, first_day, days, max(1, round(len(calls) * 0.002)))
    systems = phone_systems(staff)
    late = [e for e in staff if systems[e.extension] != MAIN]
    calls += book.late_inbound(late, first_day, days, max(1, days // 30) * 2)
    written, call_stats = write_call_files(
        landing, rng("pbx"), number_calls(rng("ids"), calls), systems
    )
    write_reference(landing / "reference", staff, people, consents, dnc, rng("reference"))

    truth_rows.sort(key=lambda r: (r[0], r[1]))
    _write_csv(
        truth / "misconduct.csv",
        ["source_file", "line_number", "category", "label", "case_id"],
        truth_rows,
    )
    _write_csv(
        truth / "call_flags.csv",
        ["source_file", "line_number", "uniqueid", "linkedid", "flag"],
        [
            [w.source_file, w.line_number, w.uniqueid, w.linkedid, w.call.flag]
            for w in sorted(written, key=lambda w: (w.source_file, w.line_number))
            if w.call.flag
        ],
    )
    _write_csv(
        truth / "people.csv",
        ["person_id", "kind", "name", "phone_e164", "phone_as_written", "email", "cpf"],
        [
            [e.employee_id, "employee", e.name, e.phone_e164, e.phone_written, e.email, ""]
            for e in staff
        ]
        + [
            [c.client_id, "client", c.name, c.phone_e164, c.phone_written, c.email, c.cpf]
            for c in people
        ]
        + [
            [m.person_id, "mentioned", m.name, m.phone_e164, m.phone_written, m.email, m.cpf]
            for m in registry.mentioned
        ],
    )
    seeded = {case_ids[s] for s in plan}
    summary = {
        "seed": seed,
        "start": first_day.isoformat(),
        "end": end.isoformat(),
        "days": days,
        "employees": len(staff),
        "clients": len(people),
        "chats": sum(layouts_used.values()),
        "whatsapp_files": sum(layouts_used.values()),
        "messages": stats["messages"],
        "system_lines": stats["system_lines"],
        "export_lines": stats["lines"],
        "calls": len(calls),
        "torn_cdr_lines": 1 if call_stats["call_files"].get("calls/Master.csv") else 0,
        **call_stats,
        "calls_flagged": dict(sorted(Counter(c.flag for c in calls if c.flag).items())),
        "seeded_cases": {
            "positive": len({r[4] for r in truth_rows if r[3] == "positive"}),
            "hard_negative": len({r[4] for r in truth_rows if r[3] == "hard_negative"}),
            "planned": len(seeded),
        },
        "seeded_lines": {
            "positive": stats["lines_positive"],
            "hard_negative": stats["lines_hard_negative"],
        },
        "positive_lines_by_category": dict(
            sorted(Counter(r[2] for r in truth_rows if r[3] == "positive").items())
        ),
        "layouts": dict(sorted(layouts_used.items())),
        **cloud_stats,
        "mentioned_people": len(registry.mentioned),
    }
    (truth / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return summary
