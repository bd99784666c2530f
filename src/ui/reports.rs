//! File > Export report and File > Class debrief: the report of the session written as
//! HTML, Markdown or CSV, and the class debrief of many students' session files in a
//! window (sort, filter, reasons on hover, how the class split), exported as HTML or CSV.
//! The words and numbers come from [`crate::report`].

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
pub use super::actions::ReportAction;
use super::notice::Notice;
use crate::files::atomic_write;
use crate::platform::{self, Dialog};
use crate::report::class::{self, ClassDebrief, Student, compact_decisions};
use crate::report::{Format, SessionReport, Settings, student};
use crate::scenario::format_number;
use crate::session::Session;

/// What a path window is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    /// Where to write the session's report.
    Report,
    /// Which folder or files to read for the class debrief.
    Class,
    /// Where to write the class debrief.
    ClassExport,
}

/// A window with a path field, for when there is no system dialog or to type a path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathWindow {
    pub purpose: PathPurpose,
    /// One path per line (several session files for a class).
    pub text: String,
}

/// The class debrief shown in its window, with the table's order and filter.
#[derive(Debug, Clone)]
pub struct ClassView {
    pub debrief: ClassDebrief,
    /// The column the table is sorted by, and whether from the smallest.
    pub sort: Option<(usize, bool)>,
    /// Only rows whose text contains this (any case) are shown.
    pub filter: String,
    /// The indicator charted: every student's path, the reference path and its futures.
    pub chart: Option<usize>,
}

/// The state of the report windows.
#[derive(Debug, Default)]
pub struct Reports {
    pub class: Option<ClassView>,
    pub path_window: Option<PathWindow>,
    dialog: Option<(PathPurpose, Receiver<Vec<PathBuf>>)>,
    /// In a browser, the files being picked are the class's sessions.
    class_wanted: bool,
}

/// The default name of a session's report, beside the session file.
fn report_path(session: &Session, session_path: Option<&Path>) -> PathBuf {
    match session_path {
        Some(p) => {
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let stem = name.trim_end_matches(".ron").trim_end_matches(".session");
            p.with_file_name(format!("{stem}.report.html"))
        }
        None => PathBuf::from(format!("{}.report.html", session.model().scenario.id)),
    }
}

fn with_html_extension(path: PathBuf) -> PathBuf {
    if Format::of_path(&path).is_some() {
        path
    } else {
        let mut name = path.into_os_string();
        name.push(".html");
        PathBuf::from(name)
    }
}

