"""Make ``ask_sdk_webservice_support`` importable on any OpenSSL.

The SDK's verifier module imports certvalidator, which imports oscrypto. oscrypto 1.3.0 (the latest
release on PyPI) cannot parse OpenSSL's version string from 3.0.10 on and raises LibraryNotFoundError
at import (oscrypto issue 78), so on a plain ``pip install`` even ``import
ask_sdk_webservice_support.webservice_handler`` fails. ``make install`` lays elements-oscrypto (the
fixed fork) over it, but a user's own install may not. We only need the SDK's handler and its
``AbstractVerifier`` / ``VerificationException`` interfaces: our own verifiers (skill.web.verifier) use
``cryptography`` and never touch oscrypto. So if that import fails for that reason, we register a
minimal stand-in ``certvalidator`` module (whose CertificateValidator refuses to work) and import the
SDK again; only the SDK's own RequestVerifier becomes unusable, and we say so in a warning.
"""

from __future__ import annotations

import logging
import sys
import types

log = logging.getLogger("gesprekscoach.web")

#: False when the stand-in was needed: the SDK's own RequestVerifier cannot validate chains then.
SDK_REQUEST_VERIFIER_AVAILABLE = True


def _is_oscrypto_failure(exc: BaseException) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        module = type(exc).__module__ or ""
        text = str(exc)
        if (
            type(exc).__name__ == "LibraryNotFoundError"
            or module.startswith(("oscrypto", "certvalidator"))
            or (
                isinstance(exc, ImportError)
                and (
                    "oscrypto" in text
                    or "certvalidator" in text
                    or (exc.name or "").startswith(("oscrypto", "certvalidator"))
                )
            )
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _install_certvalidator_standin() -> None:
    certvalidator = types.ModuleType("certvalidator")
    errors = types.ModuleType("certvalidator.errors")

    class ValidationError(Exception):
        pass

    class PathError(Exception):
        pass

    class PathBuildingError(PathError):
        pass

    class InvalidCertificateError(ValidationError):
        pass

    class CertificateValidator:  # what the SDK's RequestVerifier would use: refuse loudly
        def __init__(self, *args, **kwargs):
            raise ValidationError(
                "certvalidator is unavailable (oscrypto cannot load OpenSSL); use skill.web.verifier.SignatureVerifier"
            )

    for name, obj in {
        "ValidationError": ValidationError,
        "PathError": PathError,
        "PathBuildingError": PathBuildingError,
        "InvalidCertificateError": InvalidCertificateError,
    }.items():
        setattr(errors, name, obj)
        setattr(certvalidator, name, obj)
    certvalidator.CertificateValidator = CertificateValidator
    certvalidator.errors = errors
    certvalidator.__gesprekscoach_standin__ = True
    for name in [m for m in sys.modules if m == "certvalidator" or m.startswith("certvalidator.")]:
        del sys.modules[name]
    sys.modules["certvalidator"] = certvalidator
    sys.modules["certvalidator.errors"] = errors


def _import_sdk():
    global SDK_REQUEST_VERIFIER_AVAILABLE
    try:
        from ask_sdk_webservice_support import verifier, webservice_handler
    except Exception as exc:  # noqa: BLE001 - narrowed by _is_oscrypto_failure
        if not _is_oscrypto_failure(exc):
            raise
        for name in ("ask_sdk_webservice_support.webservice_handler", "ask_sdk_webservice_support.verifier"):
            sys.modules.pop(name, None)
        _install_certvalidator_standin()
        SDK_REQUEST_VERIFIER_AVAILABLE = False
        log.warning(
            "oscrypto cannot load OpenSSL (%s: %s); the SDK's own RequestVerifier is unavailable. "
            "Gesprekscoach's verifier does not need it.",
            type(exc).__name__,
            exc,
        )
        from ask_sdk_webservice_support import verifier, webservice_handler
    return verifier, webservice_handler


_verifier, _webservice_handler = _import_sdk()

AbstractVerifier = _verifier.AbstractVerifier
VerificationException = _verifier.VerificationException
WebserviceSkillHandler = _webservice_handler.WebserviceSkillHandler

__all__ = ["AbstractVerifier", "VerificationException", "WebserviceSkillHandler", "SDK_REQUEST_VERIFIER_AVAILABLE"]
