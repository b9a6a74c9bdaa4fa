"""Memory across sessions (issue 9) on a real SQLite file: what a person notices, the stored record,
faults (damaged record, locked database), two devices at once, and deletion."""

from __future__ import annotations

import json
import logging
import multiprocessing
import sqlite3
import subprocess
import sys

import pytest

from skill.dev import envelopes
from skill.config import SkillConfig
from skill.content import load_content
from skill.profile import Profile
from skill.quiz.game import RIGHT
from skill.dev.runtime import dispatch
from skill.store import StoreConfigError, StoreConflict, default_sqlite_path, parse_store, user_key
from skill.store.sqlite import SqliteAdapter
from tests.memory_helpers import for_user, person, rows, skill_disabled, store_skill
from tests.quiz_helpers import BANK, answer, said, text

CONTENT = load_content()
USER_A = "amzn1.ask.account.PERSON-A"
USER_B = "amzn1.ask.account.PERSON-B"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "data" / "profiles.sqlite3")


@pytest.fixture
def skill(db):
    return store_skill(f"sqlite:{db}")


def tempo(value):
    return [
        envelopes.slot(
            "tempo",
            {"slower": "langzamer", "faster": "sneller", "normal": "normaal"}[value],
            resolved_id=value,
            slot_type="TEMPO",
        )
    ]


def stored(db):
    ((key, rev, data),) = rows(db)
    return key, rev, json.loads(data)


# what a person notices ---------------------------------------------------------------------------


def test_first_visit_full_introduction_then_a_short_welcome_back_that_picks_up_the_topic(skill, db):
    talk = person(skill)
    first = talk.launch()
    assert first.speech.startswith(text("welcome")) and not first.ended
    talk.intent("PrincipleIntent", principe="open_vragen")
    talk.intent("AMAZON.StopIntent")

    again = talk.launch()
    name = CONTENT.get("open_vragen").name
    assert said(again.speech, "memory_welcome_back") and said(again.speech, "memory_last_topic", name=name)
    assert text("welcome") not in again.speech and len(again.speech) < len(first.speech)
    assert not again.ended and again.reprompt
    resumed = talk.intent("AMAZON.YesIntent")
    assert resumed.speech.startswith(CONTENT.get("open_vragen").title)


def test_the_database_file_is_created_on_first_use_only(db):
    import os

    skill = store_skill(f"sqlite:{db}")
    assert not os.path.exists(db)
    visit(skill)
    assert os.path.exists(db)
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert os.stat(db).st_mode & 0o777 == 0o600


def test_another_person_is_a_first_visit(skill):
    visit(skill, USER_A)
    other = person(skill, USER_B).launch()
    assert other.speech.startswith(text("welcome"))


def _tip_index(speech):
    found = [t.index for t in CONTENT.tips if t.advice.text in speech and t.principle.title in speech]
    assert len(found) == 1, speech
    return found[0]


def test_one_shot_tips_never_repeat_across_sessions_until_all_have_come_by(skill):
    talk = person(skill)
    heard = []
    for _ in range(len(CONTENT.tips)):
        reply = talk.intent("TipIntent")  # a new session each time ("Alexa, vraag ... om een tip")
        assert reply.ended
        heard.append(_tip_index(reply.speech))
    assert sorted(heard) == list(range(len(CONTENT.tips)))
    after = talk.intent("TipIntent")
    assert said(after.speech, "tips_all_heard")


def test_tips_in_a_session_continue_the_cycle_of_earlier_sessions(skill):
    talk = person(skill)
    first = {_tip_index(talk.intent("TipIntent").speech) for _ in range(3)}
    talk.launch()
    in_session = {_tip_index(talk.intent("TipIntent").speech) for _ in range(5)}
    assert not first & in_session


def _play_round(talk, right):
    reply = talk.intent("QuizIntent")
    asked = []
    while "quiz" in talk.attributes and "q" in talk.attributes["quiz"]:
        reply, question = answer(talk, right=right(question_principle(talk)))
        asked.append(question)
    return reply, asked


def question_principle(talk):
    section = talk.attributes["quiz"]
    return BANK.get(section["q"][section["n"]]).principle


