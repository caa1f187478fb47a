"""The notebooks in a real browser: JupyterLab on loopback, each notebook of ``notebooks/`` opened
in headless Chromium (Debian's ``chromium``, driven by Playwright), its cells run (all but the
last, a click in the page, then the last: the notebooks close their workspace in it), a
screenshot saved in ``.browser-shots/``. The widgets must render (no "Error displaying widget", no
ipywidgets error widget, the notebook's main widget or table visible) and a click in the page
must reach the kernel (the clicked view's message area then says what the kernel computed).

scripts/test.sh runs this file as a step of its own (one JupyterLab for all, no xdist). It skips,
saying what to install, where Chromium or Playwright is missing. The last tests run the check on
a notebook made to fail it, so a check that could no longer fail would be caught.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / ".browser-shots"
CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "no Chromium on PATH: install Debian's package (`apt-get install -y chromium`; .ci/run"
        " does so as root) to run the notebooks in a browser",
        allow_module_level=True,
    )
playwright = pytest.importorskip(
    "playwright.sync_api",
    reason="no Playwright: `pip install -e '.[dev]'` installs it (never `playwright install`:"
    " the check drives Debian's chromium)",
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
START_SECONDS = 90
RUN_SECONDS = 240
SHOW_SECONDS = 30
CLICK_SECONDS = 20

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RENDERED_WIDGET = ".jp-OutputArea-output > .jupyter-widgets"
"""A widget view JupyterLab rendered as a cell's output."""
WIDGET_OUTPUT = ".jp-OutputArea-output:has(> .jupyter-widgets)"
OUTPUT_XPATH = "contains(concat(' ', @class, ' '), ' jp-OutputArea-output ')"
PANDAS_TABLE = ".jp-OutputArea-output table.dataframe"
ANY_OUTPUT = ".jp-OutputArea-output"
_MESSAGE = "contains(concat(' ', @class, ' '), ' qbsync-message ')"
OWN_MESSAGE = f"xpath=ancestor::div[./div[{_MESSAGE}]][1]/div[{_MESSAGE}]"
"""From a button, the message area of the view it belongs to: the ``qbsync-message`` widget
(syncengine.ui.common.View) beside the nearest box holding the button; a sub-view's own."""
FAILED_CALLBACK = "Something went wrong ("
"""How a view (syncengine.ui.common.View) says a callback raised: a bug, not an answer."""
BROKEN = "Error displaying widget"
"""What JupyterLab writes where it cannot show a widget at all."""


@dataclass(frozen=True)
class Expect:
    """What a notebook's page shows once its cells ran: ``visible`` (a selector) holding
    ``text``; where ``click`` names a button, what its view's message area says after a click
    (``says``), the button taken from the first widget output holding ``view`` (a text), after
    typing ``fill[1]`` into its text box whose placeholder is ``fill[0]`` or clicking the
    button ``first`` of the same view, or choosing the option ``choose[1]`` in its dropdown
    labelled ``choose[0]``. ``click="*"``: some enabled button's click changes the output
    holding it."""

    visible: str = RENDERED_WIDGET
    text: str = ""
    click: str = ""
    says: str = ""
    view: str = ""
    fill: tuple[str, str] | None = None
    first: str = ""
    choose: tuple[str, str] | None = None


