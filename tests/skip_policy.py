"""Every skip of a run, recorded where the reports arrive (with pytest-xdist: on the controller,
which receives each worker's reports through pytest_runtest_logreport and pytest_collectreport),
and a verdict at the end: where skips are not allowed (CI), a skip not in the allow-list fails the
run, each one named with its reason."""
from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Skip:
    nodeid: str
    reason: str

    def allowed_by(self, allowed: list[tuple[str, str]]) -> bool:
        """An allow-list entry is (node id prefix, text in the reason)."""
        return any(self.nodeid.startswith(prefix) and text in self.reason for prefix, text in allowed)


def skip_reason(report) -> str:
    """A skip's reason: its long representation is (file, line, reason); on an xdist controller the
    tuple may arrive as a list."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple | list) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


class SkipPolicy:
    """A pytest plugin: records the skips it is shown; with enforce, fails the run on any skip
    the allow-list does not name."""

    def __init__(self, enforce: bool, allowed: list[tuple[str, str]]):
        self.enforce, self.allowed = enforce, allowed
        self.skips: list[Skip] = []

    def _record(self, report) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):   # an xfail is reported as skipped too
            self.skips.append(Skip(report.nodeid, skip_reason(report)))

    def pytest_runtest_logreport(self, report) -> None:
        self._record(report)

    def pytest_collectreport(self, report) -> None:   # a module that skips as a whole (importorskip, skip at import)
        self._record(report)

    def refused(self) -> list[Skip]:
        return [skip for skip in self.skips if not skip.allowed_by(self.allowed)] if self.enforce else []

    def pytest_sessionfinish(self, session) -> None:
        if self.refused() and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        refused = self.refused()
        if refused:
            terminalreporter.section("skips are failures here (CI=true)", red=True, bold=True)
            for skip in sorted(refused, key=lambda skip: skip.nodeid):
                terminalreporter.line(f"SKIP NOT ALLOWED {skip.nodeid}: {skip.reason}")
            terminalreporter.line(f"{len(refused)} skip(s) not in the allow-list (tests/conftest.py, CI_ALLOWED_SKIPS): "
                                  "install what they name (.ci/run does) or fix the test", red=True)


def register(config, enforce: bool, allowed: list[tuple[str, str]]) -> None:
    """Install the policy on the process that reports the run: not on xdist workers, whose
    reports the controller records."""
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(SkipPolicy(enforce, allowed), "partnergraph-skip-policy")