def test_quiz_history_progress_report_and_a_new_round_that_favours_weak_principles(skill, db):
    talk = person(skill)
    talk.launch()
    weak_one = {}

    def right(principle):  # the first principle asked is answered wrong, everything else right
        weak_one.setdefault("p", principle)
        return principle != weak_one["p"]

    _, asked = _play_round(talk, right)
    talk.intent("AMAZON.StopIntent")

    _, _, record = stored(db)
    assert record["rounds"] == 1
    assert sum(v[0] for v in record["quiz"].values()) == len(asked)
    assert record["quiz"][weak_one["p"]][2].endswith("0")

    talk.launch()
    progress = talk.intent("ProgressIntent")
    weak_name = CONTENT.get(weak_one["p"]).name
    wrong = sum(1 for q in asked if q.principle == weak_one["p"])
    assert said(progress.speech, "memory_progress_one_round", right=str(len(asked) - wrong), answered=str(len(asked)))
    assert said(progress.speech, "memory_progress_weak", name=weak_name)
    assert not progress.ended

    start = talk.intent("AMAZON.YesIntent")  # yes to a new round
    assert said(start.speech, "memory_quiz_favour", names=weak_name)
    keys = talk.attributes["quiz"]["q"]
    assert weak_one["p"] in {BANK.get(k).principle for k in keys}


def test_progress_without_any_answers_offers_a_round(skill):
    talk = person(skill)
    talk.launch()
    reply = talk.intent("ProgressIntent")
    assert said(reply.speech, "memory_progress_none") and not reply.ended
    assert "Vraag 1 van" in talk.intent("AMAZON.YesIntent").speech


def test_pace_changes_the_rate_from_now_on_for_this_person_only(skill):
    talk = person(skill)
    talk.launch()
    slower = talk.intent("PaceIntent", tempo("slower"))
    assert slower.ssml.startswith('<speak><prosody rate="80%">') and said(slower.speech, "memory_pace_slower")
    assert talk.intent("ExamplesIntent", principe="open_vragen").ssml.count('<prosody rate="75%">') >= 1
    talk.intent("AMAZON.StopIntent")
    assert talk.launch().ssml.startswith('<speak><prosody rate="80%">')  # next session too
    assert person(skill, USER_B).launch().ssml.startswith('<speak><prosody rate="95%">')
    faster = talk.intent("PaceIntent", tempo("faster"))
    assert faster.ssml.startswith('<speak><prosody rate="110%">')
    assert talk.intent("PaceIntent", tempo("normal")).ssml.startswith('<speak><prosody rate="95%">')


def test_pace_without_a_known_tempo_asks_which(skill):
    talk = person(skill)
    talk.launch()
    reply = talk.intent("PaceIntent", [envelopes.slot("tempo", "heel raar", slot_type="TEMPO", no_match=True)])
    assert said(reply.speech, "memory_pace_which") and not reply.ended


def test_forget_me_asks_first_then_deletes_everything(skill, db):
    talk = person(skill)
    talk.launch()
    talk.intent("PaceIntent", tempo("slower"))
    talk.intent("TipIntent")
    assert len(rows(db)) == 1
    ask = talk.intent("ForgetMeIntent")
    assert said(ask.speech, "memory_forget_confirm") and not ask.ended
    kept = talk.intent("AMAZON.NoIntent")
    assert said(kept.speech, "memory_forget_kept") and len(rows(db)) == 1
    talk.intent("ForgetMeIntent")
    done = talk.intent("AMAZON.YesIntent")
    assert said(done.speech, "memory_forgotten") and done.ended
    assert rows(db) == []
    fresh = talk.launch()
    assert fresh.speech.startswith(text("welcome")) and fresh.ssml.startswith('<speak><prosody rate="95%">')


def test_forget_me_as_a_one_shot_still_asks(skill, db):
    talk = person(skill)
    talk.launch()
    talk.intent("AMAZON.StopIntent")
    reply = talk.intent("ForgetMeIntent")  # "Alexa, vraag empathisch gesprek om mijn gegevens te wissen"
    assert not reply.ended and len(rows(db)) == 1


def visit(skill, user=USER_A):
    talk = person(skill, user)
    talk.launch()
    talk.intent("AMAZON.StopIntent")  # saved when the session ends
    return talk


def test_the_skill_disabled_event_deletes_the_record(skill, db):
    visit(skill, USER_A)
    visit(skill, USER_B)
    assert len(rows(db)) == 2
    response = dispatch(skill, skill_disabled(USER_A))
    assert "outputSpeech" not in (response.get("response") or {})
    ((key, _, _),) = rows(db)
    assert key == user_key(_Envelope(USER_B))


class _Envelope:
    def __init__(self, user_id):
        self.context = type("C", (), {"system": type("S", (), {"user": type("U", (), {"user_id": user_id})})})()


def test_the_store_holds_a_hash_of_the_user_id_and_nothing_a_person_said(skill, db):
    talk = person(skill)
    talk.launch()
    talk.intent("CrisisIntent")
    talk.intent("PrincipleIntent", principe=("iets over mijn moeder", None))
    talk.intent("QuizIntent")
    answer(talk, right=False)
    talk.intent("AMAZON.StopIntent")
    raw = sqlite3.connect(db).execute("SELECT key, data FROM profiles").fetchall()
    dump = json.dumps(raw)
    assert USER_A not in dump and "PERSON" not in dump and "moeder" not in dump
    _, _, record = stored(db)
    assert set(record) <= {"v", "visits", "pace", "tips", "last", "rounds", "quiz"}
    assert set(record["quiz"]) <= set(CONTENT.ids)