impl Reports {
    /// Carries out an action; returns a notice to show, if any.
    pub fn apply(
        &mut self,
        action: ReportAction,
        session: &Session,
        session_path: Option<&Path>,
        ctx: Option<&egui::Context>,
    ) -> Option<Notice> {
        match action {
            ReportAction::AskExport if platform::IN_BROWSER => {
                let path = report_path(session, session_path);
                let name = path
                    .file_name()
                    .map_or_else(|| "report.html".into(), PathBuf::from);
                self.apply(ReportAction::ExportTo(name), session, session_path, ctx)
            }
            ReportAction::AskExport => {
                self.path_window = Some(PathWindow {
                    purpose: PathPurpose::Report,
                    text: report_path(session, session_path).display().to_string(),
                });
                None
            }
            ReportAction::ExportTo(path) => {
                self.path_window = None;
                let path = with_html_extension(path);
                let input = SessionReport::from_session(
                    session.clone(),
                    &session_path.and_then(Path::file_name).map_or_else(
                        || "(not saved)".to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    ),
                    crate::report::words::today(),
                );
                let report = student::build(&input, &Settings::default());
                let reports = std::slice::from_ref(&report);
                let text = match Format::of_path(&path) {
                    Some(Format::Markdown) => student::markdown_document(reports),
                    Some(Format::Csv) => student::csv_document(reports),
                    _ => student::html_document(reports),
                };
                Some(written(&path, &text, "The report"))
            }
            ReportAction::AskClass if platform::IN_BROWSER => {
                self.class_wanted = true;
                platform::pick_files();
                None
            }
            ReportAction::AskClass => {
                let folder = session_path
                    .and_then(Path::parent)
                    .map_or_else(String::new, |p| p.display().to_string());
                self.path_window = Some(PathWindow {
                    purpose: PathPurpose::Class,
                    text: folder,
                });
                None
            }
            ReportAction::OpenClass(paths) => {
                self.path_window = None;
                self.open_class(class::load(&paths))
            }
            ReportAction::OpenClassGiven(files) => {
                self.class_wanted = false;
                self.open_class(class::load_texts(&files))
            }
            ReportAction::AskClassExport if platform::IN_BROWSER => self.apply(
                ReportAction::ExportClassTo("class-debrief.html".into()),
                session,
                session_path,
                ctx,
            ),
            ReportAction::AskClassExport => {
                self.path_window = Some(PathWindow {
                    purpose: PathPurpose::ClassExport,
                    text: "class-debrief.html".to_string(),
                });
                None
            }
            ReportAction::ExportClassTo(path) => {
                self.path_window = None;
                let view = self.class.as_ref()?;
                let path = with_html_extension(path);
                let text = match Format::of_path(&path) {
                    Some(Format::Csv) => view.debrief.csv(),
                    Some(Format::Markdown) => view.debrief.markdown(),
                    _ => view.debrief.html(),
                };
                Some(written(&path, &text, "The class debrief"))
            }
            ReportAction::Browse { folder } => {
                let purpose = self.path_window.as_ref()?.purpose;
                let kind = match purpose {
                    PathPurpose::Class if folder => Dialog::Folder("A folder of session files"),
                    PathPurpose::Class => Dialog::Sessions,
                    PathPurpose::Report | PathPurpose::ClassExport => Dialog::SaveReport,
                };
                self.dialog = Some((purpose, platform::dialog(kind, None, ctx?)));
                None
            }
            ReportAction::ClosePathWindow => {
                self.path_window = None;
                None
            }
            ReportAction::CloseClass => {
                self.class = None;
                None
            }
            ReportAction::ClassChart(indicator) => {
                if let Some(view) = &mut self.class {
                    view.chart = Some(indicator);
                }
                None
            }
            ReportAction::SortClass(column) => {
                if let Some(view) = &mut self.class {
                    view.sort = match view.sort {
                        Some((c, up)) if c == column => Some((c, !up)),
                        _ => Some((column, true)),
                    };
                }
                None
            }
        }
    }

    /// Opens the class window on the sessions read.
    fn open_class(
        &mut self,
        (sessions, damaged): (Vec<SessionReport>, Vec<class::Damaged>),
    ) -> Option<Notice> {
        if sessions.is_empty() && damaged.is_empty() {
            return Some(Notice::error(
                "No session file found",
                "Choose a folder that holds students' *.session.ron files, or the files themselves.",
            ));
        }
        let debrief = class::build(sessions, damaged, &Settings::default());
        let chart = debrief
            .model
            .as_ref()
            .and_then(|m| crate::report::key_indicators(m).first().copied());
        self.class = Some(ClassView {
            debrief,
            sort: None,
            filter: String::new(),
            chart,
        });
        None
    }

    /// Whether files picked in a browser are for the class debrief (asked for from its
    /// menu item).
    pub fn class_wanted(&self) -> bool {
        self.class_wanted
    }

    /// What a system dialog answered, as the action it asks for.
    pub fn poll_dialog(&mut self) -> Option<Action> {
        let (purpose, receiver) = self.dialog.as_ref()?;
        let chosen = match receiver.try_recv() {
            Ok(chosen) => chosen,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Vec::new(),
        };
        let purpose = *purpose;
        self.dialog = None;
        if chosen.is_empty() {
            return None;
        }
        let first = chosen[0].clone();
        Some(Action::Report(match purpose {
            PathPurpose::Report => ReportAction::ExportTo(first),
            PathPurpose::Class => ReportAction::OpenClass(chosen),
            PathPurpose::ClassExport => ReportAction::ExportClassTo(first),
        }))
    }
}

