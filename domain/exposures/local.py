"""This process's sightings, held for a moment before they go to Redis.

Recording a sighting while a page is served costs a dictionary insert: the process's web app
pushes what it holds into the shared Redis buffer every ``PUSH_SECONDS`` (one pipelined round trip
for everything since the last push), and ``flush`` pushes first, so a job run in the same process
writes out what it holds too. The first sighting of a member, post and day wins here as in Redis.
A process that dies loses at most its last second of sightings: exposures feed a report, not a
balance.

The report limit is counted here too, per process (a member spread over N processes may report N
times the limit a minute): it only keeps one member from filling a process's memory, which
``MAX_ENTRIES`` bounds whatever happens."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import RateLimitedError

MAX_ENTRIES = 200_000  # ~40 MB at most, pushed each second in practice


class LocalSightings:
    def __init__(self) -> None:
        self._entries: dict[str, str] = {}
        self._window = -1
        self._reports: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def count_report(self, member_id: int, now: float, limit: int, window_seconds: int) -> None:
        """One report by the member in the current window; ``RateLimitedError`` past ``limit``."""
        window = int(now // window_seconds)
        if window != self._window:
            self._window, self._reports = window, {}
        count = self._reports.get(member_id, 0) + 1
        self._reports[member_id] = count
        if count > limit:
            left = window_seconds - int(now % window_seconds)
            raise RateLimitedError(retry_after_seconds=max(left, 1))

    def add(self, entries: Iterable[tuple[str, str]]) -> int:
        """Keep each (field, value) unless its field is held already; returns how many were new
        here. Past ``MAX_ENTRIES`` new fields are dropped until the next push."""
        added = 0
        for field, value in entries:
            if field not in self._entries and len(self._entries) < MAX_ENTRIES:
                self._entries[field] = value
                added += 1
        return added

    def take(self) -> dict[str, str]:
        """Everything held, leaving nothing."""
        taken, self._entries = self._entries, {}
        return taken

    def give_back(self, entries: dict[str, str]) -> None:
        """Entries a push could not deliver: they are older than anything held since, so they
        win their fields again."""
        self._entries = {**entries, **{k: v for k, v in self._entries.items() if k not in entries}}