# faults --------------------------------------------------------------------------------------------


def _write(db, key, rev, data):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE profiles SET rev = ?, data = ? WHERE key = ?", (rev, data, key))


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        json.dumps({"v": 99, "visits": 3}),
        json.dumps([1, 2]),
        json.dumps({"v": 1, "visits": "many", "pace": "zoef", "quiz": {"x": [1]}}),
    ],
)
def test_a_damaged_or_unknown_record_reads_as_fresh_is_logged_and_replaced(skill, db, caplog, data):
    talk = person(skill)
    talk.launch()
    talk.intent("AMAZON.StopIntent")
    key, rev, _ = stored(db)
    _write(db, key, rev, data)
    with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
        reply = talk.launch()
        talk.intent("AMAZON.StopIntent")
    assert reply.speech.startswith(text("welcome"))  # fresh: a first visit
    assert "damaged or of an unknown version" in caplog.text
    _, new_rev, record = stored(db)
    assert new_rev == rev + 1 and record["v"] == 1 and record["visits"] == 1


def test_a_locked_database_answers_in_time_and_keeps_the_good_record(db, caplog):
    """Another writer holds the lock: WAL still lets us read, the write gives up after the busy
    timeout, the turn is answered, a warning is logged and the stored record is untouched."""
    skill = store_skill(f"sqlite:{db}", store_timeout=0.05)
    talk = person(skill)
    talk.launch()
    talk.intent("PaceIntent", tempo("slower"))
    talk.intent("AMAZON.StopIntent")
    before = rows(db)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
            reply = talk.launch()
            tip = talk.intent("TipIntent")
            bye = talk.intent("AMAZON.StopIntent")
        assert said(reply.speech, "memory_welcome_back") and not reply.ended
        assert reply.ssml.startswith('<speak><prosody rate="80%">')
        assert tip.speech and not tip.ended and bye.ended
        assert "store unavailable, changes not saved" in caplog.text
    finally:
        blocker.rollback()
        blocker.close()
    assert rows(db) == before  # nothing overwritten
    talk.intent("AMAZON.StopIntent")
    talk.launch()
    assert stored(db)[2]["visits"] == 2  # saving works again (the locked visit was not saved)


def test_an_unreadable_store_answers_without_memory_and_overwrites_nothing(tmp_path, caplog):
    path = tmp_path / "profiles.sqlite3"
    path.write_bytes(b"this is not a database file" * 100)
    talk = person(store_skill(f"sqlite:{path}"))
    with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
        reply = talk.launch()
        pace = talk.intent("PaceIntent", tempo("slower"))
    assert reply.speech.startswith(text("welcome")) and not reply.ended and "mem" not in reply.attributes
    assert said(pace.speech, "memory_unavailable") and not pace.ended
    assert "store unavailable, this turn goes without memory" in caplog.text
    assert path.read_bytes() == b"this is not a database file" * 100


def test_an_expired_record_reads_as_absent(db):
    now = [1_000_000.0]
    adapter = SqliteAdapter(db, clock=lambda: now[0], retention_days=1)
    envelope = _Envelope(USER_A)
    record = {"v": 1, "visits": 4}
    adapter.save_attributes(envelope, record)
    assert adapter.get_attributes(envelope) == {"v": 1, "visits": 4, "_rev": 1}
    now[0] += 2 * 86400
    assert adapter.get_attributes(envelope) == {"_rev": 1}


def test_the_record_as_text_is_written_only_over_the_revision_that_was_read(db):
    """read_record / write_record (what skill.memory uses): compare and swap on the revision, no
    blind overwrite of a row that exists, an expired row reads as absent but keeps its revision."""
    now = [1_000_000.0]
    adapter = SqliteAdapter(db, clock=lambda: now[0], retention_days=1)
    envelope = _Envelope(USER_A)
    assert adapter.read_record(envelope) == (None, None)
    assert adapter.write_record(envelope, '{"v":1,"visits":1}', None) == 1
    with pytest.raises(StoreConflict):
        adapter.write_record(envelope, '{"v":1,"visits":0}', None)  # the row exists: never blindly over it
    with pytest.raises(StoreConflict):
        adapter.write_record(envelope, '{"v":1,"visits":5}', 7)  # not the revision stored
    assert adapter.read_record(envelope) == (1, '{"v":1,"visits":1}')
    assert adapter.write_record(envelope, '{"v":1,"visits":2}', 1) == 2
    assert adapter.get_attributes(envelope) == {"v": 1, "visits": 2, "_rev": 2}
    now[0] += 2 * 86400
    assert adapter.read_record(envelope) == (2, None)


