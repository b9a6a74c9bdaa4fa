"""Warm Lambda invocations: our Lambda handler vs the SDK's handler on the bare baseline, in process.

    .venv/bin/python bench/lambda_warm.py [--rounds 30] [--passes 10]

- ours: ``lambda/lambda_function.py``'s module-level ``lambda_handler`` (loaded as the Lambda runtime
  loads it: the skill built once at import, FastSerializer reading the event dict as it is);
- baseline: ``bench/baseline_skill.py``'s ``lambda_handler``, i.e. ask-sdk-core's
  ``SkillBuilder.lambda_handler()`` on the bare hello-world skill (a new CustomSkill and
  DefaultSerializer per call, ``json.dumps(event)`` then deserialize).
Both get the same events (the dispatch mix, each also as a full-size device envelope) as the dicts
the Lambda runtime passes, and return the response dict (the runtime's own JSON encoding of it is
the same for both and not timed). Target (issue 16): ours at most 0.7 times the baseline.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

TARGET = 0.7


def load_our_handler():
    for key in [k for k in os.environ if k.startswith("GESPREKSCOACH_")]:
        del os.environ[key]
    path = common.ROOT / "lambda" / "lambda_function.py"
    spec = importlib.util.spec_from_file_location("lambda_function_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--passes", type=int, default=10)
    args = ap.parse_args(argv)

    from bench.baseline_skill import lambda_handler as sdk_handler
    from bench.dispatch import request_mix
    from skill.dev.response_check import problems

    sides = {"ours": load_our_handler(), "baseline": sdk_handler}
    mix = request_mix()
    events = [json.loads(json.dumps(env)) for _, env in mix]  # as the runtime hands them over
    for (label, _), event in zip(mix, events):
        for name, handler in sides.items():
            found = problems(handler(json.loads(json.dumps(event)), None))
            if found:
                raise SystemExit(f"{name} gave an invalid response to {label}: {found}")

    def sampler(handler, batch):
        return common.per_item(lambda event: handler(event, None), batch, args.passes)

    res = common.alternate({n: sampler(h, events) for n, h in sides.items()}, rounds=args.rounds, warmup=3)
    device = [e for (label, _), e in zip(mix, events) if label.endswith("(device)")]
    dev = common.alternate({n: sampler(h, device) for n, h in sides.items()}, rounds=max(5, args.rounds // 2), warmup=1)
    ratio = common.paired_ratio(res["ours"], res["baseline"])
    ratio_dev = common.paired_ratio(dev["ours"], dev["baseline"])
    print(common.line("="))
    print("Warm Lambda invocations, in process: handler(event, context) -> response dict")
    print(
        f"  mix: {len(mix)} requests (the dispatch mix, half of them full-size device envelopes); "
        f"{args.rounds} alternating samples x {args.passes} passes; {common.machine_note()}"
    )
    print(common.line())
    print(f"  {'side':<44} {'median us/call':>15} {'min':>8} {'device only':>12}")
    labels = {"ours": "ours (lambda_function.lambda_handler)", "baseline": "bare skill, SkillBuilder.lambda_handler()"}
    for name in sides:
        print(
            f"  {labels[name]:<44} {common.median(res[name]) * 1e6:>15.1f} {min(res[name]) * 1e6:>8.1f} "
            f"{common.median(dev[name]) * 1e6:>12.1f}"
        )
    ok = max(ratio, ratio_dev) <= TARGET
    print(
        f"  ratio ours/baseline (median of paired rounds): {ratio:.3f}   device envelopes only: "
        f"{ratio_dev:.3f}   target <= {TARGET}: {common.verdict(ok)}"
    )
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "lambda_warm",
                "ours_us": round(common.median(res["ours"]) * 1e6, 1),
                "baseline_us": round(common.median(res["baseline"]) * 1e6, 1),
                "ratio": round(ratio, 3),
                "ratio_device": round(ratio_dev, 3),
                "target": TARGET,
                "met": ok,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
