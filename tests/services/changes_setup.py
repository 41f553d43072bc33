"""The office of the change-request tests: the small county, five people and a settable today."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.users import UserService

H0 = "51343720420100001"  # 沙马拉则, 5 members, not exited, income below the exit line
H4 = "51343720420200002"  # 吉木尔古, 2 members, not exited, meets every exit indicator
H1 = "51343720420100002"  # 曲比阿呷, 3 members, exited in 2018
TODAY = dt.date(2020, 1, 15)
NOTICE = {"assessment_date": "2019-12-01", "notice_start": "2019-12-02", "notice_end": "2019-12-09",
          "township_review_date": "2019-12-12", "township_reviewer": "李乡长"}


@dataclass
class Office:
    db: Database
    today: list[dt.date] = field(default_factory=lambda: [TODAY])
    services: dict[str, ChangeRequestService] = field(default_factory=dict)

    def as_(self, login: str) -> ChangeRequestService:
        if login not in self.services:
            self.services[login] = ChangeRequestService(db=dataclasses.replace(self.db, user=login),
                                                        today=lambda: self.today[0])
        return self.services[login]


def office(db: Database) -> Office:
    """tester and carl are clerks, rita and ron reviewers, dina and dave directors."""
    users = UserService(db=db)
    for login, role in (("carl", "clerk"), ("rita", "reviewer"), ("ron", "reviewer"), ("dina", "director")):
        users.save(login, role=role)
    UserService(db=dataclasses.replace(db, user="dina")).save("dave", role="director")
    return Office(db)
