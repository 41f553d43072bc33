"""Change requests at the service level: every refusal of issue 11 §3, applying, conflicts, months."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from povdesk.db.models import ChangeLog, CheckRun, EvidenceFile, Household, Member
from povdesk.domain import changes as cr
from povdesk.domain.journal import JournalSource
from povdesk.errors import Conflict, InvalidValue, NotAllowed
from povdesk.services.changes import ChangeRequestService
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from tests.services.changes_setup import H0, H1, H4, NOTICE, Office, office


@pytest.fixture
def o(county_db: Database) -> Office:
    return office(county_db)


def household(db: Database, no: str) -> Household:
    with db.reading() as s:
        h = s.scalar(select(Household).where(Household.household_no == no))
        assert h is not None
        s.expunge(h)
        return h


def members(db: Database, no: str) -> list[Member]:
    with db.reading() as s:
        rows = list(s.scalars(select(Member).join(Household).where(Household.household_no == no)
                              .order_by(Member.sort_order)))
        for m in rows:
            s.expunge(m)
        return rows


def phone_request(o: Office, phone: str = "13911112222", maker: str = "tester") -> cr.ChangeRequestRecord:
    return o.as_(maker).make("correct", household_no=H0, sets={"household.phone": phone}, reason="走访核实")


def approved(o: Office, maker: str = "tester", reviewer: str = "rita", **kw: Any) -> int:
    r = phone_request(o, maker=maker, **kw)
    o.as_(maker).submit(r.id)
    o.as_(reviewer).approve(r.id)
    return r.id


# ------------------------------------------------------------------ the round trip
def test_correct_applies_journals_bumps_version_and_rechecks(o: Office) -> None:
    db = o.db
    before = household(db, H0)
    head = members(db, H0)[0]
    r = o.as_("tester").make("correct", household_no=H0, member=head.id_number, reason="走访核实",
                             sets={"household.phone": "13911112222", "member.education": "初中"})
    assert r.status == cr.DRAFT and r.maker == "tester" and r.based_on_version == before.version
    assert {(f.key, f.before, f.after) for f in r.fields} == {
        ("household.phone", before.phone, "13911112222"), ("member.education", head.education, "03")}
    assert household(db, H0).phone == before.phone  # a draft touches nothing
    o.as_("tester").submit(r.id)
    with db.reading() as s:
        runs = s.scalar(select(func.count(CheckRun.id)))
    done = o.as_("rita").approve(r.id, "核实无误")
    assert done.status == cr.APPROVED and done.reviewer == "rita" and done.period == "2020-01"
    after = household(db, H0)
    assert after.phone == "13911112222" and after.version > before.version
    assert members(db, H0)[0].education == "03"
    with db.reading() as s:
        rows = s.execute(select(ChangeLog.field, ChangeLog.source, ChangeLog.reference, ChangeLog.user)
                         .where(ChangeLog.reference == f"CR-{r.id}")).all()
        assert s.scalar(select(func.count(CheckRun.id))) == runs + 1
        last = s.scalars(select(CheckRun).order_by(CheckRun.id.desc())).first()
        assert last is not None and last.scope == f"household:{after.id}"
    assert {f for f, *_ in rows} == {"household.phone", "member.education"}
    assert {(src, user) for _, src, _, user in rows} == {(JournalSource.CHANGE_REQUEST.value, "rita")}
    assert [e.to_status for e in done.history] == [cr.DRAFT, cr.SUBMITTED, cr.APPROVED]


def test_approval_recheck_opens_problems_at_once(o: Office) -> None:
    head = members(o.db, H4)[0]
    r = o.as_("tester").make("correct", household_no=H4, member=head.id_number,
                             sets={"member.ins_medical": "否"}, reason="走访核实")
    o.as_("tester").submit(r.id)
    hid = household(o.db, H4).id
    before = {p.rule for p in CheckService(db=o.db).open_problems(hid)}
    o.as_("rita").approve(r.id)
    after = CheckService(db=o.db).open_problems(hid)
    assert any("member.ins_medical" in p.fields for p in after if p.rule not in before)


def test_approval_is_one_transaction(o: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    r = phone_request(o)
    o.as_("tester").submit(r.id)
    rita = o.as_("rita")
    phone = household(o.db, H0).phone

    def broken(**kw: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(rita.checks, "run", broken)
    with pytest.raises(RuntimeError):
        rita.approve(r.id)
    assert household(o.db, H0).phone == phone
    assert rita.get(r.id).status == cr.SUBMITTED and rita.get(r.id).reviewer is None
    with o.db.reading() as s:
        assert s.scalar(select(func.count(ChangeLog.id)).where(ChangeLog.reference == f"CR-{r.id}")) == 0


# ------------------------------------------------------------------ roles and maker-checker
def test_roles_are_enforced(o: Office) -> None:
    r = phone_request(o)
    o.as_("tester").submit(r.id)
    with pytest.raises(NotAllowed) as e:
        o.as_("carl").approve(r.id)
    assert e.value.code == "user.role" and "reviewer" in e.value.en
    with pytest.raises(NotAllowed):
        o.as_("carl").return_(r.id, "再核实")
    with pytest.raises(NotAllowed):
        o.as_("carl").reject(r.id)
    o.as_("rita").approve(r.id)
    with pytest.raises(NotAllowed) as e:
        o.as_("rita").sign_off("2020-01")
    assert "director" in e.value.en and "签发人" in e.value.zh


def test_nobody_approves_their_own_request(o: Office) -> None:
    r = phone_request(o, maker="rita")
    o.as_("rita").submit(r.id)
    for action in (lambda: o.as_("rita").approve(r.id), lambda: o.as_("rita").return_(r.id, "x"),
                   lambda: o.as_("rita").reject(r.id)):
        with pytest.raises(NotAllowed) as e:
            action()
        assert e.value.code == "change.own" and "they made" in e.value.en
    assert o.as_("ron").approve(r.id).status == cr.APPROVED


def test_nobody_signs_off_what_they_made_or_approved(o: Office) -> None:
    approved(o, maker="dina", reviewer="rita")
    with pytest.raises(NotAllowed) as e:
        o.as_("dina").sign_off("2020-01")
    assert e.value.code == "change.own"
    o2 = approved(o, maker="tester", reviewer="dave")
    with pytest.raises(NotAllowed) as e:
        o.as_("dave").sign_off("2020-01")
    assert e.value.code == "change.own_approval" and f"#{o2}" in e.value.en
    assert o.as_("tester").get(o2).status == cr.APPROVED  # nothing written


def test_only_the_maker_edits_and_submits(o: Office) -> None:
    r = phone_request(o)
    with pytest.raises(NotAllowed) as e:
        o.as_("carl").edit(r.id, sets={"household.phone": "13900000000"})
    assert e.value.code == "change.not_maker"
    with pytest.raises(NotAllowed):
        o.as_("carl").submit(r.id)


# ------------------------------------------------------------------ stages
def test_no_stage_is_skipped(o: Office) -> None:
    r = phone_request(o)
    with pytest.raises(Conflict) as e:
        o.as_("rita").approve(r.id)
    assert e.value.code == "change.stage" and "no stage is skipped" in e.value.en
    with pytest.raises(Conflict):
        o.as_("rita").return_(r.id, "再核实")
    o.as_("tester").submit(r.id)
    with pytest.raises(Conflict):
        o.as_("tester").submit(r.id)
    with pytest.raises(Conflict):
        o.as_("tester").edit(r.id, reason="x")


def test_return_needs_a_comment_and_goes_back_to_the_maker(o: Office) -> None:
    r = phone_request(o)
    o.as_("tester").submit(r.id)
    with pytest.raises(InvalidValue) as e:
        o.as_("rita").return_(r.id, "  ")
    assert e.value.code == "change.comment"
    back = o.as_("rita").return_(r.id, "号码少一位")
    assert back.status == cr.RETURNED and back.review_comment == "号码少一位"
    fixed = o.as_("tester").edit(r.id, sets={"household.phone": "13911113333"})
    assert fixed.status == cr.DRAFT and fixed.fields[0].after == "13911113333"
    o.as_("tester").submit(r.id)
    assert o.as_("rita").approve(r.id).status == cr.APPROVED
    assert household(o.db, H0).phone == "13911113333"


def test_rejected_is_final(o: Office) -> None:
    r = phone_request(o)
    o.as_("tester").submit(r.id)
    o.as_("rita").reject(r.id, "重复申请")
    with pytest.raises(Conflict):
        o.as_("tester").submit(r.id)
    with pytest.raises(Conflict):
        o.as_("ron").approve(r.id)


def test_signed_off_requests_are_immutable(o: Office) -> None:
    rid = approved(o)
    o.as_("dina").sign_off("2020-01")
    svc = o.as_("tester")
    assert svc.get(rid).status == cr.SIGNED_OFF and svc.get(rid).signer == "dina"
    for action in (lambda: svc.edit(rid, reason="x"), lambda: svc.submit(rid), lambda: svc.rebase(rid),
                   lambda: o.as_("ron").approve(rid), lambda: svc.add_evidence(rid, "a.png", b"x")):
        with pytest.raises(Conflict) as e:
            action()
        assert e.value.code == "change.signed_off" and "new request" in e.value.en


# ------------------------------------------------------------------ months
def test_sign_off_closes_the_month_and_later_approvals_fall_in_the_next(o: Office) -> None:
    a, b = approved(o), approved(o, maker="carl", reviewer="ron")
    pending = phone_request(o, phone="13955556666")
    o.as_("tester").submit(pending.id)
    done = o.as_("dina").sign_off("2020-01")
    assert done.request_ids == (a, b)
    assert o.as_("dina").period("2020-01").closed
    with pytest.raises(Conflict) as e:
        o.as_("dave").sign_off("2020-01")
    assert e.value.code == "change.period_closed"
    assert o.as_("rita").approve(pending.id).period == "2020-02"
    with pytest.raises(Conflict):
        o.as_("dina").sign_off("2020-03")  # not begun


def test_reopening_a_month_needs_a_reason_and_is_recorded(o: Office) -> None:
    rid = approved(o)
    o.as_("dina").sign_off("2020-01")
    with pytest.raises(InvalidValue):
        o.as_("dina").reopen("2020-01", " ")
    with pytest.raises(NotAllowed):
        o.as_("rita").reopen("2020-01", "漏报")
    p = o.as_("dave").reopen("2020-01", "漏报一户")
    assert not p.closed and p.reopened_by == "dave" and p.reopen_reason == "漏报一户" and p.closed_by == "dina"
    assert o.as_("tester").get(rid).status == cr.SIGNED_OFF  # signed off stays signed off
    late = approved(o, maker="carl")
    assert o.as_("carl").get(late).period == "2020-01"
    with pytest.raises(Conflict):
        o.as_("dave").reopen("2020-01", "again")
    with pytest.raises(InvalidValue):
        o.as_("dave").sign_off("2020-13")


# ------------------------------------------------------------------ conflicts
def test_conflict_names_the_fields_and_rebase_resolves_it(o: Office) -> None:
    r = phone_request(o)
    o.as_("tester").submit(r.id)
    RegistryService(db=o.db).update_field(entity="household", entity_id=household(o.db, H0).id,
                                          key="household.phone", value="13800001111")
    with pytest.raises(Conflict) as e:
        o.as_("rita").approve(r.id)
    assert e.value.code == "change.conflict" and "phone" in e.value.en.lower() and "电话" in e.value.zh
    assert o.as_("rita").get(r.id).status == cr.SUBMITTED
    again = o.as_("tester").rebase(r.id)
    assert again.status == cr.DRAFT and again.fields[0].before == "13800001111"
    assert again.fields[0].after == "13911112222"
    o.as_("tester").submit(r.id)
    o.as_("rita").approve(r.id)
    assert household(o.db, H0).phone == "13911112222"


def test_a_change_to_other_fields_is_no_conflict(o: Office) -> None:
    r = phone_request(o)
    o.as_("tester").submit(r.id)
    RegistryService(db=o.db).update_field(entity="household", entity_id=household(o.db, H0).id,
                                          key="household.bank_name", value="农村信用社")
    assert o.as_("rita").approve(r.id).status == cr.APPROVED


# ------------------------------------------------------------------ types
def test_correct_refuses_values_outside_their_type_or_list(o: Office) -> None:
    with pytest.raises(InvalidValue):
        o.as_("tester").make("correct", household_no=H0, sets={"household.status": "9"})
    with pytest.raises(InvalidValue):
        o.as_("tester").make("correct", household_no=H0, sets={"household.household_no": "1"})
    with pytest.raises(InvalidValue):
        o.as_("tester").make("correct", household_no=H0, sets={"nothing.here": "1"})


def test_member_out_needs_date_and_a_new_head_for_the_head(o: Office) -> None:
    head, spouse, *_ = members(o.db, H0)
    svc = o.as_("tester")
    with pytest.raises(InvalidValue) as e:
        svc.make("member-out", household_no=H0, member=spouse.id_number, cause="婚出", reason="嫁往外县")
    assert e.value.code == "change.date"
    with pytest.raises(InvalidValue) as e:
        svc.make("member-out", household_no=H0, member=head.id_number, cause="死亡", reason="病故",
                 date="2019-11-02")
    assert e.value.code == "change.new_head"
    r = svc.make("member-out", household_no=H0, member=head.id_number, cause="死亡", reason="病故",
                 date="2019-11-02", new_head=spouse.id_number)
    svc.submit(r.id)
    o.as_("rita").approve(r.id)
    head2, spouse2, *_ = members(o.db, H0)
    assert head2.status == "2" and head2.change_reason == "死亡" and head2.change_date == dt.date(2019, 11, 2)
    assert spouse2.relation == "01"
    h = household(o.db, H0)
    assert h.head_name == spouse.name and h.size == 4


def test_member_in_needs_date_and_reason(o: Office) -> None:
    svc = o.as_("tester")
    with pytest.raises(InvalidValue):
        svc.make("member-in", household_no=H4, cause="出生", reason="新生儿", sets={"member.name": "吉木阿果"})
    with pytest.raises(InvalidValue):
        svc.make("member-in", household_no=H4, cause="出生", date="2019-10-01", sets={"member.name": "吉木阿果"})
    r = svc.make("member-in", household_no=H4, cause="出生", date="2019-10-01", reason="新生儿",
                 sets={"member.name": "吉木阿果", "member.relation": "03", "member.sex": "女"})
    svc.submit(r.id)
    o.as_("rita").approve(r.id)
    added = members(o.db, H4)[-1]
    assert added.name == "吉木阿果" and added.change_reason == "出生" and household(o.db, H4).size == 3


def test_exit_refuses_failing_rules_and_an_incomplete_or_running_notice(o: Office) -> None:
    svc = o.as_("tester")
    with pytest.raises(InvalidValue) as e:
        svc.make("exit", household_no=H4, reason="达标")
    assert e.value.code == "change.notice" and "assessment meeting" in e.value.en
    short = dict(NOTICE, notice_end="2019-12-05")
    with pytest.raises(InvalidValue) as e:
        svc.make("exit", household_no=H4, notice=short)
    assert "at least 7" in e.value.en
    future = dict(NOTICE, assessment_date="2020-02-01")
    with pytest.raises(InvalidValue) as e:
        svc.make("exit", household_no=H4, notice=future)
    assert "future" in e.value.en
    poor = svc.make("exit", household_no=H0, notice=NOTICE)
    with pytest.raises(Conflict) as e:
        svc.submit(poor.id)
    assert e.value.code == "change.exit_rules" and "income" in e.value.en.lower()
    running = svc.make("exit", household_no=H4, notice=dict(NOTICE, notice_end="2020-01-20"))
    svc.submit(running.id)
    with pytest.raises(Conflict) as e:
        o.as_("rita").approve(running.id)
    assert e.value.code == "change.notice_running" and "2020-01-20" in e.value.en
    o.today[0] = dt.date(2020, 1, 21)
    o.as_("rita").approve(running.id)
    h = household(o.db, H4)
    assert h.status == "1" and h.exit_year == o.db.data_year


def test_return_sets_status_year_and_cause(o: Office) -> None:
    svc = o.as_("tester")
    with pytest.raises(InvalidValue):
        svc.make("return", household_no=H1, notice=NOTICE)  # no cause
    with pytest.raises(Conflict):
        svc.make("return", household_no=H0, cause="因病", notice=NOTICE)  # never exited
    r = svc.make("return", household_no=H1, cause="因病", notice=NOTICE, reason="户主重病")
    svc.submit(r.id)
    o.as_("rita").approve(r.id)
    h = household(o.db, H1)
    assert (h.status, h.return_cause, h.return_year) == ("3", "01", o.db.data_year)


def test_cancel_household_refused_while_members_are_current(o: Office) -> None:
    with pytest.raises(Conflict) as e:
        o.as_("tester").make("cancel-household", household_no=H4, date="2019-12-01", reason="整户死亡")
    assert e.value.code == "change.members_current"


def test_removal_needs_evidence(o: Office) -> None:
    svc = o.as_("tester")
    r = svc.make("removal", household_no=H4, reason="错评", notice=NOTICE)
    with pytest.raises(InvalidValue) as e:
        svc.submit(r.id)
    assert e.value.code == "change.evidence"
    svc.add_evidence(r.id, "核查报告.pdf", b"%PDF-1.4 report")
    svc.submit(r.id)
    o.as_("rita").approve(r.id)
    h = household(o.db, H4)
    assert not h.active and h.cancel_reason == "错评"
    assert h.record_status == "3" and h.cancel_date is not None  # 清退, with its date
    assert all(m.status == "3" for m in members(o.db, H4))


def test_evidence_is_stored_once_and_limited(o: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = o.as_("tester")
    a = svc.make("correct", household_no=H0, sets={}, evidence=[("scan.png", b"PNG-bytes")])
    b = svc.make("correct", household_no=H4, sets={}, evidence=[("again.png", b"PNG-bytes")])
    svc.add_evidence(a.id, "scan.png", b"PNG-bytes")
    with o.db.reading() as s:
        assert s.scalar(select(func.count(EvidenceFile.id))) == 1
    rec = svc.get(b.id).evidence[0]
    assert rec.name == "again.png" and rec.media_type == "image/png" and rec.size == 9
    assert svc.evidence_bytes(rec.file_id) == b"PNG-bytes"
    monkeypatch.setattr("povdesk.services.changes.EVIDENCE_LIMIT", 4)
    with pytest.raises(InvalidValue) as e:
        svc.add_evidence(a.id, "big.pdf", b"12345")
    assert e.value.code == "change.evidence_size"


def test_a_visit_with_no_change_is_a_request_too(o: Office) -> None:
    r = o.as_("tester").make("correct", household_no=H0, sets={"household.phone": household(o.db, H0).phone},
                             reason="核实无误", source="form", source_ref="PD1-B3-H51343720420100001-V1")
    assert r.fields == () and r.source_ref and r.source == "form"
    o.as_("tester").submit(r.id)
    assert o.as_("rita").approve(r.id).status == cr.APPROVED


def test_list_filters(o: Office) -> None:
    a = approved(o)
    b = phone_request(o, phone="13900009999")
    svc: ChangeRequestService = o.as_("tester")
    assert [r.id for r in svc.list(status=cr.APPROVED)] == [a]
    assert [r.id for r in svc.list(status=cr.DRAFT)] == [b.id]
    assert [r.id for r in svc.list(period="2020-01")] == [a]


def test_every_state_change_is_in_the_audit_chain(o: Office) -> None:
    from povdesk.services.audit import AuditService

    rid = approved(o)
    o.as_("dina").sign_off("2020-01")
    audit = AuditService(db=o.db)
    mine = [(e.user, e.action) for e in audit.entries() if e.subject == f"CR-{rid}"]
    assert ("tester", "change.made") in mine and ("tester", "change.submitted") in mine
    assert ("rita", "change.approved") in mine and ("dina", "change.signed_off") in mine
    assert any(e.action == "period.closed" and e.user == "dina" for e in audit.entries())
    check = audit.verify()
    assert check.broken is None and check.count >= 5


# ------------------------------------------------------------------ sign-off blockers
H_BLOCKED = "51343720420200001"  # exited, an exit indicator not met: EXIT-001 open, an error


def test_sign_off_is_refused_while_a_household_of_the_month_has_blocking_problems(o: Office) -> None:
    clean = approved(o)
    r = o.as_("carl").make("correct", household_no=H_BLOCKED, sets={"household.phone": "13977778888"},
                           reason="走访核实")
    o.as_("carl").submit(r.id)
    o.as_("ron").approve(r.id)
    checks = CheckService(db=o.db)
    blockers = checks.signoff_blockers([household(o.db, H_BLOCKED).id])
    assert [p.rule for p in blockers] == ["EXIT-001"]
    with pytest.raises(Conflict) as e:
        o.as_("dina").sign_off("2020-01")
    assert e.value.code == "change.signoff_blockers"
    assert "EXIT-001" in e.value.en and H_BLOCKED in e.value.en and "block sign-off" in e.value.en
    assert "EXIT-001" in e.value.zh and "阻止签发" in e.value.zh
    assert not o.as_("dina").period("2020-01").closed
    assert {o.as_("dina").get(x).status for x in (clean, r.id)} == {cr.APPROVED}
    CheckService(db=o.as_("rita").db).accept(blockers[0].id, "已核实，待下月整改")
    assert o.as_("dina").sign_off("2020-01").request_ids == (clean, r.id)


# ------------------------------------------------------------------ from a printed form
def print_h0(o: Office, tmp_path: Path) -> str:
    from povdesk.config import Settings
    from povdesk.reports.forms import form_payload
    from povdesk.services.printing import PrintSelection, PrintService

    done = PrintService(db=o.db, settings=Settings()).print_batch(PrintSelection(household_nos=(H0,)),
                                                                 pdf=tmp_path / "forms.pdf")
    return form_payload(done.batch_id, H0, household(o.db, H0).version)


def test_a_correction_from_a_printed_form_starts_from_the_printed_values(o: Office, tmp_path: Path) -> None:
    printed_phone = household(o.db, H0).phone
    head = members(o.db, H0)[0]
    payload = print_h0(o, tmp_path)
    approved(o, maker="carl", reviewer="ron")  # the phone changes after printing: 13911112222
    assert household(o.db, H0).phone == "13911112222"
    r = o.as_("tester").make("correct", from_form=payload, member=head.id_number, reason="入户核实",
                             sets={"household.phone": "13800001111", "member.education": "初中"})
    assert r.household_no == H0 and r.source == "form" and r.source_ref == payload
    by_key = {f.key: f for f in r.fields}
    assert (by_key["household.phone"].before, by_key["household.phone"].current) == (printed_phone, "13911112222")
    assert by_key["household.phone"].changed_since_printing
    assert (by_key["member.education"].before, by_key["member.education"].current) == (head.education, None)
    assert r.as_json()["fields"][0].get("current") in ("13911112222", None)
    o.as_("tester").submit(r.id)
    with pytest.raises(Conflict) as e:  # the clerk saw the printed phone, not today's
        o.as_("rita").approve(r.id)
    assert e.value.code == "change.conflict" and "电话" in e.value.zh
    o.as_("tester").rebase(r.id)
    rebased = o.as_("tester").get(r.id)
    assert {f.key: (f.before, f.current) for f in rebased.fields}["household.phone"] == ("13911112222", None)
    o.as_("tester").submit(r.id)
    assert o.as_("rita").approve(r.id).status == cr.APPROVED
    assert household(o.db, H0).phone == "13800001111"


def test_a_printed_form_of_another_household_is_refused(o: Office, tmp_path: Path) -> None:
    payload = print_h0(o, tmp_path)
    with pytest.raises(InvalidValue) as e:
        o.as_("tester").make("correct", household_no=H4, from_form=payload, sets={"household.phone": "139"})
    assert e.value.code == "change.form_household" and H0 in e.value.zh
    # unchanged since printing: nothing marked, approval goes through
    r = o.as_("tester").make("correct", from_form=payload, sets={"household.phone": "13911112222"})
    assert [f.current for f in r.fields] == [None] and r.based_on_version == household(o.db, H0).version
