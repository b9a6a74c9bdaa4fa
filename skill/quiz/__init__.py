"""The quiz: pure logic, no handler code and no spoken sentences.

- skill.quiz.bank: the question bank, generated from the content (every example phrase becomes a
  question) plus the hand-written statements and closed questions in skill/data/quiz.json.
- skill.quiz.game: a round (five questions), its small validated session section, the options of a
  question, judging an answer, the score.

The handlers that speak it are in skill/handlers/quiz.py.

This package's own module holds only the codes the handlers need when they are imported (question
kinds, answer results, section statuses); the bank and the game are imported on first use of one of
their names (``from skill.quiz import load_bank``), so a cold start that answers no quiz question does
not pay for them.
"""

# question kinds and the options of a multiple-choice question (A, B, C); see skill.quiz.bank
PHRASE, OPEN, TRUTH = "phrase", "open", "truth"
CHOICES = 3

# the session section, an answer's result and read_section's statuses; see skill.quiz.game
SECTION = "quiz"
WRONG, RIGHT, DONT_KNOW, SKIPPED = 0, 1, 2, 3
RESULTS = (WRONG, RIGHT, DONT_KNOW, SKIPPED)
NONE, ACTIVE, ENDED, BAD = "none", "active", "ended", "bad"

_LAZY = {
    "Bank": "bank",
    "Question": "bank",
    "QuizDataError": "bank",
    "load_bank": "bank",
    "Round": "game",
    "Answer": "game",
    "Verdict": "game",
    "judge": "game",
    "new_round": "game",
    "read_section": "game",
}

__all__ = [
    "Bank",
    "Question",
    "QuizDataError",
    "load_bank",
    "Round",
    "Answer",
    "Verdict",
    "judge",
    "new_round",
    "read_section",
    "RIGHT",
    "WRONG",
    "DONT_KNOW",
    "SKIPPED",
]


def __getattr__(name):
    module = _LAZY.get(name)
    if module == "bank":
        from skill.quiz import bank

        return getattr(bank, name)
    if module == "game":
        from skill.quiz import game

        return getattr(game, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