EXPECT = {
    "00-start-here.ipynb": Expect(PANDAS_TABLE, "dep_order"),  # the queue, a pandas table
    "01-sync-queue-and-jobs.ipynb": Expect(  # the jobs screen: Run, with the queue empty
        RENDERED_WIDGET,
        "Errors of sync job 2",
        click="Run",
        says="sync job 4 finished: 0 exported, no errors",
    ),
    "02-sync-wizard-and-log.ipynb": Expect(
        RENDERED_WIDGET,
        "Waiting for approval",
        click="Approve checked",
        says="approved: 0 export, 0 import; they go with the next sync",
    ),
    "03-scenario-playbooks.ipynb": Expect(  # the first player, its playbook run to the end
        RENDERED_WIDGET,
        "duplicate-name-rename-in-app",
        click="Restart",
        says="duplicate-name-rename-in-app: 4 steps; click Next to run step 1",
    ),
    "04-migration-rehearsal.ipynb": Expect(  # the dashboard, rehearsed again without faults
        RENDERED_WIDGET,
        "Rehearse",
        click="Rehearse",
        says="rehearsed 2,000 records: 2,000 synced, 0 failed, 0 waiting; about 18 min 18 s on"
        " real QuickBooks (profile default)",
        choose=("Faults", "no faults"),
    ),
    "05-support-reproduce-an-error.ipynb": Expect(  # a file name mistyped into the File box
        RENDERED_WIDGET,
        "shop.db: sync job 3, 0 errors",
        click="Open",
        says="no-such-file.json: cannot read it (No such file or directory); ask the customer for"
        " their workspace file (shop.db) or the output of `qbsync --db shop.db report --errors"
        " --json`",
        view="shop.db: sync job 3, 0 errors",
        fill=("shop.db or .json", "no-such-file.json"),
    ),
    "06-training-exercises.ipynb": Expect(  # the third exercise, done; reset, then checked
        RENDERED_WIDGET,
        "Hold back a change with the sync wizard",
        click="Check my work",
        says="Not done yet: 4 thing(s) still wrong:"
        "\n1. the sync wizard is off: every change goes with the next sync; turn it on"
        "\n2. customer 'Fir Grove Farm' (id 3) is not held back: the next sync adds it to"
        " QuickBooks (PSR 4)."
        "\n3. customer 'Cedar Works Ltd' (id 1) differs in QuickBooks: Name is 'Cedar Works',"
        " the app has 'Cedar Works Ltd'. The next sync sends its changes to QuickBooks (PSR 2)."
        "\n4. customer 'Dunmore Supply' (id 2) is still not in QuickBooks: PSR 3 (add) is"
        " queued, not yet sent. The next sync adds it to QuickBooks (PSR 3).",
        view="Hold back a change with the sync wizard",
        first="Reset exercise",
    ),
    "07-settings-and-auto-sync.ipynb": Expect(  # the auto-sync panel, stopped: an hour on
        RENDERED_WIDGET,
        "Advance",
        click="Advance",
        says="Advanced 1 h to 2025-01-06 11:32:07."
        "\nNo sync job ran."
        "\nAuto sync is off: advancing the clock runs no sync job (Start: every 10 min).",
        view="Simulated clock",
    ),
}
"""Per notebook; one not listed gets :func:`default_expect`."""


