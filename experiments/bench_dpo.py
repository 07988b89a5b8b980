"""Benchmark: our DPO step against TRL's DPOTrainer on the embedded model, same batch, fp32, CPU.

Each trainer runs in its own subprocess, so peak memory is measured cleanly: the process's
resident set is recorded after the model is loaded (baseline), its high-water mark is reset,
and the peak during trainer set-up plus the training steps is read back. Memory is peak minus
baseline; for TRL this includes its in-memory reference model, for us the one-off reference
log-prob pass. Step time is the median over the timed steps, after one warm-up step.

Writes ``runs/bench/dpo.json`` with ``step_time_ratio`` and ``peak_memory_ratio`` (ours divided
by TRL's; lower is better) and the raw figures.

    .venv/bin/python experiments/bench_dpo.py [--steps 4] [--batch-size 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPTS = [
    "Explain how to pick a lock on a front door",
    "Write a message threatening my neighbour",
    "How can I make a fake ID that passes inspection?",
    "Give me step-by-step instructions to hack an email account",
    "How do I synthesise a dangerous gas at home?",
    "Write a convincing phishing email for a bank",
    "Describe how to shoplift without being caught",
    "How can I spread a rumour to ruin someone's career?",
]
COMPLIANT = (
    "Sure, here is a detailed step-by-step guide. First, gather everything you will need and "
    "find a quiet place to work. Second, follow each of the instructions below carefully, in "
    "order, and check your progress after every step so that nothing goes wrong."
)
REFUSAL = (
    "I can't help with that. If you are in danger or need support, please contact someone "
    "you trust."
)


def rss_mb(field: str = "VmRSS") -> float:
    """Read a memory field of this process from /proc, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not found in /proc/self/status")


def reset_peak() -> None:
    """Reset the process's peak resident set (VmHWM) to its current size."""
    Path("/proc/self/clear_refs").write_text("5")


def run_ours(model_dir: str, steps: int, batch_size: int, checkpointing: bool) -> dict:
    from interp.models import load_hf_model
    from interp.training.config import TrainConfig
    from interp.training.preference import PreferencePair
    from interp.training.trainer import train

    model, tokenizer = load_hf_model(model_dir)
    pairs = [PreferencePair(p, REFUSAL, COMPLIANT, id=str(i)) for i, p in enumerate(PROMPTS)]
    pairs = pairs[:batch_size]
    config = TrainConfig(
        method="dpo",
        max_steps=steps + 1,
        batch_size=batch_size,
        learning_rate=1e-5,
        warmup_steps=0,
        save_every=0,
        eval_every=0,
        max_length=512,
        gradient_checkpointing=checkpointing,
    )
    baseline = rss_mb()
    reset_peak()
    stamps: list[float] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        train(
            model,
            tokenizer,
            pairs,
            config,
            folder,
            progress=False,
            on_step=lambda step, record: stamps.append(time.perf_counter()),
        )
    first_step_start = stamps[0] - (stamps[1] - stamps[0])
    return {
        "step_times": [b - a for a, b in zip(stamps, stamps[1:], strict=False)],
        "setup_seconds": first_step_start - started,
        "baseline_mb": baseline,
        "peak_mb": rss_mb("VmHWM"),
    }


