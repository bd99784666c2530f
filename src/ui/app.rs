//! The app: the session, the user's preferences and the transient view state; the frame
//! layout; and the one place where actions are applied.

mod author;
mod replace;

use std::path::{Path, PathBuf};

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, RichText};
use serde::{Deserialize, Serialize};

use super::a11y::label;
use super::actions::{Action, FilePurpose, Screen, Tab};
use super::charts::ChartView;
use super::classroom::{self, ClassView};
use super::confirm::{self, Replacement};
use super::derived::Derived;
use super::files::{self, FileWindow, NativeDialog, RestoreOffer};
use super::indicators::indicators_ui;
use super::notice::Notice;
use super::recover::{self, RecoverItem};
use super::reports::Reports;
use super::timeline::Rename;
use super::whatif::tab::whatif_ui;
use super::whatif::{Shown, WhatIf, WhatIfAction};
use super::worker::Wake;
use super::{
    actors, briefing, choices, debrief, help, lesson, menu, news, notice, student, timeline, why,
};
use crate::autosave::AutosaveStore;
use crate::platform;
use crate::scenario;
use crate::session::{Command, CommandError, Session};

/// What the user chose, kept between runs with eframe's persistence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark (`true`) or light theme; `None` follows the system.
    pub dark: Option<bool>,
    /// Most recently opened or saved files, newest first.
    pub recent: Vec<PathBuf>,
    /// Draw what was actually decided (the scenario's history) from the first week, not
    /// only once the scenario is over. Off by default, so that a class does not see the
    /// real outcome before it has decided; an exercise's own rule comes first.
    pub history_early: bool,
}

/// Transient view state: what is shown, not what is played. Never saved.
#[derive(Debug)]
pub struct View {
    pub screen: Screen,
    pub tab: Tab,
    pub charts: ChartView,
    pub help: bool,
    pub notice: Option<Notice>,
    pub rename: Option<Rename>,
    pub file_window: Option<FileWindow>,
    pub restore: Option<RestoreOffer>,
    /// The unsaved-work question, while it is asked.
    pub confirm: Option<Replacement>,
    /// File > Recover an autosave, while it is open.
    pub recover: Option<Vec<RecoverItem>>,
    /// The what-if analyses: their settings, jobs and results.
    pub whatif: WhatIf,
    /// The classroom windows: student name, hand-in, the teacher's.
    pub class: ClassView,
    /// What the weeks last committed brought, shown above the tabs until the next change.
    pub played: Option<String>,
    /// The report export and the class debrief windows.
    pub reports: Reports,
    /// The author's workbench, while it is open.
    pub workbench: Option<super::workbench::Workbench>,
    /// The workbench was closed with edits not saved: they are kept for when it reopens.
    pub workbench_hidden: bool,
}

impl View {
    fn new(session: &Session) -> Self {
        Self {
            screen: Screen::Briefing,
            tab: Tab::News,
            charts: ChartView::new(session.model()),
            help: false,
            notice: None,
            rename: None,
            file_window: None,
            restore: None,
            confirm: None,
            recover: None,
            whatif: WhatIf::new(session.model()),
            class: ClassView::default(),
            played: None,
            reports: Reports::default(),
            workbench: None,
            workbench_hidden: false,
        }
    }
}

/// The desktop app.
pub struct SandtableApp {
    /// The truth: what is played.
    session: Session,
    /// Where the session was last opened from or saved to.
    session_path: Option<PathBuf>,
    prefs: Prefs,
    view: View,
    /// Caches computed from the session; rebuilt when `stale`.
    derived: Derived,
    stale: bool,
    /// Actions queued by the panels this frame.
    actions: Vec<Action>,
    autosave: Option<AutosaveStore>,
    /// The state in words last given to the platform ([`platform::show_status`]).
    status: String,
    /// The scenario file being played, watched for changes made to it elsewhere.
    watch: Option<author::Watch>,
    /// The session file's text when it was last opened or saved, to tell unsaved work.
    saved_text: String,
    /// A replacement waiting for the session to be saved ("Save" in the question).
    after_save: Option<Replacement>,
    /// The user has agreed to close the app.
    quit_confirmed: bool,
    /// Whether to try the system file dialog.
    native_dialogs: bool,
    dialog: Option<NativeDialog>,
    /// The window title last sent.
    title: String,
    /// The egui context, once the first frame has run (for the dialog thread to wake it).
    ctx: Option<egui::Context>,
}

