"""The quiz, spoken: start a round, ask a question, judge the answer, give the score.

While a question is open the offer is "quiz" and QuizMode (a skill.modes.Mode) answers: letters,
ordinals ("de derde" = C), "waar"/"niet waar", a principle by name, and the built-ins (Repeat, Help,
Next = skip, Previous, StartOver, Stop, Yes/No, Fallback). A principle named that is not an option
of the question, a tip or example phrases pause the quiz; "stop de quiz" leaves it; "ga verder met
de quiz" resumes (skill.modes). A bare "stop" ends the skill, as everywhere. The round itself
(skill.quiz) is read from its session section and validated on every turn; a bad section is
answered kindly with the offer of a new round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from skill import prompt_keys as K
from skill import memory
from skill.handlers.base import IntentHandler
from skill.modes import Mode, register
from skill.quiz import ACTIVE, DONT_KNOW, ENDED, NONE, OPEN, PHRASE, RIGHT, SECTION, SKIPPED, TRUTH, WRONG
from skill.slots import principle_from, resolved_id
from skill.ssml import Speech

if TYPE_CHECKING:
    from skill.quiz.game import Answer, Round

# The bank and the game (skill.quiz.bank, skill.quiz.game) are imported on the first quiz turn.

ANSWER_SLOT = "antwoord"
PICK_SLOT = "nummer"
LAST_ID = "last"
LETTER_IDS = ("a", "b", "c")
TRUTH_IDS = ("waar", "niet_waar")
QUIZ_OFFER = "quiz"


# speaking a question -----------------------------------------------------------------------------


def _card(turn) -> str:
    return turn.title(K.QUIZ_CARD_TITLE)


def _options(turn, bank, game: Round, question) -> Speech:
    speech = Speech()
    for letter, key in zip(bank.letters, game.options):
        speech.say(letter + ":")
        if question.kind == PHRASE:
            speech.say(bank.option_text(key) + ".").pause("short")
        else:
            speech.quote(bank.option_text(key))
    return speech


def _body(turn, bank, game: Round) -> Speech:
    """The question and its options (what Repeat repeats)."""
    question = game.current(bank)
    speech = Speech()
    if question.kind == PHRASE:
        speech.say(turn.line(K.QUIZ_ASK_PHRASE)).quote(question.text)
    elif question.kind == OPEN:
        speech.say(turn.line(K.QUIZ_ASK_OPEN))
    else:
        speech.say(turn.line(K.QUIZ_ASK_TRUTH)).say(question.text)
    if question.choice:
        speech.extend(_options(turn, bank, game, question))
    return speech


def _numbered(turn, bank, game: Round) -> Speech:
    if game.is_last and game.total > 1:
        speech = turn.speech(K.QUIZ_LAST_QUESTION)
    else:
        speech = turn.speech(K.QUIZ_QUESTION_NUMBER, n=str(game.index + 1), total=str(game.total))
    return speech.extend(_body(turn, bank, game))


def _ask(turn, bank, game: Round, speech: Speech):
    """Keep the round in the session and ask the current question's closing line."""
    turn.state.sections[SECTION] = game.to_section()
    choice = game.current(bank).choice
    return turn.ask(
        speech,
        question=K.QUIZ_CHOICE_QUESTION if choice else K.QUIZ_TRUTH_QUESTION,
        reprompt=K.QUIZ_CHOICE_REPROMPT if choice else K.QUIZ_TRUTH_REPROMPT,
        offer=QUIZ_OFFER,
        card_title=_card(turn),
    )


def _round(turn):
    """(bank, status, round) of this session's quiz section, validated."""
    from skill.quiz.game import read_section

    bank = turn.bank
    status, game = read_section(turn.state.sections.get(SECTION), bank)
    return bank, status, game


def _names(turn, ids: List[str]) -> str:
    names = [turn.content.get(i).name for i in ids]
    if len(names) == 1:
        return names[0]
    return turn.line(K.QUIZ_AND, first=", ".join(names[:-1]), last=names[-1])


# starting and ending -------------------------------------------------------------------------------


