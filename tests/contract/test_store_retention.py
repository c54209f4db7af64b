"""The purge operations every store provides (retention, domain/retention.py), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person
from domain.ports import AuditEntry, Stores
from domain.retention import purged_audit_entry, purged_case

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KARIN = Person(id="29:karin", name="Karin Holm", aad_id="aad-karin")
BO = Person(id="29:bo", name="Bo Berg", aad_id="aad-bo")
REASON = "Ingen markering för PATQ0001"


def rejected_case(case_id: str) -> Case:
    case = Case(
        id=case_id,
        kind=CaseKind.B,
        organisation=Organisation(kind=OrgKind.REGION, name="Region Västernorrland"),
        patient_id="PATQ0001",
        episode_id="VTQ-0001",
        submitter=BO,
        created_at=T0,
        updated_at=T0,
    )
    case.apply(Action.TAKE, KARIN, T0 + timedelta(hours=1))
    case.apply(Action.RECORD_ADDRESS_UPDATE, KARIN, T0 + timedelta(hours=2))
    case.apply(Action.REJECT_NOT_PROTECTED, KARIN, T0 + timedelta(hours=3), detail=REASON)
    return case


async def test_a_purged_case_reads_back_without_identifiers_and_stays_listed(stores: Stores) -> None:
    stored = await stores.cases.create(rejected_case("casepurgeone"))
    saved = await stores.cases.update(purged_case(stored, T0 + timedelta(days=31)))
    again = await stores.cases.get(stored.id)
    assert again == saved and again is not None
    assert (again.patient_id, again.episode_id, again.rejection_reason) == ("", None, "")
    assert again.purged_at == T0 + timedelta(days=31)
    assert [e.detail for e in again.events] == ["Karin Holm", "", ""]
    listed = await stores.cases.list()
    assert [c.id for c in listed] == [stored.id] and listed[0].number == stored.number
    assert await stores.cases.get_by_number(stored.number) == saved
    await stores.scrub()  # best effort on every backend: answers, never raises


async def test_audit_rewrite_blanks_typed_reasons_in_place_and_keeps_the_rest(stores: Stores) -> None:
    entries = [
        AuditEntry(case_id="c1", at=T0, actor=BO, what="filed", conversation_id="a:bo"),
        AuditEntry(case_id="c1", at=T0, actor=KARIN, what="take", detail="Karin Holm"),
        AuditEntry(case_id="c1", at=T0, actor=KARIN, what="reject_not_protected", detail=REASON),
        AuditEntry(case_id="c1", at=T0, actor=BO, what="refused", detail="not_admin:case.take"),
    ]
    for entry in entries:
        await stores.audit.append(entry)
    await stores.audit.append(
        AuditEntry(case_id="c2", at=T0, actor=KARIN, what="reject_not_protected", detail="x")
    )
    assert await stores.audit.rewrite("c1", purged_audit_entry) == 1
    assert await stores.audit.rewrite("c1", purged_audit_entry) == 0  # a second purge finds nothing
    after = await stores.audit.entries("c1")
    assert after == [entries[0], entries[1], entries[2].model_copy(update={"detail": ""}), entries[3]]
    assert (await stores.audit.entries("c2"))[0].detail == "x"  # another case is untouched


async def test_audit_between_returns_every_case_in_time_order_within_the_period(stores: Stores) -> None:
    times = [T0 + timedelta(days=d) for d in (3, 0, 1, 5)]
    for n, at in enumerate(times):
        await stores.audit.append(AuditEntry(case_id=f"case{n % 2}", at=at, actor=KARIN, what=f"w{n}"))
    found = await stores.audit.between(T0, T0 + timedelta(days=5))
    assert [e.what for e in found] == ["w1", "w2", "w0"]  # the end is exclusive
    assert await stores.audit.between(T0 + timedelta(days=6), T0 + timedelta(days=9)) == []
