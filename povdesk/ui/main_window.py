"""The main window: places on the left, the household list with search, one household's detail.

Public API other features plug into (keep it stable):

* ``menus: dict[str, QMenu]`` with keys "file", "data", "checks", "print", "changes", "view", "help";
* ``add_dock(widget, title, area)`` -> QDockWidget (its toggle appears in the View menu);
* signal ``household_selected(int)``;
* ``current_household_id()``, ``selected_household_ids()``, ``current_place()``, ``places()``;
* ``open_household(household_id, field_key=None, member_id=None)``: select it, show it, highlight
  that field (that member's, when given);
* ``refresh()``: reload counts, list and detail after data changed;
* ``after_list_shown(fn)``: run ``fn`` once the list has shown its first rows (at once if it has):
  a feature's start-up reads (figures, counts, queues) wait for it, not competing with the list;
* ``_wire_features()``: where each feature adds its few lines (menus, docks).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabBar,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from povdesk import APP_DISPLAY_NAME, __version__
from povdesk.config import data_dir
from povdesk.domain.records import CountyNode, ProblemRecord
from povdesk.services.facade import Services
from povdesk.services.registry import HouseholdFilter
from povdesk.ui import list_filters
from povdesk.ui.household_detail import HouseholdDetailView
from povdesk.ui.household_table import COLUMNS, HouseholdTableModel
from povdesk.ui.messages import show_error, ui_language
from povdesk.ui.navigator import NavigatorModel
from povdesk.ui.people import display_names
from povdesk.ui.tasks import read_ahead, run_in_background

SEARCH_DELAY_MS = 250
#: a docked panel scrolls inside its dock below one row of its text and this margin (its buttons)
DOCK_ROW_MARGIN = 24
MENU_KEYS = ("file", "data", "checks", "print", "changes", "view", "help")

_windows: list[MainWindow] = []


def server_place(url: str) -> str:
    """"povdesk on db.office.local:5432" from a connection URL: the database and its server, no
    driver, login or password."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    if not host and "host=" in parts.query:  # a Unix socket: the folder stands for the server
        host = parse_qs(parts.query).get("host", [""])[0]
    return QCoreApplication.translate("MainWindow", "{0} on {1}").format(name, host) if host else name  # windows opened from File > Open stay alive here


#: rows the first start fits the columns to (the list's first pages)
FIT_ROWS = 40