def start(turn, focus: Optional[List[str]] = None, *, intro: Optional[Speech] = None, again: bool = False):
    """A new round; focus: principle ids to ask about first."""
    from skill.quiz.game import new_round

    bank = turn.bank
    favoured = memory.favoured(turn) if focus is None and not again else []  # weak principles (issue 9)
    game, on_focus = new_round(bank, turn.rng, focus or favoured, focus_limit=len(favoured) or None)
    count = str(game.total)
    speech = Speech().extend(intro or Speech())
    if favoured:
        speech.say(turn.line(K.QUIZ_INTRO, count=count)).say(
            turn.line(K.MEMORY_QUIZ_FAVOUR, names=_names(turn, favoured))
        )
    elif again:
        speech.say(turn.line(K.QUIZ_INTRO_AGAIN, count=count) if focus else turn.line(K.QUIZ_INTRO_MORE, count=count))
    elif focus and len(focus) == 1:
        name = turn.content.get(focus[0]).name
        speech.say(turn.line(K.QUIZ_INTRO_FOCUS, count=count, name=name))
        if on_focus < game.total:
            speech.say(turn.line(K.QUIZ_FOCUS_PARTIAL, name=name))
    else:
        speech.say(turn.line(K.QUIZ_INTRO, count=count))
    speech.pause("medium").extend(_numbered(turn, bank, game))
    return _ask(turn, bank, game, speech)


def _finish(turn, bank, game: Round, speech: Speech):
    from skill.quiz.game import ended_section

    look_at = game.to_look_at(bank)
    turn.state.sections[SECTION] = ended_section(look_at)
    speech.pause("medium").say(turn.line(K.QUIZ_END))
    fields = {"right": str(game.right), "total": str(game.total)}
    if game.right == game.total:
        speech.say(turn.line(K.QUIZ_SCORE_ALL, **fields))
    elif game.right == 0:
        speech.say(turn.line(K.QUIZ_SCORE_NONE, **fields))
    else:
        speech.say(turn.line(K.QUIZ_SCORE, **fields))
    if look_at:
        speech.say(turn.line(K.QUIZ_LOOK_AGAIN, names=_names(turn, look_at)))
    return turn.ask(
        speech,
        question=K.QUIZ_AGAIN_FOCUS_QUESTION if look_at else K.QUIZ_AGAIN_QUESTION,
        reprompt=K.QUIZ_AGAIN_REPROMPT,
        offer="quiz_again",
        card_title=_card(turn),
    )


def lost(turn):
    """The quiz section is missing, tampered with or stale: say so kindly, offer a new round."""
    turn.state.sections.pop(SECTION, None)
    return turn.ask(
        turn.speech(K.QUIZ_LOST),
        question=K.QUIZ_RESTART_QUESTION,
        reprompt=K.QUIZ_RESTART_REPROMPT,
        offer="quiz_start",
        card_title=_card(turn),
    )


# after an answer --------------------------------------------------------------------------------

_LEADS = {RIGHT: K.QUIZ_RIGHT, WRONG: K.QUIZ_WRONG, DONT_KNOW: K.QUIZ_DONT_KNOW, SKIPPED: K.QUIZ_SKIPPED}


def _feedback(turn, bank, game: Round, result: int) -> Speech:
    """Right or not, the right answer, and one sentence of why (from the content)."""
    question = game.current(bank)
    speech = Speech().say(turn.line(_LEADS[result]))
    if question.kind == TRUTH:
        true = question.answer == "waar"
        if result == RIGHT:
            speech.say(turn.line(K.QUIZ_RIGHT_TRUE) if true else turn.line(K.QUIZ_RIGHT_FALSE))
        else:
            speech.say(turn.line(K.QUIZ_CORRECT_TRUE) if true else turn.line(K.QUIZ_CORRECT_FALSE))
    else:
        letter = bank.letters[game.options.index(question.answer)]
        lead = K.QUIZ_RIGHT_CHOICE if result == RIGHT else K.QUIZ_CORRECT_CHOICE
        speech.say(turn.line(lead, letter=letter))
        if question.kind == PHRASE:
            speech.say(bank.option_text(question.answer) + ".")
        else:
            speech.quote(question.text)
    return speech.say(question.why)


