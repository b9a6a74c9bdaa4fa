"""The practice mode: a short role play. Gesprekscoach sets the scene in one sentence and speaks as
the other person; the person answers in their own words; after each answer the coach steps out of the
role for one short sentence of feedback tied to the principles, and the other person goes on, reacting
to the kind of answer (an open question gets more story, advice gets a "ja, maar ..."). After
``turns`` answers (3-5, from the scenarios file): the other person's ending and a spoken summary (what
went well, one thing to try, the example phrase that fits it).

One object (PRACTICE, a skill.modes.Mode) answers its own intents and the built-ins while the role play
is open (offer "practice"); skill.handlers.modes.ModeHandler routes to it, "stop met oefenen"
(LeaveIntent) pauses it, "ga verder met oefenen" (ResumeIntent) comes back, and a tip or a principle
asked mid-practice is answered with the offer to resume.

Hearing the answer: PracticeReplyIntent{antwoord_vrij} (AMAZON.SearchQuery). Every practice question
goes out with Dialog.ElicitSlot for that slot, so Alexa takes the whole next utterance as the reply
("hoe gaat het met je?" is a reply here, not a question to the coach); see docs/practice.md.

Session section "prac" (validated on every read; anything malformed means no role play is open):
  s  scenario id            t  answers given so far      g  good answers so far (the story index)
  h  one letter per answer (its main label)              l  the other person's last line ("o1",
  "s2", "ra0": opening 1, story 2, reaction 0 to advice)  x  the last scenario done (for variety)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

from skill import prompt_keys as K
from skill.modes import Mode, register
from skill.ssml import Speech
from skill.turn import Turn

if TYPE_CHECKING:
    from skill.practice.scenarios import Scenario, Scenarios

# The scenarios, the classifier and the dialog directive are imported on the first practice turn, not
# at start-up (skill.modes loads this module for its INTENTS; a Lambda cold start skips the rest). The
# labels below are the classifier's (skill.practice.classify.ALL_LABELS; tests/test_practice_mode.py
# checks that each has its code and feedback).
OTHER = "other"

REPLY_INTENT = "PracticeReplyIntent"
REPLY_SLOT = "antwoord_vrij"
CODES: Dict[str, str] = {
    "open_question": "o",
    "closed_question": "c",
    "paraphrase": "p",
    "validation": "v",
    "advice": "a",
    "minimising": "m",
    "self_talk": "s",
    OTHER: "x",
}
YES_NO_WORDS = {"AMAZON.YesIntent": "ja", "AMAZON.NoIntent": "nee"}  # classified as replies, never spoken
LABEL_OF = {code: label for label, code in CODES.items()}
# The label that decides the feedback when several hold: what most needs a word first.
PRIORITY = ("minimising", "advice", "self_talk", "paraphrase", "validation", "open_question", "closed_question", OTHER)
TRY_ORDER = ("advice", "minimising", "self_talk", "closed_question", OTHER)
WELL_ORDER = ("validation", "paraphrase", "open_question")
FEEDBACK_KEYS = {
    "open_question": K.PRACTICE_FEEDBACK_OPEN_QUESTION,
    "closed_question": K.PRACTICE_FEEDBACK_CLOSED_QUESTION,
    "paraphrase": K.PRACTICE_FEEDBACK_PARAPHRASE,
    "validation": K.PRACTICE_FEEDBACK_VALIDATION,
    "advice": K.PRACTICE_FEEDBACK_ADVICE,
    "minimising": K.PRACTICE_FEEDBACK_MINIMISING,
    "self_talk": K.PRACTICE_FEEDBACK_SELF_TALK,
    OTHER: K.PRACTICE_FEEDBACK_OTHER,
}
SUGGEST_KEYS = {
    "closed_question": K.PRACTICE_SUGGEST_CLOSED_QUESTION,
    "advice": K.PRACTICE_SUGGEST_ADVICE,
    "minimising": K.PRACTICE_SUGGEST_MINIMISING,
    "self_talk": K.PRACTICE_SUGGEST_SELF_TALK,
    OTHER: K.PRACTICE_SUGGEST_OTHER,
}
WELL_KEYS = {
    "open_question": K.PRACTICE_WELL_OPEN_QUESTION,
    "paraphrase": K.PRACTICE_WELL_PARAPHRASE,
    "validation": K.PRACTICE_WELL_VALIDATION,
}


def _good(label: str) -> bool:
    """A reply after which the other person tells more (skill.practice.scenarios.GOOD_LABELS)."""
    from skill.practice.scenarios import GOOD_LABELS

    return label in GOOD_LABELS


def main_label(labels) -> str:
    return next(label for label in PRIORITY if label in labels or label == OTHER)


class Progress:
    """The role play in progress, read from (and written to) the session section."""

    __slots__ = ("scenario", "turns", "good", "history", "line")

    def __init__(self, scenario: Scenario, turns: int = 0, good: int = 0, history: str = "", line: str = "o0"):
        self.scenario = scenario
        self.turns = turns
        self.good = good
        self.history = history
        self.line = line

    @classmethod
    def read(cls, section, scenarios: Scenarios) -> Optional["Progress"]:
        if not isinstance(section, dict):
            return None
        scenario = scenarios.get(section.get("s"))
        turns, good, history, line = section.get("t"), section.get("g"), section.get("h"), section.get("l")
        if scenario is None or type(turns) is not int or type(good) is not int:
            return None
        if not isinstance(history, str) or len(history) != turns or not set(history) <= set(LABEL_OF):
            return None
        if not 0 <= turns < scenarios.turns or not 0 <= good <= turns or not isinstance(line, str):
            return None
        progress = cls(scenario, turns, good, history, line)
        return progress if progress.line_text() is not None else None

    def to_section(self) -> dict:
        return {"s": self.scenario.id, "t": self.turns, "g": self.good, "h": self.history, "l": self.line}

    def line_text(self) -> Optional[str]:
        """The other person's last line, from its reference."""
        kind, rest = self.line[:1], self.line[1:]
        try:
            if kind == "o":
                return self.scenario.opening[int(rest)]
            if kind == "s":
                return self.scenario.story[int(rest)]
            if kind == "r" and rest[:1] in LABEL_OF and not _good(LABEL_OF[rest[:1]]):
                return self.scenario.reactions[LABEL_OF[rest[:1]]][int(rest[1:])]
        except (ValueError, IndexError):
            return None
        return None

    def labels_used(self):
        return [LABEL_OF[code] for code in self.history]