def stored_widget_views(notebook: Path) -> int:
    """How many widgets the notebook displays as cell outputs, by its stored outputs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    return sum(WIDGET_VIEW in o.get("data", {}) for o in outputs)


def default_expect(notebook: Path) -> Expect:
    """With widgets: one renders, and a click on one of its buttons (if any) changes it;
    without: the notebook shows some output."""
    if stored_widget_views(notebook):
        return Expect(RENDERED_WIDGET, click="*")
    return Expect(ANY_OUTPUT)


# -- JupyterLab ---------------------------------------------------------------------------------

SERVER_CONFIG = {
    "IdentityProvider": {"token": ""},
    "ServerApp": {"ip": "127.0.0.1", "port": 0, "open_browser": False, "allow_root": True},
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "expose_app_in_browser": True,
    },
}
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
"""No news popup over the page, no saving, every cell in the page (not only those in view)."""


@dataclass
class Lab:
    """A running JupyterLab: its URL, process, log file, and the folder it serves."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    site: Path

    def log_tail(self, lines: int = 30) -> str:
        """The end of JupyterLab's log (for a failure's message)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def make_site(base: Path) -> Path:
    """A folder to serve: copies of the notebooks beside links to the rest of the checkout, so
    a notebook finds ``../scenarios`` as at home and nothing done in the page reaches the
    committed notebooks."""
    site = base / "site"
    (site / "notebooks").mkdir(parents=True)
    for entry in ROOT.iterdir():
        if not entry.name.startswith(".") and entry.name != "notebooks":
            (site / entry.name).symlink_to(entry)
    for entry in (ROOT / "notebooks").iterdir():
        target = site / "notebooks" / entry.name
        if entry.suffix == ".ipynb":
            shutil.copy(entry, target)
        elif not entry.name.startswith("."):
            target.symlink_to(entry)
    return site


def jupyter_env(base: Path) -> dict[str, str]:
    """The environment of a JupyterLab (and its kernels) that keeps config, runtime files, data,
    lab settings, workspaces and IPython's history in ``base``: nothing of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    for name in ("config", "runtime", "data"):
        env[f"JUPYTER_{name.upper()}_DIR"] = str(base / name)
        (base / name).mkdir()
    env["IPYTHONDIR"] = str(base / "ipython")
    (base / "config" / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    (base / "lab-settings").mkdir()
    (base / "lab-settings" / "overrides.json").write_text(json.dumps(LAB_OVERRIDES))
    return env


def runtime_file(runtime: Path, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    """The ``jpserver-*.json`` JupyterLab writes once it serves (its pid and URL)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        for found in runtime.glob("jpserver-*.json"):
            return dict(json.loads(found.read_text()))
        time.sleep(0.2)
    raise AssertionError(f"JupyterLab did not start within {START_SECONDS} s")


def start_lab(base: Path) -> Lab:
    """Start ``jupyter-lab`` itself (not ``jupyter lab``, whose child outlives a kill) on a
    free loopback port, serving :func:`make_site`, and wait until it serves."""
    site, env = make_site(base), jupyter_env(base)
    command = [
        str(Path(sys.executable).parent / "jupyter-lab"),
        f"--LabApp.app_settings_dir={base / 'lab-settings'}",
        f"--ServerApp.root_dir={site}",
    ]
    log = base / "jupyterlab.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=site, env=env, stdout=sink, stderr=sink)
    lab = Lab("", process, log, site)
    try:
        info = runtime_file(base / "runtime", process)
    except AssertionError as exc:
        stop_lab(lab)
        raise AssertionError(f"{exc}; its log ends:\n{lab.log_tail()}") from None
    assert info["pid"] == process.pid, f"the runtime file names pid {info['pid']}, not ours"
    lab.url = info["url"].rstrip("/")
    return lab


def stop_lab(lab: Lab) -> None:
    """Stop JupyterLab as its Ctrl-C would (SIGTERM: it shuts its kernels down, then exits);
    kill it only if it has not ended within 30 s."""
    if lab.process.poll() is None:
        lab.process.send_signal(signal.SIGTERM)
    try:
        lab.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        lab.process.kill()
        lab.process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """One JupyterLab for every notebook of the module, in a folder of its own; the
    screenshots of an earlier run are removed."""
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir()
    base = Path(tempfile.mkdtemp(prefix="qbsync-browser-"))
    started = start_lab(base)
    try:
        yield started
    finally:
        stop_lab(started)
        shutil.rmtree(base, ignore_errors=True)
    assert started.process.returncode == 0, f"JupyterLab ended {started.process.returncode}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, driven by Playwright."""
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# -- one notebook in the page ------------------------------------------------------------------

RUN_ABOVE_LAST = """async (seconds) => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  panel.content.activeCellIndex = panel.content.widgets.length - 1;
  const late = new Promise(done => setTimeout(() => done('still running'), seconds * 1000));
  return await Promise.race([
    window.jupyterapp.commands.execute('notebook:run-all-above'), late]);
}"""
RUN_LAST = """async (seconds) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = notebook.widgets.length - 1;
  const late = new Promise(done => setTimeout(() => done('still running'), seconds * 1000));
  return await Promise.race([window.jupyterapp.commands.execute('notebook:run-cell'), late]);
}"""
EXECUTION_COUNTS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(cell => cell.model.type === 'code').map(cell => cell.model.executionCount)"""
SHUT_DOWN_KERNEL = "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"
WIDGET_STATES = """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
  .filter(out => !out.parentElement.closest('.jp-OutputArea-output'))
  .map(out => {
    const failed = out.querySelector('.jupyter-widgets-error-widget');
    if (failed) {
      failed.parentElement.click();
      return 'broken: ' + failed.innerText.split('\\n').slice(1, 3).join(' ');
    }
    if (out.textContent.startsWith('Loading widget')) return 'loading';
    if (out.classList.contains('jupyter-widgets')) return 'broken: ' + out.textContent;
    return out.querySelector(':scope > .jupyter-widgets') ? 'rendered' : null;
  })
  .filter(state => state !== null)"""
"""How each widget shown as a cell output stands; an ipywidgets error widget (a view whose
JavaScript failed) is clicked to show its error."""
SETTLED = f"() => !({WIDGET_STATES})().includes('loading')"


def open_notebook(page: Any, lab: Lab, path: str) -> None:
    """Open ``path`` (relative to the served folder) in a fresh workspace; wait for its kernel."""
    page.goto(f"{lab.url}/lab/tree/{path}?reset", timeout=START_SECONDS * 1000)
    idle = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
    page.wait_for_selector(idle, timeout=START_SECONDS * 1000)


def error_outputs(page: Any) -> str:
    """The text of every error output in the notebook (a cell that raised)."""
    stderr = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    return "\n".join(page.locator(stderr).all_inner_texts())


def run_all_but_last(page: Any, name: str) -> None:
    """Run every cell above the last one (the notebooks close their workspace in it)."""
    ran = page.evaluate(RUN_ABOVE_LAST, RUN_SECONDS)
    assert ran is True, f"{name}: cells: {ran or 'one failed'}\n{error_outputs(page)}"


def run_last(page: Any, name: str) -> None:
    """Run the last cell; then every code cell has run once, in order, in this kernel."""
    ran = page.evaluate(RUN_LAST, RUN_SECONDS)
    assert ran is True, f"{name}: last cell: {ran or 'it failed'}\n{error_outputs(page)}"
    counts = page.evaluate(EXECUTION_COUNTS)
    assert counts == list(range(1, len(counts) + 1)), f"{name}: cells ran as {counts}"


def assert_widgets_rendered(page: Any, name: str, count: int | None = None) -> None:
    """Every widget the page shows as a cell output rendered (none broken); there are
    ``count`` of them, if given."""
    with contextlib.suppress(playwright.TimeoutError):  # the states say what still loads
        page.wait_for_function(SETTLED, timeout=SHOW_SECONDS * 1000)
    states = page.evaluate(WIDGET_STATES)
    broken = [s for s in states if s != "rendered"]
    assert not broken, f"{name}: a widget did not render in the browser ({BROKEN}): {broken}"
    assert BROKEN not in page.locator(".jp-Notebook").inner_text(), f"{name}: {BROKEN}"
    if count is not None:
        assert len(states) == count, f"{name}: {len(states)} widgets shown, not {count} stored"


def assert_visible(page: Any, name: str, expect: Expect) -> Any:
    """The notebook's main widget or table (``expect.visible`` holding ``expect.text``) shows;
    return it."""
    main = page.locator(expect.visible).filter(has_text=expect.text).first
    try:
        main.wait_for(state="visible", timeout=SHOW_SECONDS * 1000)
    except playwright.TimeoutError:
        raise AssertionError(
            f"{name}: nothing matching {expect.visible!r} with {expect.text!r} is visible"
        ) from None
    return main


def own_message(button: Any) -> str:
    """What the message area of the view holding ``button`` says."""
    return "\n".join(button.locator(OWN_MESSAGE).all_inner_texts())


def click_and_wait(page: Any, button: Any, seconds: float) -> None:
    """Click ``button``; wait (at most ``seconds``) until its view's message changes."""
    before = own_message(button)
    button.click()
    deadline = time.monotonic() + seconds
    while own_message(button) == before and time.monotonic() < deadline:
        page.wait_for_timeout(100)


def assert_click_reaches_kernel(
    page: Any,
    name: str,
    button: str,
    says: str,
    seconds: float = CLICK_SECONDS,
    view: str = "",
    fill: tuple[str, str] | None = None,
    first: str = "",
    choose: tuple[str, str] | None = None,
) -> None:
    """Click ``button`` (in the first widget output holding ``view``; after typing ``fill[1]``
    into its text box with placeholder ``fill[0]``, or clicking ``first`` and seeing the view's
    message change): its view's message area comes to say ``says`` (computed in the kernel),
    having said something else before."""
    enabled = page.locator(".widget-button:enabled", has_text=button)
    areas = page.locator(WIDGET_OUTPUT).filter(has=enabled)
    area = (areas.filter(has_text=view) if view else areas).first
    target = area.locator(".widget-button:enabled", has_text=button).first
    assert own_message(target) != says, f"{name}: {says!r} is shown before {button!r} is clicked"
    if fill:
        area.get_by_placeholder(fill[0], exact=True).first.fill(fill[1])
    if first:
        click_and_wait(page, area.locator(".widget-button:enabled", has_text=first).first, seconds)
    if choose:
        dropdown = area.locator(".widget-dropdown", has_text=choose[0]).first
        dropdown.locator("select").select_option(label=choose[1])
    target.click()
    deadline = time.monotonic() + seconds
    while (said := own_message(target)) != says and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert said == says, f"{name}: after clicking {button!r} the view says {said!r}, not {says!r}"


def assert_a_click_changes_a_view(
    page: Any, name: str, label: str = "", tries: int = 3, seconds: float = CLICK_SECONDS
) -> None:
    """Click enabled widget buttons (with ``label`` in their text) in turn, at most ``tries``
    within ``seconds``: one of them changes the text of the output it is in (the kernel
    answered the click). A page with no such button has nothing to click."""
    buttons = page.locator(f"{WIDGET_OUTPUT} .widget-button:enabled", has_text=label)
    tried: list[str] = []
    if not buttons.count():
        return
    for index in range(min(tries, buttons.count())):
        button = buttons.nth(index)
        area = button.locator(f"xpath=ancestor::div[{OUTPUT_XPATH}][last()]")
        before, tried = area.inner_text(), [*tried, button.inner_text()]
        button.click()
        deadline = time.monotonic() + seconds / tries
        while area.inner_text() == before and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        after = area.inner_text()
        if after != before:
            assert FAILED_CALLBACK not in after, (
                f"{name}: clicking {tried[-1]!r} raised in the kernel: {after[-600:]}"
            )
            return
    raise AssertionError(
        f"{name}: clicking {tried} changed nothing in the page; name a button and what its"
        f" view then says in EXPECT ({Path(__file__).name})"
    )


def check_clicks(page: Any, name: str, expect: Expect) -> None:
    """The click ``expect`` asks for, if any, reaches the kernel."""
    if expect.click == "*":
        assert_a_click_changes_a_view(page, name)
    elif expect.click:
        assert_click_reaches_kernel(
            page,
            name,
            expect.click,
            expect.says,
            view=expect.view,
            fill=expect.fill,
            first=expect.first,
            choose=expect.choose,
        )


def check_notebook(page: Any, lab: Lab, notebook: Path, expect: Expect) -> Path:
    """Open, run, check and screenshot one notebook; return the screenshot's path."""
    name = notebook.name
    open_notebook(page, lab, f"notebooks/{name}")
    run_all_but_last(page, name)
    assert_widgets_rendered(page, name)
    check_clicks(page, name, expect)
    run_last(page, name)
    assert_widgets_rendered(page, name, stored_widget_views(notebook))
    assert_visible(page, name, expect).scroll_into_view_if_needed()
    shot = SHOTS / f"{notebook.stem}.png"
    page.screenshot(path=str(shot))
    page.evaluate(SHUT_DOWN_KERNEL)
    return shot


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_its_widgets_work_in_chromium(lab: Lab, browser: Any, notebook: Path):
    """Every cell runs in JupyterLab, the widgets render, a click reaches the kernel."""
    expect = EXPECT.get(notebook.name) or default_expect(notebook)
    page = browser.new_page(viewport=VIEWPORT)
    try:
        shot = check_notebook(page, lab, notebook, expect)
    except (AssertionError, playwright.Error) as exc:
        page.screenshot(path=str(SHOTS / f"{notebook.stem}-failed.png"))
        with contextlib.suppress(playwright.Error):  # the notebook still removes its workspace
            page.evaluate(RUN_LAST, SHOW_SECONDS)
        raise AssertionError(f"{exc}\n-- JupyterLab's log ends:\n{lab.log_tail()}") from exc
    finally:
        page.close()
    assert shot.stat().st_size > 10_000, f"{shot} is (almost) empty"


# -- the check can fail --------------------------------------------------------------------------

SELF_TEST = [
    '''import ipywidgets as w
from traitlets import Unicode

from syncengine.ui.common import View


class Ghost(w.DOMWidget):
    """A widget whose JavaScript exists nowhere: no page can render it."""

    _model_name = Unicode("GhostModel").tag(sync=True)
    _model_module = Unicode("qbsync-no-such-widgets").tag(sync=True)
    _model_module_version = Unicode("0.0.1").tag(sync=True)
    _view_name = Unicode("GhostView").tag(sync=True)
    _view_module = Unicode("qbsync-no-such-widgets").tag(sync=True)
    _view_module_version = Unicode("0.0.1").tag(sync=True)


class Counter(View):
    """A button; wired, each click is counted in the kernel and said."""

    def __init__(self, label, wired=True):
        super().__init__()
        self.clicks = 0
        self.button = w.Button(description=label)
        if wired:
            self.on_click(self.button, self.count)
        self.widget = w.VBox([self.button, self.message, self.output])

    def count(self):
        self.clicks += 1
        self.say(f"click {self.clicks} counted in the kernel", "done")


class Broken(Counter):
    """A button whose callback raises: the view says so, which is a bug, not an answer."""

    def count(self):
        raise KeyError("no such record")''',
    'Counter("Count")',
    'Counter("Tally")',
    'Counter("Deaf", wired=False)',
    'Broken("Crash")',
    "Ghost()",
    'print("the last cell")',
]
"""A notebook made to fail the check: a widget the page cannot render, and a button whose
click the kernel never answers or answers with an exception, beside two whose clicks it
answers."""


def write_notebook(path: Path, sources: list[str]) -> None:
    """A notebook of code cells with ``sources``, for the project's kernel."""
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
        for s in sources
    ]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4}
    path.write_text(json.dumps({**notebook, "nbformat_minor": 5}), encoding="utf-8")


