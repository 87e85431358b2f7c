import json
from pathlib import Path

import pytest

from f.nix.common.nix_log import NixLogReader, Progress, plain, store_name

# internal-json lines as Nix 2.8 printed them for a stub build (ids shortened).


DRV = "/nix/store/q6mzn5498h5v9gg8r0fawb5n0q9dd752-nixos-system-stub-ea353834a42b.drv"


def event(**fields) -> str:
    return "@nix " + json.dumps(fields)


def failing_build(log_lines: int = 30) -> list[str]:
    return [
        event(action="start", id=1, level=4, text="copying '/w/0/nix/f'", type=0),
        event(action="stop", id=1),
        event(action="start", id=2, level=0, text="", type=102),
        event(action="start", id=3, level=0, text="", type=104),
        event(action="start", id=4, level=0, text="", type=103),
        event(action="result", fields=[0, 2, 0, 0], id=3, type=105),
        event(action="result", fields=[0, 0, 0, 0], id=4, type=105),
        event(action="result", fields=[101, 0], id=2, type=106),
        event(
            action="start",
            fields=[DRV, "", 1, 1],
            id=5,
            level=3,
            text=f"building '{DRV}'",
            type=105,
        ),
        event(action="result", fields=[1, 2, 1, 0], id=3, type=105),
        *(
            event(action="result", fields=[f"stub build step {i}"], id=5, type=101)
            for i in range(1, log_lines + 1)
        ),
        event(action="result", fields=[1, 2, 0, 1], id=3, type=105),
        event(action="stop", id=5),
        event(
            action="msg",
            level=0,
            msg=f"\u001b[31;1merror:\u001b[0m builder for '\u001b[35;1m{DRV}\u001b[0m' failed with exit code 1",
        ),
    ]


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
    assert report[1] == f"the build of {DRV} failed; its last 25 log lines:"
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


def error_event(**fields) -> str:
    return event(action="msg", level=0, **fields)


EVALUATION_FAILURES = {
    "positioned (Nix 2.8, undefined variable)": [
        error_event(
            msg="\u001b[31;1merror:\u001b[0m undefined variable 'undefinedthing'",
            file="/nix/store/18m0nf5xh8y9ifm3wg13x33djxwxqcfb-source/u.nix",
            line=1,
            column=7,
        )
    ],
    "a throw with the --show-trace hint (Nix 2.8)": [
        error_event(
            msg="\u001b[31;1merror:\u001b[0m 'dbench' has been removed",
            file=None,
            line=None,
            column=None,
        ),
        error_event(msg="(use '--show-trace' to show detailed location information)"),
    ],
    "a throw with its trace (Nix 2.13 and later)": [
        error_event(
            msg="error:\n       … while evaluating the attribute 'config.system.build.toplevel'"
            "\n\n       error: The option `boot.kernel.sysctl' is defined multiple times"
        )
    ],
}


@pytest.mark.parametrize("lines", EVALUATION_FAILURES.values(), ids=EVALUATION_FAILURES.keys())
def test_errors_the_evaluator_raised_are_told_apart(reader, lines):
    for line in lines:
        reader.feed(line)
    assert reader.failed_in_evaluation


OTHER_FAILURES = {
    "a build": failing_build(3),
    "a download (Nix 2.8)": [
        error_event(
            msg="error: unable to download 'https://example.invalid/x': Couldn't resolve host name (6)",
            file=None,
            line=None,
        )
    ],
    "a flake input fetched during evaluation": [
        error_event(
            msg="error:\n       … while fetching the input 'github:NixOS/nixpkgs'\n\n"
            "       error: unable to download 'https://api.github.com/x': HTTP error 503"
        )
    ],
    "an evaluation error after realisation began (import from derivation)": [
        event(action="start", id=2, level=0, text="", type=102),
        error_event(msg="error: x", file="/nix/store/y-source/flake.nix", line=3),
    ],
    "no error at all": [],
    "an error with no sign of the evaluator": [error_event(msg="error: cannot connect to socket")],
}


