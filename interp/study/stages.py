"""Cached, atomic study stages.

A stage is a function that writes its outputs into a fresh folder and returns a JSON-ready
result. :class:`StageRunner` keys each stage by a hash of its config and of the keys of the
stages it depends on:

- a rerun with the same key loads the stored result and skips the work;
- a changed config, a changed upstream stage, or ``force`` reruns it;
- outputs are built in a staging folder and renamed into place only when the stage succeeds,
  so an interrupted stage leaves no output that looks complete.

Long stages (training) keep resumable state in :meth:`StageRunner.work_dir`, which survives an
interruption and is keyed the same way.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from interp.configuration import config_hash

logger = logging.getLogger(__name__)

RECORD_FILE = "stage.json"
RESULT_FILE = "result.json"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    os.replace(temporary, path)


class StageRunner:
    """Runs named stages under ``root``, skipping those whose key has not changed.

    Args:
        root: The run folder, such as ``runs/default``.
        force: ``True`` reruns every stage; a collection of names reruns those stages.
        total: Number of stages the caller plans to run, for the ``[i/total]`` progress label.
    """

    def __init__(
        self, root: Path, *, force: bool | Collection[str] = False, total: int | None = None
    ) -> None:
        self.root = Path(root)
        self.force = force
        self.total = total
        self.keys: dict[str, str] = {}
        self.timings: dict[str, dict[str, Any]] = {}
        self._count = 0

    def stage_dir(self, name: str) -> Path:
        """Return the folder that holds a finished stage's outputs."""
        return self.root / "stages" / name

    def work_dir(self, name: str) -> Path:
        """Return a persistent folder for resumable state of the stage's current key."""
        key = self.keys.get(name)
        if key is None:
            raise RuntimeError(f"stage {name!r} has no key yet; call work_dir inside its run")
        folder = self.root / "work" / f"{name}-{key}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def run(
        self,
        name: str,
        config: Any,
        build: Callable[[Path], Any],
        *,
        after: Sequence[str] = (),
        output_dir: Path | None = None,
    ) -> Any:
        """Run or reuse one stage.

        Args:
            name: Stage name, unique within the run.
            config: Everything the stage's output depends on (dataclasses, dicts, strings).
            build: Called with an empty staging folder; writes outputs there and returns the
                stage's JSON-ready result.
            after: Names of stages whose outputs this stage reads; their keys join this key.
            output_dir: Final folder for the outputs (default ``stages/<name>``).

        Returns:
            The result of ``build``, or the stored result when the stage was cached.
        """
        missing = [dependency for dependency in after if dependency not in self.keys]
        if missing:
            raise RuntimeError(f"stage {name!r} depends on stages not run yet: {missing}")
        key = config_hash(name, config, [self.keys[dependency] for dependency in after])
        self.keys[name] = key
        final = output_dir or self.stage_dir(name)
        self._count += 1
        label = f"[{self._count}/{self.total}]" if self.total else f"[{self._count}]"
        cached = self._cached_result(final, key)
        if cached is not None and not self._forced(name):
            logger.info("%s %s: cached (key %s), skipped", label, name, key)
            seconds = json.loads((final / RECORD_FILE).read_text()).get("seconds", 0.0)
            self.timings[name] = {"seconds": seconds, "cached": True}
            return cached
        logger.info("%s %s: running", label, name)
        started = time.perf_counter()
        result = self._build_atomically(name, key, final, build)
        seconds = time.perf_counter() - started
        self.timings[name] = {"seconds": round(seconds, 2), "cached": False}
        logger.info("%s %s: done in %.1f s", label, name, seconds)
        return result

    def _forced(self, name: str) -> bool:
        if isinstance(self.force, bool):
            return self.force
        return name in self.force

    @staticmethod
    def _cached_result(final: Path, key: str) -> Any:
        record = final / RECORD_FILE
        if not record.is_file():
            return None
        try:
            stored = json.loads(record.read_text())
            if stored.get("key") != key:
                return None
            return json.loads((final / RESULT_FILE).read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def _build_atomically(self, name: str, key: str, final: Path, build: Callable) -> Any:
        staging = final.with_name(f".{final.name}.staging")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        started = time.time()
        try:
            result = build(staging)
            write_json_atomic(staging / RESULT_FILE, result)
            record = {"name": name, "key": key, "seconds": round(time.time() - started, 2)}
            write_json_atomic(staging / RECORD_FILE, record)
            if final.exists():
                shutil.rmtree(final)
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # Results go through JSON so that fresh and cached runs return identical values.
        return json.loads((final / RESULT_FILE).read_text())