def test_a_record_changed_by_another_process_is_read_afresh(skill, db):
    """The validated records this process keeps (skill.memory._RECORDS) are found by the whole text:
    a row another worker wrote since is never taken for the one this process wrote."""
    talk = person(skill)
    talk.launch()
    talk.intent("PrincipleIntent", principe="open_vragen")
    talk.intent("AMAZON.StopIntent")
    key, rev, record = stored(db)
    record.update(visits=7, pace="slower")
    with sqlite3.connect(db) as conn:  # another worker saves (a new revision)
        conn.execute("UPDATE profiles SET rev = ?, data = ? WHERE key = ?", (rev + 1, json.dumps(record), key))
    again = talk.launch()
    assert said(again.speech, "memory_welcome_back")
    assert again.ssml.startswith('<speak><prosody rate="80%">')  # the other worker's pace
    talk.intent("AMAZON.StopIntent")
    assert stored(db)[1:] == (rev + 2, {**record, "visits": 8})


def test_the_validated_records_a_process_keeps_are_never_changed_in_place(skill, db, monkeypatch):
    """Every profile in skill.memory._RECORDS is exactly its JSON text, however many sessions
    changed the profiles read from it (they change a copy)."""
    from collections import OrderedDict

    from skill import memory

    monkeypatch.setattr(memory, "_RECORDS", OrderedDict())  # this test's records only
    talk = person(skill)
    for _ in range(3):
        talk.launch()
        talk.intent("TipIntent")
        talk.intent("QuizIntent")
        answer(talk, right=False)
        talk.intent("AMAZON.StopIntent")
        talk.send(envelopes.intent("TipIntent", new=True))
    kept = [(record, profile) for (record, *_), profile in memory._RECORDS.items()]
    assert kept
    for record, profile in kept:
        assert profile.to_record() == json.loads(record)
    assert stored(db)[2]["visits"] == 6


def test_the_session_copies_and_records_a_process_keeps_are_exactly_their_text(skill, db, monkeypatch):
    """Every parsed copy in skill.memory._PARSED and every record in _RECORDS is what its text says,
    however the turns after it changed the profiles they took out (in place): two devices of one
    person and another person, sessions left open, quiz rounds saved in the middle of a session (the
    profile then in both), a request sent again."""
    from collections import OrderedDict

    from skill import memory

    monkeypatch.setattr(memory, "_PARSED", OrderedDict())  # this test's copies and records only
    monkeypatch.setattr(memory, "_RECORDS", OrderedDict())
    visit(skill)
    kitchen, bedroom, other = person(skill), person(skill), person(skill, USER_B)
    for talk in (kitchen, bedroom, other):
        talk.launch()
        talk.intent("TipIntent")
        talk.intent("QuizIntent")
    for _ in range(5):  # both rounds end: saved at once (the second merges), the sessions go on
        answer(kitchen, right=False)
        answer(bedroom, right=True)
    before = dict(other.attributes)
    other.intent("PrincipleIntent", principe="afsluiten")
    other.attributes = before  # sent again
    other.intent("PrincipleIntent", principe="afsluiten")
    for talk in (kitchen, bedroom, other):
        talk.intent("TipIntent")
    assert len(memory._PARSED) == 3  # the open sessions' copies, nothing of the turns before
    for (copy, ids, tip_count), kept in memory._PARSED.items():
        rev, ops, ops_text, base, profile, _ = memory._parse(copy, ids, tip_count)
        assert kept[:5] == (rev, ops, ops_text, base, profile)
    assert memory._RECORDS
    for (record, *_), profile in memory._RECORDS.items():
        assert profile.to_record() == json.loads(record)
    assert stored(db)[2]["rounds"] == 2


def test_two_devices_at_once_lose_no_quiz_answer(skill, db):
    """Both sessions read the same record; each answers a question; the second save meets a newer
    record, merges and retries."""
    kitchen, bedroom = person(skill), person(skill)
    for device in (kitchen, bedroom):
        device.launch()
        device.intent("QuizIntent")
    answer(kitchen, right=True)
    answer(bedroom, right=False)
    answer(kitchen, right=False)
    kitchen.intent("AMAZON.StopIntent")
    bedroom.intent("AMAZON.StopIntent")  # meets the kitchen's newer record: merges and retries
    _, _, record = stored(db)
    assert sum(v[0] for v in record["quiz"].values()) == 3
    assert sum(v[1] for v in record["quiz"].values()) == 1
    assert record["visits"] == 2