class PracticeMode(Mode):
    NAME = "practice"
    OFFER = "practice"
    SECTION = "prac"
    INTENTS: Tuple[str, ...] = (
        REPLY_INTENT,
        "DontKnowIntent",
        "HintIntent",
        "SkipIntent",
        "AMAZON.NextIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.HelpIntent",
        "AMAZON.FallbackIntent",
        "AMAZON.StartOverIntent",
        "AMAZON.YesIntent",
        "AMAZON.NoIntent",
        "AMAZON.CancelIntent",
    )
    LEFT = K.PRACTICE_LEFT
    RESUME_QUESTION = K.PRACTICE_RESUME_QUESTION
    AGAIN_OFFER = "practice_again"
    START_OFFER = "practice_start"

    # state -------------------------------------------------------------------------------------
    @staticmethod
    def scenarios(turn: Turn) -> Scenarios:
        from skill.practice.scenarios import load_scenarios

        return load_scenarios(turn.content)

    def progress(self, turn: Turn) -> Optional[Progress]:
        return Progress.read(turn.state.sections.get(self.SECTION), self.scenarios(turn))

    def can_resume(self, turn: Turn) -> bool:
        return self.progress(turn) is not None

    # starting ----------------------------------------------------------------------------------
    def start(self, turn: Turn):
        scenarios = self.scenarios(turn)
        previous = (turn.state.sections.get(self.SECTION) or {}).get("x")
        choices = [s for s in scenarios.scenarios if s.id != previous] or list(scenarios.scenarios)
        scenario = choices[int(turn.rng.random() * len(choices))]
        opening = int(turn.rng.random() * len(scenario.opening))
        progress = Progress(scenario, line=f"o{opening}")
        speech = turn.speech(K.PRACTICE_INTRO).pause("short")
        speech.say(turn.line(K.PRACTICE_SCENE, name=scenario.name, situation=scenario.situation)).pause("medium")
        speech.say(turn.line(K.PRACTICE_OTHER_GOES_ON, other=scenario.other)).say(scenario.opening[opening])
        return self._ask(turn, progress, speech)

    def offer_start(self, turn: Turn):
        return turn.ask(
            Speech(), question=K.PRACTICE_NOTHING_TO_RESUME, reprompt=K.PRACTICE_START_REPROMPT, offer=self.START_OFFER
        )

    def resume(self, turn: Turn):
        progress = self.progress(turn)
        speech = turn.speech(K.PRACTICE_BACK).pause("short")
        return self._ask(turn, progress, self._say_line(turn, progress, speech, K.PRACTICE_REPEAT_INTRO))

    # while active ------------------------------------------------------------------------------
    def answer(self, turn: Turn):
        progress = self.progress(turn)
        if progress is None:  # the section was lost or tampered with: begin afresh
            return self.start(turn)
        name = turn.intent_name
        if name == "AMAZON.CancelIntent":  # "annuleer", "laat maar": leave the role play, as "stop met oefenen"
            return self.leave(turn)
        if name == REPLY_INTENT:
            return self.reply(turn, progress, reply_text(turn))
        if name in ("AMAZON.YesIntent", "AMAZON.NoIntent"):  # "ja" / "nee" said to the other person
            return self.reply(turn, progress, YES_NO_WORDS[name])
        if name in ("DontKnowIntent", "HintIntent", "SkipIntent", "AMAZON.NextIntent"):
            return self.hint(turn, progress)
        if name in ("AMAZON.RepeatIntent", "AMAZON.PreviousIntent"):
            return self._ask(turn, progress, self._say_line(turn, progress, Speech(), K.PRACTICE_REPEAT_INTRO))
        if name == "AMAZON.HelpIntent":
            speech = turn.speech(K.PRACTICE_HELP, other=progress.scenario.other).pause("short")
            return self._ask(turn, progress, self._say_line(turn, progress, speech, K.PRACTICE_REPEAT_INTRO))
        if name == "AMAZON.StartOverIntent":
            return self.restart(turn, progress)
        return self._ask(turn, progress, turn.speech(K.PRACTICE_NOT_HEARD))  # Fallback

    def restart(self, turn: Turn, progress: Progress):
        fresh = Progress(progress.scenario, line="o0")
        speech = turn.speech(K.PRACTICE_OTHER_GOES_ON, other=fresh.scenario.other).say(fresh.scenario.opening[0])
        return self._ask(turn, fresh, speech)

    def hint(self, turn: Turn, progress: Progress):
        scenarios = self.scenarios(turn)
        last = progress.labels_used()[-1] if progress.history else None
        if last in TRY_ORDER:
            info = scenarios.labels[last]
            principle = turn.content.get(info.principle)
            example = principle.examples[info.example]
        else:
            ids = progress.scenario.principles
            principle = turn.content.get(ids[progress.turns % len(ids)])
            example = principle.examples[0]
        speech = turn.speech(K.PRACTICE_HINT, title=_lower_first(principle.title), example=example)
        return self._ask(turn, progress, speech)

    def reply(self, turn: Turn, progress: Progress, text: str):
        if not text.strip():
            return self._ask(turn, progress, turn.speech(K.PRACTICE_NOT_HEARD))
        care = _care_answer(turn, text)
        if care is not None:  # not a reply in the role play: the careful answer at once
            return care
        scenarios = self.scenarios(turn)
        from skill.practice.classify import classify

        label = main_label(classify(text).labels)
        scenario = progress.scenario
        last = progress.turns + 1 >= scenarios.turns  # the summary then says what to try, with its phrase
        speech = Speech().say(self._feedback(turn, scenarios, progress, label, brief=last)).pause("medium")
        progress.history += CODES[label]
        progress.turns += 1
        if _good(label):
            progress.line = f"s{min(progress.good, len(scenario.story) - 1)}"
            progress.good += 1
        else:
            lines = scenario.reactions[label]
            progress.line = f"r{CODES[label]}{(progress.history.count(CODES[label]) - 1) % len(lines)}"
        if progress.turns >= scenarios.turns:
            return self._finish(turn, scenarios, progress, speech)
        return self._ask(turn, progress, self._say_line(turn, progress, speech, K.PRACTICE_OTHER_GOES_ON))

    # pieces ------------------------------------------------------------------------------------
    def _feedback(self, turn: Turn, scenarios: Scenarios, progress: Progress, label: str, brief: bool) -> str:
        """One short sentence on the kind of answer; for one that needs work also what to try instead,
        with the example phrase (the scenario's own words where it has them), unless brief."""
        own = progress.scenario.feedback.get(label)
        if own and not brief:
            return own[progress.turns % len(own)]
        verdict = turn.line(FEEDBACK_KEYS[label])
        if _good(label) or brief:
            return verdict
        info = scenarios.labels[label]
        example = turn.content.get(info.principle).examples[info.example]
        return verdict + " " + turn.line(SUGGEST_KEYS[label], example=example)

    @staticmethod
    def _say_line(turn: Turn, progress: Progress, speech: Speech, intro_key: str) -> Speech:
        return speech.say(turn.line(intro_key, other=progress.scenario.other)).say(progress.line_text())

    def _ask(self, turn: Turn, progress: Progress, speech: Speech):
        turn.state.sections[self.SECTION] = progress.to_section()
        elicit_reply(turn)
        return turn.ask(
            speech,
            question=K.PRACTICE_YOUR_TURN,
            reprompt=K.PRACTICE_REPROMPT,
            offer=self.OFFER,
            card_title=turn.title(K.PRACTICE_CARD_TITLE),
        )

    def _finish(self, turn: Turn, scenarios: Scenarios, progress: Progress, speech: Speech):
        scenario = progress.scenario
        used = progress.labels_used()
        # the talk went well: most answers were good ones, or half of them and the last one too
        went_well = 2 * progress.good > progress.turns or (
            2 * progress.good == progress.turns and _good(LABEL_OF[progress.history[-1]])
        )
        ending = scenario.ending_good if went_well else scenario.ending_poor
        speech.say(turn.line(K.PRACTICE_OTHER_GOES_ON, other=scenario.other)).say(ending).pause("long")
        speech.say(turn.line(K.PRACTICE_STEP_OUT)).pause("short")
        well = next((label for label in WELL_ORDER if label in used), None)
        speech.say(turn.line(WELL_KEYS[well], other=scenario.other) if well else turn.line(K.PRACTICE_WELL_NONE)).pause(
            "short"
        )
        principle, example = self._to_try(turn, scenarios, scenario, used)
        speech.say(turn.line(K.PRACTICE_TRY, title=_lower_first(principle.title), example=example))
        turn.state.sections[self.SECTION] = {"x": scenario.id}
        return turn.ask(
            speech,
            question=K.PRACTICE_AGAIN_QUESTION,
            reprompt=K.PRACTICE_AGAIN_REPROMPT,
            offer=self.AGAIN_OFFER,
            card_title=turn.title(K.PRACTICE_CARD_TITLE),
        )

    @staticmethod
    def _to_try(turn: Turn, scenarios: Scenarios, scenario: Scenario, used):
        """One thing to try next time: the first kind of answer that needs work, else a principle of
        the scenario that was not practised; with the example phrase that fits it."""
        for label in TRY_ORDER:
            if label in used:
                info = scenarios.labels[label]
                principle = turn.content.get(info.principle)
                return principle, principle.examples[info.example]
        practised = {scenarios.labels[label].principle for label in used}
        pid = next((p for p in scenario.principles if p not in practised), scenario.principles[0])
        principle = turn.content.get(pid)
        return principle, principle.examples[0]


