"""Gesprekscoach: an nl-NL Alexa skill that coaches people in having an empathic conversation.

Where things live:
- ``skill/data/principles.json``: the content (ten principles, advice, example phrases, slot synonyms).
- ``skill/locale/nl-NL/prompts.json``: every spoken sentence that is not content, with variants.
- ``skill/builder.py``: the one skill builder, used by the webservice and by Lambda.
- ``skill/handlers/``: thin request handlers, registered in one ordered list.
"""

LOCALE = "nl-NL"