impl SandtableApp {
    /// The app as the binary starts it: preferences restored, the embedded scenario (or
    /// `file`), the autosave switched on.
    pub fn new(cc: &eframe::CreationContext<'_>, file: Option<PathBuf>) -> Self {
        let prefs: Prefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let (session, notice) = match scenario::default_model() {
            Ok(model) => (Session::new(model), None),
            Err(e) => (
                Session::new(fallback_model()),
                Some(Notice::file_error(
                    "The built-in scenario does not load",
                    &e,
                )),
            ),
        };
        let mut app = Self::build(session, prefs);
        app.view.notice = notice;
        app.native_dialogs = files::native_dialogs_available();
        for folder in app.prefs.recent.iter().filter_map(|p| p.parent()) {
            crate::files::remove_stale_temporaries(folder);
        }
        if let Some(dir) = files::default_autosave_dir() {
            if let Some(old_dir) = dir.parent() {
                crate::autosave::adopt_earlier_autosaves(old_dir, &dir);
            }
            app.start_autosave(AutosaveStore::new(dir));
        }
        if let Some(file) = file {
            app.apply(Action::Open(file));
        }
        app
    }

    /// The app on `session`, at its briefing, with no saved preferences, no autosave and no
    /// system dialogs: for tests.
    pub fn new_for_test(session: Session) -> Self {
        Self::build(session, Prefs::default())
    }

    /// Switches the autosave on, in `dir`; a crashed run's session found there is offered
    /// back in the app.
    pub fn with_autosave(self, dir: PathBuf) -> Self {
        self.with_autosave_store(AutosaveStore::new(dir))
    }

    /// Switches the autosave on with `store` (e.g. one owned by a process id that is gone,
    /// to leave what a crash leaves).
    pub fn with_autosave_store(mut self, store: AutosaveStore) -> Self {
        self.start_autosave(store);
        self
    }

    fn build(session: Session, prefs: Prefs) -> Self {
        let view = View::new(&session);
        Self {
            saved_text: session.to_ron(),
            after_save: None,
            quit_confirmed: false,
            session,
            session_path: None,
            prefs,
            view,
            derived: Derived::default(),
            stale: true,
            actions: Vec::new(),
            autosave: None,
            status: String::new(),
            watch: None,
            native_dialogs: false,
            dialog: None,
            title: String::new(),
            ctx: None,
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn session_path(&self) -> Option<&Path> {
        self.session_path.as_deref()
    }

    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    pub fn view(&self) -> &View {
        &self.view
    }

    /// The caches as of the last frame.
    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    /// Applies an action at once (the panels' actions are applied after each frame).
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Session(command) => self.apply_command(command),
            Action::Begin => {
                self.view.class.on_begin(&self.session);
                self.view.screen = Screen::Play;
                if self.session.is_finished() && self.session.at_head() {
                    self.view.tab = Tab::Debrief;
                }
            }
            Action::ShowBriefing => self.view.screen = Screen::Briefing,
            Action::SetTab(tab) => {
                if (tab != Tab::Debrief || self.session.is_finished())
                    && classroom::tab_shown(&self.session, tab)
                {
                    self.view.tab = tab;
                }
            }
            Action::ToggleChart(i) => {
                if let Some(on) = self.view.charts.selected.get_mut(i) {
                    *on = !*on;
                }
            }
            Action::ShowHistoryEarly(on) => {
                self.prefs.history_early = on;
                self.stale = true;
            }
            Action::ToggleReference => {
                self.view.charts.show_reference = !self.view.charts.show_reference;
                self.stale = true;
            }
            Action::SetOverlay(branch) => {
                self.view.charts.overlay = branch;
                self.stale = true;
            }
            Action::EditBranchName(branch) => {
                self.view.rename = branch.and_then(|b| {
                    let name = self.session.branches().get(b)?.name.clone();
                    Some(Rename {
                        branch: b,
                        text: name,
                        focus: true,
                    })
                });
            }
            Action::Open(path) => self.open(&path),
            Action::OpenRest(path) => self.open_rest(path),
            Action::OpenDefault => self.open_default(),
            Action::Restart => {
                let session = self.session.restarted();
                self.new_game(session, "restart this scenario");
            }
            Action::AskFile(purpose) => self.ask_file(purpose),
            Action::FileWindow(purpose) => {
                if purpose.is_none() {
                    self.after_save = None;
                }
                self.view.file_window = purpose
                    .map(|purpose| FileWindow::new(purpose, self.default_path(purpose), None));
            }
            Action::Save => match self.session_path.clone() {
                Some(path) => {
                    self.save_to(path);
                }
                None => self.ask_file(FilePurpose::Save),
            },
            Action::SaveTo(path) => {
                self.save_to(path);
            }
            Action::RestoreAutosave(restore) => self.restore_autosave(restore),
            Action::ShowRecover(show) => self.show_recover(show),
            Action::Recover(path) => self.recover(path),
            Action::Unsaved(answer) => self.answer_unsaved(answer),
            Action::Quit => self.replace(Replacement::Quit),
            Action::ToggleHelp => self.view.help = !self.view.help,
            Action::ToggleTheme => {
                // Without a saved choice the theme follows the system, dark by default.
                let dark = self.prefs.dark.unwrap_or(true);
                self.prefs.dark = Some(!dark);
            }
            Action::DismissNotice => self.view.notice = None,
            Action::ToggleDetails => {
                if let Some(notice) = &mut self.view.notice {
                    notice.show_details = !notice.show_details;
                }
            }
            Action::WhatIf(action) => {
                if matches!(action, WhatIfAction::ExplainChoice(_)) {
                    self.view.screen = Screen::Play;
                    self.view.tab = Tab::WhatIf;
                }
                self.view.whatif.apply(action, &self.session);
            }
            Action::Class(action) => {
                if let Some(notice) =
                    self.view
                        .class
                        .apply(action, &self.session, self.ctx.as_ref())
                {
                    self.view.notice = Some(notice);
                }
            }
            Action::Report(action) => {
                let (session, path) = (&self.session, self.session_path.as_deref());
                if let Some(notice) =
                    self.view
                        .reports
                        .apply(action, session, path, self.ctx.as_ref())
                {
                    self.view.notice = Some(notice);
                }
            }
            Action::OpenGiven(files) => self.open_given(files),
            Action::Workbench(action) => self.workbench(action),
            Action::OpenGivenRest(name, text) => self.open_rest_of(&name, &text),
            Action::ForgetBrowserStorage => self.forget_browser_storage(),
        }
    }

