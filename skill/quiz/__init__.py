"""The quiz: pure logic, no handler code and no spoken sentences.

- skill.quiz.bank: the question bank, generated from the content (every example phrase becomes a
  question) plus the hand-written statements and closed questions in skill/data/quiz.json.
- skill.quiz.game: a round (five questions), its small validated session section, the options of a
  question, judging an answer, the score.

The handlers that speak it are in skill/handlers/quiz.py.
"""

from skill.quiz.bank import Bank, Question, QuizDataError, load_bank
from skill.quiz.game import DONT_KNOW, RIGHT, SKIPPED, WRONG, Answer, Round, Verdict, judge, new_round, read_section

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
