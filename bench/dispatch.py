"""Dispatch benchmark: JSON request in, JSON response out, in process, ours vs the bare baseline.

    .venv/bin/python bench/dispatch.py [--rounds 30] [--passes 20]

Both skills take exactly the same path (skill.runtime.dispatch: json -> ask-sdk-model objects ->
skill.invoke -> serialize), over the same realistic mix of request envelopes: launch, a tip, a
principle, example phrases, a quiz turn, help (recorded from a real conversation with our skill, so
the session attributes each request carries are the real ones). The baseline answers each with its
fixed speech. Target (issue 6): ours at most 1.15 times the baseline per request.

It also splits the time per request into deserialize / invoke / serialize for both skills, to show
where the time goes.
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

TARGET = 1.15


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


def request_mix():
    """[(label, envelope)]: a realistic conversation recorded against our skill."""
    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.conversation import Conversation

    talk = Conversation(build_skill(SkillConfig(rng=random.Random(6))))
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
    return mix


def _one_shot_tip():
    from skill import envelopes

    return envelopes.intent("TipIntent", new=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30, help="alternating samples per side")
    ap.add_argument("--passes", type=int, default=20, help="passes over the mix per sample")
    args = ap.parse_args(argv)

    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.response_check import problems
    from skill.runtime import dispatch
    from ask_sdk_model import RequestEnvelope

    ours = build_skill(SkillConfig(rng=random.Random(6)))
    base = build_baseline_skill()
    mix = request_mix()
    envelopes_ = [env for _, env in mix]
    for label, env in mix:  # both answer every request validly (a failure would skew the figures)
        for name, sk in (("ours", ours), ("baseline", base)):
            found = problems(dispatch(sk, env))
            if found:
                raise SystemExit(f"{name} gave an invalid response to {label}: {found}")

    def sampler(sk):
        def sample() -> float:
            t0 = time.perf_counter()
            for _ in range(args.passes):
                for env in envelopes_:
                    dispatch(sk, env)
            return (time.perf_counter() - t0) / (args.passes * len(envelopes_))
        return sample

    res = common.alternate({"ours": sampler(ours), "baseline": sampler(base)}, rounds=args.rounds,
                           warmup=3)
    m_ours, m_base = common.median(res["ours"]), common.median(res["baseline"])
    ratio = common.paired_ratio(res["ours"], res["baseline"])

    # Where the time goes: the three stages of dispatch, per request, for each skill.
    def stages(sk, passes=10):
        ser = sk.serializer
        tot = {"json.dumps": 0.0, "deserialize": 0.0, "invoke": 0.0, "serialize": 0.0}
        for _ in range(passes):
            for env in envelopes_:
                t0 = time.perf_counter()
                payload = json.dumps(env)
                t1 = time.perf_counter()
                req = ser.deserialize(payload=payload, obj_type=RequestEnvelope)
                t2 = time.perf_counter()
                resp = sk.invoke(request_envelope=req, context=None)
                t3 = time.perf_counter()
                ser.serialize(resp)
                t4 = time.perf_counter()
                tot["json.dumps"] += t1 - t0
                tot["deserialize"] += t2 - t1
                tot["invoke"] += t3 - t2
                tot["serialize"] += t4 - t3
        n = passes * len(envelopes_)
        return {k: v / n for k, v in tot.items()}

    # alternate the stage measurements too, and take the median per stage (robust to a busy machine)
    runs = {"ours": [], "baseline": []}
    for i in range(7):
        for name, sk in ((("ours", ours), ("baseline", base)) if i % 2 == 0 else (("baseline", base), ("ours", ours))):
            runs[name].append(stages(sk, passes=4))
    st_ours, st_base = ({k: common.median([r[k] for r in runs[name]]) for k in runs[name][0]}
                        for name in ("ours", "baseline"))

    print(common.line("="))
    print("Dispatch (in process, skill.runtime.dispatch), per request over the mix:")
    print("  mix: " + ", ".join(label for label, _ in mix))
    print(f"  {args.rounds} alternating samples x {args.passes} passes x {len(mix)} requests; "
          f"{common.machine_note()}")
    print(common.line())
    print(f"  {'side':<10} {'median us/request':>18} {'min':>10} {'max':>10}")
    for name in ("ours", "baseline"):
        vals = res[name]
        print(f"  {name:<10} {common.median(vals) * 1e6:>18.1f} {min(vals) * 1e6:>10.1f} "
              f"{max(vals) * 1e6:>10.1f}")
    print(f"  ratio ours/baseline (median of paired rounds): {ratio:.3f}   ratio of medians: "
          f"{m_ours / m_base:.3f}   target <= {TARGET}: {common.verdict(ratio <= TARGET)}")
    print(common.line())
    print("  where the time goes (us/request):")
    print(f"  {'stage':<14} {'ours':>10} {'baseline':>10}")
    for k in st_ours:
        print(f"  {k:<14} {st_ours[k] * 1e6:>10.1f} {st_base[k] * 1e6:>10.1f}")
    sdk_share = (st_base["deserialize"] + st_base["serialize"]) / sum(st_base.values())
    print(f"  ask-sdk-model (de)serialisation is {sdk_share:.0%} of the baseline's time per request")
    print(common.line("="))
    print(json.dumps({"bench": "dispatch", "ours_us": round(m_ours * 1e6, 1),
                      "baseline_us": round(m_base * 1e6, 1), "ratio": round(ratio, 3),
                      "target": TARGET, "met": ratio <= TARGET}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
