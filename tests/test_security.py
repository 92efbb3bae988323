"""Security: no code runs from stored data (RELIABILITY requirement 8, scenarios 24 and 25).

(a) a lint over the AST of every module under ``hyperhop/``: no pickle and friends, no
    ``eval``/``exec``, no unsafe YAML, no import by a computed name;
(b) a lint against SQL built by string formatting (bound parameters only);
(c) poisoned rows and journal lines (a pickle whose ``__reduce__`` touches a sentinel file,
    records naming ``os.system`` or an importable module) are loaded through the public API:
    the sentinel is never created, nothing is imported, the data stays data.

Each lint rule is also run on small bad and good snippets, so the lint itself can fail.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import pickle
import re
import shlex
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.exceptions import CorruptStateError
from hyperhop.storage import get_storage

PACKAGE = Path(__file__).resolve().parents[1] / "hyperhop"

# --------------------------------------------------------------------------- (a) code lint

BANNED_MODULES = frozenset(
    {"pickle", "_pickle", "cPickle", "cloudpickle", "dill", "marshal", "shelve", "jsonpickle"}
)
"""Modules that turn bytes into arbitrary objects (or code)."""

BANNED_CALLS = {
    "eval": "eval() runs a string as code",
    "exec": "exec() runs a string as code",
    "builtins.eval": "eval() runs a string as code",
    "builtins.exec": "exec() runs a string as code",
    "yaml.unsafe_load": "yaml.unsafe_load() builds arbitrary objects",
    "yaml.full_load": "yaml.full_load() builds Python objects; use yaml.safe_load",
    "pandas.read_pickle": "pandas.read_pickle() unpickles",
    "joblib.load": "joblib.load() unpickles",
    "torch.load": "torch.load() unpickles",
}
SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "yaml.SafeLoader", "yaml.CSafeLoader"})
IMPORT_BY_NAME = frozenset({"importlib.import_module", "__import__", "builtins.__import__"})

IMPORT_ALLOWED = ("_lazy.py",)
"""Modules (relative to ``hyperhop/``) that may import by a computed name: the name comes
from code (``require("pandas", ...)``), never from data."""
HANDOFF_ALLOWED = ("execution/",)
"""The executors hand the user's own objective to worker processes they started (Ray,
Dask, MPI, process pools) and may use cloudpickle/pickle and import by name for that; never
for data read back from a storage (RELIABILITY requirement 8)."""
TRUSTED_ALLOWED = ("pyhopper/_trusted.py", "artifacts/pickled.py")
"""Reads another library's pickled files once, and only when the caller passed
``trusted=True`` (tests/compat/pyhopper/test_checkpoint.py checks the refusal)."""


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


class CodeLint(ast.NodeVisitor):
    """Finds the banned imports and calls in one module (aliases resolved)."""

    def __init__(self, path: str, *, allow_import: bool = False, allow_handoff: bool = False):
        self.path = path
        self.allow_import = allow_import
        self.allow_handoff = allow_handoff
        self.aliases: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.code_names: set[str] = set()
        """Module-level names bound once to a string literal, or to a dict literal whose
        values are all string literals and which nothing changes: module names from code."""

    def _add(self, node: ast.AST, rule: str, message: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), rule, message))

    def visit_Module(self, node: ast.Module) -> None:
        bound: dict[str, int] = {}
        for stmt in node.body:
            target, value = None, None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign):
                target, value = stmt.target, stmt.value
            if isinstance(target, ast.Name) and value is not None and _is_code_text(value):
                self.code_names.add(target.id)
        for sub in ast.walk(node):  # any other binding or change disqualifies a name
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                bound[sub.id] = bound.get(sub.id, 0) + 1
            elif isinstance(sub, ast.arg):
                bound[sub.arg] = bound.get(sub.arg, 0) + 2
            elif isinstance(sub, (ast.Subscript, ast.Attribute)) and isinstance(
                sub.ctx, (ast.Store, ast.Del)
            ):
                base = sub.value
                if isinstance(base, ast.Name):
                    self.code_names.discard(base.id)
            elif (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and isinstance(sub.func.value, ast.Name)
                and sub.func.attr in ("update", "setdefault", "__setitem__", "pop", "clear")
            ):
                self.code_names.discard(sub.func.value.id)
        self.code_names = {n for n in self.code_names if bound.get(n) == 1}
        self.generic_visit(node)

    def _from_code(self, arg: ast.AST | None) -> bool:
        """Whether an import_module argument is a literal or comes from a code constant."""
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return True
        if isinstance(arg, ast.Name):
            return arg.id in self.code_names
        if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name):
            return arg.value.id in self.code_names
        return False

    def _resolve(self, name: str | None) -> str | None:
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = self.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.aliases[a.asname or a.name.split(".")[0]] = (
                a.name if a.asname else a.name.split(".")[0]
            )
            self._check_module(node, a.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self._check_module(node, module)
        for a in node.names:
            full = f"{module}.{a.name}" if module else a.name
            self.aliases[a.asname or a.name] = full
            self._check_module(node, full)
        self.generic_visit(node)

    def _check_module(self, node: ast.AST, module: str) -> None:
        if any(part in BANNED_MODULES for part in module.split(".")) and not self.allow_handoff:
            self._add(
                node, "no-pickle", f"imports {module!r}: stored data must be JSON, not pickles"
            )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        full = self._resolve(_dotted(node))
        if full is not None and full.split(".")[0] in BANNED_MODULES and not self.allow_handoff:
            self._add(node, "no-pickle", f"uses {full}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = self._resolve(_dotted(node.func))
        if name in BANNED_CALLS:
            self._add(node, "no-code-from-data", BANNED_CALLS[name])
        if name in ("yaml.load", "yaml.load_all"):
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
            if loader is None and len(node.args) > 1:
                loader = node.args[1]
            loader_name = self._resolve(_dotted(loader)) if loader is not None else None
            if loader_name not in SAFE_YAML_LOADERS:
                self._add(node, "safe-yaml", f"{name}() without Loader=yaml.SafeLoader")
        if name in IMPORT_BY_NAME and not (self.allow_import or self.allow_handoff):
            if not self._from_code(node.args[0] if node.args else None):
                self._add(node, "import-by-name", f"{name}() with a computed module name")
        for k in node.keywords:
            if (
                k.arg == "allow_pickle"
                and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                and not self.allow_handoff
            ):
                self._add(node, "no-pickle", f"{name}(allow_pickle=...) may unpickle")
        self.generic_visit(node)


def _is_code_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Dict):
        return all(_is_code_text(v) for v in node.values)
    return False


def lint_code(source: str, path: str = "<snippet>", **allow: bool) -> list[Finding]:
    linter = CodeLint(path, **allow)
    linter.visit(ast.parse(source, filename=path))
    return linter.findings


# --------------------------------------------------------------------------- (b) SQL lint

SQL = re.compile(
    r"\b(SELECT\b|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b|"
    r"(CREATE|DROP|ALTER)\s+(TABLE|(UNIQUE\s+)?INDEX|DATABASE|SCHEMA|VIEW)\b|"
    r"WHERE\b|VALUES\s*\(|PRAGMA\b|TRUNCATE\b)"
)
"""What makes a string literal look like SQL (upper-case keywords, as the code writes them)."""


def _looks_like_sql(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(SQL.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_looks_like_sql(v) for v in node.values)
    return False


class SQLLint(ast.NodeVisitor):
    """SQL built by formatting: an f-string, ``%`` or ``.format`` on a SQL-looking literal,
    or ``+`` joining one to anything but a literal or a module-level constant."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.constants: set[str] = set()

    def _add(self, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), "sql-format", message))

    def visit_Module(self, node: ast.Module) -> None:
        for stmt in node.body:
            targets: list[ast.expr] = []
            if isinstance(stmt, ast.Assign):
                targets = stmt.targets
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets = [stmt.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id.lstrip("_").isupper():
                    self.constants.add(t.id)
        self.generic_visit(node)

    def _constant_text(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        if isinstance(node, ast.Name):
            return node.id in self.constants
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._constant_text(node.left) and self._constant_text(node.right)
        return False

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if _looks_like_sql(node):
            self._add(node, "SQL in an f-string: bind values as parameters")
        # no generic_visit: the parts of one f-string are one finding

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Mod) and _looks_like_sql(node.left):
            self._add(node, "SQL built with %: bind values as parameters")
        if isinstance(node.op, ast.Add):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if _looks_like_sql(side) and not self._constant_text(other):
                    self._add(node, "SQL concatenated with a runtime value")
                    break
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "format" and _looks_like_sql(f.value):
            self._add(node, "SQL built with .format: bind values as parameters")
        self.generic_visit(node)


def lint_sql(source: str, path: str = "<snippet>") -> list[Finding]:
    linter = SQLLint(path)
    linter.visit(ast.parse(source, filename=path))
    return linter.findings


# --------------------------------------------------------------------------- the package


def _modules() -> Iterator[tuple[str, str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10, f"found only {len(files)} modules under {PACKAGE}"
    for p in files:
        yield p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8")


def test_package_has_no_pickle_eval_or_import_by_stored_name() -> None:
    findings: list[Finding] = []
    for rel, source in _modules():
        findings += lint_code(
            source,
            f"hyperhop/{rel}",
            allow_import=rel in IMPORT_ALLOWED,
            allow_handoff=rel.startswith(HANDOFF_ALLOWED) or rel in TRUSTED_ALLOWED,
        )
    assert findings == [], "\n".join(map(str, findings))


def test_package_builds_no_sql_by_string_formatting() -> None:
    findings: list[Finding] = []
    for rel, source in _modules():
        findings += lint_sql(source, f"hyperhop/{rel}")
    assert findings == [], "\n".join(map(str, findings))


CODE_BAD = [
    "import pickle",
    "import pickle as p",
    "from pickle import loads",
    "import cloudpickle",
    "import dill.settings",
    "from marshal import loads",
    "import shelve",
    "import _pickle",
    "from hyperhop.execution import _pickle as cloudpickle",
    "eval('1')",
    "exec(code)",
    "import builtins\nbuiltins.eval(s)",
    "import yaml\nyaml.load(text)",
    "import yaml\nyaml.load(text, Loader=yaml.Loader)",
    "import yaml\nyaml.load(text, yaml.UnsafeLoader)",
    "import yaml\nyaml.unsafe_load(text)",
    "import yaml as y\ny.full_load(text)",
    "import importlib\nimportlib.import_module(name)",
    "import importlib as il\nil.import_module(row['module'])",
    "from importlib import import_module\nimport_module(f'hyperhop.{x}')",
    "__import__(name)",
    "import importlib\n_M = {'a': 'x.y'}\n_M[k] = row['m']\nimportlib.import_module(_M[n])",
    "import importlib\n_M = {'a': 'x.y'}\n_M.update(user)\nimportlib.import_module(_M[n])",
    "import importlib\n_M = {'a': 'x.y'}\n_M = load()\nimportlib.import_module(_M[n])",
    "import importlib\n_M = {'a': user_value}\nimportlib.import_module(_M[n])",
    "import importlib\ndef f(_M):\n    importlib.import_module(_M[n])",
    "import importlib\n_M = {'a': 'x'}\ndef f(_M):\n    importlib.import_module(_M[n])",
    "import numpy as np\nnp.load(path, allow_pickle=True)",
    "import pandas as pd\npd.read_pickle(path)",
]
CODE_GOOD = [
    "import json\njson.loads(s)",
    "import yaml\nyaml.safe_load(text)",
    "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)",
    "from yaml import load, CSafeLoader\nload(text, Loader=CSafeLoader)",
    "import importlib\nimportlib.import_module('hyperhop.storage.sqlite')",
    "import importlib\n_LAZY = {'A': 'hyperhop.a', 'B': 'hyperhop.b'}\n"
    "def f(n):\n    return importlib.import_module(_LAZY[n])",
    "import importlib\n_MOD: str = 'hyperhop.x'\nimportlib.import_module(_MOD)",
    "import numpy as np\nnp.load(path, allow_pickle=False)",
    "x = 'pickle'\ndef evaluate(cfg): return cfg",
    "study.eval_count = 1",
]


@pytest.mark.parametrize("source", CODE_BAD)
def test_code_lint_catches(source: str) -> None:
    assert lint_code(source), f"the lint missed: {source!r}"


@pytest.mark.parametrize("source", CODE_GOOD)
def test_code_lint_allows(source: str) -> None:
    assert lint_code(source) == []


def test_code_lint_allow_lists() -> None:
    assert lint_code("import importlib\nimportlib.import_module(m)", allow_import=True) == []
    assert lint_code("import cloudpickle\ncloudpickle.dumps(f)", allow_handoff=True) == []
    # the allow-lists never excuse eval or unsafe YAML
    assert lint_code("eval(s)", allow_import=True, allow_handoff=True)


SQL_BAD = [
    "q = f\"SELECT * FROM trials WHERE name = '{name}'\"",
    "q = f'DELETE FROM hyperhop_trials WHERE id = {i}'",
    "q = 'SELECT id FROM t WHERE name = %s' % name",
    "q = 'UPDATE t SET a = {} WHERE id = 1'.format(a)",
    "q = 'INSERT INTO t (a) VALUES ({a})'.format(a=a)",
    'q = "SELECT * FROM t WHERE name = \'" + name + "\'"',
    "conn.execute(f'PRAGMA busy_timeout = {ms}')",
    "q = f'CREATE TABLE {name} (id INTEGER)'",
    "q = ' WHERE name = ' + repr(name)",
]
SQL_GOOD = [
    "q = 'SELECT id FROM t WHERE name = :name'",
    "_Q = 'SELECT id FROM t'\n_R = _Q + ' RETURNING id'",
    "_Q = 'SELECT id FROM t'\n_R = _Q + ' WHERE a = :a'",
    "msg = f'Study {name!r} has no trial'",
    "msg = 'select %s' % x",
    "log.info('%s trials', n)",
    "msg = 'The {} parameter'.format(p)",
]


@pytest.mark.parametrize("source", SQL_BAD)
def test_sql_lint_catches(source: str) -> None:
    assert lint_sql(source), f"the lint missed: {source!r}"


@pytest.mark.parametrize("source", SQL_GOOD)
def test_sql_lint_allows(source: str) -> None:
    assert lint_sql(source) == []


# --------------------------------------------------------------------------- (c) poisoned data


class _Bomb:
    """Unpickling this runs ``touch <sentinel>`` (built here; never loaded by hyperhop)."""

    def __init__(self, sentinel: Path) -> None:
        self.command = f"touch {shlex.quote(str(sentinel))}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (self.command,))


def _bomb(sentinel: Path) -> bytes:
    return pickle.dumps(_Bomb(sentinel))


def test_the_bomb_is_armed(tmp_path: Path) -> None:
    """Control: the payload really does run code when unpickled, so the tests below that
    expect no sentinel are not vacuous."""
    control = tmp_path / "control"
    pickle.loads(_bomb(control))  # noqa: S301 - deliberately, on our own payload
    assert control.exists()


@pytest.fixture
def evil_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """An importable module that touches a sentinel when imported (to catch import-by-name)."""
    name = f"hh_evil_{os.getpid()}_{time.monotonic_ns()}"
    sentinel = tmp_path / "imported"
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / f"{name}.py").write_text(
        f"open({str(sentinel)!r}, 'w').close()\nclass Thing:\n    pass\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "mods"))
    return name, sentinel


def _poison(bomb: bytes, sentinel: Path, module: str) -> dict[str, Any]:
    b64 = base64.b64encode(bomb).decode("ascii")
    cmd = f"touch {shlex.quote(str(sentinel))}"
    return {
        "bytes": {"__bytes__": b64},
        "pickle_tag": {"__pickle__": b64},
        "class_tag": {"__class__": "os.system", "__args__": [cmd]},
        "popen": {"__class__": "subprocess.Popen", "args": ["touch", str(sentinel)]},
        "jsonpickle": {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": [cmd]}]},
        "by_module": {"__class__": f"{module}.Thing", "__module__": module},
        "object_array": {"__ndarray__": {"dtype": "object", "shape": [1], "b64": b64}},
        "O_array": {"__ndarray__": {"dtype": "O", "shape": [1], "b64": b64}},
    }


def _check_plain(attrs: dict[str, Any], bomb: bytes) -> None:
    assert attrs["bytes"] == bomb  # bytes stay bytes: never unpickled
    assert attrs["class_tag"]["__class__"] == "os.system"
    assert attrs["popen"]["__class__"] == "subprocess.Popen"
    assert attrs["jsonpickle"]["py/reduce"][0] == {"py/function": "os.system"}
    for key in ("pickle_tag", "by_module", "object_array", "O_array"):
        assert isinstance(attrs[key], dict), key


def _load_everything(url: str, name: str) -> list[Any]:
    """Everything a user or tool can do to read a study back."""
    store = get_storage(url)
    info = store.get_study(name)
    trials, _ = store.get_trials(info.id, 0)
    study = hh.load_study(url, name)
    listed = study.trials
    listed.to_json()
    listed.records()
    for t in listed:
        _ = (t.config, t.user_attrs, t.params, t.error)
    return [info, trials, listed, store.list_studies()]


def _sqlite_study(tmp_path: Path) -> tuple[str, Path]:
    db = tmp_path / "poisoned.db"
    url = f"sqlite:///{db}"
    study = hh.Study({"x": hh.float(0.0, 1.0)}, storage=url, name="poisoned", seed=0, algo="random")
    study.optimize(lambda cfg: cfg["x"], n_trials=3, progress=False)
    return url, db


def test_poisoned_sqlite_rows_are_data_not_code(
    tmp_path: Path, evil_module: tuple[str, Path]
) -> None:
    """A pickle bomb (as tagged bytes, an object-dtype array, a ``__pickle__`` tag) and
    records naming ``os.system``, ``subprocess.Popen`` or an importable module, planted in a
    trial's and the study's attributes, load back as plain data: no sentinel, no import."""
    module, imported = evil_module
    sentinel = tmp_path / "pwned"
    bomb = _bomb(sentinel)
    url, db = _sqlite_study(tmp_path)
    poison = json.dumps(_poison(bomb, sentinel, module))
    with sqlite3.connect(db) as con:
        con.execute("UPDATE hyperhop_trials SET user_attrs = ? WHERE number = 0", (poison,))
        con.execute("UPDATE hyperhop_studies SET attrs = ?", (poison,))
    _load_everything(url, "poisoned")
    study = hh.load_study(url, "poisoned")
    _check_plain(study.trials[0].user_attrs, bomb)
    _check_plain(get_storage(url).get_study("poisoned").attrs, bomb)
    assert not sentinel.exists(), "stored data ran code"
    assert not imported.exists() and module not in sys.modules, "stored data imported a module"


@pytest.mark.parametrize("column", ["user_attrs", "params", "vals", "error", "system_attrs"])
def test_raw_pickle_in_a_sqlite_column_never_runs(
    tmp_path: Path, column: str, evil_module: tuple[str, Path]
) -> None:
    """The pickle bomb written raw (a BLOB, and as latin-1 text) into a JSON column: loading
    fails with CorruptStateError naming the column, and never unpickles."""
    sentinel = tmp_path / "pwned"
    bomb = _bomb(sentinel)
    url, db = _sqlite_study(tmp_path)
    with sqlite3.connect(db) as con:
        con.execute(f"UPDATE hyperhop_trials SET {column} = ? WHERE number = 1", (bomb,))
        con.execute(
            f"UPDATE hyperhop_trials SET {column} = ? WHERE number = 2", (bomb.decode("latin-1"),)
        )
    with pytest.raises(CorruptStateError, match=f"column '{column}'"):
        _load_everything(url, "poisoned")
    assert not sentinel.exists(), "stored data ran code"


def test_poisoned_space_definition_imports_nothing(
    tmp_path: Path, evil_module: tuple[str, Path]
) -> None:
    """A stored space whose parameter type names ``os.system`` or an importable module:
    ``load_study`` without a space refuses it with a ValueError, importing nothing."""
    module, imported = evil_module
    sentinel = tmp_path / "pwned"
    url, db = _sqlite_study(tmp_path)
    with sqlite3.connect(db) as con:
        (text,) = con.execute("SELECT space FROM hyperhop_studies").fetchone()
    for kind in ("os.system", f"{module}.Thing", module, "subprocess.Popen"):
        space = json.loads(text)
        space["params"][0]["def"]["type"] = kind
        space["params"][0]["def"]["args"] = [f"touch {sentinel}"]
        space["template"]["items"]["x"]["type"] = kind
        with sqlite3.connect(db) as con:
            con.execute("UPDATE hyperhop_studies SET space = ?", (json.dumps(space),))
        with pytest.raises(ValueError):
            hh.load_study(url, "poisoned")
    assert not sentinel.exists()
    assert not imported.exists() and module not in sys.modules


def _journal_line(op: dict[str, Any]) -> bytes:
    text = json.dumps(op, separators=(",", ":"))
    return f"{zlib.crc32(text.encode('ascii')):08x} {text}\n".encode("ascii")


def test_poisoned_journal_lines_are_data_not_code(
    tmp_path: Path, evil_module: tuple[str, Path]
) -> None:
    """The same poison as valid (checksummed) journal operations: plain data on replay."""
    module, imported = evil_module
    sentinel = tmp_path / "pwned"
    bomb = _bomb(sentinel)
    path = tmp_path / "poisoned.jsonl"
    url = f"journal:///{path}"
    study = hh.Study({"x": hh.float(0.0, 1.0)}, storage=url, name="poisoned", seed=0, algo="random")
    study.optimize(lambda cfg: cfg["x"], n_trials=2, progress=False)
    poison = _poison(bomb, sentinel, module)
    with open(path, "ab") as f:
        f.write(
            _journal_line(
                {
                    "op": "set_study_attr",
                    "study": study.id,
                    "key": "poison",
                    "value": poison,
                    "time": time.time(),
                }
            )
        )
    _load_everything(url, "poisoned")
    _check_plain(get_storage(url).get_study("poisoned").attrs["poison"], bomb)
    assert not sentinel.exists(), "stored data ran code"
    assert not imported.exists() and module not in sys.modules


def test_raw_pickle_in_a_sqlite_column_is_a_corrupt_state_error(tmp_path: Path) -> None:
    """The damaged row is reported as CorruptStateError naming the row and the column."""
    url, db = _sqlite_study(tmp_path)
    with sqlite3.connect(db) as con:
        con.execute(
            "UPDATE hyperhop_trials SET user_attrs = ? WHERE number = 1",
            (_bomb(tmp_path / "pwned").decode("latin-1"),),
        )
    with pytest.raises(CorruptStateError, match="column 'user_attrs'"):
        _load_everything(url, "poisoned")
