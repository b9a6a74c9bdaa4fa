"""Dispatch benchmark: JSON request in, JSON response out, in process, ours vs the bare baseline.

    .venv/bin/python bench/dispatch.py [--rounds 30] [--passes 10]

Each request: the JSON body -> skill.serializer.deserialize -> skill.invoke -> serialize -> json.dumps,
over the same realistic mix: launch, a tip, a principle, example phrases, a quiz start and answer,
help, a one-shot tip (recorded from a real conversation with our skill, so the session attributes
each request carries are the real ones), and each of them again as a full-size device sends it
(skill.dev.envelopes.on_device: Echo Show context with viewport and APL, 3.5-4 KB). The baseline answers
each with its fixed speech. Three sides, alternated round by round:

- ours:      our full skill (skill.builder.build_skill: FastSerializer);
- baseline:  the bare hello-world skill with ask-sdk-core's DefaultSerializer (what a developer would
             write instead);
- bare+fast: the bare skill with our FastSerializer (what our own logic costs on top).

Target (issue 16): ours at most 0.8 times the baseline per request, device envelopes included.
It also splits the time per request into json / deserialize / invoke / serialize for each side.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402
from bench.baseline_skill import build_baseline_skill  # noqa: E402

TARGET = 0.8


def _model_intents():
    model = common.ROOT / "interaction_model" / "interactionModels" / "custom" / "nl-NL.json"
    try:
        intents = json.loads(model.read_text("utf-8"))["interactionModel"]["languageModel"]["intents"]
    except (OSError, ValueError, KeyError):
        return []
    return [i.get("name", "") for i in intents]


def _has_intent(name: str) -> bool:
    return name in _model_intents()


def _quiz_intent() -> str | None:
    """The quiz's start intent from the interaction model, if the quiz (issue 4) is there yet."""
    model = common.ROOT / "interaction_model" / "interactionModels" / "custom" / "nl-NL.json"
    try:
        intents = json.loads(model.read_text("utf-8"))["interactionModel"]["languageModel"]["intents"]
    except (OSError, ValueError, KeyError):
        return None
    names = [i.get("name", "") for i in intents]
    for name in names:
        if "quiz" in name.lower() and "answer" not in name.lower():
            return name
    return None


def request_mix(devices: bool = True, store: str = "none"):
    """[(label, envelope)]: a realistic conversation recorded against our skill; devices: each
    request again with a full-size device context (labels end in "(device)"). store: the skill that
    records it keeps its memory there (the session attributes then carry its profile copy, as Alexa
    hands back what the skill returned)."""
    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.dev.conversation import Conversation

    talk = Conversation(build_skill(SkillConfig(rng=random.Random(6), store=store)))
    mix = []

    def take(label, reply):
        mix.append((label, reply.request))

    take("launch", talk.launch())
    take("tip", talk.intent("TipIntent"))
    take("principle", talk.intent("PrincipleIntent", principe="afsluiten"))
    take("examples", talk.intent("ExamplesIntent", principe="open_vragen"))
    quiz = _quiz_intent()
    if quiz:
        take(f"quiz start ({quiz})", talk.intent(quiz))
        if _has_intent("QuizAnswerIntent"):
            take("quiz answer", talk.intent("QuizAnswerIntent", antwoord="a"))
        else:
            take("quiz repeat", talk.intent("AMAZON.RepeatIntent"))
    else:
        # No quiz in the model yet: a multi-turn state read of the same kind stands in for it.
        talk.intent("TipIntent")
        take("quiz stand-in (yes to an offer)", talk.intent("AMAZON.YesIntent"))
    take("help", talk.intent("AMAZON.HelpIntent"))
    take("one-shot tip", talk.send(_one_shot_tip()))
    if devices:  # the same requests as a full-size device (Echo Show) sends them
        from skill.dev.envelopes import on_device

        mix += [(f"{label} (device)", on_device(env)) for label, env in mix]
    return mix


