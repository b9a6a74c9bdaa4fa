"""The DynamoDB store against DynamoDB's real API: moto's server mode on a free local port, started and
stopped here (no in-memory fake). Faults: a throttling front (every call answered with DynamoDB's
ProvisionedThroughputExceededException over HTTP) and an endpoint nobody listens on."""

from __future__ import annotations

import http.server
import json
import logging
import socket
import threading
from decimal import Decimal

import boto3
import pytest
from moto.server import ThreadedMotoServer

from skill.dev import envelopes
from skill.dev.runtime import dispatch
from skill.store import REV, StoreConflict, user_key
from skill.store.dynamodb import VersionedDynamoDbAdapter
from tests.memory_helpers import person, skill_disabled, store_skill
from tests.quiz_helpers import answer, said, text

TABLE = "gesprekscoach-test"
USER_A = "amzn1.ask.account.PERSON-A"
USER_B = "amzn1.ask.account.PERSON-B"


@pytest.fixture(scope="module")
def moto_endpoint():
    mp = pytest.MonkeyPatch()
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_SESSION_TOKEN", "testing"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
    ):
        mp.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


@pytest.fixture
def table(moto_endpoint):
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="eu-west-1")
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    yield boto3.resource("dynamodb", endpoint_url=moto_endpoint, region_name="eu-west-1").Table(TABLE)
    client.delete_table(TableName=TABLE)


def dynamo_skill(endpoint, **kw):
    return store_skill(f"dynamodb:{TABLE}", aws_region="eu-west-1", dynamodb_endpoint=endpoint, **kw)


def item(table, user_id=USER_A):
    return table.get_item(Key={"id": user_key(_Env(user_id))}, ConsistentRead=True).get("Item")


class _Env:
    def __init__(self, user_id):
        self.context = type("C", (), {"system": type("S", (), {"user": type("U", (), {"user_id": user_id})})})()


def tempo(value):
    return [envelopes.slot("tempo", value, resolved_id=value, slot_type="TEMPO")]


def test_progress_pace_and_tips_survive_across_sessions(moto_endpoint, table):
    skill = dynamo_skill(moto_endpoint)
    talk = person(skill)
    assert talk.launch().speech.startswith(text("welcome"))
    talk.intent("PaceIntent", tempo("slower"))
    talk.intent("QuizIntent")
    answer(talk, right=True)
    answer(talk, right=False)
    talk.intent("AMAZON.StopIntent")

    stored = item(table)
    assert stored["id"] != USER_A and len(stored["id"]) == 64
    assert isinstance(stored["rev"], Decimal) and stored["expires"] > stored["rev"]
    assert stored["attributes"]["pace"] == "slower"

    again = person(dynamo_skill(moto_endpoint))  # another container: nothing cached
    back = again.launch()
    assert said(back.speech, "memory_welcome_back") and back.ssml.startswith('<speak><prosody rate="80%">')
    progress = again.intent("ProgressIntent")
    assert said(progress.speech, "memory_progress_no_round", right="1", answered="2")
    record = json.loads(again.attributes["mem"].split("|", 2)[2])  # Decimals came back as ints
    assert all(type(n) is int for v in record["quiz"].values() for n in v[:2])


def test_two_devices_at_once_lose_no_quiz_answer(moto_endpoint, table):
    skill = dynamo_skill(moto_endpoint)
    kitchen, bedroom = person(skill), person(skill)
    for device in (kitchen, bedroom):
        device.launch()
        device.intent("QuizIntent")
    answer(kitchen, right=True)
    answer(bedroom, right=True)
    answer(bedroom, right=False)
    bedroom.intent("AMAZON.StopIntent")
    kitchen.intent("AMAZON.StopIntent")  # meets the bedroom's newer item: merges and retries
    quiz = item(table)["attributes"]["quiz"]
    assert sum(v[0] for v in quiz.values()) == 3 and sum(v[1] for v in quiz.values()) == 2


def test_a_stale_revision_is_refused(moto_endpoint, table):
    adapter = VersionedDynamoDbAdapter(TABLE, region="eu-west-1", endpoint_url=moto_endpoint)
    env = _Env(USER_A)
    first = {"v": 1, "visits": 1}
    adapter.save_attributes(env, first)
    assert first[REV] == 1
    with pytest.raises(StoreConflict):
        adapter.save_attributes(env, {"v": 1, "visits": 5})  # no revision: would overwrite
    with pytest.raises(StoreConflict):
        adapter.save_attributes(env, {"v": 1, "visits": 5, REV: 0})
    assert adapter.get_attributes(env) == {"v": 1, "visits": 1, REV: 1}