def _care_answer(turn: Turn, text: str):
    """The care answer for a reply that says real danger, suicidal thoughts or abuse, about the
    speaker or someone they name (not a question to the other character, not a low mood shared
    with them), else None. On Alexa such words usually reach the care intents themselves; this
    catches the ones that arrive as a free reply."""
    from skill import distress

    found = distress.detect(text)
    if found is None or not found.acute or found.who == distress.ADDRESSEE:
        return None
    from skill.handlers import safety

    return safety.answer(turn, safety.CARE[found.intent], found.who == distress.OTHER)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def reply_text(turn: Turn) -> str:
    """The words of the reply: the whole utterance the free slot took (on Alexa, through the elicited
    AMAZON.SearchQuery slot; in the chat simulator and the browser, the sentence as typed)."""
    intent = getattr(turn.request, "intent", None)
    slot = (getattr(intent, "slots", None) or {}).get(REPLY_SLOT)
    value = getattr(slot, "value", None)
    return value if isinstance(value, str) else ""


def elicit_reply(turn: Turn) -> None:
    """Ask Alexa to take the next utterance whole, as the reply slot of PracticeReplyIntent."""
    from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus
    from ask_sdk_model.dialog import ElicitSlotDirective

    updated = Intent(
        name=REPLY_INTENT,
        confirmation_status=IntentConfirmationStatus.NONE,
        slots={REPLY_SLOT: Slot(name=REPLY_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
    )
    turn.handler_input.response_builder.add_directive(
        ElicitSlotDirective(updated_intent=updated, slot_to_elicit=REPLY_SLOT)
    )


PRACTICE = register(PracticeMode())
