"""Every request handler, in one explicit, ordered list: the first that can handle a request wins.

Order matters: safety first; handlers bound to an open offer (OFFER) before the general ones for
the same intent; the catch-all last.
"""

from skill.handlers.checklist import (ChecklistHandler, StepDoneHandler, StepHelpHandler, StepNextHandler,
                                      StepPreviousHandler, StepRepeatHandler, StepStartOverHandler,
                                      YesChecklistHandler)
from skill.handlers.content import ExamplesHandler, ListHandler, PrincipleHandler, TipHandler
from skill.handlers.errors import CatchAllExceptionHandler
from skill.handlers.memory import (ForgetMeHandler, NoForgetHandler, PaceHandler, ProgressHandler,
                                   SkillDisabledHandler, YesForgetHandler, YesResumeHandler)
from skill.handlers.navigation import (NextHandler, NoHandler, PreviousHandler, RepeatHandler,
                                       StartOverHandler, YesExamplesHandler, YesHandler,
                                       YesNextHandler, YesTipHandler)
from skill.handlers.practice import (NoPracticeHandler, PracticeHandler, PracticeModeHandler,
                                     PracticeOutsideHandler, YesPracticeHandler)
from skill.handlers.quiz import (QuizAnswerHandler, QuizAnswerOutsideHandler, QuizDontKnowHandler,
                                 QuizHandler, QuizHelpHandler, QuizPreviousHandler, QuizRepeatHandler,
                                 QuizSkipHandler, QuizStartOverHandler, QuizStopHandler, YesQuizAgainHandler,
                                 YesQuizStartHandler)
from skill.handlers.safety import CrisisHandler, NoCrisisHandler, YesCrisisHandler
from skill.handlers.session import (FallbackHandler, HelpHandler, LaunchHandler, NavigateHomeHandler,
                                    SessionEndedHandler, StopHandler, UnhandledHandler)

HANDLERS = [
    LaunchHandler,
    CrisisHandler,
    YesCrisisHandler,
    NoCrisisHandler,
    # practice (offer "practice"): replies, hints and the built-ins go to the role play
    PracticeModeHandler,
    PracticeHandler,
    YesPracticeHandler,
    NoPracticeHandler,
    PracticeOutsideHandler,
    # quiz mode (offer "quiz"): answers, PrincipleIntent and the built-ins go to the open question
    QuizAnswerHandler,
    QuizDontKnowHandler,
    QuizSkipHandler,
    QuizRepeatHandler,
    QuizHelpHandler,
    QuizPreviousHandler,
    QuizStartOverHandler,
    QuizStopHandler,
    # checklist step by step (offer "chk_step")
    StepNextHandler,
    StepPreviousHandler,
    StepRepeatHandler,
    StepStartOverHandler,
    StepHelpHandler,
    StepDoneHandler,
    QuizHandler,
    YesQuizAgainHandler,
    YesQuizStartHandler,
    QuizAnswerOutsideHandler,
    ChecklistHandler,
    YesChecklistHandler,
    TipHandler,
    PrincipleHandler,
    ExamplesHandler,
    ListHandler,
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
