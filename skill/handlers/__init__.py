"""Every request handler, in one explicit, ordered list: the first that can handle a request wins.

Order matters: safety first (in any mode); then the active mode (skill.modes: the quiz, the
checklist step by step), which answers its own intents and the built-ins through one object per
mode; handlers bound to an open offer before the general ones for the same intent; the catch-all last.
"""

from skill.handlers.checklist import ChecklistHandler, StartStepsHandler
from skill.handlers.content import ExamplesHandler, ListHandler, PrincipleHandler, TipHandler
from skill.handlers.errors import CatchAllExceptionHandler
from skill.handlers.memory import (
    ForgetMeHandler,
    NoForgetHandler,
    PaceHandler,
    ProgressHandler,
    SkillDisabledHandler,
    YesForgetHandler,
    YesResumeHandler,
)
from skill.handlers.modes import LeaveHandler, ModeHandler, PickHandler, ResumeHandler, YesResumeModeHandler
from skill.handlers.navigation import (
    MoreHandler,
    NextHandler,
    NoHandler,
    PreviousHandler,
    RepeatHandler,
    StartOverHandler,
    YesExamplesHandler,
    YesHandler,
    YesNextHandler,
    YesTipHandler,
)
from skill.handlers.practice import PracticeHandler, PracticeOutsideHandler, YesPracticeHandler
from skill.handlers.quiz import QuizAnswerOutsideHandler, QuizHandler, YesQuizAgainHandler, YesQuizStartHandler
from skill.handlers.safety import CareHandler, CareNoHandler, CareTalkHandler, CareYesHandler
from skill.handlers.session import (
    FallbackHandler,
    HelpHandler,
    LaunchHandler,
    NavigateHomeHandler,
    SessionEndedHandler,
    StopHandler,
    UnhandledHandler,
)

HANDLERS = [
    LaunchHandler,
    CareHandler,
    CareYesHandler,
    CareTalkHandler,
    CareNoHandler,
    ModeHandler,
    ResumeHandler,
    YesResumeModeHandler,
    LeaveHandler,
    PickHandler,
    PracticeHandler,
    YesPracticeHandler,
    PracticeOutsideHandler,
    QuizHandler,
    YesQuizAgainHandler,
    YesQuizStartHandler,
    QuizAnswerOutsideHandler,
    ChecklistHandler,
    StartStepsHandler,
    TipHandler,
    PrincipleHandler,
    ExamplesHandler,
    ListHandler,
    MoreHandler,
    # memory across sessions (issue 9)
    ProgressHandler,
    PaceHandler,
    ForgetMeHandler,
    YesForgetHandler,
    NoForgetHandler,
    YesResumeHandler,
    YesTipHandler,
    YesExamplesHandler,
    YesNextHandler,
    YesHandler,
    NoHandler,
    RepeatHandler,
    NextHandler,
    PreviousHandler,
    StartOverHandler,
    HelpHandler,
    StopHandler,
    NavigateHomeHandler,
    FallbackHandler,
    SessionEndedHandler,
    SkillDisabledHandler,
    UnhandledHandler,
]

EXCEPTION_HANDLERS = [CatchAllExceptionHandler]
