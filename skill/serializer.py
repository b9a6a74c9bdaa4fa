"""A faster ask-sdk serializer that builds exactly what ask-sdk-core's DefaultSerializer builds.

``FastSerializer`` is a DefaultSerializer (same interface, same class), but instead of reflecting
over each model class's ``deserialized_types`` on every object, it generates, once per model class
and at first use (ask_sdk_model imports lazily, so do we), one plain Python function that reads
that class from parsed JSON and one that writes it back. Discriminated bases (Request, Directive,
...) go through their own ``get_real_child_model``; the common ``...Z`` timestamp is parsed
directly instead of by dateutil's general parser.

Whatever it cannot mirror exactly (a value of an unexpected type, an unknown discriminator or enum
value, an unusual timestamp the direct parse does not take, a class it does not know) raises
``_Fallback`` and the WHOLE payload goes to DefaultSerializer, so every error and every odd case
stays the SDK's own. tests/test_serializer_equivalence.py checks the two against each other.

The SDK's quirks mirrored here (from ask_sdk_core/serialize.py, pinned in pyproject.toml):
- JSON keys a class does not know become attributes of the object, set after the known ones.
- a model is made by ``cls()`` and then given the payload's keys (so a subclass's type field keeps
  the payload's value, and unset fields keep ``__init__``'s defaults);
- a field typed as a subclass of a discriminated base still goes through the base's discriminator;
- ``float`` fields take JSON integers as floats; ``dict(...)`` and ``list[...]`` values are new
  containers, ``object`` values are the parsed JSON itself;
- timestamps come from ``dateutil.parser.parse``: ``...Z`` gets ``tzlocal()`` when "UTC" is one of
  the process's zone names (``time.tzname``; the usual case on Lambda), else ``tz.UTC``;
- serialize: only non-None attributes listed in ``deserialized_types``, in that order, under their
  ``attribute_map`` names, values serialized by their runtime type (str/int/float/bool as they are,
  Enum -> value, datetime/date -> isoformat, Decimal -> int or float, tuple stays a tuple).
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import FunctionType
from typing import Any, Callable, Dict

from ask_sdk_core.serialize import DefaultSerializer

__all__ = ["FastSerializer"]


class _Fallback(Exception):
    """Raised by the fast paths: hand the whole payload to DefaultSerializer."""


_PLAIN = {"str": str, "int": int, "long": int, "bool": bool}
_PRIMITIVE = DefaultSerializer.PRIMITIVE_TYPES
_STAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?Z", re.ASCII
).fullmatch
_LIST = re.compile(r"list\[(.*)\]").match  # the SDK's own patterns
_DICT = re.compile(r"dict\(([^,]*), (.*)\)").match


_MISSING = object()
_LOCAL: Dict[Any, Any] = {}


def _fail(value=None):
    raise _Fallback


def _load_class(name: str):
    module_name, _, class_name = name.rpartition(".")
    if not module_name:
        raise _Fallback
    module = sys.modules.get(module_name) or __import__(module_name, fromlist=[class_name])
    return getattr(module, class_name)


def _timestamp(value):
    """dateutil.parser.parse(value) for 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z', without dateutil's parser."""
    if value.__class__ is not str:
        raise _Fallback
    m = _STAMP(value)
    if m is None:
        raise _Fallback  # anything else: the SDK parses it (or refuses it) its own way
    y, mo, d, h, mi, s, frac = m.groups()
    naive = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), int(frac.ljust(6, "0")) if frac else 0)
    from dateutil import tz

    # dateutil reads "Z" as the zone name "UTC": a local zone by that name wins over plain UTC
    zone = time.tzname
    if zone == ("UTC", "UTC"):  # the usual case (Lambda): tzlocal() throughout, named UTC all year
        key = (zone, time.timezone, time.altzone, time.daylight)
        local = _LOCAL.get(key)
        if local is None:
            _LOCAL.clear()
            local = _LOCAL[key] = tz.tzlocal()  # tzlocal() reads the zone when made: one per zone
        if local.tzname(naive) == "UTC":
            return naive.replace(tzinfo=local)
    if "UTC" in zone:
        aware = naive.replace(tzinfo=tz.tzlocal())
        if aware.tzname() != "UTC":  # dateutil's _assign_tzname, then its UTC-zone fix-up
            folded = tz.enfold(aware, fold=1)
            aware = folded if folded.tzname() == "UTC" else aware
            if aware.tzname() != "UTC":
                aware = aware.replace(tzinfo=tz.UTC)
        return aware
    return naive.replace(tzinfo=tz.UTC)


class _Codegen:
    """Readers (parsed JSON -> object) per type string or class, writers (model -> dict) per class."""

    def __init__(self):
        self.readers: Dict[Any, Callable] = {}
        self.builders: Dict[type, Callable] = {}
        self.writers: Dict[type, Callable] = {
            str: None,
            int: None,
            float: None,
            bool: None,  # as they are (None: see write())
            list: self._write_list,
            dict: self._write_dict,
            type(None): None,
        }

    # ---- reading -------------------------------------------------------------------------
    def reader(self, obj_type) -> Callable:
        fn = self.readers.get(obj_type)
        if fn is None:
            fn = self.readers[obj_type] = self._make_reader(obj_type)
        return fn

    def _make_reader(self, obj_type) -> Callable:
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                m = _LIST(obj_type)
                inner = m.group(1) if m else ","
                if "," in inner:
                    return _fail  # the SDK's zip-over-several-types form: not mirrored
                item = self.reader(inner.strip())

                def read_list(value):
                    if value is None:
                        return None
                    if value.__class__ is not list:
                        raise _Fallback
                    return [item(v) for v in value]

                return read_list
            if obj_type.startswith("dict("):
                m = _DICT(obj_type)
                if m is None:
                    return _fail
                item = self.reader(m.group(2))

                def read_dict(value):
                    if value is None:
                        return None
                    if value.__class__ is not dict:
                        raise _Fallback
                    return {k: item(v) for k, v in value.items()}

                return read_dict
            if obj_type in _PLAIN:
                return self._exact(_PLAIN[obj_type])
            if obj_type == "float":
                return _read_float
            if obj_type == "object":
                return _same
            if obj_type == "datetime":
                return _read_datetime
            if obj_type == "date":
                return _fail
            try:
                obj_type = _load_class(obj_type)
            except Exception:
                return _fail
        if obj_type in _PRIMITIVE or obj_type in (object, date, datetime):
            return self._make_reader(
                {str: "str", int: "int", bool: "bool", float: "float", object: "object", datetime: "datetime"}.get(
                    obj_type, "date"
                )
            )
        if not isinstance(obj_type, type):
            return _fail
        if issubclass(obj_type, Enum):
            members = {m.value: m for m in obj_type if m.value.__class__ is str}

            def read_enum(value):
                if value is None:
                    return None
                if value.__class__ is not str:
                    raise _Fallback
                member = members.get(value)
                if member is None:
                    raise _Fallback
                return member

            return read_enum
        if not hasattr(obj_type, "deserialized_types"):
            return _same
        if hasattr(obj_type, "get_real_child_model"):
            return self._make_discriminated(obj_type)
        return self.builder(obj_type)

    @staticmethod
    def _exact(kind):
        def read_exact(value):
            if value is None or value.__class__ is kind:
                return value
            raise _Fallback

        return read_exact

    def _make_discriminated(self, base):
        by_name: Dict[str, Callable] = {}
        real_child = base.get_real_child_model

        def read_discriminated(value):
            if value is None:
                return None
            if value.__class__ is not dict:
                raise _Fallback
            name = real_child(value)
            build = by_name.get(name)
            if build is None:
                if not name or name.__class__ is not str:
                    raise _Fallback
                build = by_name[name] = self.builder(_load_class(name))
            return build(value)

        return read_discriminated

    def builder(self, cls) -> Callable:
        """The function that makes ``cls`` (no discriminator step) from a parsed JSON object."""
        fn = self.builders.get(cls)
        if fn is None:
            fn = self.builders[cls] = self._make_builder(cls)
        return fn

    def _make_builder(self, cls) -> Callable:
        types = cls.deserialized_types
        attribute_map = dict(getattr(cls, "attribute_map", {}))
        attribute_map.update({k: k for k in types if k not in attribute_map})
        if set(attribute_map) != set(types) or not cls.__module__.startswith("ask_sdk_model."):
            return _fail  # (another class's __init__ may do more than set its fields: the SDK calls it)
        template = cls().__dict__
        plain = (
            cls.__setattr__ is object.__setattr__
            and type(template) is dict
            and all(v is None or v.__class__ in (str, int, bool, float) for v in template.values())
            and not any(hasattr(cls, attr) for attr in attribute_map)
        )
        if not plain:
            return _fail
        class_map = getattr(cls, "attribute_map", None)
        env: Dict[str, Any] = {
            "_Fallback": _Fallback,
            "new": object.__new__,
            "cls": cls,
            "template": dict(template),
            "extras": _extras,
            "known": frozenset(attribute_map.values()),
            "class_map": class_map,
        }
        # The SDK's serialize() adds the keys of an object's deserialized_types to its class's
        # attribute_map, for good; an instance with its own deserialized_types (an unknown JSON key)
        # can so grow the class's map. From then on only the SDK knows what it does with that class.
        guard = f"len(class_map) != {len(class_map)}" if type(class_map) is dict else "False"
        lines = [
            "def build(data):",
            f"    if data.__class__ is not dict or {guard}:",
            "        if data is None:",
            "            return None",
            "        raise _Fallback",
            "    obj = new(cls)",
            "    d = obj.__dict__",
            "    d.update(template)",
            "    n = 0",
        ]
        for i, (attr, key) in enumerate(attribute_map.items()):
            kind = types[attr]
            lines += [f"    if {key!r} in data:", f"        v = data[{key!r}]", "        n += 1"]
            if kind in ("str", "int", "long", "bool"):
                lines += [
                    f"        if v is not None and v.__class__ is not {_PLAIN[kind].__name__}:",
                    "            raise _Fallback",
                    f"        d[{attr!r}] = v",
                ]
            elif kind == "object":
                lines += [f"        d[{attr!r}] = v"]
            else:
                env[f"r{i}"] = self._lazy(kind, env, f"r{i}")
                lines += [f"        d[{attr!r}] = r{i}(v)"]
        lines += ["    if n != len(data):", "        extras(obj, data, known)", "    return obj"]
        return _function("\n".join(lines), env)

    def _lazy(self, kind, env, name):
        """A stand-in that makes the real reader at first use and puts it in its place (nested
        classes are imported and generated only once a payload has them; no endless recursion)."""

        def first_use(value):
            fn = env[name] = self.reader(kind)
            return fn(value)

        return first_use

    # ---- writing -------------------------------------------------------------------------
    def write(self, obj):
        t = obj.__class__
        if t is str or t is int or t is bool or t is float or obj is None:
            return obj
        fn = self.writers.get(t, _MISSING)
        if fn is _MISSING:
            fn = self.writers[t] = self._make_writer(t)
        return obj if fn is None else fn(obj)

    def _write_list(self, obj):
        write = self.write
        return [write(v) for v in obj]

    def _write_dict(self, obj):
        write = self.write
        return {k: write(v) for k, v in obj.items()}

    def _make_writer(self, t):
        if issubclass(t, _PRIMITIVE):  # the SDK's order of checks
            return None
        if issubclass(t, list):
            return self._write_list
        if issubclass(t, tuple):
            return lambda obj: tuple(self.write(v) for v in obj)
        if issubclass(t, (datetime, date)):
            return t.isoformat
        if issubclass(t, Enum):
            return lambda obj: obj.value
        if issubclass(t, Decimal):
            return lambda obj: int(obj) if obj % 1 == 0 else float(obj)
        if issubclass(t, dict):
            return self._write_dict
        types = getattr(t, "deserialized_types", None)
        attribute_map = getattr(t, "attribute_map", {})
        if not t.__module__.startswith("ask_sdk_model.") or type(types) is not dict or type(attribute_map) is not dict:
            return _fail
        names = dict(attribute_map)
        names.update({k: k for k in types if k not in names})
        env: Dict[str, Any] = {"_Fallback": _Fallback, "w": self.write}
        lines = [
            "def write_model(obj):",
            "    d = obj.__dict__",
            "    if 'attribute_map' in d or 'deserialized_types' in d:",
            "        raise _Fallback",
            "    out = {}",
        ]
        for attr in types:
            lines += [
                f"    v = obj.{attr}" if attr.isidentifier() else f"    v = getattr(obj, {attr!r})",
                "    if v is not None:",
                f"        out[{names[attr]!r}] = w(v)",
            ]
        lines.append("    return out")
        return _function("\n".join(lines), env)


def _function(source: str, env: Dict[str, Any]) -> Callable:
    """The function ``source`` defines, with ``env`` as its globals. compile() costs about 0.3 ms a
    class, so the code for the classes every request uses is compiled ahead (skill/serializer_code.py,
    made by ``python -m tests.serializer_corpus --write-code``; it ships as bytecode in the Lambda zip);
    any other source is compiled here, at its first use."""
    global _PRECOMPILED
    if _PRECOMPILED is None:
        _PRECOMPILED = _load_precompiled()
    code = _PRECOMPILED.get(source)
    if code is None:
        scope = dict(env)
        exec(compile(source, "<skill.serializer generated>", "exec"), scope)
        code = scope[source[4 : source.index("(")]].__code__
        if _RECORD is not None:
            _RECORD.append(source)
    env.setdefault("__builtins__", __builtins__)
    return FunctionType(code, env)


def _load_precompiled() -> Dict[str, Any]:
    """skill/serializer_code.py's code objects, when its bytecode is there (the Lambda zip has it;
    compiling its 1,400 lines of source would cost more than it saves)."""
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    if not os.path.exists(os.path.join(here, "__pycache__", f"serializer_code.{sys.implementation.cache_tag}.pyc")):
        return {}
    try:
        from skill.serializer_code import CODE
    except ImportError:
        return {}
    return CODE


_PRECOMPILED = None
_RECORD = None  # a list while tests.serializer_corpus collects the sources to precompile


def _same(value):
    return value


def _read_float(value):
    if value is None or value.__class__ is float:
        return value
    if value.__class__ is int:
        return float(value)
    raise _Fallback


def _read_datetime(value):
    if value is None:
        return None
    return _timestamp(value)


def _extras(obj, data, known):
    """The SDK's quirk: JSON keys the class does not know become attributes, after the known ones."""
    for key in data:
        if key not in known:
            setattr(obj, key, data[key])


