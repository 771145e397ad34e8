"""The README's commands and code stay true."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command():
    commands = [line for block in _blocks("bash") for line in block.splitlines() if "pytest" in line]
    assert len(commands) == 1, "the README should give exactly one test command"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[0] in ci, ".ci/run must run the README's test command word for word"


def test_readme_demo_command_names_a_real_demo():
    commands = [line for block in _blocks("bash") for line in block.splitlines() if "demos/" in line]
    assert len(commands) == 1, "the README should give exactly one demo command"
    script = re.search(r"python (demos/\S+\.py)", commands[0]).group(1)
    assert (ROOT / script).is_file()


def test_readme_python_examples_run():
    blocks = _blocks("python")
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