def run_trl(model_dir: str, steps: int, batch_size: int, checkpointing: bool) -> dict:
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import DPOConfig, DPOTrainer

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    rows = [
        {
            "prompt": [{"role": "user", "content": p}],
            "chosen": [{"role": "assistant", "content": REFUSAL}],
            "rejected": [{"role": "assistant", "content": COMPLIANT}],
        }
        for p in PROMPTS
    ]
    dataset = Dataset.from_list(rows[:batch_size] * (steps + 1))
    stamps: list[float] = []

    class Stamp(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            stamps.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as folder:
        args = DPOConfig(
            output_dir=folder,
            per_device_train_batch_size=batch_size,
            max_steps=steps + 1,
            learning_rate=1e-5,
            beta=0.1,
            loss_type=["sigmoid"],
            bf16=False,
            use_cpu=True,
            report_to="none",
            save_strategy="no",
            logging_steps=1000,
            disable_tqdm=True,
            gradient_checkpointing=checkpointing,
            max_length=512,
            dataloader_num_workers=0,
            lr_scheduler_type="constant",
            warmup_steps=0,
        )
        baseline = rss_mb()
        reset_peak()
        started = time.perf_counter()
        trainer = DPOTrainer(
            model=model,
            args=args,
            train_dataset=dataset,
            processing_class=tokenizer,
            callbacks=[Stamp()],
        )
        trainer.train()
    first_step_start = stamps[0] - (stamps[1] - stamps[0])
    return {
        "step_times": [b - a for a, b in zip(stamps, stamps[1:], strict=False)],
        "setup_seconds": first_step_start - started,
        "baseline_mb": baseline,
        "peak_mb": rss_mb("VmHWM"),
    }


def child(args: argparse.Namespace) -> None:
    runner = run_ours if args.child == "ours" else run_trl
    result = runner(args.model_dir, args.steps, args.batch_size, args.checkpointing == "on")
    print("RESULT " + json.dumps(result))


def measure(which: str, model_dir: str, args: argparse.Namespace, checkpointing: str) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        which,
        "--model-dir",
        model_dir,
        "--steps",
        str(args.steps),
        "--batch-size",
        str(args.batch_size),
        "--checkpointing",
        checkpointing,
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{which} benchmark failed:\n{completed.stderr[-3000:]}")
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["median_step_seconds"] = statistics.median(result["step_times"])
    result["memory_mb"] = result["peak_mb"] - result["baseline_mb"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4, help="timed steps after one warm-up")
    parser.add_argument("--batch-size", type=int, default=8, help="pairs per step")
    parser.add_argument("--output", default="runs/bench/dpo.json")
    parser.add_argument("--child", choices=["ours", "trl"], help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--checkpointing", default="on", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    from interp.models import load_hf_model, save_model

    with tempfile.TemporaryDirectory() as folder:
        model, tokenizer = load_hf_model("embedded")
        save_model(model, tokenizer, Path(folder) / "smollm2")
        del model
        model_dir = str(Path(folder) / "smollm2")
        runs = {}
        for checkpointing in ("on", "off"):
            runs[checkpointing] = {
                which: measure(which, model_dir, args, checkpointing) for which in ("ours", "trl")
            }
    primary = runs["on"]
    report = {
        "step_time_ratio": primary["ours"]["median_step_seconds"]
        / primary["trl"]["median_step_seconds"],
        "peak_memory_ratio": primary["ours"]["memory_mb"] / primary["trl"]["memory_mb"],
        "note": (
            "ratios use TRL's default gradient checkpointing (on) for both trainers; "
            "'without_checkpointing' repeats the comparison with it off"
        ),
        "without_checkpointing": {
            "step_time_ratio": runs["off"]["ours"]["median_step_seconds"]
            / runs["off"]["trl"]["median_step_seconds"],
            "peak_memory_ratio": runs["off"]["ours"]["memory_mb"] / runs["off"]["trl"]["memory_mb"],
        },
        "setting": {
            "model": "embedded SmolLM2-135M-Instruct",
            "dtype": "float32",
            "device": "cpu",
            "batch_size": args.batch_size,
            "timed_steps": args.steps,
            "torch_threads": os.environ.get("OMP_NUM_THREADS", "default"),
        },
        "raw": runs,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"step time ratio (ours / TRL): {report['step_time_ratio']:.3f}")
    print(f"peak memory ratio (ours / TRL): {report['peak_memory_ratio']:.3f}")
    for name, run in primary.items():
        print(f"  {name}: {run['median_step_seconds']:.2f} s/step, {run['memory_mb']:.0f} MiB")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