def test_going_from_topic_to_topic_keeps_one_pending_change_and_saves_the_last_topic(skill, db):
    """'last' is a setter: a new topic replaces the pending one, so a long session keeps a short copy
    and is not written in the middle just because the person went from topic to topic."""
    from skill import memory as mem

    visit(skill)
    _, rev, _ = stored(db)
    talk = person(skill)
    talk.launch()
    ids = CONTENT.ids
    hops = [ids[n % len(ids)] for n in range(mem.MAX_PENDING + 3)]
    for principle in hops:
        talk.intent("PrincipleIntent", principe=principle)
    pending = talk.attributes["mem"].split("|")[1].split(",")
    assert pending == ["v", f"l{hops[-1]}"]
    assert stored(db)[1] == rev  # nothing written in the middle of the session
    talk.intent("AMAZON.StopIntent")
    _, new_rev, record = stored(db)
    assert new_rev == rev + 1 and record["last"] == {"k": "topic", "p": hops[-1]} and record["visits"] == 2


def test_a_replaced_pending_change_still_merges_over_another_devices_save(skill, db):
    """The kitchen saves first; the bedroom's save meets it and applies its own changes to the newer
    record: its last topic (the pending one that replaced the others), its pace, the kitchen's answer."""
    kitchen, bedroom = person(skill), person(skill)
    kitchen.launch()
    bedroom.launch()
    bedroom.intent("PrincipleIntent", principe="open_vragen")
    bedroom.intent("PrincipleIntent", principe="afsluiten")
    kitchen.intent("QuizIntent")
    answer(kitchen, right=True)
    kitchen.intent("AMAZON.StopIntent")
    bedroom.intent("AMAZON.StopIntent")  # meets the kitchen's newer record: merges and retries
    _, rev, record = stored(db)
    assert rev == 2 and record["visits"] == 2
    assert record["last"] == {"k": "topic", "p": "afsluiten"}
    assert sum(v[0] for v in record["quiz"].values()) == 1


def test_pace_changes_replace_each_other_and_are_saved_at_once(skill, db):
    from skill.memory import Memory, SETTERS, encode_ops

    assert SETTERS == {"pace", "last"}
    talk = person(skill)
    talk.launch()
    talk.intent("PaceIntent", tempo("slower"))
    talk.intent("PaceIntent", tempo("faster"))
    assert stored(db)[2]["pace"] == "faster"  # each saved at once
    mem = Memory(
        None, None, "{}", None, Profile.from_record(None, principle_ids=CONTENT.ids, tip_count=3), CONTENT.ids, 3
    )
    mem.change("visit")
    mem.change("pace", "slower")
    mem.change("tip", 1)
    mem.change("pace", "normal")
    mem.change("last", {"k": "quiz"})
    mem.change("last", {"k": "topic", "p": "afsluiten"})
    assert mem.ops == (("visit",), ("tip", 1), ("pace", "normal"), ("last", {"k": "topic", "p": "afsluiten"}))
    assert mem._ops_text == encode_ops(mem.ops) == "v,t1,pnormal,lafsluiten"
    assert mem.profile.pace == "normal" and mem.profile.tips == [1] and mem.profile.last["p"] == "afsluiten"


def test_a_save_that_met_a_newer_record_and_then_failed_keeps_that_record_in_the_session(skill, db, monkeypatch):
    """The bedroom's save meets the kitchen's newer record (merges), then the store fails: the session
    copy must carry the newer record with its revision, so a later turn on another process that
    saves over that revision does not drop what the kitchen saved."""
    from collections import OrderedDict

    from ask_sdk_core.exceptions import PersistenceException

    from skill import memory

    monkeypatch.setattr(memory, "_PARSED", OrderedDict())
    monkeypatch.setattr(memory, "_RECORDS", OrderedDict())
    visit(skill)
    kitchen, bedroom = person(skill), person(skill)
    kitchen.launch()
    bedroom.launch()
    kitchen.intent("QuizIntent")
    answer(kitchen, right=False)
    kitchen.intent("AMAZON.StopIntent")  # the kitchen's answer and visit are stored
    real, state = SqliteAdapter.write_record, {"conflicts": 0}

    def write_record(self, envelope, data, expected):
        if state["conflicts"]:
            raise PersistenceException("the disk is full")
        try:
            return real(self, envelope, data, expected)
        except StoreConflict:
            state["conflicts"] += 1
            raise

    monkeypatch.setattr(SqliteAdapter, "write_record", write_record)
    bedroom.intent("PaceIntent", tempo("slower"))  # saved at once: conflict, merge, then the store fails
    assert state["conflicts"] == 1
    monkeypatch.setattr(SqliteAdapter, "write_record", real)
    memory._PARSED.clear()  # the next turn lands on another process
    memory._RECORDS.clear()
    bedroom.intent("AMAZON.StopIntent")
    record = stored(db)[2]
    assert record["pace"] == "slower" and record["visits"] == 3
    assert sum(v[0] for v in record["quiz"].values()) == 1  # the kitchen's answer