    fn apply_command(&mut self, command: Command) {
        let selection_only = matches!(
            command,
            Command::Toggle(_) | Command::Select(_) | Command::SetReason(_)
        );
        let plays = matches!(command, Command::Commit | Command::PlayOn);
        // What was played no longer holds once the weeks shown or their numbers change.
        let unplays = matches!(
            command,
            Command::Undo
                | Command::GoTo(_)
                | Command::SwitchBranch(_)
                | Command::SetParameter(..)
                | Command::SetSeed(_)
        );
        let to_end = plays || command == Command::GoTo(self.session.model().turns());
        let from = self.session.cursor();
        match self.session.apply(command) {
            Ok(()) => {
                if plays {
                    self.view.played = news::played_summary(&self.session, from);
                } else if unplays {
                    self.view.played = None;
                }
                if !selection_only {
                    self.stale = true;
                    self.autosave();
                }
                if to_end && self.session.is_finished() && self.session.at_head() {
                    self.view.tab = Tab::Debrief;
                }
                if (self.view.tab == Tab::Debrief && !self.session.is_finished())
                    || !classroom::tab_shown(&self.session, self.view.tab)
                {
                    self.view.tab = Tab::News;
                }
                if let Some(overlay) = self.view.charts.overlay
                    && overlay >= self.session.branches().len()
                {
                    self.view.charts.overlay = None;
                }
            }
            // A harmless key press, not a failure.
            Err(CommandError::NothingToUndo) => {
                self.view.notice = Some(Notice::info(
                    "Nothing to undo: no week has been played on this branch yet.",
                ));
            }
            Err(e) => {
                self.view.notice = Some(Notice::error("That cannot be done", e.to_string()));
            }
        }
    }

    fn autosave(&mut self) {
        if let Some(autosave) = &mut self.autosave
            && let Err(e) = autosave.save(&self.session)
        {
            self.view.notice = Some(Notice::error("The autosave failed", e.to_string()));
        }
    }

