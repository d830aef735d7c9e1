"""What reading a curated file may cost, and what it may not contain: anchors and aliases,
keys given twice, deep nesting, oversized files, strings and lists past the format's
limits. Each is an error naming the file and line, before any memory is spent on it."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from loaders.curated import MAX_DEPTH, MAX_FILE_BYTES, CuratedLoadError, parse_file

# The classic "billion laughs": nine levels of ten aliases each, 577 bytes.
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

HEADER = """\
format: tkg-curated/1
dataset:
  id: bounds
  title: Bounds
sources:
  - id: s
    name: S
    kind: news_media
actors:
  - id: a0
    name: Actor zero
    kind: organisation
  - id: a1
    name: Actor one
    kind: organisation
"""


def fact(index: int, description: str = "a fact") -> str:
    return (
        f"  - id: f{index}\n    type: ALLIED_WITH\n    source: a0\n    target: a1\n"
        f'    valid_from: "2024-01"\n    sources: [s]\n    description: {description}\n'
    )


def problem_of(path: Path) -> str:
    with pytest.raises(CuratedLoadError) as caught:
        parse_file(path)
    return str(caught.value.problems[0])


def test_the_billion_laughs_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS.encode()) <= 600
    tracemalloc.start()
    try:
        message = problem_of(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"{bomb}:1:" in message and "anchors" in message
    assert peak < 5_000_000


def test_an_alias_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "alias.yaml"
    path.write_text(HEADER + "facts:\n" + fact(0) + "  - *x\n")
    assert f"{path}:24:" in problem_of(path)


def test_a_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(HEADER.replace("  title: Bounds\n", "  title: Bounds\n  title: Again\n"))
    message = problem_of(path)
    assert f"{path}:5:" in message and "'title' given twice" in message and "line 4" in message


def test_a_key_given_twice_in_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"format": "tkg-curated/1", "format": "tkg-curated/1"}')
    assert "'format' given twice" in problem_of(path)


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_50000_levels_of_nesting_are_an_error_naming_the_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep.{suffix}"
    path.write_text("[\n" * 50_000 + "]" * 50_000)
    message = problem_of(path)
    assert f"deeper than {MAX_DEPTH} levels" in message
    assert f"{path}:{MAX_DEPTH + 1}:" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 2**20)  # 50 MiB, sparse: refused on its size alone
    message = problem_of(path)
    assert "50.0 MiB is over the 4 MiB limit" in message


def test_strings_and_lists_past_the_format_limits_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(HEADER.replace("title: Bounds", "title: " + "x" * 100_000))
    assert "title" in problem_of(path)
    path.write_text(
        HEADER + "facts:\n" + fact(0).replace("[s]", "[" + ", ".join(["s"] * 101) + "]")
    )
    assert "sources" in problem_of(path)


def test_a_file_just_under_the_limit_loads_within_500_mb(tmp_path: Path) -> None:
    path = tmp_path / "large.yaml"
    with path.open("w") as handle:
        handle.write(HEADER + "facts:\n")
        index = 0
        while handle.tell() < MAX_FILE_BYTES - 1000:
            handle.write(fact(index, f"fact number {index} of a large file"))
            index += 1
    probe = (
        "import resource, sys; from pathlib import Path; from loaders.curated import parse_file;"
        "d = parse_file(Path(sys.argv[1]));"
        "print(len(d.facts), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
    )
    facts, peak_kib = map(int, result.stdout.split())
    assert facts == index
    assert peak_kib < 500 * 1024, f"peak {peak_kib / 1024:.0f} MiB"