@pytest.fixture(scope="module")
def failing_page(lab: Lab, browser: Any) -> Iterator[Any]:
    """The page of :data:`SELF_TEST`, run but for its last cell."""
    write_notebook(lab.site / "check-can-fail.ipynb", SELF_TEST)
    page = browser.new_page(viewport=VIEWPORT)
    open_notebook(page, lab, "check-can-fail.ipynb")
    run_all_but_last(page, "check-can-fail.ipynb")
    yield page
    page.evaluate(SHUT_DOWN_KERNEL)
    page.close()


def test_check_fails_on_a_widget_the_page_cannot_render(failing_page: Any):
    """A widget whose JavaScript model exists nowhere fails the check, with the page's error."""
    failed = r"did not render in the browser.*Failed to load model class 'GhostModel'"
    with pytest.raises(AssertionError, match=failed):
        assert_widgets_rendered(failing_page, "check-can-fail.ipynb", 5)


def test_check_passes_a_click_the_kernel_answers(failing_page: Any):
    """A click on a wired button comes back as the message the kernel computed."""
    assert_click_reaches_kernel(failing_page, "-", "Count", "click 1 counted in the kernel")


def test_check_fails_on_a_click_the_kernel_never_answers(failing_page: Any):
    """A click whose view never says what was expected fails the check."""
    with pytest.raises(AssertionError, match="after clicking 'Deaf' the view says ''"):
        assert_click_reaches_kernel(failing_page, "-", "Deaf", "click 1 counted", seconds=2)


def test_default_click_check_passes_when_a_button_changes_its_view(failing_page: Any):
    """The check for notebooks not in EXPECT: a click that changes its output passes."""
    assert_a_click_changes_a_view(failing_page, "-", label="Tally")


def test_default_click_check_passes_a_page_with_nothing_to_click(failing_page: Any):
    """A notebook whose widgets have no enabled button has no click to check."""
    assert_a_click_changes_a_view(failing_page, "-", label="No such button")


def test_default_click_check_fails_when_no_click_changes_anything(failing_page: Any):
    """The same check fails when clicking changes nothing in the page."""
    with pytest.raises(AssertionError, match=r"clicking \['Deaf'\] changed nothing"):
        assert_a_click_changes_a_view(failing_page, "-", label="Deaf", seconds=2)


def test_default_click_check_fails_when_the_click_raises_in_the_kernel(failing_page: Any):
    """A click that changes the view only to show an exception is a failure, not an answer."""
    with pytest.raises(AssertionError, match=r"clicking 'Crash' raised in the kernel"):
        assert_a_click_changes_a_view(failing_page, "-", label="Crash")