    fn replace_session(&mut self, session: Session, path: Option<PathBuf>) {
        self.view.charts = ChartView::new(session.model());
        self.view.whatif = WhatIf::new(session.model());
        self.view.tab = if session.is_finished() && session.at_head() {
            Tab::Debrief
        } else {
            Tab::News
        };
        self.view.rename = None;
        self.view.played = None;
        self.session = session;
        self.session_path = path;
        self.stale = true;
    }

    /// In a browser, the session is saved as a download (it counts as saved: the file is
    /// the student's now).
    fn download_session(&mut self) {
        let name = files::suggested_session_path(&self.session, None)
            .file_name()
            .map_or_else(
                || "session.session.ron".into(),
                |n| n.to_string_lossy().into_owned(),
            );
        match platform::download(&name, self.session.to_ron().as_bytes()) {
            Ok(()) => {
                self.view.notice = Some(Notice::info(format!("Saved as {name} in your downloads")));
                self.saved();
            }
            Err(e) => {
                self.after_save = None;
                self.view.notice = Some(Notice::error("The session was not saved", e));
            }
        }
    }

    /// In a browser on a shared machine: forgets every autosave and setting kept there.
    /// The game on screen stays until the page is closed.
    fn forget_browser_storage(&mut self) {
        self.autosave = None;
        let removed = platform::wipe_storage();
        self.view.restore = None;
        self.view.recover = None;
        self.prefs = Prefs::default();
        self.view.notice = Some(Notice::info(format!(
            "This browser keeps no Sandtable work any more ({removed} entries removed), and \
             this page autosaves no more. The game on screen stays until the page is \
             closed: Save downloads it."
        )));
    }

    /// Saves the session to `path`; returns whether it was saved.
    fn save_to(&mut self, path: PathBuf) -> bool {
        match self.session.save(&path) {
            Ok(()) => {
                self.view.notice = Some(Notice::info(format!("Saved to {}", path.display())));
                files::remember(&mut self.prefs.recent, &path);
                self.session_path = Some(path);
                self.view.file_window = None;
                self.saved();
                true
            }
            Err(e) => {
                self.after_save = None;
                self.view.notice = Some(Notice::error("The session was not saved", e.to_string()));
                false
            }
        }
    }

    fn default_path(&self, purpose: FilePurpose) -> String {
        match purpose {
            FilePurpose::Save => {
                files::suggested_session_path(&self.session, self.session_path.as_deref())
                    .display()
                    .to_string()
            }
            FilePurpose::Open => String::new(),
        }
    }

    fn ask_file(&mut self, purpose: FilePurpose) {
        if platform::IN_BROWSER {
            match purpose {
                FilePurpose::Open => platform::pick_files(),
                FilePurpose::Save => self.download_session(),
            }
            return;
        }
        if self.dialog.is_some() {
            return;
        }
        if self.native_dialogs
            && let Some(ctx) = self.ctx.clone()
        {
            let start = match purpose {
                FilePurpose::Save => Some(files::suggested_session_path(
                    &self.session,
                    self.session_path.as_deref(),
                )),
                FilePurpose::Open => self
                    .prefs
                    .recent
                    .first()
                    .and_then(|p| p.parent().map(Path::to_path_buf)),
            };
            self.dialog = Some(NativeDialog::spawn(purpose, start, &ctx));
            self.view.file_window = None;
            return;
        }
        self.view.file_window = Some(FileWindow::new(
            purpose,
            self.default_path(purpose),
            (!self.native_dialogs).then(|| NO_DIALOG.to_string()),
        ));
    }

    /// Takes the system dialog's answer, if it has come.
    fn poll_dialog(&mut self) {
        let Some(answer) = self.dialog.as_ref().and_then(NativeDialog::poll) else {
            return;
        };
        self.dialog = None;
        match answer {
            Ok(Some(action)) => self.apply(action),
            Ok(None) => self.after_save = None,
            Err(purpose) => {
                self.native_dialogs = false;
                self.view.file_window = Some(FileWindow::new(
                    purpose,
                    self.default_path(purpose),
                    Some(NO_DIALOG.to_string()),
                ));
            }
        }
    }
}

/// The widths the actors' and the choices' panels may take in a window `width` wide:
/// together at most 60 % of it, so that the news and the charts between them keep room on a
/// small screen or at a projector's zoom, and no wider than reads well on a large one.
fn side_panels(width: f32) -> (std::ops::RangeInclusive<f32>, std::ops::RangeInclusive<f32>) {
    let actors = (0.27 * width).clamp(200.0, 520.0);
    let choices = (0.33 * width).clamp(240.0, 600.0);
    (
        200.0_f32.min(actors)..=actors,
        240.0_f32.min(choices)..=choices,
    )
}

