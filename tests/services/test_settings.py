"""Year settings: figures checked for sense, and the source never left describing old figures."""

from __future__ import annotations

import datetime as dt

import pytest

from povdesk.cli import main
from povdesk.errors import InvalidValue
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService


def test_a_reference_date_outside_the_year_is_refused_with_the_reason(db: Database) -> None:
    settings = YearSettingsService(db=db)
    with pytest.raises(InvalidValue) as caught:
        settings.update(2019, reference_date=dt.date(2018, 6, 30))
    assert "2019" in caught.value.zh and "2018-06-30" in caught.value.zh
    assert settings.get(2019).reference_date == dt.date(2019, 12, 31)
    # a check date early in the next year is a real practice
    assert settings.update(2019, reference_date=dt.date(2020, 3, 15)).reference_date == dt.date(2020, 3, 15)


def test_a_changed_figure_without_a_source_says_who_set_it(db: Database) -> None:
    settings = YearSettingsService(db=db)
    assert "3750" in (settings.get(2019).source or "")
    before = settings.get(2019).source
    changed = settings.update(2019, exit_income_line=3700)
    assert changed.source == f"本地设置（{db.user}，{dt.date.today().isoformat()}）；此前：{before}"
    assert settings.get(2019).source == changed.source
    again = settings.update(2019, exit_income_line=3690)  # a second local change keeps one history
    assert again.source == changed.source
    given = settings.update(2019, exit_income_line=3650, source="县扶贫办 2019 年测算")
    assert given.source == "县扶贫办 2019 年测算"
    # changing only the source keeps the figures
    assert settings.update(2019, source="省文件").exit_income_line == 3650


def test_cli_says_where_a_new_year_took_its_figures(db: Database, db_url: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = db_url
    db.close()
    year = str(dt.date.today().year + 1)  # next year's settings, prepared ahead
    assert main(["--db", path, "--lang", "zh_CN", "settings", "years", "--set", year, "--exit-line", "5000"]) == 0
    captured = capsys.readouterr()
    assert f"已新建 {year} 年度设置" in captured.err and "2020" in captured.err
    assert f"{year}  退出线 5000 元" in captured.out
    assert main(["--db", path, "--lang", "en", "settings", "years", "--set", "2019"]) == 2
    assert "needs at least one figure" in capsys.readouterr().err
    assert main(["--db", path, "--lang", "en", "settings", "years", "--exit-line", "4000"]) == 2
    assert "--set YEAR" in capsys.readouterr().err
    assert main(["--db", path, "--lang", "en", "settings", "years", "--set", "2099", "--exit-line", "1"]) == 2
    assert "not a data year" in capsys.readouterr().err


def test_once_there_is_a_director_only_a_director_changes_roles(db_url: str) -> None:
    from sqlalchemy import select

    from povdesk.db.models import ChangeLog
    from povdesk.errors import NotAllowed
    from povdesk.services.users import UserService

    path = db_url
    first = Database.open(path, user="it")
    users = UserService(db=first)
    users.save("zhang", role="director", display_name="张主任")  # setting up: no director yet
    with pytest.raises(NotAllowed) as refused:
        users.save("it", role="director")
    assert "签发人" in refused.value.zh
    with pytest.raises(InvalidValue):
        UserService(db=first).save("a b/;x", role="clerk")
    first.close()
    director = Database.open(path, user="zhang")
    UserService(db=director).save("wang", role="reviewer", display_name="王审核")
    with director.reading() as s:
        journal = [(c.user, c.field, c.old_value, c.new_value) for c in s.scalars(
            select(ChangeLog).where(ChangeLog.entity == "user").order_by(ChangeLog.id))]
    assert journal == [("it", "user.role", None, "张主任 director"), ("zhang", "user.role", None, "王审核 reviewer")]
    director.close()


def test_working_age_school_date_and_judgement_figures_are_year_settings(db: Database) -> None:
    settings = YearSettingsService(db=db)
    shipped = settings.get(2019)
    assert (shipped.school_date, shipped.working_age_from, shipped.working_age_to) == (dt.date(2019, 9, 1), 16, 60)
    assert (shipped.monitoring_income_threshold, shipped.labour_shortage_share, shipped.public_post_age_limit) == \
        (5000.0, 0.25, 70)
    changed = settings.update(2019, working_age_to=65, school_age_date=dt.date(2019, 8, 31),
                              monitoring_income_threshold=5500)
    again = settings.get(2019)
    assert again == changed and again.working_age_to == 65 and again.school_date == dt.date(2019, 8, 31)
    assert again.monitoring_income_threshold == 5500 and "本地设置" in (again.source or "")
    with pytest.raises(InvalidValue):
        settings.update(2019, working_age_from=60, working_age_to=16)
    with pytest.raises(InvalidValue):
        settings.update(2019, school_age_date=dt.date(2017, 9, 1))
    with pytest.raises(InvalidValue):
        settings.update(2019, labour_shortage_share=1.5)
    # a year without a row borrows the nearest earlier year's figures, with its own 1 September
    settings.update(2020, working_age_to=62)
    assert settings.get(2021).school_date == dt.date(2021, 9, 1) and settings.get(2021).working_age_to == 62


def test_cli_sets_working_ages_and_the_school_age_date(db: Database, db_url: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db.close()
    assert main(["--db", db_url, "--lang", "en", "settings", "years", "--set", "2019", "--working-ages", "16-65",
                 "--school-age-date", "2019-08-31", "--post-age-limit", "65"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("2019"))
    assert "working ages 16-65" in line and "(on 2019-08-31)" in line and "post age limit 65" in line
    assert main(["--db", db_url, "--lang", "en", "settings", "years", "--set", "2019", "--working-ages", "60"]) == 2
    assert main(["--db", db_url, "--lang", "en", "settings", "years", "--set", "2019", "--working-ages", "60-16"]) == 2
    assert "Working age" in capsys.readouterr().err