def settle(turn, bank, game: Round, result: int):
    """Give feedback on the current question, then the next question or the end of the round."""
    speech = _feedback(turn, bank, game, result)
    memory.note_answer(turn, game.current(bank).principle, result == RIGHT, game.is_last)
    game.record(result, bank, turn.rng)
    if game.finished:
        return _finish(turn, bank, game, speech)
    speech.pause("medium").extend(_numbered(turn, bank, game))
    return _ask(turn, bank, game, speech)


def again(turn, bank, game: Round, lead: str, *, with_number: bool = False):
    """Say a short lead and the current question again (Help, Repeat, Previous, no match)."""
    speech = turn.speech(lead)
    speech.extend(_numbered(turn, bank, game) if with_number else _body(turn, bank, game))
    return _ask(turn, bank, game, speech)


def _answer_from(turn) -> Answer:
    from skill.quiz.game import Answer

    name = turn.intent_name
    if name == "AMAZON.YesIntent":
        return Answer(truth="waar")
    if name == "AMAZON.NoIntent":
        return Answer(truth="niet_waar")
    if name == "PrincipleIntent":
        item, _ = principle_from(turn)
        return Answer(principle=item.id if item else None)
    if name == "PickIntent":
        value, _ = resolved_id(turn.request, PICK_SLOT)
        if value == LAST_ID:
            return Answer(letter=len(LETTER_IDS) - 1)
        if value in ("1", "2", "3"):
            return Answer(letter=int(value) - 1)
        return Answer()
    value, _ = resolved_id(turn.request, ANSWER_SLOT)
    if value in LETTER_IDS:
        return Answer(letter=LETTER_IDS.index(value))
    if value in TRUTH_IDS:
        return Answer(truth=value)
    return Answer()


def _answer(turn, bank, game):
    """A letter, an ordinal, "waar"/"niet waar" (also yes/no), a principle by name, or words that fit nothing."""
    question = game.current(bank)
    if turn.intent_name == "PrincipleIntent":
        item, _ = principle_from(turn)
        if question.kind != PHRASE and item is not None:
            # a principle named where no principle is an answer: a question about it; the quiz waits
            from skill.handlers.content import principle_answer

            return QUIZ.interrupt(turn, principle_answer)
    from skill.quiz.game import judge

    verdict = judge(bank, game, _answer_from(turn))
    if verdict.outcome in ("right", "wrong"):
        return settle(turn, bank, game, RIGHT if verdict.outcome == "right" else WRONG)
    speech = Speech()
    if verdict.outcome == "not_option":
        speech.say(turn.line(K.QUIZ_NOT_AN_OPTION, name=turn.content.get(verdict.chosen).name))
    elif question.choice and turn.intent_name in ("AMAZON.YesIntent", "AMAZON.NoIntent"):
        speech.say(turn.line(K.QUIZ_YES_NO_TO_CHOICE))
    else:
        speech.say(turn.line(K.QUIZ_UNMATCHED))
    if question.choice:
        speech.say(turn.line(K.QUIZ_OPTIONS_AGAIN))
        speech.extend(_options(turn, bank, game, question))
    else:
        speech.say(turn.line(K.QUIZ_STATEMENT_AGAIN)).say(question.text)
    return _ask(turn, bank, game, speech)


def _help(turn, bank, game):
    """How to answer, what "stop de quiz" and "stop" do; then the question's closing line (short:
    "herhaal de vraag" says the whole question again)."""
    return _ask(turn, bank, game, turn.speech(K.QUIZ_HELP))


def _stop(turn):
    """Stop or cancel mid-quiz: end the quiz and the session (the skill), with the score so far."""
    _, status, game = _round(turn)
    speech = turn.speech(K.QUIZ_STOPPED)
    if status == ACTIVE and game.answered:
        speech.say(turn.line(K.QUIZ_SCORE, right=str(game.right), total=str(game.answered)))
    turn.state.sections.pop(SECTION, None)
    return turn.tell(speech.say(turn.line(K.GOODBYE)), card=False)