@pytest.mark.parametrize("lines", OTHER_FAILURES.values(), ids=OTHER_FAILURES.keys())
def test_other_failures_are_not_evaluation_errors(reader, lines):
    for line in lines:
        reader.feed(line)
    assert not reader.failed_in_evaluation


# Streams captured from real runs of three Nixes (tests/nix_streams/README.md).
STREAMS = Path(__file__).resolve().parent / "nix_streams"
VERSIONS = ["2.8", "2.26", "2.34"]


def captured(version: str, case: str) -> list[str]:
    return (STREAMS / f"nix-{version}-{case}.jsonl").read_text().splitlines()


def drv_named(lines: list[str], name: str) -> str:
    """The store path of the derivation ``name`` that the stream's build activities name."""
    for line in lines:
        fields = json.loads(line[5:]).get("fields") or []
        if fields and str(fields[0]).endswith(f"-{name}.drv"):
            return str(fields[0])
    raise AssertionError(f"no build of {name} in the stream")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_failed_build_is_found_by_structure_in_every_version(reader, version):
    lines = captured(version, "failed-build")
    for line in lines:
        reader.feed(line)
    top = drv_named(lines, "top")
    assert reader.failed_builds == [top]
    report = reader.failure_report()
    # nix's own message, whole, whatever its words; then ours, the same in every version.
    assert len(reader.errors) == 1 and report[0] == reader.errors[0] and top in report[0]
    assert report[1] == f"the build of {top} failed; its last 4 log lines:"
    assert report[2:4] == ["  line one", "  line two"]
    assert report[5] == "  about to fail"
    assert not reader.failed_in_evaluation


@pytest.mark.parametrize("version", VERSIONS)
def test_a_finished_run_reports_everything_done_in_every_version(reader, version):
    for line in captured(version, "three-builds"):
        reader.feed(line)
    assert reader.failed_builds == []
    assert len(reader.built) == 3
    reader.finish()
    assert reader.reports[-1].percent == 99
    assert reader.reports[-1].done == reader.reports[-1].expected >= 3
    assert all(0 <= report.percent <= 99 for report in reader.reports)


def test_nix_2_34_counts_do_not_end_equal_so_only_finish_says_done(reader):
    # Why finish() exists: 2.34's last count for three finished builds is 3 of 4.
    for line in captured("2.34", "three-builds"):
        reader.feed(line)
    assert reader.progress == Progress(3, 4)


def test_of_several_running_builds_the_quoted_one_failed(reader):
    other = DRV.replace("nixos-system-stub", "other")
    for line in [
        event(action="start", id=3, level=0, text="", type=104),
        event(action="start", fields=[DRV, "", 1, 1], id=5, level=3, text="", type=105),
        event(action="start", fields=[other, "", 1, 1], id=6, level=3, text="", type=105),
        event(action="result", fields=[0, 2, 2, 1], id=3, type=105),
        event(action="stop", id=5),
        event(action="stop", id=6),
        event(action="msg", level=0, msg=f"error: some future wording about '{DRV}'"),
    ]:
        reader.feed(line)
    assert reader.failed_builds == [DRV]


def test_an_unknown_wording_still_reaches_the_user_whole(reader):
    for line in [
        event(action="start", id=3, level=0, text="", type=104),
        event(action="start", fields=[DRV, "", 1, 1], id=5, level=3, text="", type=105),
        event(action="result", fields=["the builder's last words"], id=5, type=101),
        event(action="result", fields=[0, 1, 1, 1], id=5 - 2, type=105),
        event(action="stop", id=5),
        event(action="msg", level=0, msg="error: Kaputt.\n  Grund: unbekannt"),
    ]:
        reader.feed(line)
    assert reader.failure_report() == [
        "error: Kaputt.\n  Grund: unbekannt",
        f"the build of {DRV} failed; its last 1 log lines:",
        "  the builder's last words",
    ]