def test_floats_are_refused_without_a_crash(moto_endpoint, table):
    from ask_sdk_core.exceptions import PersistenceException

    adapter = VersionedDynamoDbAdapter(TABLE, region="eu-west-1", endpoint_url=moto_endpoint)
    with pytest.raises(PersistenceException):
        adapter.save_attributes(_Env(USER_A), {"v": 1, "visits": 1.5})


def test_forget_me_and_the_skill_disabled_event_delete_the_item(moto_endpoint, table):
    skill = dynamo_skill(moto_endpoint)
    talk = person(skill)
    talk.launch()
    other = person(skill, USER_B)
    other.launch()
    other.intent("AMAZON.StopIntent")
    talk.intent("AMAZON.PreviousIntent")
    talk.end()  # Alexa's SessionEndedRequest: saved
    assert item(table) is not None
    talk.launch()
    talk.intent("ForgetMeIntent")
    assert talk.intent("AMAZON.YesIntent").ended
    assert item(table) is None and item(table, USER_B) is not None
    dispatch(skill, skill_disabled(USER_B))
    assert item(table, USER_B) is None


def test_a_damaged_item_reads_as_fresh(moto_endpoint, table, caplog):
    skill = dynamo_skill(moto_endpoint)
    talk = person(skill)
    talk.launch()
    talk.intent("AMAZON.StopIntent")
    table.update_item(
        Key={"id": user_key(_Env(USER_A))},
        UpdateExpression="SET #a = :v",
        ExpressionAttributeNames={"#a": "attributes"},
        ExpressionAttributeValues={":v": {"v": 1, "visits": Decimal("1.5"), "pace": 3}},
    )
    with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
        reply = talk.launch()
        talk.intent("AMAZON.StopIntent")
    assert reply.speech.startswith(text("welcome")) and "damaged" in caplog.text
    assert item(table)["attributes"]["visits"] == 1


# faults --------------------------------------------------------------------------------------------


class _Throttle(http.server.BaseHTTPRequestHandler):
    """Answers every DynamoDB call as a throttled table does (HTTP 400, the JSON error body)."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was exceeded.",
            }
        )
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def throttled_endpoint():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Throttle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def dead_endpoint():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nobody listens there now
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("fault", ["throttled_endpoint", "dead_endpoint"])
def test_a_throttled_or_unreachable_table_answers_without_memory(request, moto_endpoint, table, caplog, fault):
    good = person(dynamo_skill(moto_endpoint))
    good.launch()
    good.intent("PaceIntent", tempo("slower"))
    good.intent("AMAZON.StopIntent")
    before = item(table)

    talk = person(dynamo_skill(request.getfixturevalue(fault), store_timeout=0.5))
    with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
        reply = talk.launch()
        tip = talk.intent("TipIntent")
        forget = talk.intent("ForgetMeIntent")
        gone = talk.intent("AMAZON.YesIntent")
    assert reply.speech.startswith(text("welcome")) and not reply.ended and "mem" not in reply.attributes
    assert tip.speech and not tip.ended and not forget.ended
    assert said(gone.speech, "memory_forget_failed") and not gone.ended
    assert "store unavailable, this turn goes without memory" in caplog.text
    expected = "ProvisionedThroughputExceededException" if fault == "throttled_endpoint" else "EndpointConnectionError"
    assert expected in caplog.text
    assert item(table) == before


def test_the_lambda_handler_uses_the_table_from_the_environment(moto_endpoint, table, monkeypatch):
    import importlib.util
    from pathlib import Path

    monkeypatch.setenv("GESPREKSCOACH_STORE", f"dynamodb:{TABLE}")
    monkeypatch.setenv("GESPREKSCOACH_DYNAMODB_ENDPOINT", moto_endpoint)
    monkeypatch.delenv("GESPREKSCOACH_SKILL_ID", raising=False)
    path = Path(__file__).resolve().parents[1] / "lambda" / "lambda_function.py"
    spec = importlib.util.spec_from_file_location("lambda_function_with_store", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    response = module.lambda_handler(envelopes.intent("TipIntent", new=True), None)  # a one-shot
    assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert item(table, envelopes.DEFAULT_USER_ID)["attributes"]["visits"] == 1


def test_the_adapter_module_imports_without_a_region_even_after_boto3_made_a_default_session():
    """ask_sdk_dynamodb.adapter calls boto3.resource("dynamodb") at import: without a region that fails."""
    import os
    import subprocess
    import sys

    code = (
        "import boto3; boto3.client('sts', region_name='eu-west-1'); "
        "assert boto3.DEFAULT_SESSION.region_name is None; "
        "from skill.store.dynamodb import make_dynamodb_adapter; "
        "a = make_dynamodb_adapter('t-1', region='eu-central-1'); print(a.dynamodb.meta.client.meta.region_name)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-1000:]
    assert out.stdout.strip() == "eu-central-1"