def _start_over(turn):
    _, status, game = _round(turn)
    return start(turn, game.focus if status == ACTIVE else [], intro=turn.speech(K.QUIZ_START_OVER))


_PLAY = {
    "QuizAnswerIntent": _answer,
    "PickIntent": _answer,
    "PrincipleIntent": _answer,
    "AMAZON.YesIntent": _answer,
    "AMAZON.NoIntent": _answer,
    "AMAZON.FallbackIntent": _answer,
    "DontKnowIntent": lambda turn, bank, game: settle(turn, bank, game, DONT_KNOW),
    "SkipIntent": lambda turn, bank, game: settle(turn, bank, game, SKIPPED),
    "AMAZON.NextIntent": lambda turn, bank, game: settle(turn, bank, game, SKIPPED),
    "AMAZON.RepeatIntent": lambda turn, bank, game: _ask(turn, bank, game, _numbered(turn, bank, game)),
    "AMAZON.HelpIntent": _help,
    "AMAZON.PreviousIntent": lambda turn, bank, game: again(turn, bank, game, K.QUIZ_NO_BACK, with_number=True),
}


class QuizMode(Mode):
    """The quiz while a question is open: answers, the built-ins, and a principle named mid-quiz."""

    NAME = "quiz"
    OFFER = QUIZ_OFFER
    SECTION = SECTION
    INTENTS = tuple(_PLAY) + ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.StartOverIntent")
    LEFT = K.QUIZ_LEFT
    RESUME_QUESTION = K.QUIZ_RESUME_QUESTION

    def answer(self, turn):
        if turn.intent_name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
            return _stop(turn)
        if turn.intent_name == "AMAZON.StartOverIntent":
            return _start_over(turn)
        bank, status, game = _round(turn)
        if status != ACTIVE:
            return lost(turn)
        return _PLAY[turn.intent_name](turn, bank, game)

    def can_resume(self, turn):
        return _round(turn)[1] == ACTIVE

    def resume(self, turn):
        bank, status, game = _round(turn)
        if status != ACTIVE:
            return self.offer_start(turn)
        return again(turn, bank, game, K.QUIZ_RESUME, with_number=True)

    def offer_start(self, turn):
        return turn.ask(
            turn.speech(K.QUIZ_NONE),
            question=K.QUIZ_START_QUESTION,
            reprompt=K.QUIZ_START_REPROMPT,
            offer="quiz_start",
            card_title=_card(turn),
        )


QUIZ = register(QuizMode())


# handlers outside a question ------------------------------------------------------------------


def another_round(turn):
    """A new round after one ended, focused on the principles to look at again, if any."""
    _, status, game = _round(turn)
    return start(turn, game.focus if status == ENDED else [], again=True)


class QuizHandler(IntentHandler):
    """ "start de quiz", "overhoor me", "quiz over open vragen"."""

    INTENTS = ("QuizIntent",)

    def respond(self, turn):
        item, heard = principle_from(turn)
        if item is not None:
            return start(turn, [item.id])
        if not heard and turn.state.offer == "quiz_again":  # "nog een ronde" after a round
            return another_round(turn)
        return start(turn, intro=turn.speech(K.QUIZ_UNKNOWN_TOPIC) if heard else None)


class YesQuizAgainHandler(IntentHandler):
    """Yes to "Wil je een nieuwe ronde?": focused on the principles to look at again, if any."""

    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "quiz_again"

    def respond(self, turn):
        return another_round(turn)


class YesQuizStartHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "quiz_start"

    def respond(self, turn):
        return start(turn)


class QuizAnswerOutsideHandler(IntentHandler):
    """An answer while no question is open: back to the round if one is running, else offer one."""

    INTENTS = ("QuizAnswerIntent", "DontKnowIntent", "SkipIntent")

    def respond(self, turn):
        _, status, _ = _round(turn)
        if status == ACTIVE:
            return QUIZ.resume(turn)
        if status not in (NONE, ENDED):
            return lost(turn)
        return QUIZ.offer_start(turn)