/// Writes a report; in a browser, offers it as a download.
fn written(path: &Path, text: &str, what: &str) -> Notice {
    if platform::IN_BROWSER {
        let name = path.file_name().map_or_else(
            || "report.html".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        return match platform::download(&name, text.as_bytes()) {
            Ok(()) => Notice::info(format!("{what} is saved as {name} in your downloads.")),
            Err(e) => Notice::error(format!("{what} could not be saved"), e),
        };
    }
    match atomic_write(path, text.as_bytes()) {
        Ok(()) => Notice::info(format!("{what} is written to {}.", path.display())),
        Err(e) => Notice::error(
            format!("{what} could not be written"),
            format!("{}: {e}", path.display()),
        ),
    }
}

/// The windows: the path field and the class debrief.
pub fn reports_ui(
    ctx: &egui::Context,
    reports: &mut Reports,
    native: bool,
    actions: &mut Vec<Action>,
) {
    if let Some(window) = &mut reports.path_window {
        path_window_ui(ctx, window, native, reports.dialog.is_some(), actions);
    }
    if let Some(view) = &mut reports.class {
        class_window_ui(ctx, view, actions);
    }
}

fn path_window_ui(
    ctx: &egui::Context,
    window: &mut PathWindow,
    native: bool,
    waiting: bool,
    actions: &mut Vec<Action>,
) {
    let (title, prompt, go) = match window.purpose {
        PathPurpose::Report => (
            "Export report",
            "Write the report of this session to (.html, .md or .csv):",
            "Export",
        ),
        PathPurpose::Class => (
            "Class debrief",
            "A folder of students' session files, or session files, one per line:",
            "Read the class",
        ),
        PathPurpose::ClassExport => (
            "Export the class debrief",
            "Write the class debrief to (.html or .csv):",
            "Export",
        ),
    };
    let mut open = true;
    egui::Window::new(title)
        .open(&mut open)
        .collapsible(false)
        .default_width(520.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            let prompt = label(ui, prompt);
            let field = if window.purpose == PathPurpose::Class {
                egui::TextEdit::multiline(&mut window.text).desired_rows(3)
            } else {
                egui::TextEdit::singleline(&mut window.text)
            };
            ui.add(field.desired_width(f32::INFINITY))
                .labelled_by(prompt.id);
            let paths: Vec<PathBuf> = window
                .text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!paths.is_empty(), egui::Button::new(go))
                    .clicked()
                {
                    let first = paths[0].clone();
                    actions.push(Action::Report(match window.purpose {
                        PathPurpose::Report => ReportAction::ExportTo(first),
                        PathPurpose::Class => ReportAction::OpenClass(paths.clone()),
                        PathPurpose::ClassExport => ReportAction::ExportClassTo(first),
                    }));
                }
                if native && !waiting {
                    if window.purpose == PathPurpose::Class {
                        if ui.button("Choose a folder…").clicked() {
                            actions.push(Action::Report(ReportAction::Browse { folder: true }));
                        }
                        if ui.button("Choose files…").clicked() {
                            actions.push(Action::Report(ReportAction::Browse { folder: false }));
                        }
                    } else if ui.button("Browse…").clicked() {
                        actions.push(Action::Report(ReportAction::Browse { folder: false }));
                    }
                }
                if ui.button("Cancel").clicked() {
                    actions.push(Action::Report(ReportAction::ClosePathWindow));
                }
            });
            if waiting {
                label(ui, "Choose in the system dialog…");
            }
        });
    if !open {
        actions.push(Action::Report(ReportAction::ClosePathWindow));
    }
}