class FastSerializer(DefaultSerializer):
    """DefaultSerializer's results, from generated per-class code; see the module docstring."""

    def __init__(self):
        self._code = _Codegen()

    def deserialize(self, payload, obj_type):
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception:
            return super().deserialize(payload, obj_type)  # raises the SDK's SerializationException
        return self.from_data(data, obj_type, payload)

    def from_data(self, data, obj_type, payload=None):
        """What ``deserialize(json.dumps(data), obj_type)`` gives, for data parsed from JSON (a
        Lambda event): skips the dump and the parse on the fast path."""
        try:
            return None if data is None else self._code.reader(obj_type)(data)
        except Exception:
            return super().deserialize(json.dumps(data) if payload is None else payload, obj_type)

    def serialize(self, obj):
        try:
            return self._code.write(obj)
        except Exception:
            return super().serialize(obj)


def read_request(serializer, data, text, obj_type):
    """``obj_type`` from a body already parsed (``data`` = ``json.loads(text)``, untouched): a
    FastSerializer reads ``data`` as it is instead of parsing ``text`` again; any other serializer
    (the SDK's) deserializes ``text``. The webservice's one call."""
    from_data = getattr(serializer, "from_data", None)
    if from_data is None:
        return serializer.deserialize(payload=text, obj_type=obj_type)
    return from_data(data, obj_type, text)