def _worker(db, user, count, queue):
    from tests.memory_helpers import person as p, store_skill as s

    talk = p(s(f"sqlite:{db}", seed=count), user)
    talk.launch()
    talk.intent("QuizIntent")
    done = 0
    while done < count:
        if "q" not in talk.attributes.get("quiz", {}):
            talk.intent("QuizIntent")
        answer(talk, right=True)
        done += 1
    talk.intent("AMAZON.StopIntent")
    queue.put(done)


def _own_connection(adapter, queue):
    inherited = adapter._local.conn
    queue.put(adapter._connect() is not inherited and adapter.read_record(_Envelope(USER_A))[0] == 1)


def test_a_forked_worker_opens_its_own_connection(db):
    """A connection is never used across a fork (like gunicorn's workers forked from a parent that
    already used the store): the child opens its own."""
    adapter = SqliteAdapter(db)
    adapter.write_record(_Envelope(USER_A), '{"v":1,"visits":1}', None)
    parent = adapter._connect()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_own_connection, args=(adapter, queue))
    child.start()
    child.join(30)
    assert child.exitcode == 0 and queue.get(timeout=5) is True
    assert adapter._connect() is parent  # the parent keeps its own


def test_several_processes_on_one_file_lose_no_update(db):
    """Like several gunicorn workers: separate processes, separate connections, one person."""
    visit(store_skill(f"sqlite:{db}"))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(db, USER_A, 12, queue)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    assert sum(queue.get(timeout=5) for _ in workers) == 36
    _, _, record = stored(db)
    assert sum(v[0] for v in record["quiz"].values()) == 36 and record["visits"] == 4


# configuration -------------------------------------------------------------------------------------