def ui_state() -> QSettings:
    """Window geometry, splitters and column widths: UI state, kept apart from the app settings."""
    return QSettings(str(data_dir() / "ui-state.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    household_selected = Signal(int)

    def __init__(self, *, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("mainWindow")
        self._pending: tuple[int, str | None, int | None] | None = None  # household, field, member
        self._docks: list[QDockWidget] = []
        self._first_load = True
        self._header_restored = False
        self._state_restored = False  # a saved layout (docks, splitters) was put back
        self._laid_out = False
        #: the first household's detail is shown once the list has painted (off the start's path)
        self.detail_due = False
        #: the features' start-up work waiting for the list's first rows (`after_list_shown`); None
        #: once it has run. On two cores their reads (the dashboard's figures, a million problems
        #: counted per village) took the list's CPU while the window was built: it showed 0.6 s later.
        self._after_list: list[Callable[[], None]] | None = []
        self._totals = (0, 0)  # households, members in the database (the navigator's load sets them)
        #: the bottom docks' height per central view ("dashboard", "list"): low under the charts,
        #: a quarter of the window under the list; what the user sets in a view is kept for it
        self._dock_heights: dict[str, int] = {}
        self._view = "list"
        # the places with their household and member counts (0.15 s of SQL at 52,000 households)
        # are read beside the building of the window; _load_navigator takes them (the features
        # are built before it, or their first call of places())
        self._places: list[CountyNode] = []
        self._places_ahead: Future[list[CountyNode]] | None = read_ahead(services.registry.navigator)

        # ---------------------------------------------------------------- navigator
        self.navigator_model = NavigatorModel(parent=self)
        self.navigator = QTreeView()
        self.navigator.setObjectName("navigator")
        self.navigator.setModel(self.navigator_model)
        self.navigator.setUniformRowHeights(True)
        self.navigator.setAlternatingRowColors(True)
        self.navigator.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.navigator.header().setStretchLastSection(False)

        # ---------------------------------------------------------------- list and search
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search by name, ID number or household number"))
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._run_search)
        self.place_label = QLabel()
        self.place_label.setObjectName("placeLabel")
        self.place_label.setStyleSheet("color: #555;")
        self.count_label = QLabel()

        self.table_model = HouseholdTableModel(services=services, parent=self)
        self.table_model.load()  # the SQL runs on a worker while the rest of the window is built
        self.table = QTableView()
        self.table.setObjectName("householdTable")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        # fit to the first rows only, never page the whole list (0 means the visible rows, but every
        # row while the list is hidden behind the dashboard's tab: 52,000 rows fetched at first start)
        header.setResizeContentsPrecision(FIT_ROWS)
        header.setStretchLastSection(False)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # first, or enabling sorts descending
        self.table.setSortingEnabled(True)
        self._default_column_widths()

        list_pane = QWidget()
        lay = QVBoxLayout(list_pane)
        lay.setContentsMargins(6, 6, 6, 0)
        lay.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.place_label)
        lay.addLayout(top)
        self.list_filters = list_filters.install(self, lay)  # status, attribute, … and export
        lay.addWidget(self.table, 1)

        # ---------------------------------------------------------------- detail
        self.detail = HouseholdDetailView()
        self.detail.problem_activated.connect(self._problem_activated)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(list_pane)
        self.right_splitter.addWidget(self.detail)
        self.right_splitter.setStretchFactor(0, 5)
        self.right_splitter.setStretchFactor(1, 6)
        self.right_splitter.setSizes([420, 480])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.navigator)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([360, 1080])
        self.setCentralWidget(self.main_splitter)

        # ---------------------------------------------------------------- status bar
        self.db_label = QLabel()
        self.db_label.setObjectName("databaseLabel")
        self.db_label.setStyleSheet("color: #555;")
        self.statusBar().addWidget(self.count_label)
        # the demo county is marked as such wherever the window shows its name (title, status bar)
        self.demo = self.services.db.meta("demo") is not None
        self.demo_label = QLabel(self.tr("Demo county: invented data"))
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setStyleSheet("color: #fff; background: #c05a00; padding: 1px 6px; border-radius: 3px;")
        self.demo_label.setToolTip(self.tr("This database was built by `povdesk demo`: its villages, people "
                                           "and faults are invented, for trying povdesk out."))
        self.demo_label.setVisible(self.demo)
        self.statusBar().addPermanentWidget(self.demo_label)
        self.statusBar().addPermanentWidget(self.db_label)

        # ---------------------------------------------------------------- menus
        self.menus: dict[str, QMenu] = {}
        self._build_menus()

        # ---------------------------------------------------------------- wiring
        self.navigator.selectionModel().currentChanged.connect(self._place_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_counts())
        self.table_model.loaded.connect(self._list_loaded)
        self.table_model.load_failed.connect(self._list_failed)

        self._wire_features()  # a feature asking for places() takes them (they are read meanwhile)
        if self._places_ahead is not None:
            self._load_navigator()
        self._arrange_keys()
        self._one_menu_each()
        self._hide_empty_menus()
        tabs = self.central_tabs()
        if tabs is not None:
            self._view = self.current_view()
            tabs.currentChanged.connect(self._view_switched)
        self.setWindowTitle(self._title())
        self.resize(1440, 900)
        self._restore_state()

    # ================================================================== features plug in here
    def _wire_features(self) -> None:
        """Each feature adds its few lines here: its menu actions (self.menus[...]) and docks.

        Keep each block short and import inside it, so one broken feature shows its own error.
        """
        # --- dashboard (the first tab, beside the list; follows the tree, drills down) ----------
        from povdesk.ui.dashboard import install_dashboard

        self.dashboard = install_dashboard(self)
        # --- import wizard (data menu) -------------------------------------------------------
        from povdesk.ui.import_wizard import install_import_actions

        install_import_actions(self)
        # --- checks panel (checks menu, problems dock) ----------------------------------------
        from povdesk.ui.problems_panel import install_checks

        install_checks(self)
        # --- printing (print menu) -------------------------------------------------------------
        from povdesk.ui.print_dialog import install_print_actions

        install_print_actions(self)
        # --- logins (status bar: who is logged in; file menu: the director's users) -------------
        from povdesk.ui.login import install_users

        install_users(self)
        # --- settings (file menu: language, office, users and roles, pages others register) -----
        from povdesk.ui.backup_page import BackupPage
        from povdesk.ui.settings_dialog import install_settings, register_page

        register_page("backups", lambda: QCoreApplication.translate("BackupDialog", "Backup and restore"),
                      lambda services, parent: BackupPage(services=services, parent=parent))
        install_settings(self)
        # --- change requests (changes menu, detail's correction button, scan field) -----------
        from povdesk.ui.change_dialog import install_correction_actions

        install_correction_actions(self)
        from povdesk.ui.village_requests import install_village_requests

        install_village_requests(self)  # before the "New request" menus, which list its two types
        from povdesk.ui.adjust_dialog import install_adjust_actions

        install_adjust_actions(self)
        from povdesk.ui.forms_import import install_forms_import

        install_forms_import(self)
        from povdesk.ui.journal_view import install_journal

        install_journal(self)
        from povdesk.ui.changes_panel import install_changes_panel

        install_changes_panel(self)
        # --- monthly packages (changes menu: export, history, office key) ----------------------
        from povdesk.ui.package_history import install_package_actions

        install_package_actions(self)
        # --- help (user guide, keyboard shortcuts) ----------------------------------------------
        from povdesk.ui.help import install_help

        install_help(self)
        # --- desks see each other (other desks' commits refresh rows, queues, counts) -----------
        from povdesk.ui.live import install_live

        self.live = install_live(self)  # its listener starts with `self.live.start()` (app.py, once shown)

    # ================================================================== public API
    def add_dock(self, widget: QWidget, title: str,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """Dock a feature's panel; its show/hide toggle goes into the View menu."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{widget.objectName() or len(self._docks)}")
        one_row = widget.fontMetrics().height() + DOCK_ROW_MARGIN
        if widget.minimumSizeHint().height() > one_row:
            # a panel taller than one row scrolls inside its dock rather than holding every docked
            # panel (they share the dock's height when tabbed) taller than a 768-pixel screen can
            # spare; so the docks shrink to their title row under the dashboard's charts
            scroll = QScrollArea()
            scroll.setObjectName(f"scroll_{widget.objectName()}")
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(widget)
            scroll.setMinimumHeight(one_row)
            dock.setWidget(scroll)
        else:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        horizontal = area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        # a docked panel starts modest, so the list and the detail keep most of the window
        self.resizeDocks([dock], [360 if horizontal else 300],
                         Qt.Orientation.Horizontal if horizontal else Qt.Orientation.Vertical)
        self.menus["view"].addAction(dock.toggleViewAction())
        self.menus["view"].menuAction().setVisible(True)
        self._docks.append(dock)
        return dock

    def after_list_shown(self, fn: Callable[[], None]) -> None:
        """Run `fn` once the household list has shown its first rows, or at once if it has: the
        start-up work of a feature the list does not need (its figures, counts, queues)."""
        if self._after_list is None:
            fn()
        else:
            self._after_list.append(fn)

    @property
    def starting(self) -> bool:
        """The features' start-up work still waits for the list's first rows (tests wait on it)."""
        return self._after_list is not None

    def _run_after_list(self) -> None:
        waiting, self._after_list = self._after_list, None
        for fn in waiting or ():
            try:
                fn()
            except Exception as exc:  # one feature's failure leaves the others' start-up work running
                show_error(self, exc)

    def show_list(self) -> None:
        """Bring the household list and detail to the front (the dashboard's tab is the first view)."""
        tabs = self.findChild(QTabWidget, "centralTabs")
        if tabs is not None:
            tabs.setCurrentWidget(self.right_splitter)

    def central_tabs(self) -> QTabWidget | None:
        """The tabs holding the dashboard and the list (None: a window without the dashboard)."""
        return self.findChild(QTabWidget, "centralTabs")

    def current_view(self) -> str:
        """"dashboard" or "list": which of the two central views is in front."""
        tabs = self.central_tabs()
        if tabs is not None and tabs.currentWidget() is not self.right_splitter:
            return "dashboard"
        return "list"

    def places(self) -> list[CountyNode]:
        """The county → township → village tree with counts, as last loaded (reuse, don't re-query)."""
        if self._places_ahead is not None:  # still being read beside the window's building
            self._load_navigator()
        return list(self._places)

    def current_household_id(self) -> int | None:
        index = self.table.currentIndex()
        if index.isValid():
            return self.table_model.household_id(index.row())
        return self.detail.household_id()

    def selected_household_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.table_model.household_id(r) for r in rows]
        return [i for i in ids if i is not None]

    def current_place(self) -> tuple[str, int] | None:
        return self.navigator_model.place(self.navigator.currentIndex())

    def open_household(self, household_id: int, field_key: str | None = None, member_id: int | None = None) -> None:
        """Select the household in the list (widening the list if needed), show it, mark the field
        (of that member, when a member is given)."""
        self.show_list()
        row = self.table_model.row_of(household_id)
        if row is None:
            self._pending = (household_id, field_key, member_id)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.search_timer.stop()
            self.navigator.selectionModel().clearCurrentIndex()
            self.navigator.clearSelection()
            self.place_label.setText("")
            self.table_model.load(replace(self.table_model.query, township_id=None, village_id=None,
                                          text="", include_inactive=True))
            self._show_household(household_id, field_key, member_id)
            return
        self._select_row(row)
        self._show_household(household_id, field_key, member_id)

    def show_households(self, criteria: HouseholdFilter) -> None:
        """The household list filtered by `criteria` (a dashboard figure's drill-down)."""
        list_filters.show_households(self, criteria)

    def refresh(self) -> None:
        """Data changed: reload counts, the list (keeping the current household) and the detail."""
        self.services.db.invalidate_codebook()
        current = self.current_household_id()
        self._load_navigator()
        if current is not None:
            self._pending = (current, self.detail.highlighted_field(), self.detail.highlighted_member())
        self.table_model.reload()
        if current is not None:
            self._show_household(current, self.detail.highlighted_field(), self.detail.highlighted_member())

    # ================================================================== menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        titles = {
            "file": self.tr("&File"),
            "data": self.tr("&Data"),
            "checks": self.tr("&Checks"),
            "print": self.tr("&Print"),
            "changes": self.tr("C&hanges"),
            "view": self.tr("&View"),
            "help": self.tr("&Help"),
        }
        for key in MENU_KEYS:
            menu = bar.addMenu(titles[key])
            menu.setObjectName(f"menu_{key}")
            self.menus[key] = menu

        open_action = QAction(self.tr("&Open database…"), self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_database)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        self.menus["file"].addAction(open_action)
        backup_action = QAction(self.tr("&Backup and restore…"), self)
        backup_action.setObjectName("backupAction")
        backup_action.triggered.connect(self.show_backups)
        self.menus["file"].addAction(backup_action)
        self.menus["file"].addSeparator()
        self.menus["file"].addAction(quit_action)

        refresh_action = QAction(self.tr("&Refresh"), self)
        refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh_action.triggered.connect(self.refresh)
        self.menus["data"].addAction(refresh_action)
        self.actions_by_name = {"open": open_action, "quit": quit_action, "refresh": refresh_action,
                                "backups": backup_action}

        find_action = QAction(self.tr("&Find household"), self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        def find_household() -> None:
            self.search.setFocus()
            self.search.selectAll()

        find_action.triggered.connect(find_household)
        self.addAction(find_action)
        nav_action = QAction(self.tr("&Places"), self)
        nav_action.setCheckable(True)
        nav_action.setChecked(True)
        nav_action.toggled.connect(self.navigator.setVisible)
        self.menus["view"].addAction(nav_action)
        self.actions_by_name.update(find=find_action, places=nav_action)

        about_action = QAction(self.tr("&About povdesk"), self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        self.menus["help"].addAction(about_action)
        self.actions_by_name["about"] = about_action

    def show_backups(self) -> None:
        from povdesk.ui.backup_page import BackupDialog

        BackupDialog(services=self.services, parent=self).open()

    #: keys for the frequent actions that their feature left without one (name in actions_by_name)
    EXTRA_KEYS: ClassVar[dict[str, str]] = {"year_settings": "Ctrl+Shift+Y", "problems": "Ctrl+Shift+L"}

    def _arrange_keys(self) -> None:
        """Give the frequent actions their keys (Help > Keyboard shortcuts lists them all)."""
        dock = getattr(self, "problems_dock", None)
        if dock is not None:
            self.actions_by_name.setdefault("problems", dock.toggleViewAction())
        for name, keys in self.EXTRA_KEYS.items():
            action = self.actions_by_name.get(name)
            if action is not None and action.shortcut().isEmpty():
                action.setShortcut(QKeySequence(keys))

    def _one_menu_each(self) -> None:
        """A panel toggled from its feature's menu (Checks > Problems) is not listed again in View."""
        view = self.menus["view"]
        elsewhere = {id(a) for key, menu in self.menus.items() if key != "view" for a in menu.actions()}
        for action in view.actions():
            if id(action) in elsewhere:
                view.removeAction(action)

    def _hide_empty_menus(self) -> None:
        for menu in self.menus.values():
            menu.menuAction().setVisible(bool(menu.actions()))

    def database_place(self) -> str:
        """Where the data is, in words: the file's path, or the database on its server (never
        a connection URL)."""
        path = self.services.db.path
        if path is not None:
            return self.tr("file {0}").format(str(path))
        return server_place(str(self.services.db.url)) or self.tr("a database server")

    def about_text(self) -> str:
        status = self.services.maintenance.status()
        counts = status.counts
        households, members = self._totals
        return self.tr(
            "<h3>{0} {1}</h3><p>The county workstation for the registered poor-household data.</p>"
            "<p>Database: {2}<br>Schema revision: {3}</p>"
            "<p>Households: {4} registered ({5} recorded, cancelled households included)<br>"
            "Members: {6} current ({7} recorded, members who died or moved away included; "
            "the status bar counts the current ones)<br>Journal entries: {8}</p>").format(
            APP_DISPLAY_NAME, __version__, html.escape(self.database_place()), status.revision or "-",
            f"{households:,}", f"{counts.get('households', 0):,}", f"{members:,}",
            f"{counts.get('members', 0):,}", f"{counts.get('changes', 0):,}")

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About povdesk"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.about_text())
        box.setIcon(QMessageBox.Icon.Information)
        box.open()

    def _choose_database(self) -> None:
        start = str(self.services.db.path.parent) if self.services.db.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open database"), start,
                                              self.tr("povdesk databases (*.sqlite *.db);;All files (*)"))
        if path:
            self.open_database(path)

    def open_database(self, path: str) -> None:
        """Open another database (migrating it after a backup) in a new window; this one closes."""
        from povdesk.services.database import Database

        user = self.services.db.user

        def work(_progress: Any, _cancel: Any) -> Services:
            return Services(db=Database.open(path, user=user))

        def opened(services: Services) -> None:
            from povdesk.ui.login import log_in

            if not log_in(services, self):
                services.close()
                return
            window = MainWindow(services=services)
            _windows.append(window)
            window.show()
            window.live.start()  # other desks' commits refresh it, as in the first window
            self.live.stop()
            self.close()

        run_in_background(work, parent=self, on_done=opened,
                          progress_label=self.tr("Opening {0}…").format(Path(path).name),
                          cancellable=False, writes=True)

    def reopen(self) -> MainWindow:
        """This database in a new window built in the language now installed (the settings'
        language switch: every text is made anew, no widget needs retranslating); this one closes.
        The services, the login and the window's remembered layout carry over."""
        self.save_state()
        window = MainWindow(services=self.services)
        _windows.append(window)
        window.setGeometry(self.geometry())
        window.setWindowState(self.windowState())
        window.show()
        window.live.start()
        self.live.stop()
        self.close()
        if self in _windows:
            _windows.remove(self)
        return window

    # ================================================================== loading
    def _title(self) -> str:
        path = self.services.db.path
        name = path.name if path is not None else server_place(str(self.services.db.url))
        if self.services.db.meta("demo") is not None:
            name = self.tr("{0} (demo county)").format(name)
        return f"{name} — {APP_DISPLAY_NAME}"

    def _load_navigator(self) -> None:
        ahead, self._places_ahead = self._places_ahead, None
        counties = ahead.result() if ahead is not None else self.services.registry.navigator()
        self._places = counties
        place = self.current_place()
        self.navigator_model.set_tree(counties, {})
        # a million problems take a moment to count: the places show first, their counts follow
        # once the list shows (an error leaves the places without counts rather than not shown)
        from povdesk.ui.navigator import load_problem_counts

        self.after_list_shown(lambda: load_problem_counts(self.navigator_model, self.services, parent=self))
        self.navigator.expandToDepth(0)
        header = self.navigator.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.navigator_model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        if place is not None:
            index = self.navigator_model.index_of(*place)
            if index.isValid():
                self.navigator.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        self.db_label.setText(self.tr("Database: {0}").format(self.database_place()))
        share = self.services.db.network_share_warning(ui_language())
        if share:  # a SQLite file on a network share: unsupported (docs/多机部署.md)
            self.db_label.setText(self.db_label.text() + " ⚠")
            self.db_label.setStyleSheet("color: #b00;")
            self.db_label.setToolTip(share)
        self._totals = (sum(c.households for c in counties), sum(c.members for c in counties))

    def _place_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        place = self.navigator_model.place(current)
        township_id = place[1] if place and place[0] == "township" else None
        village_id = place[1] if place and place[0] == "village" else None
        node = self.navigator_model.node(current)
        self.place_label.setText(node.name if node is not None and place is not None else "")
        query = replace(self.table_model.query, township_id=township_id, village_id=village_id,
                        include_inactive=self.list_filters.inactive.isChecked())
        if query != self.table_model.query:
            self.table_model.load(query)

    def _run_search(self) -> None:
        self.search_timer.stop()
        text = self.search.text().strip()
        if text == self.table_model.query.text:
            return
        self.table_model.load(replace(self.table_model.query, text=text))

    def _list_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        if self._after_list is not None:  # the features start without the list
            QTimer.singleShot(0, self._run_after_list)

    def _list_loaded(self, count: int) -> None:
        self._show_list_loaded(count)
        if self._after_list is not None:  # after the list's paint and its first detail (queued before)
            QTimer.singleShot(0, self._run_after_list)

    def _show_list_loaded(self, count: int) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        order = Qt.SortOrder.DescendingOrder if self.table_model.query.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(self.table_model.sort_column(), order)
        header.blockSignals(False)
        self._update_counts()
        if self._pending is not None:
            household_id, field_key, member_id = self._pending
            self._pending = None
            row = self.table_model.row_of(household_id)
            if row is not None:
                self._select_row(row, emit=self.detail.household_id() != household_id)
                if field_key:
                    self.detail.highlight(field_key, member_id)
            return
        if count and self._first_load and not self._header_restored:
            self._fit_columns()
        if count and (self._first_load or not self.table.currentIndex().isValid()):
            self.detail_due = self._first_load  # at start: the list first, its first household's detail just after
            self._select_row(0)
            if self.detail_due:
                QTimer.singleShot(0, self._show_due_detail)
        elif not count:
            self.detail.clear()
        self._first_load = False

    def _update_counts(self) -> None:
        shown = self.table_model.rowCount()
        households, members = self._totals
        text = self.tr("{0} households shown · {1} households, {2} current members in the database").format(
            f"{shown:,}", f"{households:,}", f"{members:,}")
        selected = len(self.table.selectionModel().selectedRows())
        if selected > 1:
            text += " · " + self.tr("{0} selected").format(f"{selected:,}")
        self.count_label.setText(text)

    def _select_row(self, row: int, *, emit: bool = True) -> None:
        index = self.table_model.index(row, 0)
        sel = self.table.selectionModel()
        if not emit:
            sel.blockSignals(True)
        sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                            | QItemSelectionModel.SelectionFlag.Rows)
        if not emit:
            sel.blockSignals(False)
            self.table.viewport().update()
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        household_id = self.table_model.household_id(current.row()) if current.isValid() else None
        if household_id is not None and household_id != self.detail.household_id():
            if self.detail_due:  # shown by _show_due_detail, once the list has painted
                return
            self._show_household(household_id, None)

    def _show_due_detail(self) -> None:
        if not self.detail_due:
            return
        self.detail_due = False
        household_id = self.current_household_id()
        if household_id is not None and household_id != self.detail.household_id():
            self._show_household(household_id, None)

    def _show_household(self, household_id: int, field_key: str | None, member_id: int | None = None) -> None:
        try:
            detail = self.services.registry.household(household_id)
            # the 两不愁三保障 box: the one assessment, against the office's year settings
            assessment = self.services.registry.assessment(household_id)
        except Exception as exc:
            self.detail.clear()
            show_error(self, exc)
            return
        problems: list[ProblemRecord] | None = None
        try:
            problems = list(self.services.checks.open_problems(household_id))
        except Exception as exc:  # the household is shown without its problems rather than not at all
            show_error(self, exc)
        self.detail.show_detail(detail, codebook=self.services.db.codebook(),
                                data_year=self.services.db.data_year, problems=problems,
                                assessment=assessment, people=display_names(self.services))
        if field_key:
            self.detail.highlight(field_key, member_id)
        self.household_selected.emit(household_id)

    def _problem_activated(self, problem: ProblemRecord) -> None:
        if problem.fields:
            self.detail.highlight(problem.fields[0], problem.member_id)

    # ================================================================== UI state
    def _default_column_widths(self) -> None:
        fm = self.table.fontMetrics()
        widths = {"household_no": "51343720420100001", "head_name": "阿约日哈某某", "township": "西宁镇西宁",
                  "village": "某某某某村", "group_name": "某某组", "size": "家庭人口数",
                  "members": "在册人数", "attribute": "一般贫困户", "status": "已脱贫(享受政策)",
                  "per_capita_net": "人均纯收入(元)"}
        for col, (attr, *_rest) in enumerate(COLUMNS):
            sample = widths.get(attr, "某某某某")
            self.table.setColumnWidth(col, fm.horizontalAdvance(sample) + 28)

    def _fit_columns(self) -> None:
        """First start: columns as wide as their header and the visible rows, within bounds."""
        header = self.table.horizontalHeader()
        for col in range(self.table_model.columnCount()):
            self.table.resizeColumnToContents(col)
            header.resizeSection(col, min(max(header.sectionSize(col) + 12, 60), 280))

    @staticmethod
    def _header_key() -> str:
        """Column widths are kept per language: English headings are wider than Chinese ones."""
        return f"main/tableHeader/{ui_language()}"

    def _restore_state(self) -> None:
        s = ui_state()
        for view in ("dashboard", "list"):
            height = s.value(f"main/dockHeight/{view}")
            if height is not None and str(height).isdigit():
                self._dock_heights[view] = int(height)
        geometry = s.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        for key, widget in (("main/state", None), ("main/mainSplitter", self.main_splitter),
                            ("main/rightSplitter", self.right_splitter),
                            (self._header_key(), self.table.horizontalHeader())):
            value = s.value(key)
            if not isinstance(value, QByteArray):
                continue
            if widget is None:
                self._state_restored = self.restoreState(value)
            else:
                widget.restoreState(value)
                if key == self._header_key():
                    self._header_restored = True

    def save_state(self) -> None:
        s = ui_state()
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState())
        s.setValue("main/mainSplitter", self.main_splitter.saveState())
        s.setValue("main/rightSplitter", self.right_splitter.saveState())
        self._keep_dock_height()
        for view, height in self._dock_heights.items():
            s.setValue(f"main/dockHeight/{view}", height)
        s.setValue(self._header_key(), self.table.horizontalHeader().saveState())
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._laid_out:
            self._laid_out = True
            if not self._state_restored:
                self.default_layout()
            elif self._view in self._dock_heights:  # the height the user left for this view, once
                # the restored layout has been applied (at the first show)
                QTimer.singleShot(0, lambda: self._size_bottom_docks(self._dock_heights[self._view]))

    # ------------------------------------------------------------------ docks per view
    def _bottom_docks(self) -> list[QDockWidget]:
        return [d for d in self._docks if self.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea
                and not d.isFloating()]

    def _size_bottom_docks(self, height: int) -> None:
        bottom = self._bottom_docks()
        if bottom:
            self.resizeDocks(bottom, [height] * len(bottom), Qt.Orientation.Vertical)

    def _keep_dock_height(self) -> None:
        """Remember the bottom docks' height in the view in front (what the user left there)."""
        shown = [d.height() for d in self._bottom_docks() if d.isVisible()]
        if shown and self._laid_out:
            # resizeDocks sizes the area, tabs of tabbed docks included: keep that size
            tabs = [b.height() for b in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
                    if b.isVisible()]
            self._dock_heights[self._view] = max(shown) + max(tabs, default=0)

    def _view_switched(self, _index: int) -> None:
        """The dashboard and the list each keep their dock height: the charts get the height,
        the list shares it with the problems."""
        self._keep_dock_height()
        self._view = self.current_view()
        height = self._dock_heights.get(self._view)
        if height is not None and self._laid_out:
            self._size_bottom_docks(height)

    def collapsed_dock_height(self) -> int:
        """The bottom docks shrunk to their title row (and the tabs between them): the panel's
        first row peeks out, a drag or the list's tab gives it room."""
        bottom = [d for d in self._bottom_docks() if d.isVisible()] or self._bottom_docks()
        if not bottom:
            return 0
        dock = bottom[0]
        inner = dock.widget()
        title = inner.y() if inner is not None and inner.y() > 0 else dock.fontMetrics().height() + 8
        return title + dock.fontMetrics().height() + DOCK_ROW_MARGIN  # and one row of the panel

    def default_layout(self) -> None:
        """First start (nothing remembered): share the height so the list shows well over six rows
        and the detail several, on a 1366x768 office screen as on a large one. The docked panels
        get a quarter of the height under the list (their title row under the dashboard), the
        places a fifth of the width."""
        height, width = max(self.height(), 480), max(self.width(), 640)
        if self._bottom_docks():
            # under the list a quarter of the height; under the dashboard the title row only, so
            # both rows of charts fit a 768-pixel screen (each view keeps what the user sets)
            self._dock_heights["list"] = max(150, min(int(height * 0.26), 340))
            self._dock_heights["dashboard"] = self.collapsed_dock_height()
            self._size_bottom_docks(self._dock_heights[self.current_view()])
        # the places: their names and the count columns in full, at most a third of the width
        header = self.navigator.header()
        counts = sum(header.sectionSizeHint(c) for c in range(1, self.navigator_model.columnCount()))
        names = self.navigator.fontMetrics().horizontalAdvance("某某某某某某乡") + 48
        nav = max(220, min(counts + names + 20, int(width * 0.33)))
        self.main_splitter.setSizes([nav, width - nav])
        inner = max(self.right_splitter.height(), 300)
        self.right_splitter.setSizes([int(inner * 0.55), inner - int(inner * 0.55)])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.live.stop()  # a closed window listens to no other desk
        super().closeEvent(event)
