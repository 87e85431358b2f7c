import pytest

from f.nix.common.nix_log import NixLogReader, Progress, plain, store_name
from tests.nix_events import DRV, event, failing_build


@pytest.fixture
def reader():
    lines: list[str] = []
    progress: list[Progress] = []
    reader = NixLogReader(on_line=lines.append, on_progress=progress.append)
    reader.lines, reader.reports = lines, progress
    return reader


def test_build_lines_are_readable_and_prefixed(reader):
    for line in failing_build(3):
        reader.feed(line)
    assert reader.lines == [
        f"building '{DRV}'",
        "nixos-system-stub-ea353834a42b> stub build step 1",
        "nixos-system-stub-ea353834a42b> stub build step 2",
        "nixos-system-stub-ea353834a42b> stub build step 3",
        f"error: builder for '{DRV}' failed with exit code 1",
    ]
    assert reader.built == [DRV]


def test_talkative_activities_stay_out_of_the_log(reader):
    reader.feed(event(action="start", id=1, level=4, text="copying '/w/0/nix/f'", type=0))
    assert reader.lines == []


def test_progress_counts_builds_and_downloads(reader):
    for line in failing_build(1):
        reader.feed(line)
    reader.feed(event(action="result", fields=[1, 3, 0, 0], id=4, type=105))
    assert reader.reports == [Progress(0, 2), Progress(1, 2), Progress(2, 5)]
    assert reader.progress.percent == 40


def test_percent_never_reaches_100_before_nix_is_done():
    assert Progress(5, 5).percent == 99
    assert Progress(0, 0).percent == 0


def test_failure_report_names_the_derivation_and_its_last_lines(reader):
    for line in failing_build(30):
        reader.feed(line)
    report = reader.failure_report()
    assert report[0] == f"error: builder for '{DRV}' failed with exit code 1"
    assert report[1] == "last 25 log lines of nixos-system-stub-ea353834a42b:"
    assert report[2:] == [f"  stub build step {i}" for i in range(6, 31)]


def test_substitutions_are_counted_as_fetched(reader):
    path = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12"
    reader.feed(
        event(
            action="start", fields=[path, "https://cache.example"], id=9, level=4, text="", type=108
        )
    )
    assert reader.fetched == [path] and reader.built == []


def test_plain_lines_and_garbage_pass_through(reader):
    reader.feed("warning: plain text\n")
    reader.feed("@nix {not json")
    assert reader.lines == ["warning: plain text", "@nix {not json"]
    assert reader.failure_report() == ["warning: plain text"]


def test_helpers():
    assert plain("\u001b[31;1merror:\u001b[0m x") == "error: x"
    assert store_name(DRV) == "nixos-system-stub-ea353834a42b"
    assert store_name("/tmp/x") == "/tmp/x"
