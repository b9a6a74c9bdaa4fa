"""The quiz, spoken: start a round, ask a question, judge the answer, give the score.

While a question is open the offer is "quiz": the handlers below with OFFER = "quiz" then take the
answer intents and the built-ins (Repeat, Help, Next, Previous, StartOver, Stop, Yes/No, Fallback,
and PrincipleIntent for an answer by principle name). They come before the general handlers in
skill.handlers.HANDLERS. The round itself (skill.quiz) is read from its session section and
validated on every turn; a bad section is answered kindly with the offer of a new round.
"""

from __future__ import annotations

from typing import List, Optional

from skill import memory
from skill.handlers.base import IntentHandler
from skill.quiz import Answer, judge, load_bank, new_round, read_section
from skill.quiz.bank import OPEN, PHRASE, TRUTH
from skill.quiz.game import (ACTIVE, DONT_KNOW, ENDED, NONE, RIGHT, SECTION, SKIPPED, WRONG, Round,
                             ended_section)
from skill.slots import principle_from, resolved_id
from skill.ssml import Speech

ANSWER_SLOT = "antwoord"
LETTER_IDS = ("a", "b", "c")
TRUTH_IDS = ("waar", "niet_waar")
QUIZ_OFFER = "quiz"


# speaking a question -----------------------------------------------------------------------------


def _card(turn) -> str:
    return turn.line("quiz_card_title")


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
        speech.say(turn.line("quiz_ask_phrase")).quote(question.text)
    elif question.kind == OPEN:
        speech.say(turn.line("quiz_ask_open"))
    else:
        speech.say(turn.line("quiz_ask_truth")).say(question.text)
    if question.choice:
        speech.extend(_options(turn, bank, game, question))
    return speech


def _numbered(turn, bank, game: Round) -> Speech:
    if game.is_last and game.total > 1:
        speech = turn.speech("quiz_last_question")
    else:
        speech = turn.speech("quiz_question_number", n=str(game.index + 1), total=str(game.total))
    return speech.extend(_body(turn, bank, game))


def _ask(turn, bank, game: Round, speech: Speech):
    """Keep the round in the session and ask the current question's closing line."""
    turn.state.sections[SECTION] = game.to_section()
    choice = game.current(bank).choice
    return turn.ask(speech, question="quiz_choice_question" if choice else "quiz_truth_question",
                    reprompt="quiz_choice_reprompt" if choice else "quiz_truth_reprompt",
                    offer=QUIZ_OFFER, card_title=_card(turn))


def _round(turn):
    """(bank, status, round) of this session's quiz section, validated."""
    bank = load_bank(turn.content)
    status, game = read_section(turn.state.sections.get(SECTION), bank)
    return bank, status, game


def _names(turn, ids: List[str]) -> str:
    names = [turn.content.get(i).name for i in ids]
    if len(names) == 1:
        return names[0]
    return turn.line("quiz_and", first=", ".join(names[:-1]), last=names[-1])


# starting and ending -------------------------------------------------------------------------------


def start(turn, focus: Optional[List[str]] = None, *, intro: Optional[Speech] = None, again: bool = False):
    """A new round; focus: principle ids to ask about first."""
    bank = load_bank(turn.content)
    favoured = memory.favoured(turn) if focus is None and not again else []  # weak principles (issue 9)
    game, on_focus = new_round(bank, turn.rng, focus or favoured, focus_limit=len(favoured) or None)
    count = str(game.total)
    speech = Speech().extend(intro or Speech())
    if favoured:
        speech.say(turn.line("quiz_intro", count=count)).say(turn.line("memory_quiz_favour",
                                                                       names=_names(turn, favoured)))
    elif again:
        speech.say(turn.line("quiz_intro_again", count=count) if focus else turn.line("quiz_intro_more", count=count))
    elif focus and len(focus) == 1:
        name = turn.content.get(focus[0]).name
        speech.say(turn.line("quiz_intro_focus", count=count, name=name))
        if on_focus < game.total:
            speech.say(turn.line("quiz_focus_partial", name=name))
    else:
        speech.say(turn.line("quiz_intro", count=count))
    speech.pause("medium").extend(_numbered(turn, bank, game))
    return _ask(turn, bank, game, speech)


