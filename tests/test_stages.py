"""Stage caching, forcing and atomic outputs."""

from __future__ import annotations

import pytest

from interp.study.stages import StageRunner


def _builder(calls, value):
    def build(out):
        calls.append(value)
        (out / "file.txt").write_text(str(value))
        return {"value": value}

    return build


def test_second_run_is_cached(tmp_path):
    calls = []
    first = StageRunner(tmp_path).run("a", {"x": 1}, _builder(calls, 1))
    second = StageRunner(tmp_path).run("a", {"x": 1}, _builder(calls, 2))
    assert first == second == {"value": 1}
    assert calls == [1]
    assert (tmp_path / "stages" / "a" / "file.txt").read_text() == "1"


def test_changed_config_reruns(tmp_path):
    calls = []
    StageRunner(tmp_path).run("a", {"x": 1}, _builder(calls, 1))
    result = StageRunner(tmp_path).run("a", {"x": 2}, _builder(calls, 2))
    assert result == {"value": 2}
    assert calls == [1, 2]


def test_force_reruns_named_stage(tmp_path):
    calls = []
    StageRunner(tmp_path).run("a", {}, _builder(calls, 1))
    StageRunner(tmp_path).run("b", {}, _builder(calls, 2))
    runner = StageRunner(tmp_path, force=["a"])
    runner.run("a", {}, _builder(calls, 3))
    runner.run("b", {}, _builder(calls, 4))
    assert calls == [1, 2, 3]


def test_upstream_change_reruns_dependent(tmp_path):
    calls = []
    runner = StageRunner(tmp_path)
    runner.run("up", {"v": 1}, _builder(calls, "up1"))
    runner.run("down", {}, _builder(calls, "down1"), after=["up"])
    runner = StageRunner(tmp_path)
    runner.run("up", {"v": 2}, _builder(calls, "up2"))
    runner.run("down", {}, _builder(calls, "down2"), after=["up"])
    assert calls == ["up1", "down1", "up2", "down2"]


def test_failed_stage_leaves_no_output(tmp_path):
    def explode(out):
        (out / "partial.txt").write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        StageRunner(tmp_path).run("a", {}, explode)
    assert not (tmp_path / "stages" / "a").exists()
    assert not (tmp_path / "stages" / ".a.staging").exists()


def test_failed_rerun_keeps_previous_output(tmp_path):
    StageRunner(tmp_path).run("a", {"v": 1}, _builder([], 1))

    def explode(out):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        StageRunner(tmp_path).run("a", {"v": 2}, explode)
    assert (tmp_path / "stages" / "a" / "file.txt").read_text() == "1"


def test_unknown_dependency_rejected(tmp_path):
    with pytest.raises(RuntimeError, match="not run yet"):
        StageRunner(tmp_path).run("a", {}, _builder([], 1), after=["missing"])


def test_work_dir_is_keyed(tmp_path):
    runner = StageRunner(tmp_path)
    folders = []
    runner.run("a", {"v": 1}, lambda out: folders.append(runner.work_dir("a")) or {})
    runner.run("a", {"v": 2}, lambda out: folders.append(runner.work_dir("a")) or {})
    assert folders[0] != folders[1]
    assert all(folder.is_dir() for folder in folders)