const NO_DIALOG: &str = "The system file dialog is not available here (it needs the xdg \
    desktop portal or zenity). Type the file's path instead, or drop the file on the window.";

/// A one-week scenario, used only if the built-in one fails to load, so that the app can
/// still open and show why.
fn fallback_model() -> scenario::Model {
    const TEXT: &str = r#"Scenario(
    format: 1, id: "empty", title: "No scenario", role: "you",
    clock: (start: "2000-01-01", turns: 1),
    issues: [], actors: [(id: "you", name: "You")],
    indicators: [(id: "nothing", name: "Nothing", unit: "", initial: 0.0)],
    choices: [],
)"#;
    match scenario::load_str("fallback.ron", TEXT) {
        Ok(model) => model,
        Err(e) => unreachable!("the fallback scenario is valid: {e}"),
    }
}

impl eframe::App for SandtableApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        super::layout::begin_frame(&ctx);
        if self.ctx.is_none() {
            setup_style(&ctx);
            // A zoom set for a projector last time is not carried into this start.
            ctx.set_zoom_factor(1.0);
            self.ctx = Some(ctx.clone());
        }
        if let Some(dark) = self.prefs.dark {
            let want = if dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            };
            if ctx.theme() != want {
                ctx.set_theme(want);
            }
        }
        if ctx.input(|i| i.viewport().close_requested()) {
            self.close_requested(&ctx);
        }
        self.poll_dialog();
        if let Some(action) = self.view.reports.poll_dialog() {
            self.actions.push(action);
        }
        if self.dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
        let mut actions = std::mem::take(&mut self.actions);
        self.shortcuts(&ctx, &mut actions);
        self.dropped_files(&ctx, &mut actions);
        if self.stale {
            self.derived =
                Derived::build(&self.session, &self.view.charts, self.prefs.history_early);
            self.stale = false;
        }
        self.update_whatif(&ctx);
        self.update_title(&ctx);
        self.update_status();
        platform::heartbeat();
        self.poll_watch(&ctx);

        egui::Panel::top("menu").show(ui, |ui| {
            menu::menu_bar_ui(
                ui,
                &self.session,
                &self.prefs.recent,
                self.view.screen,
                self.prefs.history_early,
                &mut actions,
            )
        });
        if let Some(offer) = &self.view.restore {
            egui::Panel::top("restore").show(ui, |ui| notice::restore_ui(ui, offer, &mut actions));
        }
        if let Some(notice) = &self.view.notice {
            egui::Panel::top("notice").show(ui, |ui| notice::notice_ui(ui, notice, &mut actions));
        }
        if self.view.screen == Screen::Play {
            classroom::exercise_bar_ui(ui, &self.session, &mut self.view.class, &mut actions);
        }
        match self.view.screen {
            Screen::Briefing => {
                briefing::briefing_ui(ui, &self.session, &self.prefs.recent, &mut actions)
            }
            Screen::Play if self.view.class.presenter => super::presenter::presenter_ui(
                ui,
                &self.session,
                &self.view.charts,
                &self.view.class,
                &mut actions,
            ),
            Screen::Play => self.play_ui(ui, &mut actions),
        }
        if self.view.help {
            help::help_ui(&ctx, &mut actions);
            lesson::glossary_window_ui(&ctx, &self.session.model().scenario.lesson);
        }
        self.view.class.poll();
        student::student_window_ui(&ctx, &mut self.view.class, &mut actions);
        student::hand_in_window_ui(&ctx, &self.session, &mut self.view.class, &mut actions);
        if self.view.class.teacher {
            let mut open = true;
            lesson::teacher_window_ui(&ctx, self.session.model(), &mut open);
            self.view.class.teacher = open;
        }
        if let Some(window) = &mut self.view.file_window {
            files::file_window_ui(
                &ctx,
                window,
                &self.prefs.recent,
                self.native_dialogs,
                &mut actions,
            );
        }
        if self.dialog.is_some() {
            egui::Area::new(egui::Id::unique("dialog_open"))
                .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -140.0])
                .show(&ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        label(ui, "Choose a file in the system dialog…");
                    });
                });
        }
        if let Some(items) = &self.view.recover {
            recover::recover_ui(&ctx, items, &mut actions);
        }
        if let Some(pending) = &self.view.confirm {
            confirm::unsaved_ui(&ctx, pending, &self.session, &mut actions);
        }
        super::reports::reports_ui(
            &ctx,
            &mut self.view.reports,
            self.native_dialogs,
            &mut actions,
        );
        if let Some(workbench) = self
            .view
            .workbench
            .as_mut()
            .filter(|_| !self.view.workbench_hidden)
        {
            super::workbench::workbench_ui(&ctx, workbench, platform::IN_BROWSER, &mut actions);
        }
        drop_preview_ui(&ctx);

        if !actions.is_empty() {
            for action in actions.drain(..) {
                self.apply(action);
            }
            ctx.request_repaint();
        }
        self.actions = actions;
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(autosave) = &mut self.autosave {
            autosave.release();
        }
    }
}