def _finish(turn, bank, game: Round, speech: Speech):
    look_at = game.to_look_at(bank)
    turn.state.sections[SECTION] = ended_section(look_at)
    speech.pause("medium").say(turn.line("quiz_end"))
    fields = {"right": str(game.right), "total": str(game.total)}
    if game.right == game.total:
        speech.say(turn.line("quiz_score_all", **fields))
    elif game.right == 0:
        speech.say(turn.line("quiz_score_none", **fields))
    else:
        speech.say(turn.line("quiz_score", **fields))
    if look_at:
        speech.say(turn.line("quiz_look_again", names=_names(turn, look_at)))
    return turn.ask(speech, question="quiz_again_focus_question" if look_at else "quiz_again_question",
                    reprompt="quiz_again_reprompt", offer="quiz_again", card_title=_card(turn))


def lost(turn):
    """The quiz section is missing, tampered with or stale: say so kindly, offer a new round."""
    turn.state.sections.pop(SECTION, None)
    return turn.ask(turn.speech("quiz_lost"), question="quiz_restart_question",
                    reprompt="quiz_restart_reprompt", offer="quiz_start", card_title=_card(turn))


# after an answer --------------------------------------------------------------------------------

_LEADS = {RIGHT: "quiz_right", WRONG: "quiz_wrong", DONT_KNOW: "quiz_dont_know", SKIPPED: "quiz_skipped"}


def _feedback(turn, bank, game: Round, result: int) -> Speech:
    """Right or not, the right answer, and one sentence of why (from the content)."""
    question = game.current(bank)
    speech = Speech().say(turn.line(_LEADS[result]))
    if question.kind == TRUTH:
        true = question.answer == "waar"
        if result == RIGHT:
            speech.say(turn.line("quiz_right_true") if true else turn.line("quiz_right_false"))
        else:
            speech.say(turn.line("quiz_correct_true") if true else turn.line("quiz_correct_false"))
    else:
        letter = bank.letters[game.options.index(question.answer)]
        lead = "quiz_right_choice" if result == RIGHT else "quiz_correct_choice"
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
    name = turn.request.intent.name
    if name == "AMAZON.YesIntent":
        return Answer(truth="waar")
    if name == "AMAZON.NoIntent":
        return Answer(truth="niet_waar")
    if name == "PrincipleIntent":
        item, _ = principle_from(turn)
        return Answer(principle=item.id if item else None)
    value, _ = resolved_id(turn.request, ANSWER_SLOT)
    if value in LETTER_IDS:
        return Answer(letter=LETTER_IDS.index(value))
    if value in TRUTH_IDS:
        return Answer(truth=value)
    return Answer()


# handlers while a question is open --------------------------------------------------------------


class QuizModeHandler(IntentHandler):
    """Base: only while a quiz question is open; reads and validates the round first."""

    OFFER = QUIZ_OFFER

    def respond(self, turn):
        bank, status, game = _round(turn)
        if status != ACTIVE:
            return lost(turn)
        return self.play(turn, bank, game)

    def play(self, turn, bank, game):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class QuizAnswerHandler(QuizModeHandler):
    """A letter, "waar"/"niet waar" (also yes/no), a principle by name, or words that fit nothing."""

    INTENTS = ("QuizAnswerIntent", "PrincipleIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
               "AMAZON.FallbackIntent")

    def play(self, turn, bank, game):
        verdict = judge(bank, game, _answer_from(turn))
        if verdict.outcome in ("right", "wrong"):
            return settle(turn, bank, game, RIGHT if verdict.outcome == "right" else WRONG)
        question = game.current(bank)
        speech = Speech()
        if verdict.outcome == "not_option":
            speech.say(turn.line("quiz_not_an_option", name=turn.content.get(verdict.chosen).name))
        else:
            speech.say(turn.line("quiz_unmatched"))
        if question.choice:
            speech.say(turn.line("quiz_options_again"))
            speech.extend(_options(turn, bank, game, question))
        else:
            speech.say(turn.line("quiz_statement_again")).say(question.text)
        return _ask(turn, bank, game, speech)


