"""The guides in docs/ stay true: their code runs, their quotes match the code, their paths exist.

* every ```python block runs (the blocks of one file in order, sharing one namespace);
* every ```py block is a quote: its first line ``# <path>: <name>`` names a file and an
  object in it, and every other line appears, word for word, in that file;
* every ```text block that starts with ``$ python demos/trace_step.py`` shows lines of
  that command's current output (spaces between columns may differ);
* every ``minigan/...py`` or ``demos/...py`` path and every linked figure exists.
"""

import functools
import importlib
import pathlib
import re

import pytest

from tests.helpers import run_script

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
TRACE_COMMAND = "$ python demos/trace_step.py"


def blocks(path, language):
    """The bodies of the fenced blocks of ``language`` in the Markdown file ``path``."""
    return re.findall(rf"^```{language}\n(.*?)^```", path.read_text(), flags=re.S | re.M)


def test_the_guides_exist():
    names = {p.name for p in DOCS}
    assert {"README.md", "tour.md", "backprop.md", "gan.md", "backends.md"} <= names


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_python_blocks_run(path, capsys):
    namespace = {"__name__": f"docs_{path.stem}"}
    for block in blocks(path, "python"):
        exec(compile(block, str(path), "exec"), namespace)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_quoted_code_matches_the_source(path):
    for block in blocks(path, "py"):
        header, *lines = block.splitlines()
        match = re.fullmatch(r"# (\S+\.py): (\S+)", header)
        assert match, f"{path.name}: a quote must start with '# <path>: <name>', got {header!r}"
        source_path, name = match.groups()
        source = (ROOT / source_path).read_text()
        module = importlib.import_module(source_path[:-3].replace("/", "."))
        obj = module
        for part in name.split("."):
            assert hasattr(obj, part), f"{path.name}: {source_path} has no {name}"
            obj = getattr(obj, part)
        source_lines = {line.strip() for line in source.splitlines()}
        for line in lines:
            assert line.strip() in source_lines, f"{path.name}: not in {source_path}: {line!r}"


@pytest.fixture(scope="module")
def trace_output():
    """``flags -> the lines that demos/trace_step.py <flags> prints``, each command run once."""
    @functools.cache
    def run(flags):
        # the tour shows the NumPy backend's numbers: the same seed draws other numbers on CuPy
        result = run_script("demos/trace_step.py", *flags, env={"MINIGAN_BACKEND": "numpy"}, timeout=60,
                            check=True)
        return {" ".join(line.split()) for line in result.stdout.splitlines()}
    return run


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_trace_excerpts_match_the_demo(path, trace_output):
    for block in blocks(path, "text"):
        command, *lines = block.splitlines()
        if command.split()[:3] != TRACE_COMMAND.split():
            continue
        output = trace_output(tuple(command.split()[3:]))
        for line in lines:
            assert " ".join(line.split()) in output, f"{path.name}: not in {command!r}: {line!r}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_paths_and_figures_exist(path):
    text = path.read_text()
    for mentioned in re.findall(r"\b((?:minigan|demos|docs|tests)/[\w/]+\.py)\b", text):
        assert (ROOT / mentioned).is_file(), f"{path.name} mentions {mentioned}, which does not exist"
    for link in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not link.startswith("http"):
            assert (path.parent / link).exists(), f"{path.name} links to {link}, which does not exist"


def test_figures_are_small():
    for figure in (ROOT / "docs" / "figures").rglob("*.png"):
        assert figure.stat().st_size < 200_000, f"{figure.name} is over 200 KB"
