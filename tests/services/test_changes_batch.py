"""Approving several change requests at once (`approve_many`) and the check context cached between
runs (issue 11 §7): each request refused or approved on its own, the households re-checked once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from povdesk.db.models import AuditEntry, Cadre, ChangeLog, CheckRun, Household
from povdesk.domain import changes as cr
from povdesk.services.changes import QueueCounts
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService
from tests.services.changes_setup import H0, H1, H4, Office, office


@pytest.fixture
def o(county_db: Database) -> Office:
    return office(county_db)


def submitted(o: Office, no: str, phone: str, maker: str = "tester") -> int:
    r = o.as_(maker).make("correct", household_no=no, sets={"household.phone": phone}, reason="走访核实")
    o.as_(maker).submit(r.id)
    return r.id


def phone(db: Database, no: str) -> tuple[str | None, int]:
    with db.reading() as s:
        row = s.execute(select(Household.phone, Household.version).where(Household.household_no == no)).one()
        return row[0], row[1]


def test_approve_many_refuses_each_on_its_own_and_rechecks_once(o: Office) -> None:
    db = o.db
    ok1 = submitted(o, H0, "13911110000")
    own = submitted(o, H4, "13911110001", maker="rita")  # rita may not approve her own
    ok2 = submitted(o, H1, "13911110002")
    draft = o.as_("tester").make("correct", household_no=H4, sets={"household.phone": "13911110003"},
                                 reason="走访核实").id  # never submitted: stage
    before4 = phone(db, H4)
    with db.reading() as s:
        runs = s.scalar(select(func.count(CheckRun.id)))
        audits = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "change.approved"))
    results = o.as_("rita").approve_many([ok1, own, 999_999, ok2, draft, ok1], "核实无误")
    assert [r.request_id for r in results] == [ok1, own, 999_999, ok2, draft]  # an id twice counts once
    assert [r.ok for r in results] == [True, False, False, True, False]
    codes = {r.request_id: r.refusal.code for r in results if r.refusal is not None}
    assert codes == {own: "change.own", 999_999: "change.missing", draft: "change.stage"}
    assert all(r.approved is not None and r.approved.status == cr.APPROVED and r.approved.reviewer == "rita"
               and [e.to_status for e in r.approved.history][-1] == cr.APPROVED for r in results if r.ok)
    assert phone(db, H0)[0] == "13911110000" and phone(db, H1)[0] == "13911110002"
    assert phone(db, H4) == before4  # the refused ones touched nothing
    with db.reading() as s:
        refs = set(s.scalars(select(ChangeLog.reference).where(ChangeLog.reference.like("CR-%"))))
        assert refs == {f"CR-{ok1}", f"CR-{ok2}"}
        new_runs = list(s.scalars(select(CheckRun.scope).order_by(CheckRun.id).offset(runs)))
        assert new_runs == ["households:2"]  # one re-check of both households
        assert s.scalar(select(func.count(AuditEntry.id))
                        .where(AuditEntry.action == "change.approved")) == audits + 2
    assert o.as_("rita").get(own).status == cr.SUBMITTED
    assert o.as_("tester").get(draft).status == cr.DRAFT


def test_a_conflict_in_the_middle_undoes_only_its_own_request(o: Office) -> None:
    db = o.db
    first = submitted(o, H0, "13911110000")
    second = submitted(o, H0, "13922220000")  # the same field of the same household: a conflict after first
    third = submitted(o, H4, "13933330000")
    results = o.as_("rita").approve_many([first, second, third])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].refusal is not None and results[1].refusal.code == "change.conflict"
    assert phone(db, H0)[0] == "13911110000" and phone(db, H4)[0] == "13933330000"
    with db.reading() as s:
        assert s.scalar(select(func.count(ChangeLog.id)).where(ChangeLog.reference == f"CR-{second}")) == 0


def test_approve_many_without_the_role_refuses_every_request(o: Office) -> None:
    rid = submitted(o, H0, "13911110000")
    results = o.as_("tester").approve_many([rid])
    assert not results[0].ok and results[0].refusal is not None and results[0].refusal.code == "user.role"
    assert o.as_("tester").get(rid).status == cr.SUBMITTED


def test_approve_many_approves_an_exit_between_the_others_as_approve_does(o: Office) -> None:
    from tests.services.changes_setup import NOTICE

    a = submitted(o, H0, "13911110000")
    exit_ = o.as_("tester").make("exit", household_no=H4, notice=NOTICE, reason="达标")
    o.as_("tester").submit(exit_.id)
    b = submitted(o, H1, "13911110002")
    results = o.as_("rita").approve_many([a, exit_.id, b])
    assert [r.ok for r in results] == [True, True, True]
    assert [r.approved.type for r in results if r.approved] == ["correct", "exit", "correct"]


def test_a_changed_setting_or_cadre_is_seen_by_the_next_run(o: Office) -> None:
    db = o.db
    checks = CheckService(db=db)
    with db.reading() as s:
        hid = s.scalar(select(Household.id).where(Household.household_no == H0))
    assert hid is not None
    checks.run(household_id=hid)
    cached = checks._county
    assert cached is not None
    checks.run(household_id=hid)
    assert checks._county is cached  # nothing changed: the facts are reused
    line = cached.settings.exit_income_line + 500
    YearSettingsService(db=db).update(cached.year, exit_income_line=line)
    checks.run(household_id=hid)
    assert checks._county is not cached and checks._county.settings.exit_income_line == line
    assert checks._county.settings_by_year[cached.year].exit_income_line == line
    with db.transaction() as s:
        cadre = s.scalars(select(Cadre).order_by(Cadre.id)).first()
        assert cadre is not None
        cadre.phone = "13800000000"
        s.add(Cadre(name="新干部", id_number=None, phone="13800000000"))
    seen = checks._county
    checks.run(household_id=hid)
    assert checks._county is not seen and "13800000000" in checks._county.shared_cadre_phones


def test_a_rechecked_household_finds_what_a_village_run_finds(o: Office) -> None:
    """The chosen households' loader (by id) gives the same findings as the range loader."""
    db = o.db
    checks = CheckService(db=db)
    everything = {(f.rule.code, f.household_id, f.member_id) for f in checks.evaluate()}
    with db.reading() as s:
        ids = list(s.scalars(select(Household.id).where(Household.active.is_(True))))
    picked: set[tuple[str, int, int | None]] = set()
    with db.reading() as s:
        for _batch, found in checks._batches(s, village_id=None, township_id=None, household_id=None,
                                             progress=None, cancel=None, household_ids=ids):
            picked |= {(f.rule.code, f.household_id, f.member_id) for f in found}
    assert everything and picked == everything


