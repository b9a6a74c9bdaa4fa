"""Memory benchmark (issue 9): what the store costs per turn, and on a Lambda cold start.

    .venv/bin/python bench/memory.py [--rounds 15] [--passes 10] [--cold-rounds 10]

Per turn: the same live conversation (launch, a tip, a principle, example phrases, quiz start, a quiz
answer, help, stop, a one-shot tip: the launch reads the profile, the stop writes it, the one-shot
reads and writes it; the other turns carry it in the session attributes) goes through
three skills built alike, in process (skill.dev.runtime.dispatch): without a store, with SQLite (a fresh
file in a temporary folder) and with DynamoDB (moto's server in a separate process on a free local
port, so it does not share our interpreter). One returning person, so every session reads the record,
counts a visit and writes with its revision check. Rounds alternate; the ratios are medians of paired
rounds. Goal: SQLite adds at most 15% per turn.

A fourth side splits that figure: "in-process" is the same skill with memory's logic and its records
in a dict of this process (no storage, nothing survives the process: a bench-only adapter with the
SQLite adapter's text calls and revision check). sqlite/in-process is what storing in SQLite costs;
in-process/none is what remembering itself costs (the welcome back, a visit counted, the tips heard,
quiz rounds that ask about weak principles, the profile carried in the session attributes).

Cold start: a fresh process imports lambda/lambda_function.py (staged like bench/coldstart.py) and
answers one LaunchRequest, without a store vs with GESPREKSCOACH_STORE=dynamodb:TABLE (moto server);
the DynamoDB side includes importing boto3 and the adapter, and the first read and write over HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402
from bench.coldstart import CHILD as _COLD_CHILD  # noqa: E402

# The cold-start child, plus its own peak RSS from /proc (VmHWM belongs to the new process image; the
# parent's ru_maxrss of a forked child also counts the parent's size before exec, which is large here).
CHILD = _COLD_CHILD.replace(
    "print(json.dumps({",
    "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')]\n"
    "print(json.dumps({'hwm_mb': int(hwm[0].split()[1]) / 1024 if hwm else 0, ",
)

TARGET = 1.15
TABLE = "gesprekscoach-bench"
AWS_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-1"}
MOTO = (
    "import logging, sys; from moto.server import ThreadedMotoServer; "
    "logging.getLogger('werkzeug').setLevel(logging.ERROR); "
    "s = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False); s.start(); "
    "print(s.get_host_and_port()[1], flush=True); sys.stdin.read(); s.stop()"
)


class MotoServer:
    """moto's DynamoDB API in a child process on a free port (stops when its stdin closes)."""

    def __enter__(self):
        env = {**os.environ, **AWS_ENV}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", MOTO], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
        )
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}"
        import boto3

        client = boto3.client(
            "dynamodb",
            endpoint_url=self.url,
            region_name="eu-west-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        )
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


LABELS = ("launch", "tip", "principle", "examples", "quiz start", "quiz answer", "help", "stop", "one-shot tip")


def conversation(skill, user_id, clock, per_label=None):
    """One returning person's session, then a one-shot; returns the number of requests. Only the
    skill's own time is counted (clock[0] += the dispatch time), not building the next envelope."""
    from skill.dev.conversation import Conversation
    from skill.dev.runtime import dispatch

    def send(envelope):
        envelope["context"]["System"]["user"]["userId"] = user_id
        if envelope.get("session"):
            envelope["session"]["user"]["userId"] = user_id
        t0 = time.perf_counter()
        out = dispatch(skill, envelope)
        spent = time.perf_counter() - t0
        clock[0] += spent
        if per_label is not None:
            per_label[LABELS[len(sent) % len(LABELS)]].append(spent)
        sent.append(1)
        return out

    sent = []

    talk = Conversation(send)
    talk.launch()
    talk.intent("TipIntent")
    talk.intent("PrincipleIntent", principe="afsluiten")
    talk.intent("ExamplesIntent", principe="open_vragen")
    talk.intent("QuizIntent")
    talk.intent("QuizAnswerIntent", antwoord="a")
    talk.intent("AMAZON.HelpIntent")
    talk.intent("AMAZON.StopIntent")
    reply = talk.intent("TipIntent")  # one-shot: a new session
    if not reply.speech:
        raise SystemExit("the one-shot tip got no speech")
    return 9


class InProcessRecords:
    """Bench only: the records in a dict, with SqliteAdapter's text calls and revision check, so
    skill.memory runs exactly as with SQLite, without storage."""

    def __init__(self):
        self.rows = {}

    @staticmethod
    def _key(request_envelope):
        from skill.store import user_key

        return user_key(request_envelope)

    def read_record(self, request_envelope):
        return self.rows.get(self._key(request_envelope), (None, None))

    def write_record(self, request_envelope, data, expected):
        from skill.store import StoreConflict

        key = self._key(request_envelope)
        if self.rows.get(key, (None, None))[0] != expected:
            raise StoreConflict("the record changed since it was read")
        rev = 1 if expected is None else int(expected) + 1
        self.rows[key] = (rev, data)
        return rev

    def get_attributes(self, request_envelope):  # not used while the text calls exist
        raise NotImplementedError

    def save_attributes(self, request_envelope, attributes):
        raise NotImplementedError

    def delete_attributes(self, request_envelope):
        self.rows.pop(self._key(request_envelope), None)


def in_process_skill():
    """build_skill with InProcessRecords as its persistence adapter (skill.store.make_adapter swapped
    for the build only)."""
    import skill.store as store
    from skill.builder import build_skill
    from skill.config import SkillConfig

    real = store.make_adapter
    store.make_adapter = lambda config: InProcessRecords()
    try:
        return build_skill(SkillConfig(rng=random.Random(6), store="sqlite::memory-unused"))
    finally:
        store.make_adapter = real


def per_turn(args, moto_url):
    from skill.builder import build_skill
    from skill.config import SkillConfig

    tmp = tempfile.TemporaryDirectory(prefix="gesprekscoach-bench-memory-")
    skills = {
        "none": build_skill(SkillConfig(rng=random.Random(6))),
        "in-process": in_process_skill(),
        "sqlite": build_skill(SkillConfig(rng=random.Random(6), store=f"sqlite:{tmp.name}/profiles.sqlite3")),
        "dynamodb": build_skill(
            SkillConfig(
                rng=random.Random(6), store=f"dynamodb:{TABLE}", aws_region="eu-west-1", dynamodb_endpoint=moto_url
            )
        ),
    }

    per_label = {name: {label: [] for label in LABELS} for name in skills}

    def sampler(name):
        def sample():
            clock = [0.0]
            n = sum(
                conversation(skills[name], "amzn1.ask.account.BENCH", clock, per_label[name])
                for _ in range(args.passes)
            )
            return clock[0] / n

        return sample

    res = common.alternate({name: sampler(name) for name in skills}, rounds=args.rounds, warmup=2, max_seconds=240)
    tmp.cleanup()
    return res, per_label


def cold_start(args, moto_url):
    from skill.dev import envelopes

    event = json.dumps(envelopes.launch())
    staging = tempfile.TemporaryDirectory(prefix="gesprekscoach-bench-memory-cold-")
    build = common.stage_lambda(Path(staging.name))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    envs = {
        "none": base_env,
        "dynamodb": {
            **base_env,
            **AWS_ENV,
            "GESPREKSCOACH_STORE": f"dynamodb:{TABLE}",
            "GESPREKSCOACH_DYNAMODB_ENDPOINT": moto_url,
        },
    }
    samples = {name: [] for name in envs}

    def spawn(name):
        def sample():
            t0 = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(build), "lambda_function", event],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=envs[name],
                cwd=str(common.ROOT),
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - t0
            out, err = child.stdout.read(), child.stderr.read()
            child.stdout.close()
            child.stderr.close()
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"cold start ({name}) failed:\n{err.decode()[-2000:]}")
            info = json.loads(out.decode().strip().splitlines()[-1])
            info.update(wall_s=wall, maxrss_mb=info["hwm_mb"] or usage.ru_maxrss / 1024.0)
            samples[name].append(info)
            return wall

        return sample

    res = common.alternate({name: spawn(name) for name in envs}, rounds=args.cold_rounds, warmup=1, max_seconds=180)
    staging.cleanup()
    for name in envs:
        samples[name] = samples[name][-len(res[name]) :]
    return res, samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15, help="alternating per-turn samples per side")
    ap.add_argument("--passes", type=int, default=10, help="conversations (9 requests each) per sample")
    ap.add_argument("--cold-rounds", type=int, default=10, help="alternating cold starts per side")
    args = ap.parse_args(argv)

    for name, value in AWS_ENV.items():  # moto accepts any credentials; boto3 wants some
        os.environ.setdefault(name, value)
    with MotoServer() as moto:
        turn, per_label = per_turn(args, moto.url)
        cold, cold_samples = cold_start(args, moto.url)

    sqlite_ratio = common.paired_ratio(turn["sqlite"], turn["none"])
    storage_ratio = common.paired_ratio(turn["sqlite"], turn["in-process"])
    logic_ratio = common.paired_ratio(turn["in-process"], turn["none"])
    dynamo_ratio = common.paired_ratio(turn["dynamodb"], turn["none"])
    cold_ratio = common.paired_ratio(cold["dynamodb"], cold["none"])

    def med(name, key):
        return common.median([s[key] for s in cold_samples[name]])

    print(common.line("="))
    print("Memory per turn (in process, skill.dev.runtime.dispatch), one returning person's conversation:")
    print("  launch, tip, principle, examples, quiz start, quiz answer, help, stop, one-shot tip")
    print(
        f"  {len(turn['none'])} alternating samples x {args.passes} conversations x 9 requests; {common.machine_note()}"
    )
    print(common.line())
    print(f"  {'store':<10} {'median us/request':>18} {'min':>10} {'max':>10}")
    for name in turn:
        vals = turn[name]
        print(f"  {name:<10} {common.median(vals) * 1e6:>18.1f} {min(vals) * 1e6:>10.1f} {max(vals) * 1e6:>10.1f}")
    print(f"  ratio sqlite/none: {sqlite_ratio:.3f}   target <= {TARGET}: {common.verdict(sqlite_ratio <= TARGET)}")
    print(f"  ratio dynamodb (moto server over local HTTP)/none: {dynamo_ratio:.3f}")
    print(
        f"  split: sqlite/in-process (storing in SQLite) {storage_ratio:.3f}, "
        f"in-process/none (remembering itself) {logic_ratio:.3f}"
    )
    print("  median us per request kind (the store is read on the first request of a session and")
    print("  written when it ends; one-shot = both):")
    print(f"  {'request':<14} {'none':>8} {'in-proc':>8} {'sqlite':>8} {'dynamodb':>9}")
    for label in LABELS:
        row = [common.median(per_label[name][label]) * 1e6 for name in ("none", "in-process", "sqlite", "dynamodb")]
        print(f"  {label:<14} {row[0]:>8.1f} {row[1]:>8.1f} {row[2]:>8.1f} {row[3]:>9.1f}")
    print(common.line())
    print("Lambda cold start: fresh process, import lambda_function, answer one LaunchRequest")
    print(f"  {len(cold['none'])} alternating rounds per side")
    print(f"  {'store':<10} {'wall ms':>9} {'import ms':>10} {'handle ms':>10} {'peak RSS MB':>12}")
    for name in cold_samples:
        print(
            f"  {name:<10} {med(name, 'wall_s') * 1e3:>9.1f} {med(name, 'import_s') * 1e3:>10.1f} "
            f"{med(name, 'handle_s') * 1e3:>10.2f} {med(name, 'maxrss_mb'):>12.1f}"
        )
    print(
        f"  ratio dynamodb/none: time {cold_ratio:.3f}, peak memory "
        f"{med('dynamodb', 'maxrss_mb') / med('none', 'maxrss_mb'):.3f}"
    )
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "memory",
                "none_us": round(common.median(turn["none"]) * 1e6, 1),
                "sqlite_us": round(common.median(turn["sqlite"]) * 1e6, 1),
                "dynamodb_us": round(common.median(turn["dynamodb"]) * 1e6, 1),
                "sqlite_ratio": round(sqlite_ratio, 3),
                "in_process_us": round(common.median(turn["in-process"]) * 1e6, 1),
                "sqlite_vs_in_process": round(storage_ratio, 3),
                "in_process_vs_none": round(logic_ratio, 3),
                "dynamodb_ratio": round(dynamo_ratio, 3),
                "cold_none_ms": round(med("none", "wall_s") * 1e3, 1),
                "cold_dynamodb_ms": round(med("dynamodb", "wall_s") * 1e3, 1),
                "cold_ratio": round(cold_ratio, 3),
                "target": TARGET,
                "met": sqlite_ratio <= TARGET,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