class QuizDontKnowHandler(QuizModeHandler):
    INTENTS = ("DontKnowIntent",)

    def play(self, turn, bank, game):
        return settle(turn, bank, game, DONT_KNOW)


class QuizSkipHandler(QuizModeHandler):
    INTENTS = ("SkipIntent", "AMAZON.NextIntent")

    def play(self, turn, bank, game):
        return settle(turn, bank, game, SKIPPED)


class QuizRepeatHandler(QuizModeHandler):
    INTENTS = ("AMAZON.RepeatIntent",)

    def play(self, turn, bank, game):
        return _ask(turn, bank, game, _numbered(turn, bank, game))


class QuizHelpHandler(QuizModeHandler):
    INTENTS = ("AMAZON.HelpIntent",)

    def play(self, turn, bank, game):
        speech = turn.speech("quiz_help", "quiz_here_again").extend(_numbered(turn, bank, game))
        return _ask(turn, bank, game, speech)


class QuizPreviousHandler(QuizModeHandler):
    INTENTS = ("AMAZON.PreviousIntent",)

    def play(self, turn, bank, game):
        return again(turn, bank, game, "quiz_no_back", with_number=True)


class QuizStartOverHandler(IntentHandler):
    INTENTS = ("AMAZON.StartOverIntent",)
    OFFER = QUIZ_OFFER

    def respond(self, turn):
        _, status, game = _round(turn)
        focus = game.focus if status == ACTIVE else []
        return start(turn, focus, intro=turn.speech("quiz_start_over"))


class QuizStopHandler(IntentHandler):
    """Stop or cancel mid-quiz: end the quiz and the session, with the score so far."""

    INTENTS = ("AMAZON.StopIntent", "AMAZON.CancelIntent")
    OFFER = QUIZ_OFFER

    def respond(self, turn):
        _, status, game = _round(turn)
        speech = turn.speech("quiz_stopped")
        if status == ACTIVE and game.answered:
            speech.say(turn.line("quiz_score", right=str(game.right), total=str(game.answered)))
        turn.state.sections.pop(SECTION, None)
        return turn.tell(speech.say(turn.line("goodbye")), card=False)


# handlers outside a question ------------------------------------------------------------------


class QuizHandler(IntentHandler):
    """"start de quiz", "overhoor me", "quiz over open vragen"."""

    INTENTS = ("QuizIntent",)

    def respond(self, turn):
        item, heard = principle_from(turn)
        if item is not None:
            return start(turn, [item.id])
        if not heard and turn.state.offer == "quiz_again":  # "nog een ronde" after a round
            return YesQuizAgainHandler().respond(turn)
        return start(turn, intro=turn.speech("quiz_unknown_topic") if heard else None)


class YesQuizAgainHandler(IntentHandler):
    """Yes to "Wil je een nieuwe ronde?": focused on the principles to look at again, if any."""

    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "quiz_again"

    def respond(self, turn):
        _, status, game = _round(turn)
        return start(turn, game.focus if status == ENDED else [], again=True)


class YesQuizStartHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "quiz_start"

    def respond(self, turn):
        return start(turn)


class QuizAnswerOutsideHandler(IntentHandler):
    """An answer while no question is open: back to the round if one is running, else offer one."""

    INTENTS = ("QuizAnswerIntent", "DontKnowIntent", "SkipIntent")

    def respond(self, turn):
        bank, status, game = _round(turn)
        if status == ACTIVE:
            return again(turn, bank, game, "quiz_resume", with_number=True)
        if status not in (NONE, ENDED):
            return lost(turn)
        return turn.ask(turn.speech("quiz_none"), question="quiz_start_question",
                        reprompt="quiz_start_reprompt", offer="quiz_start", card_title=_card(turn))