/// The sort key of a student in a column: text first, then numbers.
fn sort_key(student: &Student, column: usize) -> (String, f64) {
    match column {
        0 => (student.input.who().to_lowercase(), 0.0),
        1 => (
            student
                .input
                .student
                .as_ref()
                .map_or(String::new(), |(_, g)| g.to_lowercase()),
            0.0,
        ),
        2 => (compact_decisions(student.decisions()), 0.0),
        3 => (
            String::new(),
            student.goals().iter().filter(|&&g| g).count() as f64,
        ),
        c => (
            String::new(),
            student.outcomes().get(c - 4).copied().unwrap_or(0.0),
        ),
    }
}

/// The rows shown, in order: filtered, then sorted.
pub fn shown_rows(view: &ClassView) -> Vec<usize> {
    let needle = view.filter.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..view.debrief.students.len())
        .filter(|&k| {
            needle.is_empty()
                || view
                    .debrief
                    .row_cells(&view.debrief.students[k])
                    .iter()
                    .any(|c| c.to_lowercase().contains(&needle))
        })
        .collect();
    if let Some((column, up)) = view.sort {
        rows.sort_by(|&a, &b| {
            let (x, y) = (
                sort_key(&view.debrief.students[a], column),
                sort_key(&view.debrief.students[b], column),
            );
            let order = x.0.cmp(&y.0).then(x.1.total_cmp(&y.1));
            if up { order } else { order.reverse() }
        });
    }
    rows
}

