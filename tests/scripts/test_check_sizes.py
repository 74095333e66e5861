"""scripts/check_sizes.py: the size limits CI holds the code to."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_checker():
    spec = importlib.util.spec_from_file_location("check_sizes", ROOT / "scripts" / "check_sizes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_long_function_and_a_long_file_are_named_and_fail_the_run(tmp_path, capsys):
    checker = load_checker()
    body = "\n".join(f"    x{n} = {n}" for n in range(60))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "long.py").write_text(f"def long_one():\n{body}\n\n\ndef short_one():\n    return 1\n")
    (tmp_path / "app" / "big.py").write_text("\n".join(f"X{n} = {n}" for n in range(501)) + "\n")
    assert checker.main(tmp_path) == 1
    out = capsys.readouterr().out
    assert "app/long.py:1: function long_one has 61 lines (at most 60)" in out
    assert "short_one" not in out
    assert "app/big.py: 501 lines (at most 500)" in out


def test_migrations_and_tests_are_not_held_to_the_limits(tmp_path, capsys):
    checker = load_checker()
    for folder in ("migrations", "tests"):
        (tmp_path / "app" / folder).mkdir(parents=True)
        (tmp_path / "app" / folder / "big.py").write_text("\n".join(f"X{n} = {n}" for n in range(600)) + "\n")
    (tmp_path / "app" / "fine.py").write_text("def f():\n    return 1\n")
    assert checker.main(tmp_path) == 0
    assert capsys.readouterr().out == ""
