//! What the panels ask the app to do. Panels queue [`Action`]s while drawing; the app
//! applies them all in one place afterwards ([`super::SandtableApp::apply`]), and tests
//! drive the same actions.

use std::path::PathBuf;

use eframe::egui::Key;

use super::whatif::WhatIfAction;
use crate::session::Command;

/// The two screens of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The scenario's briefing, before the first week.
    Briefing,
    /// Playing: actors, choices, the centre tabs and the timeline.
    Play,
}

/// The tabs of the centre panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    News,
    Indicators,
    Why,
    /// Many simulated futures: bands, goals' chances, comparisons, explanations.
    WhatIf,
    /// Only offered once the active branch has reached the scenario's end.
    Debrief,
}

impl Tab {
    /// Every tab in the order the tab bar shows them; the n-th is Ctrl+n. The tab bar, the
    /// keyboard shortcuts and the help all read this list.
    pub const ALL: [Tab; 5] = [
        Tab::News,
        Tab::Indicators,
        Tab::Why,
        Tab::WhatIf,
        Tab::Debrief,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::News => "News",
            Tab::Indicators => "Indicators",
            Tab::Why => "Why",
            Tab::WhatIf => "What if",
            Tab::Debrief => "Debrief",
        }
    }

    /// The tab's place in the tab bar, from 1: Ctrl and this digit show it.
    pub fn number(self) -> usize {
        Tab::ALL
            .iter()
            .position(|&t| t == self)
            .map_or(0, |k| k + 1)
    }

    /// The key that shows the tab with Ctrl (Cmd on a Mac): its number.
    pub fn key(self) -> Key {
        const DIGITS: [Key; 9] = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
            Key::Num8,
            Key::Num9,
        ];
        DIGITS[self.number() - 1]
    }

    /// The shortcut in words: `Ctrl+4`.
    pub fn shortcut(self) -> String {
        format!("Ctrl+{}", self.number())
    }
}

/// What a file window or dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilePurpose {
    /// Open a scenario (`*.ron`) or a session (`*.session.ron`).
    Open,
    /// Save the session (`*.session.ron`).
    Save,
}

/// Something the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A change to the session: choose, commit, undo, go back, branch…
    Session(Command),
    /// Leave the briefing and play.
    Begin,
    /// Show the briefing again.
    ShowBriefing,
    SetTab(Tab),
    /// Show or hide an indicator's chart.
    ToggleChart(usize),
    /// Draw a reference path (e.g. `history`) on the charts, or stop drawing it.
    ToggleReference,
    /// Whether what was actually decided may be drawn before the end of the scenario
    /// (when no exercise rules it).
    ShowHistoryEarly(bool),
    /// Overlay another branch on the charts, or none.
    SetOverlay(Option<usize>),
    /// Start renaming a branch (shows a name field), or stop.
    EditBranchName(Option<usize>),
    /// Open a scenario or session file.
    Open(PathBuf),
    /// Open a session file leaving out the decisions that no longer fit its scenario.
    OpenRest(PathBuf),
    /// Start a new game on the embedded scenario.
    OpenDefault,
    /// Start the current scenario again from the first week (a new session).
    Restart,
    /// Ask for a file: the system dialog when there is one, else the app's own file window.
    AskFile(FilePurpose),
    /// The app's own file window (path field, recent files), or close it with `None`.
    FileWindow(Option<FilePurpose>),
    /// Save the session where it was last saved, or ask where.
    Save,
    /// Save the session to this path.
    SaveTo(PathBuf),
    /// Take back the autosaved session offered after a crash, or not now (it stays in
    /// File > Recover).
    RestoreAutosave(bool),
    /// Show or hide the list of autosaves (File > Recover an autosave…).
    ShowRecover(bool),
    /// Open an autosave from that list.
    Recover(PathBuf),
    /// The answer to "Save this game before you …?".
    Unsaved(UnsavedAnswer),
    /// Close the app (asking first when the session has unsaved work).
    Quit,
    ToggleHelp,
    /// Switch between the dark and the light theme.
    ToggleTheme,
    /// Close the notice banner.
    DismissNotice,
    /// Show or hide the notice's full report.
    ToggleDetails,
    /// Something for the what-if analyses (settings, cancel, explain a choice…).
    WhatIf(WhatIfAction),
    /// Something for the classroom: the student's name, hand-in, the teacher's window.
    Class(ClassAction),
    /// The session's report and the class debrief (export, read a class, sort…).
    Report(ReportAction),
    /// Open files given to the app together in a browser (picked, dropped, or linked).
    OpenGiven(crate::platform::GivenFiles),
    /// Open a given session file (its name and text) without what no longer fits.
    OpenGivenRest(String, String),
    /// In a browser, forget the autosaves and preferences kept there (a shared machine).
    ForgetBrowserStorage,
    /// Something for the author's workbench (open, save, play, fix…).
    Workbench(super::workbench::WorkbenchAction),
}

/// Something for the classroom windows.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassAction {
    /// Show the window asking for the student's name, or close it.
    AskStudent(bool),
    /// Show the hand-in window, or close it.
    HandInWindow(bool),
    /// Ask the system for the hand-in folder.
    ChooseFolder,
    /// Hand in to this folder (typed, chosen in the system dialog, or by a test).
    SetFolder(PathBuf),
    /// Save the session for the teacher into this folder, named after the student; a file
    /// of that name already there with other work in it is not replaced.
    HandIn(PathBuf),
    /// The same, replacing such a file: the student was asked and agreed.
    HandInReplacing(PathBuf),
    /// Show the teacher's window (notes, timing, prompts), or close it.
    TeacherWindow(bool),
    /// Switch the presenter view on or off.
    TogglePresenter,
    Timer(TimerAction),
}

/// The facilitator's hold on the week's countdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerAction {
    Pause,
    Resume,
    Restart,
}

/// What the report windows ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportAction {
    /// Ask where to write the session's report.
    AskExport,
    /// Write the session's report here (`.html`, `.md` or `.csv`; `.html` if none).
    ExportTo(PathBuf),
    /// Ask for a folder or session files for the class debrief.
    AskClass,
    /// Read these session files, or the session files of these folders.
    OpenClass(Vec<PathBuf>),
    /// Read these sessions, given by (name, text) in a browser.
    OpenClassGiven(Vec<(String, String)>),
    /// Ask where to write the class debrief.
    AskClassExport,
    /// Write the class debrief here (`.html`, `.csv` or `.md`).
    ExportClassTo(PathBuf),
    /// Open the system dialog for the path window's purpose (`folder` for a class folder).
    Browse {
        folder: bool,
    },
    ClosePathWindow,
    CloseClass,
    /// Sort the class table by a column (a second time reverses the order).
    SortClass(usize),
    /// Chart this indicator in the class window: every student's path.
    ClassChart(usize),
}

/// The answer to the unsaved-work question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsavedAnswer {
    /// Save the session (asking where if it has no file yet), then go on.
    Save,
    /// Go on without saving (the session stays in the autosave history).
    DontSave,
    /// Keep the session; do nothing.
    Cancel,
}
