"""The demo county: an invented Leibo county with recorded faults, so every feature has data to show
and the checks have something real to find (issue #2 part 5, domain.md §1, §2, §6).

- `data`: the names, places and measures it draws from;
- `generator`: households, members, incomes, conditions, measures and cadres, as plain rows;
- `faults`: the fault table: each kind, its injector and the rules that must find it;
- `service`: `DemoService`, the use case that writes the county in one transaction.

It sits above the services (it writes through `services.database`); the window reaches it only
through the services facade (`Services.demo`).
"""
