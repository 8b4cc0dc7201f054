"""The read rule of one run, with an injected clock: which reads go out singly, when the domain is listed, and for
how long what was read answers."""

from __future__ import annotations

from fake_clock import FakeClock
from pulumi_idcs_provider.app_reads import MAX_AGE_SECONDS, AppReads
from pulumi_idcs_provider.apps import AppExpiries


def app(app_id: str, access: int = 3600) -> AppExpiries:
    return AppExpiries.model_validate({"id": app_id, "name": app_id, "displayName": app_id.upper(),
                                       "accessTokenExpiry": access})


class Domain:
    """Counts what the rule asks of the domain."""

    def __init__(self, size: int) -> None:
        self.size, self.counted, self.listed = size, 0, 0

    def count(self) -> int:
        self.counted += 1
        return self.size

    def take(self) -> dict[str, AppExpiries]:
        self.listed += 1
        return {"a": app("a")}


def test_reads_go_singly_until_they_have_cost_what_listing_costs_then_list_once() -> None:
    reads, domain = AppReads(FakeClock()), Domain(size=2500)  # 3 pages
    answers = [reads.listing(domain.count, domain.take) for _ in range(6)]
    assert [a is None for a in answers] == [True, True, True, False, False, False]
    assert (domain.counted, domain.listed) == (1, 1)  # one probe at the third read, one listing after


def test_one_or_two_reads_never_pay_for_the_probe() -> None:
    reads, domain = AppReads(FakeClock()), Domain(size=50_000)
    assert reads.listing(domain.count, domain.take) is None and reads.listing(domain.count, domain.take) is None
    assert domain.counted == 0


def test_what_was_read_answers_for_five_minutes_then_is_read_again() -> None:
    clock = FakeClock()
    reads, domain = AppReads(clock), Domain(size=10)
    reads.remember(app("a"))
    clock.now += MAX_AGE_SECONDS - 1
    assert reads.recent("a") == app("a")
    clock.now += 1
    assert reads.recent("a") is None
    for _ in range(3):
        reads.listing(domain.count, domain.take)
    clock.now += MAX_AGE_SECONDS
    assert reads.listing(domain.count, domain.take) is not None and domain.listed == 2  # a stale listing is taken anew


def test_a_concurrent_change_forgets_the_app_and_the_listing_that_missed_it() -> None:
    reads, domain = AppReads(FakeClock()), Domain(size=10)
    for _ in range(3):
        reads.listing(domain.count, domain.take)
    reads.resolve("name", "A", app("a"))
    assert reads.resolved("name", "a") == "a"  # names ignore case
    reads.forget("a")
    assert reads.recent("a") is None
    reads.listing(domain.count, domain.take)
    assert domain.listed == 2


def test_our_own_patch_answers_replace_what_the_listing_holds() -> None:
    reads, domain = AppReads(FakeClock()), Domain(size=10)
    for _ in range(3):
        listed = reads.listing(domain.count, domain.take)
    reads.remember(app("a", access=900))
    assert listed is not None and listed["a"].access_token_expiry == 900