def test_store_configuration(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert str(parse_store(None)) == "none"
    assert parse_store("sqlite", env).target == str(tmp_path / "gesprekscoach" / "profiles.sqlite3")
    assert default_sqlite_path({"HOME": "/x"}).endswith("/.local/share/gesprekscoach/profiles.sqlite3")
    assert parse_store("sqlite:/srv/coach.db").target == "/srv/coach.db"
    assert str(parse_store("dynamodb:gesprekscoach-profiles")) == "dynamodb:gesprekscoach-profiles"
    for bad in ("redis:x", "dynamodb:", "dynamodb:a b"):
        with pytest.raises(StoreConfigError):
            parse_store(bad)
    config = SkillConfig.from_env(
        {"GESPREKSCOACH_STORE": "dynamodb:t-1", "AWS_REGION": "eu-central-1", "GESPREKSCOACH_STORE_TIMEOUT": "0.5"}
    )
    assert (config.store, config.aws_region, config.store_timeout) == ("dynamodb:t-1", "eu-central-1", 0.5)
    assert SkillConfig.from_env({}).store is None
    assert (
        SkillConfig.from_env(env, default_store="sqlite").store == f"sqlite:{tmp_path}/gesprekscoach/profiles.sqlite3"
    )


def test_boto3_is_not_imported_unless_the_store_is_dynamodb(db):
    code = (
        "import sys; from skill.builder import build_skill; from skill.config import SkillConfig; "
        f"build_skill(SkillConfig(store={'sqlite:' + db!r})); build_skill(SkillConfig()); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'ask_sdk_dynamodb')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_profile_validation_keeps_good_fields_and_drops_bad_ones():
    raw = {
        "v": 1,
        "visits": 3,
        "pace": "slower",
        "tips": [1, 1, 2, 999, "x"],
        "last": {"k": "topic", "p": "nope"},
        "rounds": -1,
        "quiz": {"open_vragen": [3, 2, "101"], "actief_luisteren": [1, 2, "1"], "zzz": [1, 1, "1"]},
    }
    profile = Profile.from_record(raw, principle_ids=CONTENT.ids, tip_count=len(CONTENT.tips))
    assert profile.repaired
    assert profile.to_record() == {
        "v": 1,
        "visits": 3,
        "pace": "slower",
        "tips": [1, 2],
        "quiz": {"open_vragen": [3, 2, "101"]},
    }


def test_the_weak_principle_rule():
    profile = Profile()
    for principle, results in (("a", "11111"), ("b", "10111"), ("c", "00111"), ("d", "11110")):
        for r in results:
            profile.apply(("answer", principle, r == "1", False))
    assert profile.weak(order=["a", "b", "c", "d"]) == ["c", "d"]  # most misses, then most recent miss
    assert profile.strongest(order=["a", "b", "c", "d"]) == "a"
    assert RIGHT == 1


def test_requests_without_a_user_id_or_session_do_not_crash(skill):
    envelope = envelopes.launch()
    envelope["context"]["System"]["user"] = {}
    envelope["session"]["user"] = {}
    response = dispatch(skill, envelope)
    assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    reply = dispatch(skill, for_user(envelopes.session_ended(), USER_A))
    assert "outputSpeech" not in reply["response"]


def test_the_webservice_keeps_profiles_in_sqlite_under_the_data_directory_by_default(tmp_path, monkeypatch):
    from skill.web import create_app

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("GESPREKSCOACH_DEV", "1")
    monkeypatch.delenv("GESPREKSCOACH_STORE", raising=False)
    monkeypatch.delenv("GESPREKSCOACH_SKILL_ID", raising=False)
    client = create_app().test_client()
    for _ in range(2):
        resp = client.post("/alexa", json=envelopes.launch())
        assert resp.status_code == 200
        stop = envelopes.follow_up(envelopes.intent("AMAZON.StopIntent"), resp.get_json(), envelopes.launch())
        assert client.post("/alexa", json=stop).status_code == 200
    assert said(resp.get_json()["response"]["outputSpeech"]["ssml"], "memory_welcome_back")
    assert len(rows(tmp_path / "gesprekscoach" / "profiles.sqlite3")) == 1
    monkeypatch.setenv("GESPREKSCOACH_STORE", "none")
    off = create_app().test_client().post("/alexa", json=envelopes.launch())
    assert "mem" not in (off.get_json().get("sessionAttributes") or {})


def test_serve_refuses_a_bad_store(capsys):
    from skill.dev.cli import main

    assert main(["serve", "--store", "redis:localhost"]) == 2
    assert "unknown store" in capsys.readouterr().err


def test_a_session_that_times_out_is_saved_from_the_session_ended_request(skill, db):
    talk = person(skill)
    talk.launch()
    talk.intent("TipIntent")
    assert rows(db) == []  # nothing written in the middle of a session
    talk.end("EXCEEDED_MAX_REPROMPTS")
    _, _, record = stored(db)
    assert record["visits"] == 1 and len(record["tips"]) == 1


def test_a_damaged_session_copy_reads_the_store_again(skill, db, caplog):
    talk = visit(skill)
    talk.launch()
    talk.attributes["mem"] = "1|zz9|{}"
    with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
        reply = talk.intent("PaceIntent", tempo("slower"))
    assert said(reply.speech, "memory_pace_slower") and "session copy was damaged" in caplog.text
    assert stored(db)[2]["pace"] == "slower"


@pytest.mark.parametrize(
    "copy",
    [
        "x|v|{}",  # a revision that is not a number
        "1|v|" + json.dumps({"v": 1, "visits": 1, "quiz": {"nergens": [1, 1, "1"]}}),  # an unknown principle
        "1|v,lnergens|" + json.dumps({"v": 1, "visits": 1}),  # an operation on an unknown principle
        "1|v|" + json.dumps({"v": 1, "visits": 1, "tips": [0] * 5000}),  # longer than a copy can be
        {"v": 1, "visits": 1},  # not a string
    ],
)
def test_a_tampered_session_copy_reads_safely_from_the_store(skill, db, caplog, copy):
    talk = visit(skill)
    talk.launch()
    talk.attributes["mem"] = copy
    with caplog.at_level(logging.WARNING, logger="gesprekscoach.memory"):
        reply = talk.intent("PaceIntent", tempo("faster"))
    assert said(reply.speech, "memory_pace_faster") and "session copy was damaged" in caplog.text
    _, _, record = stored(db)
    assert record["pace"] == "faster" and record["visits"] == 2 and "quiz" not in record


def test_every_turn_on_a_process_that_never_saw_the_session_gives_the_same(tmp_path, monkeypatch):
    """Each request as if it landed on another process (skill.memory's caches of session copies and
    records emptied before it): the same answers and the same stored record as on one process, so
    changes pending in the session copy survive the move."""
    from collections import OrderedDict

    from skill import memory
    from skill.dev.conversation import Conversation

    monkeypatch.setattr(memory, "_PARSED", OrderedDict())
    monkeypatch.setattr(memory, "_RECORDS", OrderedDict())

    def sessions(db, elsewhere):
        skill = store_skill(f"sqlite:{db}")

        def send(envelope):
            if elsewhere:
                memory._PARSED.clear()
                memory._RECORDS.clear()
            return dispatch(skill, for_user(envelope, USER_A))

        talk, heard = Conversation(send), []
        for _ in range(2):
            heard.append(talk.launch().speech)
            heard.append(talk.intent("TipIntent").speech)
            heard.append(talk.intent("PrincipleIntent", principe="afsluiten").speech)
            heard.append(talk.intent("QuizIntent").speech)
            heard.append(answer(talk, right=False)[0].speech)
            heard.append(talk.intent("AMAZON.StopIntent").speech)
        return heard, stored(db)[1:]

    here, elsewhere = sessions(str(tmp_path / "here.sqlite3"), False), sessions(str(tmp_path / "away.sqlite3"), True)
    assert here == elsewhere
    _, (rev, record) = here
    assert rev == 2 and record["visits"] == 2 and sum(v[0] for v in record["quiz"].values()) == 2


def test_a_request_sent_again_counts_its_answer_once(skill, db):
    """Alexa may send a request again with the same session copy (the first try's answer never
    arrived): that copy is read again, and the answer is counted once."""
    talk = visit(skill)
    talk.launch()
    talk.intent("QuizIntent")
    before = dict(talk.attributes)
    first, _ = answer(talk, right=True)
    talk.attributes = before
    again, _ = answer(talk, right=True)
    assert again.speech == first.speech and again.attributes == first.attributes
    talk.intent("AMAZON.StopIntent")
    record = stored(db)[2]
    assert sum(v[0] for v in record["quiz"].values()) == 1 and record["visits"] == 2


def test_each_request_gets_the_key_of_its_own_user_id():
    import hashlib

    def expected(user):
        return hashlib.sha256(b"gesprekscoach/user/v1:" + user.encode("utf-8", "surrogatepass")).hexdigest()

    odd = "amzn1.ask.account.\u00e9\udc80"
    a, b, a_again, c = (
        _Envelope(USER_A),
        _Envelope(USER_B),
        _Envelope("amzn1.ask.account." + "PERSON-A"),
        _Envelope(odd),
    )
    keys = [user_key(e) for e in (a, a, b, a_again, b, c)]
    assert keys == [expected(USER_A)] * 2 + [expected(USER_B), expected(USER_A), expected(USER_B), expected(odd)]


def test_the_key_is_the_same_sha256_without_pythons_own_hash_modules(monkeypatch):
    import hashlib

    from skill import store

    monkeypatch.setitem(sys.modules, "_sha2", None)  # import fails
    monkeypatch.setitem(sys.modules, "_sha256", None)
    assert store._builtin_sha256() is hashlib.sha256
    monkeypatch.setattr(store, "_sha256", None)
    monkeypatch.setattr(store, "_last_key", (None, ""))
    assert user_key(_Envelope(USER_B)) == hashlib.sha256(b"gesprekscoach/user/v1:" + USER_B.encode()).hexdigest()
    assert store._sha256 is hashlib.sha256


def test_changes_left_pending_by_a_failed_save_are_written_once_later(db):
    """A save that fails mid-session keeps its changes in the session; the next save writes them once."""
    from skill import memory as mem

    skill = store_skill(f"sqlite:{db}", store_timeout=0.05)
    talk = visit(skill)
    talk.launch()
    talk.intent("QuizIntent")
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        for _ in range(5):  # the round ends: a save is due now, and fails
            answer(talk, right=True)
    finally:
        blocker.rollback()
        blocker.close()
    assert stored(db)[2].get("rounds") is None
    pending = talk.attributes["mem"].split("|")[1].split(",")
    assert len(pending) >= mem.MAX_PENDING - 5
    for _ in range(mem.MAX_PENDING):  # more changes: saved in the middle of the session
        talk.intent("TipIntent")
    record = stored(db)[2]
    assert record["rounds"] == 1 and sum(v[0] for v in record["quiz"].values()) == 5
    talk.intent("AMAZON.HelpIntent")
    talk.intent("AMAZON.StopIntent")
    record = stored(db)[2]
    assert record["rounds"] == 1 and sum(v[0] for v in record["quiz"].values()) == 5 and record["visits"] == 2


def test_a_session_that_ended_without_memory_does_not_count_a_visit(skill, db):
    talk = visit(skill)
    talk.launch()
    talk.attributes.pop("mem")  # as if the store had been down for the whole session
    talk.end("EXCEEDED_MAX_REPROMPTS")
    assert stored(db)[2]["visits"] == 1


def test_welcome_back_after_a_quiz_offers_a_new_round(skill):
    talk = person(skill)
    talk.launch()
    talk.intent("QuizIntent")
    answer(talk, right=False)
    talk.intent("AMAZON.StopIntent")
    back = talk.launch()
    assert said(back.speech, "memory_last_quiz") and said(back.speech, "memory_resume_quiz_question")
    round_ = talk.intent("AMAZON.YesIntent")
    assert "Vraag 1 van" in round_.speech and "q" in talk.attributes["quiz"]


def test_waar_waren_we_in_a_new_session_picks_up_last_sessions_topic(skill):
    talk = person(skill)
    talk.launch()
    talk.intent("PrincipleIntent", principe="open_vragen")
    talk.intent("AMAZON.StopIntent")
    reply = talk.intent("ResumeIntent")  # "Alexa, vraag empathisch gesprek waar we waren"
    item = CONTENT.get("open_vragen")
    assert said(reply.speech, "memory_last_topic", name=item.name) and item.title in reply.speech
    other = person(skill, USER_B).intent("ResumeIntent")  # nobody to pick up from
    assert said(other.speech, "nothing_to_resume")
