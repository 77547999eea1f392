"""Allocating portfolios to moderators (MOD-ALLOCATE), as a pure function of plain values.

The Professional Practice team allocates; this proposes, and they adjust by hand. Three
things matter, in this order:

1. Nobody moderates a portfolio they may not: the NQSW's own assessor or practice manager
   (MOD-ALLOCATE), or anyone who can open the NQSW's named portfolio, such as a group
   manager of their service (MOD-ANON) (`conflicts`). A portfolio nobody may read is left
   unallocated, never forced.
2. Continuity: "where possible the same moderator moderates an NQSW at 6 months and at
   completion", so a portfolio goes back to the moderator who read it last time...
3. ...as long as the load stays balanced: nobody is given more than their fair share
   (total portfolios over moderators, the remainder spread one each), so continuity never
   leaves one member reading twice as much as another. The rest go to whoever has least.

A soft preference breaks ties: a moderator who knows the NQSW by name (their group manager)
is passed over when someone as lightly loaded is free (`avoid`).

The same inputs always give the same allocation (ties go to the lowest key).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Portfolio:
    key: int
    conflicts: frozenset[int] = frozenset()  # moderators who may not read it (MOD-ALLOCATE)
    previous: int | None = None  # who moderated this NQSW at the last panel
    avoid: frozenset[int] = frozenset()  # moderators to pass over when another is as free


@dataclass(frozen=True)
class Moderator:
    key: int
    load: int = 0  # portfolios already allocated to them at this panel (by hand, say)


@dataclass
class Result:
    allocations: dict[int, int] = field(default_factory=dict)  # portfolio -> moderator
    continued: set[int] = field(default_factory=set)  # portfolios kept with the last moderator
    unallocated: list[int] = field(default_factory=list)  # nobody may read them

    def loads(self, moderators: Iterable[Moderator]) -> dict[int, int]:
        loads = {m.key: m.load for m in moderators}
        for moderator in self.allocations.values():
            loads[moderator] += 1
        return loads


def fair_shares(total: int, keys: Sequence[int]) -> tuple[int, int]:
    """(floor, how many may carry one more): `total` portfolios spread over `keys`."""
    if not keys:
        return 0, 0
    return divmod(total, len(keys))


def allocate(portfolios: Sequence[Portfolio], moderators: Sequence[Moderator]) -> Result:
    """One moderator for each portfolio (see the module docstring for the order of concerns)."""
    result = Result()
    keys = sorted(m.key for m in moderators)
    loads = {m.key: m.load for m in moderators}
    if not keys:
        result.unallocated = [p.key for p in portfolios]
        return result

    floor, extra = fair_shares(sum(loads.values()) + len(portfolios), keys)
    # Moderators already above the floor (by hand) use up the "one more" places first.
    extra -= sum(1 for key in keys if loads[key] > floor)

    def room_for_continuity(key: int) -> bool:
        nonlocal extra
        if loads[key] < floor:
            return True
        if loads[key] == floor and extra > 0:
            extra -= 1
            return True
        return False

    def eligible(portfolio: Portfolio) -> list[int]:
        return [key for key in keys if key not in portfolio.conflicts]

    def give(portfolio: Portfolio, key: int) -> None:
        result.allocations[portfolio.key] = key
        loads[key] += 1

    rest = []
    for portfolio in sorted(portfolios, key=lambda p: p.key):
        previous = portfolio.previous
        if (
            previous is not None
            and previous in loads
            and previous not in portfolio.conflicts
            and room_for_continuity(previous)
        ):
            give(portfolio, previous)
            result.continued.add(portfolio.key)
        else:
            rest.append(portfolio)

    # The most constrained first, so a portfolio only one member may read still gets them.
    for portfolio in sorted(rest, key=lambda p: (len(eligible(p)), p.key)):
        candidates = eligible(portfolio)
        if not candidates:
            result.unallocated.append(portfolio.key)
            continue
        best = min(candidates, key=lambda key: (loads[key], key in portfolio.avoid, key))
        give(portfolio, best)
    result.unallocated.sort()
    return result
