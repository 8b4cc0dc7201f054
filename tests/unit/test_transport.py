"""The one transport and its pacing, with an injected clock: no test here waits or reads the wall clock."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests
import responses
import urllib3
from fake_clock import FakeClock
from pulumi_idcs_provider.pacing import RateLimiter, RetryPolicy
from pulumi_idcs_provider.transport import ThrottledError, Transport, TransportError

URL = "https://idcs-0123.identity.oraclecloud.com"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def transport(clock: FakeClock, per_second: float | None = None) -> Transport:
    return Transport(URL, per_second=per_second, retry=RetryPolicy(attempts=4, base_seconds=0.01),
                     session=requests.Session(), clock=clock)


def test_pacing_is_even_at_ninety_percent_of_the_limit_with_no_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(5, clock)
    for _ in range(15):
        limiter.acquire()
    assert clock.sleeps == pytest.approx([1 / 4.5] * 14)  # the first goes at once, then one every 1/4.5 s
    assert clock.now == pytest.approx(14 / 4.5)


def test_pacing_does_not_wait_when_requests_are_already_slow_enough() -> None:
    clock = FakeClock()
    limiter = RateLimiter(5, clock)
    for _ in range(5):
        limiter.acquire()
        clock.now += 1.0  # each request took a second
    assert clock.sleeps == []


def test_a_replay_safe_request_is_retried_after_a_reset(mocked: responses.RequestsMock) -> None:
    mocked.get(URL + "/x", body=requests.ConnectionError("reset by peer"))
    mocked.get(URL + "/x", json={})
    assert transport(FakeClock()).request("GET", "/x", replay_safe=True).status_code == 200
    assert len(mocked.calls) == 2


def test_a_request_that_is_not_replay_safe_is_never_resent_after_a_reset(mocked: responses.RequestsMock) -> None:
    mocked.post(URL + "/token", body=requests.ConnectionError("reset by peer"))
    mocked.post(URL + "/token", json={})
    with pytest.raises(TransportError, match=r"no answer from https://\S+/token after the request was sent "
                       r"\(ConnectionError\); not resent"):
        transport(FakeClock()).request("POST", "/token")  # not declared replay-safe: the default
    assert len(mocked.calls) == 1


def test_a_request_that_is_not_replay_safe_is_retried_on_429_only(mocked: responses.RequestsMock) -> None:
    clock = FakeClock()
    mocked.post(URL + "/token", status=429, headers={"Retry-After": "2"})
    mocked.post(URL + "/token", status=503)
    assert transport(clock).request("POST", "/token", replay_safe=False).status_code == 503  # answered as is
    assert len(mocked.calls) == 2 and clock.sleeps == [2.0]


def test_tls_failure_is_said_at_once_not_retried(mocked: responses.RequestsMock) -> None:
    mocked.get(URL + "/x", body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(TransportError) as err:
        transport(FakeClock()).request("GET", "/x")
    assert err.value.tls and len(mocked.calls) == 1


def test_attempts_are_bounded_and_the_last_status_is_answered(mocked: responses.RequestsMock) -> None:
    clock = FakeClock()
    for _ in range(6):
        mocked.get(URL + "/x", status=502)
    assert transport(clock).request("GET", "/x", replay_safe=True).status_code == 502
    assert len(mocked.calls) == 4 and len(clock.sleeps) == 3


def test_throttling_is_waited_out_for_the_whole_budget_and_slows_the_run_down(
        mocked: responses.RequestsMock) -> None:
    clock, told = FakeClock(), []
    for _ in range(7):  # more 429s (without Retry-After) than the 4 attempts other errors get
        mocked.get(URL + "/x", status=429)
    mocked.get(URL + "/x", json={})
    paced = Transport(URL, per_second=10, retry=RetryPolicy(attempts=4, base_seconds=0.01),
                      session=requests.Session(), clock=clock, notice=told.append)
    assert paced.request("GET", "/x").status_code == 200
    assert len(mocked.calls) == 8
    assert paced._limiter is not None and paced._limiter.per_second == pytest.approx(0.5)  # halved to the floor
    slowed = [m for m in told if "slowing down" in m]
    assert "slowing down from 9.0 to 2.2 requests a second" in slowed[0]  # the first 429: a free domain's pace
    assert [m.split(" to ")[1].split()[0] for m in slowed] == ["2.2", "1.1", "0.6", "0.5"]  # each one told


def test_a_long_wait_for_a_429_is_told_before_it_starts(mocked: responses.RequestsMock) -> None:
    clock, told = FakeClock(), []
    mocked.get(URL + "/x", status=429, headers={"Retry-After": "30"})
    mocked.get(URL + "/x", json={})
    quiet = Transport(URL, session=requests.Session(), clock=clock, notice=told.append)
    assert quiet.request("GET", "/x").status_code == 200
    assert told == [f"{URL} answers HTTP 429 (throttled): waiting 30 s before trying again (attempt 2; the request "
                    "was not processed, so nothing is lost)"]
    assert clock.sleeps == [30.0]


def test_a_transport_with_no_notice_tells_python_logging(mocked: responses.RequestsMock,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    mocked.get(URL + "/x", status=429)
    mocked.get(URL + "/x", json={})
    with caplog.at_level(logging.WARNING):
        assert transport(FakeClock(), per_second=10).request("GET", "/x").status_code == 200
    assert any("slowing down from 9.0 to 2.2" in r.getMessage() for r in caplog.records)


def test_a_wait_beyond_the_budget_says_so(mocked: responses.RequestsMock) -> None:
    clock = FakeClock()
    mocked.post(URL + "/token", status=429, headers={"Retry-After": "120"})
    with pytest.raises(ThrottledError) as err:
        transport(clock).request("POST", "/token", replay_safe=False)
    assert str(err.value) == (f"throttled by {URL} (HTTP 429) on 1 attempts over 0 s; it asked to wait 120 s more, "
                              "beyond the retry budget of 90 s")
    assert clock.sleeps == [] and len(mocked.calls) == 1


def test_requests_throttled_together_slow_the_pace_once() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock)
    sent_together = clock.monotonic()
    clock.now += 1.0
    # the first 429: at once to what a free domain allows for a whole minute (150 a minute, with 10 % headroom)
    assert limiter.slow_down(sent_together) == (pytest.approx(9.0), pytest.approx(2.25))
    assert limiter.slow_down(sent_together) == (pytest.approx(2.25), pytest.approx(2.25))  # sent before it
    clock.now += 1.0
    assert limiter.slow_down(clock.monotonic())[1] == pytest.approx(1.125)  # sent at the new pace, throttled again


def test_a_slow_pace_halves_at_the_first_429() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock)  # already below what a minute allows: halving is the slower
    assert limiter.slow_down(clock.monotonic()) == (pytest.approx(1.8), pytest.approx(0.9))


def test_a_connection_never_made_is_retried_even_for_a_request_that_is_not_replay_safe(
        mocked: responses.RequestsMock) -> None:
    refused = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    mocked.post(URL + "/token", body=requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, URL, refused)))
    mocked.post(URL + "/token", json={})
    assert transport(FakeClock()).request("POST", "/token").status_code == 200  # nothing had reached the server
    assert len(mocked.calls) == 2


def test_a_502_is_resent_only_when_the_caller_says_it_is_safe(mocked: responses.RequestsMock) -> None:
    mocked.post(URL + "/x", status=502)
    mocked.post(URL + "/x", json={})
    assert transport(FakeClock()).request("POST", "/x").status_code == 502  # a new call is not replayed by default
    assert len(mocked.calls) == 1


def test_the_401_resend_takes_its_own_rate_limit_slot(mocked: responses.RequestsMock) -> None:
    class Renewing(requests.auth.AuthBase):
        renewals = 0

        def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
            r.headers["Authorization"] = f"Bearer t{self.renewals}"
            return r

        def renew(self, refused: requests.PreparedRequest) -> bool:
            self.renewals += 1
            return True

    clock = FakeClock()
    mocked.get(URL + "/x", status=401)
    mocked.get(URL + "/x", json={})
    auth = Renewing()
    assert transport(clock, per_second=5).request("GET", "/x", auth=auth).status_code == 200
    assert [c.request.headers["Authorization"] for c in mocked.calls] == ["Bearer t0", "Bearer t1"]
    assert clock.sleeps == pytest.approx([1 / 4.5])  # the resend waited for its slot