def _one_shot_tip():
    from skill.dev import envelopes

    return envelopes.intent("TipIntent", new=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30, help="alternating samples per side")
    ap.add_argument("--passes", type=int, default=10, help="passes over the mix per sample")
    args = ap.parse_args(argv)

    from ask_sdk_model import RequestEnvelope

    from skill.builder import build_skill, use_fast_serializer
    from skill.config import SkillConfig
    from skill.dev.response_check import problems

    sides = {
        "ours": build_skill(SkillConfig(rng=random.Random(6))),
        "baseline": build_baseline_skill(),
        "bare+fast": use_fast_serializer(build_baseline_skill()),
    }
    mix = request_mix()
    bodies = [json.dumps(env) for _, env in mix]
    device = [json.dumps(env) for label, env in mix if label.endswith("(device)")]

    def run(sk, body):
        ser = sk.serializer
        request = ser.deserialize(payload=body, obj_type=RequestEnvelope)
        return json.dumps(ser.serialize(sk.invoke(request_envelope=request, context=None)))

    for (label, _), body in zip(mix, bodies):  # every side answers every request validly
        for name, sk in sides.items():
            found = problems(json.loads(run(sk, body)))
            if found:
                raise SystemExit(f"{name} gave an invalid response to {label}: {found}")

    def sampler(sk, batch):
        return common.per_item(lambda body: run(sk, body), batch, args.passes)

    res = common.alternate({n: sampler(sk, bodies) for n, sk in sides.items()}, rounds=args.rounds, warmup=3)
    dev = common.alternate(
        {n: sampler(sk, device) for n, sk in sides.items()}, rounds=max(5, args.rounds // 2), warmup=1
    )
    ratio = common.paired_ratio(res["ours"], res["baseline"])
    ratio_fast = common.paired_ratio(res["ours"], res["bare+fast"])
    ratio_dev = common.paired_ratio(dev["ours"], dev["baseline"])
    ratio_bare = common.paired_ratio(res["bare+fast"], res["baseline"])

    # Where the time goes: the stages of a request, per request, for each side (alternated, medians).
    def stages(sk, passes=3):
        ser = sk.serializer
        tot = {"deserialize": 0.0, "invoke": 0.0, "serialize": 0.0, "json.dumps": 0.0}
        for _ in range(passes):
            for body in bodies:
                t1 = time.perf_counter()
                req = ser.deserialize(payload=body, obj_type=RequestEnvelope)
                t2 = time.perf_counter()
                resp = sk.invoke(request_envelope=req, context=None)
                t3 = time.perf_counter()
                out = ser.serialize(resp)
                t4 = time.perf_counter()
                json.dumps(out)
                t5 = time.perf_counter()
                tot["deserialize"] += t2 - t1
                tot["invoke"] += t3 - t2
                tot["serialize"] += t4 - t3
                tot["json.dumps"] += t5 - t4
        n = passes * len(bodies)
        return {k: v / n for k, v in tot.items()}

    runs = {name: [] for name in sides}
    for i in range(7):
        for name in list(sides) if i % 2 == 0 else list(reversed(list(sides))):
            runs[name].append(stages(sides[name]))
    st = {name: {k: common.median([r[k] for r in runs[name]]) for k in runs[name][0]} for name in sides}

    print(common.line("="))
    print("Dispatch, JSON in -> JSON out, in process, per request over the mix:")
    print("  mix: " + ", ".join(label for label, _ in mix))
    print(f"  {args.rounds} alternating samples x {args.passes} passes x {len(mix)} requests; {common.machine_note()}")
    print(common.line())
    print(f"  {'side':<12} {'median us/request':>18} {'min':>10} {'max':>10} {'device only':>12}")
    for name in sides:
        vals = res[name]
        print(
            f"  {name:<12} {common.median(vals) * 1e6:>18.1f} {min(vals) * 1e6:>10.1f} "
            f"{max(vals) * 1e6:>10.1f} {common.median(dev[name]) * 1e6:>12.1f}"
        )
    print(
        f"  ratio ours/baseline (median of paired rounds): {ratio:.3f}   device envelopes only: "
        f"{ratio_dev:.3f}   target <= {TARGET}: {common.verdict(max(ratio, ratio_dev) <= TARGET)}"
    )
    print(
        f"  ratio ours/bare+fast (our own logic's cost): {ratio_fast:.3f}   "
        f"bare+fast/baseline (the serializer alone): {ratio_bare:.3f}"
    )
    print(common.line())
    print("  where the time goes (us/request):")
    print(f"  {'stage':<14}" + "".join(f" {name:>10}" for name in sides))
    for k in st["ours"]:
        print(f"  {k:<14}" + "".join(f" {st[name][k] * 1e6:>10.1f}" for name in sides))
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "dispatch",
                **{f"{n}_us": round(common.median(res[n]) * 1e6, 1) for n in sides},
                "ratio": round(ratio, 3),
                "ratio_device": round(ratio_dev, 3),
                "ratio_vs_bare_fast": round(ratio_fast, 3),
                "target": TARGET,
                "met": max(ratio, ratio_dev) <= TARGET,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
