"""The agent's Tk thread sleeps until the session posts work (lifeline/agent/ui.py), on a real Xvfb.

Tk runs in a child process: Tk keeps its X connection after the last window
is destroyed and exits the process when that Xvfb goes away, which must not
be the test runner.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

if shutil.which("Xvfb") is None:
    pytest.skip("Xvfb is not installed", allow_module_level=True)

from tests.support.remote import xvfb  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

#: Runs in the child: checks there is no polling timer, that work posted from another thread
#: runs on the Tk thread, that a flood of posts never blocks the poster, and that a signal's
#: Python handler runs while Tk sleeps. Prints "ok".
SCRIPT = """
import os
import signal
import threading
import time
from lifeline.agent.ui import TkUI

ui = TkUI()
assert ui.root.tk.call("after", "info") == "", "a polling timer"
ran = []

def job():
    ran.append(threading.current_thread() is threading.main_thread())
    ui.root.quit()

deadline = ui.root.after(10_000, ui.root.quit)  # a bound for the test, not a poll
poster = threading.Thread(target=lambda: ui.post(job))
ui.root.after_idle(poster.start)
ui.root.mainloop()
poster.join()
assert ran == [True], ran
ui.root.after_cancel(deadline)

done = threading.Event()
def flood():
    for _ in range(100_000):  # more wake-up bytes than a pipe holds, while Tk is not reading
        ui.post(lambda: None)
    done.set()
threading.Thread(target=flood, daemon=True).start()
assert done.wait(30), "post() blocked"
ui.post(lambda: (ran.append("drained"), ui.root.quit()))
ui.root.mainloop()
assert ran[-1] == "drained", ran

signal.signal(signal.SIGTERM, lambda *_: (ran.append(time.monotonic()), ui.root.quit()))  # as agent/cli.py
deadline = ui.root.after(10_000, ui.root.quit)
killed = time.monotonic() + 0.2
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
ui.root.mainloop()
assert isinstance(ran[-1], float) and ran[-1] - killed < 2, "SIGTERM handled late or not at all"
print("ok")
"""


def test_tk_wakes_for_posted_work_without_a_polling_timer_and_posting_never_blocks() -> None:
    with xvfb() as display:
        done = subprocess.run([sys.executable, "-c", SCRIPT], env={**os.environ, "DISPLAY": display}, cwd=REPO,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
