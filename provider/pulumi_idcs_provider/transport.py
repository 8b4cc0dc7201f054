"""The one way this package talks HTTP: a pooled session, a timeout, TLS trust, a rate limit and one retry policy.

Every caller (the IDCS Apps client, the admin and Mosaic token requests, the refresh-grant exchanges) sends through
a `Transport`. It knows nothing of apps or messages for people: it answers a `requests.Response` for any status,
or raises `TransportError` with the facts (what failed, how often, for how long), and the API client above it
says which operation on which app that was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import requests
import urllib3

from .errors import IdcsError
from .pacing import SYSTEM_CLOCK, Clock, RateLimiter, RetryPolicy, retry_after_seconds

log = logging.getLogger(__name__)

#: Statuses that mean "not processed, try again": throttling and gateway errors.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_TIMEOUT_SECONDS = 30.0
#: A wait for a 429 this long or longer is told to the user as it starts: a run must never stall in silence.
TOLD_WAIT_SECONDS = 1.0
#: Where a transport tells what the user should see (a slow-down, a long wait): each front door passes its own
#: (the plugin: the engine's log; the dynamic door: the provider's stderr, which the CLI shows).
Notice = Callable[[str], None]

class TransportError(IdcsError):
    """No answer to use: the host was unreachable (after the retries allowed), or its certificate is not trusted."""

    def __init__(self, reason: str, *, tls: bool = False) -> None:
        super().__init__(reason)
        self.tls = tls


class ThrottledError(TransportError):
    """The server kept answering 429 until the retry budget ran out, or asked to wait longer than the budget.
    The request was not processed (a 429 never is): a refresh token sent with it was not spent."""

    def __init__(self, url: str, attempts: int, spent: float, wanted: float | None, budget: float) -> None:
        self.url, self.attempts, self.spent, self.wanted, self.budget = url, attempts, spent, wanted, budget
        ask = f"; it asked to wait {wanted:.0f} s more" if wanted is not None else ""
        super().__init__(f"throttled by {url} (HTTP 429) on {attempts} attempts over {spent:.0f} s{ask}, beyond "
                         f"the retry budget of {budget:.0f} s")


class Transport:
    """Requests to one base URL. Thread-safe; one per connection, shared by every resource of a run."""

    def __init__(self, base_url: str, *, verify: bool | str = True, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
                 per_second: float | None = None, retry: RetryPolicy | None = None,
                 session: requests.Session | None = None, clock: Clock = SYSTEM_CLOCK,
                 notice: Notice | None = None) -> None:
        self.base_url = base_url
        self.verify = verify
        self.timeout_seconds = timeout_seconds
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.session = session or requests.Session()  # a context passes its pooled one
        self._limiter = RateLimiter(per_second, clock) if per_second else None
        self.notice: Notice = notice or log.warning

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r})"

    def request(self, method: str, path: str = "", *, replay_safe: bool = False,
                **kwargs: Any) -> requests.Response:
        """One logical request, answered with whatever status the server gave in the end.

        Nothing is resent unless it is safe: a 429 (never processed) and a connection that was never made always
        are; gateway errors, resets and read timeouts only when the caller declares the request `replay_safe` (a
        GET, a client-credentials token, a PATCH guarded by If-Match). A request that is not (a refresh grant
        spends its token; anything new, by default) goes out once. A 401 renews the token (when the auth can)
        and resends once, taking its own rate-limit slot like any request.
        """
        url, started, attempt, renewed = self.base_url + path, self.clock.monotonic(), 0, False
        while True:
            # Prepared first: auth may need a request of its own (a token), which must take its own slot first.
            prepared = self.session.prepare_request(requests.Request(method, url, **kwargs))
            if self._limiter is not None:
                self._limiter.acquire()
            sent_at = self.clock.monotonic()
            resp, problem, retry_after = self._once(prepared, replay_safe)
            if resp is not None and resp.status_code == 401 and not renewed and _renew(kwargs.get("auth"), prepared):
                renewed = True
                continue
            if problem is None and resp is not None:
                return resp
            throttled = resp is not None and resp.status_code == 429
            if throttled:
                self._slow_down(sent_at)
            delay = self.retry.delay(attempt, retry_after)
            attempt += 1
            spent = self.clock.monotonic() - started
            if spent + delay > self.retry.budget_seconds or (not throttled and attempt >= self.retry.attempts):
                if throttled:  # throttling is waited out while the budget lasts, however many attempts that takes
                    raise ThrottledError(self.base_url, attempt, spent, retry_after, self.retry.budget_seconds)
                if resp is not None:
                    return resp  # the API client turns the status into its own error
                raise TransportError(f"{problem} from {self.base_url} on {attempt} attempts over {spent:.0f} s")
            log.info("%s %s: %s, retry %d in %.1f s", method, url, problem, attempt, delay)
            if throttled and delay >= TOLD_WAIT_SECONDS:
                self.notice(f"{self.base_url} answers HTTP 429 (throttled): waiting {delay:.0f} s before trying again "
                            f"(attempt {attempt + 1}; the request was not processed, so nothing is lost)")
            self.clock.sleep(delay)

    def _slow_down(self, sent_at: float) -> None:
        """A 429 says the domain's limit is below our pace: slow down for the rest of the run (pacing.RateLimiter
        says how far), and tell the user each time, through the front door's notice."""
        if self._limiter is None:
            return
        before, now = self._limiter.slow_down(sent_at)
        if before != now:
            self.notice(f"{self.base_url} answers HTTP 429 (throttled): slowing down from {before:.1f} to {now:.1f} "
                        "requests a second for the rest of this run; set idcs:maxRequestsPerSecond to the domain's "
                        "limit to avoid it (a free domain allows 150 a minute: 2.5)")

    def _once(self, prepared: requests.PreparedRequest,
              replay_safe: bool) -> tuple[requests.Response | None, str | None, float | None]:
        """(answer, why to retry or None, Retry-After seconds) of one attempt."""
        options = self.session.merge_environment_settings(prepared.url, {}, None, self.verify, None)
        try:
            resp = self.session.send(prepared, timeout=self.timeout_seconds, **options)
        except requests.exceptions.SSLError as e:
            if "WRONG_VERSION_NUMBER" in str(e).upper() or "wrong version number" in str(e):
                raise TransportError(f"{self.base_url} does not speak TLS (it answered in plain HTTP): check the "
                                     "URL's scheme and port (plain http is for a local emulator only)") from None
            raise TransportError(f"TLS verification of {self.base_url} failed", tls=True) from None
        except (requests.ConnectionError, requests.Timeout) as e:
            if _never_sent(e):  # nothing reached the server: safe to try again, whatever the request
                return None, f"could not connect ({type(e).__name__})", None
            if not replay_safe:
                raise TransportError(f"no answer from {prepared.url} after the request was sent "
                                     f"({type(e).__name__}); not resent, as the server may have processed it") from None
            return None, f"no answer after sending ({type(e).__name__})", None
        retryable = resp.status_code == 429 if not replay_safe else resp.status_code in RETRY_STATUSES
        if not retryable:
            return resp, None, None
        return resp, f"HTTP {resp.status_code}", retry_after_seconds(resp.headers.get("Retry-After"),
                                                                     self.clock.time())


def _never_sent(error: Exception) -> bool:
    """Whether the request never reached the server: the connection could not be made (refused, unreachable,
    a connect timeout). A reset or a read timeout after sending is not: the server may have processed it."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))


def _renew(auth: object, refused: requests.PreparedRequest) -> bool:
    """Ask the request's auth for a new credential after a 401; whether it has one (then the request is resent)."""
    renew = getattr(auth, "renew", None)
    return bool(renew(refused)) if callable(renew) else False