impl SandtableApp {
    fn play_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let Self {
            session,
            view,
            derived,
            ..
        } = self;
        egui::Panel::bottom("timeline")
            .resizable(true)
            .default_size(150.0)
            .size_range(80.0..=400.0)
            .show(ui, |ui| {
                timeline::timeline_ui(ui, session, &view.charts, &mut view.rename, actions)
            });
        let (actors, choices) = side_panels(ui.available_width());
        egui::Panel::left("actors")
            .resizable(true)
            .default_size(actors.start() + 0.4 * (actors.end() - actors.start()))
            .size_range(actors)
            .show(ui, |ui| actors::actors_ui(ui, session, &derived.approvals));
        egui::Panel::right("choices")
            .resizable(true)
            .default_size(choices.start() + 0.4 * (choices.end() - choices.start()))
            .size_range(choices)
            .show(ui, |ui| choices::choices_ui(ui, session, actions));
        egui::CentralPanel::default().show(ui, |ui| {
            let finished = session.is_finished();
            ui.horizontal(|ui| {
                for tab in Tab::ALL {
                    if (tab == Tab::Debrief && !finished) || !classroom::tab_shown(session, tab) {
                        continue;
                    }
                    let text = RichText::new(tab.label()).size(16.0);
                    if ui.selectable_label(view.tab == tab, text).clicked() {
                        actions.push(Action::SetTab(tab));
                    }
                }
            });
            ui.separator();
            if let Some(played) = &view.played {
                news::played_summary_ui(ui, played, actions);
                ui.separator();
            }
            let model = session.model();
            match view.tab {
                Tab::News => {
                    lesson::prompt_ui(ui, session);
                    news::news_ui(ui, session)
                }
                Tab::Indicators => indicators_ui(
                    ui,
                    session,
                    &view.charts,
                    &derived.charts,
                    derived.reference.as_ref().map(|(name, _)| name.as_str()),
                    &view.whatif,
                    actions,
                ),
                Tab::Why => why::why_ui(ui, session),
                Tab::WhatIf => whatif_ui(ui, &view.whatif, session, &derived.charts, actions),
                Tab::Debrief => debrief::debrief_ui(ui, model, &derived.debrief, actions),
            }
        });
    }

    /// Keyboard shortcuts, taken before the widgets see the keys.
    fn shortcuts(&self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let typing = ctx.egui_wants_keyboard_input();
        let in_editor = self.view.workbench.is_some()
            && ctx.memory(|m| m.focused()) == Some(super::workbench::editor_id());
        let modal = self.view.file_window.is_some()
            || self.view.confirm.is_some()
            || self.view.recover.is_some()
            || self.view.class.modal();
        let command = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        ctx.input_mut(|i| {
            if i.consume_shortcut(&KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::S,
            )) {
                actions.push(Action::AskFile(FilePurpose::Save));
            }
            if i.consume_shortcut(&command(Key::S)) {
                actions.push(if in_editor {
                    Action::Workbench(super::workbench::WorkbenchAction::Save)
                } else {
                    Action::Save
                });
            }
            if i.consume_shortcut(&command(Key::O)) {
                actions.push(Action::AskFile(FilePurpose::Open));
            }
            if i.consume_key(Modifiers::NONE, Key::F1) {
                actions.push(Action::ToggleHelp);
            }
            if i.consume_shortcut(&command(Key::T)) {
                actions.push(Action::ToggleTheme);
            }
            if i.consume_key(Modifiers::NONE, Key::F5) {
                actions.push(Action::Begin);
                actions.push(Action::Class(classroom::ClassAction::TogglePresenter));
            }
            if typing || modal {
                return;
            }
            if i.consume_shortcut(&command(Key::Z)) {
                actions.push(Action::Session(Command::Undo));
            }
            for tab in Tab::ALL {
                if i.consume_shortcut(&command(tab.key())) {
                    actions.push(Action::SetTab(tab));
                }
            }
            let cursor = self.session.cursor();
            if i.consume_key(Modifiers::ALT, Key::ArrowLeft) && cursor > 0 {
                actions.push(Action::Session(Command::GoTo(cursor - 1)));
            }
            if i.consume_key(Modifiers::ALT, Key::ArrowRight) && cursor < self.session.played() {
                actions.push(Action::Session(Command::GoTo(cursor + 1)));
            }
            if i.consume_shortcut(&command(Key::Enter))
                && self.view.screen == Screen::Play
                && self.session.cursor() < self.session.model().turns()
            {
                actions.push(Action::Session(Command::PlayOn));
            }
            if i.consume_key(Modifiers::NONE, Key::Enter) {
                match self.view.screen {
                    Screen::Briefing => actions.push(Action::Begin),
                    Screen::Play if self.session.cursor() < self.session.model().turns() => {
                        actions.push(Action::Session(Command::Commit))
                    }
                    Screen::Play => {}
                }
            }
        });
    }

    /// Files dropped on the window are opened; in a browser, files dropped on the page,
    /// picked, or linked come by their text once read, each batch together.
    fn dropped_files(&self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let dropped = ctx.input(|i| platform::dropped_paths(&i.raw.dropped_files));
        if let Some(path) = dropped.into_iter().next() {
            actions.push(Action::Open(path));
        }
        actions.extend(
            platform::take_given_files()
                .into_iter()
                .map(Action::OpenGiven),
        );
    }

    /// Gives the platform the state in words when it changed (read out in a browser).
    fn update_status(&mut self) {
        if !platform::SHOWS_STATUS {
            return;
        }
        let mut status = super::status::status_text(&self.session, self.view.notice.as_ref());
        if let Some(offer) = &self.view.restore {
            status.push_str(&format!(
                " A session autosaved when this page last closed can be restored: {}.",
                offer.description
            ));
        }
        if let Some(class) = &self.view.reports.class {
            status.push_str(&format!(
                " Class debrief open: {} sessions read, {} that could not be read.",
                class.debrief.students.len() + class.debrief.other_versions.len(),
                class.debrief.damaged.len()
            ));
        }
        if status != self.status {
            platform::show_status(&status, &super::status::values_text(&self.session));
            self.status = status;
        }
    }

    /// Takes the what-if results that came and restarts the analyses on screen whose
    /// inputs changed; asks for a frame when a job needs one (never waits for a job).
    fn update_whatif(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let play = self.view.screen == Screen::Play;
        let view = &mut self.view;
        let shown = Shown {
            whatif_tab: play && view.tab == Tab::WhatIf,
            indicators_tab: play && view.tab == Tab::Indicators,
            charts: &view.charts.selected,
        };
        let repaint = ctx.clone();
        let wake: Wake = std::sync::Arc::new(move || repaint.request_repaint());
        if let Some(seconds) = view.whatif.update(now, &self.session, shown, Some(&wake)) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(seconds));
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let mut title = format!("Sandtable: {}", self.session.model().scenario.title);
        if let Some(path) = &self.session_path
            && let Some(name) = path.file_name()
        {
            title.push_str(&format!(" ({})", name.to_string_lossy()));
        }
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

/// Larger text than egui's defaults: the app is read on projectors in classrooms.
fn setup_style(ctx: &egui::Context) {
    use egui::{FontFamily, FontId, TextStyle};
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Small,
                FontId::new(11.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(14.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(14.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Heading,
                FontId::new(20.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(13.0, FontFamily::Monospace),
            ),
        ]
        .into();
    });
}

/// While a file is dragged over the window.
fn drop_preview_ui(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let rect = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_preview"),
    ));
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(180));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop the scenario or session file to open it",
        egui::FontId::proportional(24.0),
        egui::Color32::WHITE,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_scenario_loads() {
        assert_eq!(fallback_model().turns(), 1);
    }
}