def test_a_refusal_in_the_middle_leaves_an_unbroken_audit_chain(o: Office) -> None:
    """Each approval has its own chained entry; the refused one's vanishes with its savepoint."""
    from povdesk.services.audit import AuditService

    first = submitted(o, H0, "13911110000")
    second = submitted(o, H0, "13922220000")  # a conflict once the first is applied
    third = submitted(o, H4, "13933330000")
    fourth = submitted(o, H1, "13944440000")
    results = o.as_("rita").approve_many([first, second, third, fourth])
    assert [r.ok for r in results] == [True, False, True, True]
    with o.db.reading() as s:
        approved = list(s.execute(select(AuditEntry.subject, AuditEntry.user).where(
            AuditEntry.action == "change.approved").order_by(AuditEntry.id)))
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(4)))
    assert approved == [(f"CR-{first}", "rita"), (f"CR-{third}", "rita"), (f"CR-{fourth}", "rita")]
    assert actions == ["check.run", "change.approved", "change.approved", "change.approved"]
    check = AuditService(db=o.db).verify()
    assert check.intact, check.message("en")


def test_queue_counts_count_what_each_queue_lists(o: Office) -> None:
    submitted(o, H0, "13911110000")
    submitted(o, H4, "13911110001", maker="rita")
    o.as_("tester").make("correct", household_no=H1, sets={"household.phone": "13911110002"}, reason="走访核实")
    returned = submitted(o, H1, "13911110003")
    o.as_("rita").return_(returned, "请补充")
    approved = submitted(o, H4, "13911110004")
    o.as_("rita").approve(approved)
    for me in ("tester", "rita", "nobody"):
        service = o.as_("rita")
        counts = service.queue_counts(me)
        assert counts == QueueCounts(
            my_drafts=len(service.queue(cr.DRAFT, maker=me)),
            returned_to_me=len(service.queue(cr.RETURNED, maker=me)),
            awaiting_review=len(service.queue(cr.SUBMITTED, not_maker=me)),
            awaiting_signoff=len(service.queue(cr.APPROVED)))
    assert o.as_("tester").queue_counts() == QueueCounts(my_drafts=1, returned_to_me=1, awaiting_review=1,
                                                         awaiting_signoff=1)


def test_a_value_refused_at_approval_undoes_the_fields_of_its_request_before_it(o: Office) -> None:
    """A correction whose second field no longer fits (its code left the list) is refused whole,
    though its first field was applied before the refusal: the others are approved."""
    from povdesk.db.models import ChangeField

    first = submitted(o, H0, "13911110000")
    bad = o.as_("tester").make("correct", household_no=H4,
                               sets={"household.phone": "13922220000"}, reason="走访核实")
    o.as_("tester").submit(bad.id)
    last = submitted(o, H1, "13933330000")
    with o.db.transaction() as s:  # a second field whose code is not in the list (left it, say)
        s.add(ChangeField(request_id=bad.id, entity="household", field="household.main_cause", before=None,
                          after="ZZZ"))
    before4 = phone(o.db, H4)
    results = o.as_("rita").approve_many([first, bad.id, last])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].refusal is not None and results[1].refusal.code.startswith("value")
    assert phone(o.db, H4) == before4  # its phone, set before the refusal, undone with it
    assert phone(o.db, H0)[0] == "13911110000" and phone(o.db, H1)[0] == "13933330000"
    with o.db.reading() as s:
        assert s.scalar(select(func.count(ChangeLog.id)).where(ChangeLog.reference == f"CR-{bad.id}")) == 0
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.subject == f"CR-{bad.id}",
                                                                 AuditEntry.action == "change.approved")) == 0
    assert o.as_("rita").get(bad.id).status == cr.SUBMITTED
