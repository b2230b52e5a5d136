"""The test harness itself can fail: under CI=true a skip fails the run (also when pytest-xdist
runs the tests in workers), and a live server whose port never opens fails its fixture."""
from __future__ import annotations

import socket

import pytest

from tests.conftest import ROOT

pytest_plugins = ["pytester"]

CONFTEST = """
import os
from tests.skip_policy import register

ALLOWED = [("test_allowed.py::", "allowed here")]

def pytest_configure(config):
    register(config, enforce=os.environ.get("CI") == "true", allowed=ALLOWED)
"""

TESTS = {
    "test_skips": """
import socket

import pytest

def test_passes():
    pass

def test_skips():
    pytest.skip("chromium is not installed")

@pytest.mark.xfail(reason="a known deviation, named", strict=True)
def test_known_deviation():
    assert False
""",
    "test_allowed": """
import socket

import pytest

def test_allowed_skip():
    pytest.skip("allowed here")
""",
    "test_module_skip": """
import socket

import pytest
pytest.importorskip("no_such_module_anywhere")
""",
}


@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))    # tests.skip_policy, for runs in a subprocess
    monkeypatch.syspath_prepend(str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(**TESTS)
    return pytester


def test_outside_ci_skips_are_reported_only(project, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = project.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=3, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "SKIP NOT ALLOWED" not in result.stdout.str()


def test_in_ci_a_skip_fails_the_run_and_is_named(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = project.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=3, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*SKIP NOT ALLOWED test_module_skip.py: *no_such_module_anywhere*",
                                 "*SKIP NOT ALLOWED test_skips.py::test_skips: chromium is not installed",
                                 "*2 skip(s) not in the allow-list*"])
    assert "test_allowed.py::test_allowed_skip" not in result.stdout.str()      # the allow-list entry
    assert "test_known_deviation" not in result.stdout.str().split("skips are failures here")[1]   # an xfail is no skip


def test_in_ci_with_only_allowed_skips_the_run_passes(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "test_allowed.py")
    result.assert_outcomes(skipped=1)
    assert result.ret == pytest.ExitCode.OK


def test_in_ci_a_skip_in_an_xdist_worker_fails_the_run(project, monkeypatch):
    """The workers' reports reach the controller, which holds the verdict (the workers hold none)."""
    monkeypatch.setenv("CI", "true")
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile", timeout=300)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.stdout.fnmatch_lines(["*SKIP NOT ALLOWED test_module_skip.py: *no_such_module_anywhere*",
                                 "*SKIP NOT ALLOWED test_skips.py::test_skips: chromium is not installed"])
    assert "test_allowed_skip" not in result.stdout.str().split("skips are failures here")[1]


def test_live_server_that_never_listens_fails_with_the_port(monkeypatch):
    """LiveServer waits for its port; when it never opens, the fixture fails naming the port."""
    import flask

    import tests.conftest as harness
    app = flask.Flask(__name__)
    app.config["MAX_REQUEST_BYTES"] = 1000

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("refused")
    monkeypatch.setattr(harness.socket, "create_connection", refused)
    with pytest.raises(RuntimeError, match=r"127\.0\.0\.1:\d+ did not accept connections within 0\.3 s"):
        harness.LiveServer(app, timeout=0.3)


def test_listener_counts_a_connection_made_before_it_is_asked():
    """The loopback listener behind the 'nothing is fetched' tests sees a connection made just
    before connections() is called, without any wait: those tests' zero can fail."""
    from tests.test_endpoint import Listener
    listener = Listener()
    try:
        assert listener.connections() == 0
        host, port = listener.sock.getsockname()
        with socket.create_connection((host, port), timeout=5):
            pass
        assert listener.connections() == 1
    finally:
        listener.close()