fn class_window_ui(ctx: &egui::Context, view: &mut ClassView, actions: &mut Vec<Action>) {
    let mut open = true;
    let screen = ctx.content_rect();
    egui::Window::new("Class debrief")
        .open(&mut open)
        .default_size([
            (screen.width() * 0.9).min(1100.0),
            (screen.height() * 0.85).max(300.0),
        ])
        .resizable(true)
        .show(ctx, |ui| {
            let debrief = &view.debrief;
            let Some(model) = debrief.model.clone() else {
                label(ui, "No session could be read.");
                for d in &debrief.damaged {
                    label(
                        ui,
                        RichText::new(format!("{}: {}", d.source, d.error))
                            .color(ui.visuals().error_fg_color),
                    );
                }
                return;
            };
            let s = &model.scenario;
            label(
                ui,
                RichText::new(format!(
                    "{} — {} students, version {}",
                    s.title,
                    debrief.students.len(),
                    debrief.version
                ))
                .strong(),
            );
            for d in &debrief.damaged {
                label(
                    ui,
                    RichText::new(format!("Not read: {}: {}", d.source, d.error))
                        .color(ui.visuals().error_fg_color),
                );
            }
            for st in &debrief.other_versions {
                label(
                    ui,
                    RichText::new(format!(
                        "Another version of the scenario ({}), shown apart: {}",
                        st.version, st.input.source
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
            }
            ui.horizontal(|ui| {
                let prompt = label(ui, "Filter:");
                ui.add(
                    egui::TextEdit::singleline(&mut view.filter)
                        .hint_text("a name, a class, a code"),
                )
                .labelled_by(prompt.id);
                if ui.button("Export…").clicked() {
                    actions.push(Action::Report(ReportAction::AskClassExport));
                }
            });
            ui.separator();
            let rows = shown_rows(view);
            let debrief = &view.debrief;
            egui::ScrollArea::both()
                .max_height(ui.available_height() - 8.0)
                .show(ui, |ui| {
                    super::layout::scrolls_sideways(ui);
                    let mut head: Vec<String> = vec![
                        "Student".into(),
                        "Class".into(),
                        "Decisions".into(),
                        "Goals met".into(),
                    ];
                    head.extend(s.outcomes.iter().map(|o| o.name.clone()));
                    egui::Grid::new("class_table").striped(true).show(ui, |ui| {
                        for (c, h) in head.iter().enumerate() {
                            let arrow = match view.sort {
                                Some((col, true)) if col == c => " (ascending)",
                                Some((col, false)) if col == c => " (descending)",
                                _ => "",
                            };
                            if ui
                                .button(RichText::new(format!("{h}{arrow}")).strong())
                                .on_hover_text("Sort by this column")
                                .clicked()
                            {
                                actions.push(Action::Report(ReportAction::SortClass(c)));
                            }
                        }
                        ui.end_row();
                        for &k in &rows {
                            let st = &debrief.students[k];
                            let cells = debrief.row_cells(st);
                            label(ui, cells[0].as_str()).on_hover_text(st.input.source.as_str());
                            label(ui, cells[1].as_str());
                            let hover: Vec<String> = st
                                .decided_weeks()
                                .into_iter()
                                .map(|(_, line)| line)
                                .collect();
                            label(ui, cells[2].as_str()).on_hover_text(if hover.is_empty() {
                                "No decision".to_string()
                            } else {
                                hover.join("\n")
                            });
                            for cell in &cells[3..] {
                                label(ui, cell.as_str());
                            }
                            ui.end_row();
                        }
                    });
                    ui.add_space(6.0);
                    let codes: Vec<String> = (0..model.choices.len())
                        .filter(|&c| debrief.students.iter().any(|st| st.took(c)))
                        .map(|c| format!("{} {}", class::choice_code(c), s.choices[c].label))
                        .collect();
                    label(
                        ui,
                        RichText::new(format!(
                            "Codes: {}. A number is the week.",
                            codes.join("; ")
                        ))
                        .small(),
                    );
                    ui.separator();
                    class_chart_ui(ui, &model, debrief, view.chart, &rows, actions);
                    ui.separator();
                    label(ui, RichText::new("How the class split").strong());
                    for split in &debrief.splits {
                        label(ui, debrief.split_sentence(split));
                        for (o, outcome) in s.outcomes.iter().enumerate() {
                            label(
                                ui,
                                format!("   {}: {}", outcome.name, debrief.split_outcome(split, o)),
                            );
                        }
                        ui.add_space(4.0);
                    }
                    if let Some((i, j, d)) = debrief.most_different {
                        label(
                            ui,
                            format!(
                                "The most different paths: {} and {}, {} week-decisions apart.",
                                debrief.students[i].input.who(),
                                debrief.students[j].input.who(),
                                format_number(d as f64, 0)
                            ),
                        );
                    }
                    ui.separator();
                    label(ui, RichText::new("Debrief questions").strong());
                    for (k, q) in debrief.questions.iter().enumerate() {
                        label(ui, format!("{}. {q}", k + 1));
                    }
                });
        });
    if !open {
        actions.push(Action::Report(ReportAction::CloseClass));
    }
}

/// The class's paths on one indicator, picked among the scenario's key indicators: a line
/// per student, the reference path dashed and the spread of its futures.
fn class_chart_ui(
    ui: &mut egui::Ui,
    model: &crate::scenario::Model,
    debrief: &ClassDebrief,
    indicator: Option<usize>,
    shown: &[usize],
    actions: &mut Vec<Action>,
) {
    let keys = crate::report::key_indicators(model);
    let Some(indicator) = indicator.or_else(|| keys.first().copied()) else {
        return;
    };
    let names = &model.scenario.indicators;
    label(ui, RichText::new("The class's paths").strong());
    ui.horizontal_wrapped(|ui| {
        for &k in &keys {
            if ui
                .selectable_label(k == indicator, &names[k].name)
                .clicked()
            {
                actions.push(Action::Report(ReportAction::ClassChart(k)));
            }
        }
    });
    if let Some(mut chart) = debrief.chart(indicator) {
        // The students the filter shows, and the reference path.
        chart.lines.retain(|line| match line.style {
            crate::report::svg::LineStyle::Class(k) => shown.contains(&k),
            _ => true,
        });
        super::charts::class_chart_ui(ui, &chart);
    }
}
