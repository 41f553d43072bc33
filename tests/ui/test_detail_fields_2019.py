"""The detail pane shows the fields of the 2019 record (issue 14) where they belong, labelled by
the data dictionary: household facts, members, conditions, measures and current and earlier cadres."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from povdesk.db.models import Cadre, Conditions, Household, Measure, Member
from povdesk.domain import dictionary as dd
from povdesk.services.database import Database
from povdesk.services.registry import RegistryService
from povdesk.ui.household_detail import HouseholdDetailView


def _label(key: str) -> str:
    return dd.field(key).label("zh")


def test_the_pane_shows_the_2019_record(qtbot, ui_language, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    with county_db.transaction() as s:
        h = s.scalar(select(Household).where(Household.household_no == "51343720420100001"))
        h.is_relocated, h.is_renovated, h.longitude, h.latitude = True, False, 103.57, 28.26
        h.monitoring_type, h.monitoring_date, h.monitoring_reason = "1", dt.date(2019, 8, 1), "01"
        m = s.scalar(select(Member).where(Member.household_id == h.id, Member.relation == "01"))
        m.disability_grade, m.disability_cert_year, m.family_doctor, m.chronic_card = "2", 2016, True, True
        m.public_post_type, m.public_post_from, m.public_post_months = "01", dt.date(2019, 3, 1), 10
        c = s.scalar(select(Conditions).where(Conditions.household_id == h.id))
        c.house_structure, c.house_area_per_capita = "02", 24.5
        s.add(Measure(household_id=h.id, year=2019, category="01", item="养殖", scale="30只",
                      completed_on=dt.date(2019, 10, 1), benefit=4200))
        earlier = s.scalar(select(Cadre).where(Cadre.name == "王建国"))
        new = Cadre(name="李新", affiliation="62")
        s.add(new)
        s.flush()
        hid, new_id, earlier_affiliation = h.id, new.id, earlier.affiliation
    registry = RegistryService(db=county_db)
    registry.pair_cadre(household_id=hid, cadre_id=new_id, start=dt.date(2019, 6, 1), reason="调整")
    view = HouseholdDetailView()
    qtbot.addWidget(view)
    view.show_detail(registry.household(hid), codebook=county_db.codebook(), data_year=2019)

    facts = view.facts_model.items()
    for key in ("household.is_relocated", "household.is_renovated", "household.longitude", "household.latitude",
                "household.monitoring_type", "household.monitoring_date", "household.monitoring_reason"):
        assert any(label.startswith(_label(key)) for label in facts), key
    assert facts[_label("household.monitoring_type")] == "边缘户"
    members = view.members_model
    head = members.row_of_id(registry.household(hid).members[0].id)
    for key, shown in (("member.disability_grade", "二级"), ("member.disability_cert_year", "2016"),
                       ("member.family_doctor", "是"), ("member.chronic_card", "是"),
                       ("member.public_post_type", "护林员"), ("member.public_post_from", "2019-03-01"),
                       ("member.public_post_months", "10")):
        col = members.column_of_key(key)
        assert col is not None, key
        assert members.index(head, col).data() == shown, key
    conditions = view.conditions_model.items()
    assert conditions[dd.field("conditions.house_structure").label_with_unit("zh")] == "砖混"
    assert conditions[dd.field("conditions.house_area_per_capita").label_with_unit("zh")] == "24.5"
    measures = view.measures_model
    row = measures.rowCount() - 1 if measures.rowCount() else 0
    texts = {key: measures.index(r, measures.column_of_key(key)).data()
             for r in range(measures.rowCount()) for key in ("measure.scale", "measure.benefit", "measure.completed_on")
             if measures.index(r, measures.column_of_key("measure.item")).data() == "养殖"}
    assert texts == {"measure.scale": "30只", "measure.benefit": "4,200.00", "measure.completed_on": "2019-10-01"}, row
    cadres = view.cadres_model
    names = [cadres.index(r, cadres.column_of_key("cadre.name")).data() for r in range(cadres.rowCount())]
    assert names == ["李新", "王建国"]  # the current cadre first, the earlier one kept with its end
    end = cadres.column_of_key("pairing.end_date")
    assert cadres.index(1, end).data() == "2019-05-31" and cadres.index(0, end).data() == ""
    affiliation = cadres.column_of_key("cadre.affiliation")
    assert [cadres.index(r, affiliation).data() for r in (0, 1)] == ["乡", "县"] and earlier_affiliation == "51"
    assert cadres.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # the earlier one muted
    assert cadres.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
