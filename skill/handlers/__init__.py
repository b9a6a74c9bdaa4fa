"""Every request handler, in one explicit, ordered list: the first that can handle a request wins.

Order matters: safety first; handlers bound to an open offer (OFFER) before the general ones for
the same intent; the catch-all last.
"""

from skill.handlers.content import ExamplesHandler, ListHandler, PrincipleHandler, TipHandler
from skill.handlers.errors import CatchAllExceptionHandler
from skill.handlers.navigation import (NextHandler, NoHandler, PreviousHandler, RepeatHandler,
                                       StartOverHandler, YesExamplesHandler, YesHandler,
                                       YesNextHandler, YesTipHandler)
from skill.handlers.safety import CrisisHandler, NoCrisisHandler, YesCrisisHandler
from skill.handlers.session import (FallbackHandler, HelpHandler, LaunchHandler, NavigateHomeHandler,
                                    SessionEndedHandler, StopHandler, UnhandledHandler)

HANDLERS = [
    LaunchHandler,
    CrisisHandler,
    YesCrisisHandler,
    NoCrisisHandler,
    TipHandler,
    PrincipleHandler,
    ExamplesHandler,
    ListHandler,
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
    UnhandledHandler,
]

EXCEPTION_HANDLERS = [CatchAllExceptionHandler]
