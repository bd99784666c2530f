//! The app: the session, the user's preferences and the transient view state; the frame
//! layout; and the one place where actions are applied.

use std::path::{Path, PathBuf};

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, RichText};
use serde::{Deserialize, Serialize};

use super::a11y::label;
use super::actions::{Action, FilePurpose, Screen, Tab};
use super::charts::{ChartView, indicators_ui};
use super::derived::Derived;
use super::files::{self, Autosave, FileWindow, NativeDialog, Opened, RestoreOffer};
use super::notice::Notice;
use super::reports::Reports;
use super::timeline::Rename;
use super::whatif::{Shown, WhatIf, WhatIfAction, whatif_ui};
use super::{actors, briefing, choices, debrief, help, menu, news, notice, timeline, why};
use crate::scenario;
use crate::session::{Command, Session};

/// What the user chose, kept between runs with eframe's persistence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark (`true`) or light theme; `None` follows the system.
    pub dark: Option<bool>,
    /// Most recently opened or saved files, newest first.
    pub recent: Vec<PathBuf>,
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
    /// The what-if analyses: their settings, jobs and results.
    pub whatif: WhatIf,
    /// The report export and the class debrief windows.
    pub reports: Reports,
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
            whatif: WhatIf::new(session.model()),
            reports: Reports::default(),
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
    autosave: Option<Autosave>,
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
        if let Some(autosave) = Autosave::default_dir().map(Autosave::new) {
            app.view.restore = autosave.start();
            app.autosave = Some(autosave);
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

    /// Switches the autosave on, in `dir`; returns the offer to restore a crashed run's
    /// session, if any (also shown in the app).
    pub fn with_autosave(mut self, dir: PathBuf) -> Self {
        let autosave = Autosave::new(dir);
        self.view.restore = autosave.start();
        self.autosave = Some(autosave);
        self
    }

    fn build(session: Session, prefs: Prefs) -> Self {
        let view = View::new(&session);
        Self {
            session,
            session_path: None,
            prefs,
            view,
            derived: Derived::default(),
            stale: true,
            actions: Vec::new(),
            autosave: None,
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
                self.view.screen = Screen::Play;
                if self.session.is_finished() && self.session.at_head() {
                    self.view.tab = Tab::Debrief;
                }
            }
            Action::ShowBriefing => self.view.screen = Screen::Briefing,
            Action::SetTab(tab) => {
                if tab != Tab::Debrief || self.session.is_finished() {
                    self.view.tab = tab;
                }
            }
            Action::ToggleChart(i) => {
                if let Some(on) = self.view.charts.selected.get_mut(i) {
                    *on = !*on;
                }
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
            Action::OpenDefault => match scenario::default_model() {
                Ok(model) => {
                    self.replace_session(Session::new(model), None);
                    self.view.screen = Screen::Briefing;
                }
                Err(e) => {
                    self.view.notice = Some(Notice::file_error(
                        "The built-in scenario does not load",
                        &e,
                    ))
                }
            },
            Action::Restart => {
                let session = Session::with_seed(self.session.model().clone(), self.session.seed());
                self.replace_session(session, None);
                self.view.screen = Screen::Briefing;
            }
            Action::AskFile(purpose) => self.ask_file(purpose),
            Action::FileWindow(purpose) => {
                self.view.file_window = purpose
                    .map(|purpose| FileWindow::new(purpose, self.default_path(purpose), None));
            }
            Action::Save => match self.session_path.clone() {
                Some(path) => self.save_to(path),
                None => self.ask_file(FilePurpose::Save),
            },
            Action::SaveTo(path) => self.save_to(path),
            Action::RestoreAutosave(restore) => {
                self.view.restore = None;
                let Some(autosave) = self.autosave.clone() else {
                    return;
                };
                if !restore {
                    autosave.discard_recovered();
                    return;
                }
                match autosave.load_recovered() {
                    Ok(session) => {
                        autosave.discard_recovered();
                        self.replace_session(session, None);
                        self.view.screen = Screen::Play;
                        self.view.notice = Some(Notice::info("The autosaved session is restored."));
                    }
                    Err(e) => {
                        self.view.notice =
                            Some(Notice::file_error("The autosave could not be restored", &e))
                    }
                }
            }
            Action::ToggleHelp => self.view.help = !self.view.help,
            Action::ToggleTheme => {
                // Without a saved choice the theme follows the system, dark by default.
                let dark = self.prefs.dark.unwrap_or(true);
                self.prefs.dark = Some(!dark);
            }
            Action::DismissNotice => self.view.notice = None,
            Action::WhatIf(action) => {
                if matches!(action, WhatIfAction::ExplainChoice(_)) {
                    self.view.screen = Screen::Play;
                    self.view.tab = Tab::WhatIf;
                }
                self.view.whatif.apply(action, &self.session);
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
        }
    }

    fn apply_command(&mut self, command: Command) {
        let selection_only = matches!(command, Command::Toggle(_) | Command::Select(_));
        let to_end =
            command == Command::Commit || command == Command::GoTo(self.session.model().turns());
        match self.session.apply(command) {
            Ok(()) => {
                if !selection_only {
                    self.stale = true;
                    self.autosave();
                }
                if to_end && self.session.is_finished() && self.session.at_head() {
                    self.view.tab = Tab::Debrief;
                }
                if self.view.tab == Tab::Debrief && !self.session.is_finished() {
                    self.view.tab = Tab::News;
                }
                if let Some(overlay) = self.view.charts.overlay
                    && overlay >= self.session.branches().len()
                {
                    self.view.charts.overlay = None;
                }
            }
            Err(e) => {
                self.view.notice = Some(Notice::error("That cannot be done", e.to_string()));
            }
        }
    }

    fn autosave(&mut self) {
        if let Some(autosave) = &self.autosave
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
        self.session = session;
        self.session_path = path;
        self.stale = true;
        self.autosave();
    }

    fn open(&mut self, path: &Path) {
        match files::open_path(path) {
            Ok(Opened::Scenario(session)) => {
                self.replace_session(session, None);
                self.view.screen = Screen::Briefing;
                self.view.notice = None;
            }
            Ok(Opened::Session(session)) => {
                self.replace_session(session, Some(path.to_path_buf()));
                self.view.screen = Screen::Play;
                self.view.notice = None;
            }
            Err(e) => {
                self.view.notice = Some(Notice::file_error(
                    format!("Could not open {}", path.display()),
                    &e,
                ));
                return;
            }
        }
        files::remember(&mut self.prefs.recent, path);
        self.view.file_window = None;
    }

    fn save_to(&mut self, path: PathBuf) {
        match self.session.save(&path) {
            Ok(()) => {
                self.view.notice = Some(Notice::info(format!("Saved to {}", path.display())));
                files::remember(&mut self.prefs.recent, &path);
                self.session_path = Some(path);
                self.view.file_window = None;
            }
            Err(e) => {
                self.view.notice = Some(Notice::error("The session was not saved", e.to_string()));
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
            Ok(None) => {}
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
        if self.ctx.is_none() {
            setup_style(&ctx);
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
            self.derived = Derived::build(&self.session, &self.view.charts);
            self.stale = false;
        }
        self.update_whatif(&ctx);
        self.update_title(&ctx);

        egui::Panel::top("menu").show(ui, |ui| {
            menu::menu_bar_ui(
                ui,
                &self.session,
                &self.prefs.recent,
                self.view.screen,
                &mut actions,
            )
        });
        if let Some(offer) = &self.view.restore {
            egui::Panel::top("restore").show(ui, |ui| notice::restore_ui(ui, offer, &mut actions));
        }
        if let Some(notice) = &self.view.notice {
            egui::Panel::top("notice").show(ui, |ui| notice::notice_ui(ui, notice, &mut actions));
        }
        match self.view.screen {
            Screen::Briefing => {
                briefing::briefing_ui(ui, &self.session, &self.prefs.recent, &mut actions)
            }
            Screen::Play => self.play_ui(ui, &mut actions),
        }
        if self.view.help {
            help::help_ui(&ctx, &mut actions);
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
        super::reports::reports_ui(
            &ctx,
            &mut self.view.reports,
            self.native_dialogs,
            &mut actions,
        );
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
        if let Some(autosave) = &self.autosave {
            autosave.clean_exit();
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
                timeline::timeline_ui(
                    ui,
                    session,
                    &view.charts,
                    &view.whatif.settings,
                    &mut view.rename,
                    actions,
                )
            });
        egui::Panel::left("actors")
            .resizable(true)
            .default_size(270.0)
            .size_range(200.0..=560.0)
            .show(ui, |ui| actors::actors_ui(ui, session, &derived.approvals));
        egui::Panel::right("choices")
            .resizable(true)
            .default_size(320.0)
            .size_range(240.0..=600.0)
            .show(ui, |ui| choices::choices_ui(ui, session, actions));
        egui::CentralPanel::default().show(ui, |ui| {
            let finished = session.is_finished();
            ui.horizontal(|ui| {
                for tab in [
                    Tab::News,
                    Tab::Indicators,
                    Tab::Why,
                    Tab::WhatIf,
                    Tab::Debrief,
                ] {
                    if tab == Tab::Debrief && !finished {
                        continue;
                    }
                    let text = RichText::new(tab.label()).size(16.0);
                    if ui.selectable_label(view.tab == tab, text).clicked() {
                        actions.push(Action::SetTab(tab));
                    }
                }
            });
            ui.separator();
            let model = session.model();
            match view.tab {
                Tab::News => news::news_ui(ui, session),
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
        let modal = self.view.file_window.is_some();
        let command = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        ctx.input_mut(|i| {
            if i.consume_shortcut(&KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::S,
            )) {
                actions.push(Action::AskFile(FilePurpose::Save));
            }
            if i.consume_shortcut(&command(Key::S)) {
                actions.push(Action::Save);
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
            if typing || modal {
                return;
            }
            if i.consume_shortcut(&command(Key::Z)) {
                actions.push(Action::Session(Command::Undo));
            }
            for (key, tab) in [
                (Key::Num1, Tab::News),
                (Key::Num2, Tab::Indicators),
                (Key::Num3, Tab::Why),
                (Key::Num4, Tab::Debrief),
                (Key::Num5, Tab::WhatIf),
            ] {
                if i.consume_shortcut(&command(key)) {
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

    /// Files dropped on the window are opened.
    fn dropped_files(&self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let dropped: Option<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .first()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            actions.push(Action::Open(path));
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
        if let Some(seconds) = view.whatif.update(now, &self.session, shown, Some(ctx)) {
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
