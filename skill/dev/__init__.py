"""Tooling: never on the path of Alexa's requests, never in the Lambda zip.

The command line (``cli``, ``commands``: serve's start-up, chat, check-model, build-model,
package-lambda), the chat simulator (``resolver`` on the sentence ``grammar``, ``nlu`` for the model's
samples, ``envelopes``, ``conversation``, in-process ``runtime``, ``response_check``) and the model
checker (``model_check``). Only the webservice's browser page (skill.web.page) uses part of it, to
understand typed text. tests/test_layout.py keeps the request paths free of it.
"""
