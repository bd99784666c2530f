//! The author's workbench: the scenario's RON text in an editor, checked as it is typed
//! with the same messages as `sandtable check`, the problems marked in place (with a fix
//! for a misspelt name), a structured view that edits values in the text
//! ([`structure`]), futures and a balance check of the text as it stands ([`trial`]), undo,
//! and one click to save it (the text as written, comments and layout kept) or play it.

pub mod structure;
pub mod trial;

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui::{self, Color32, RichText, TextFormat, text::LayoutJob};

use super::a11y::label;
use super::actions::Action;
use super::worker;
use crate::scenario::spans::{Node, Path};
use crate::scenario::{self, Diagnostic, Model};
use trial::{Trial, TrialKind};

/// What the workbench asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkbenchAction {
    /// Open it on the session's scenario.
    Open,
    Close,
    /// Write the text to its file (in a browser: download it).
    Save,
    /// Write the text to this file.
    SaveTo(PathBuf),
    /// Play the current text: the session replays its decisions on it.
    Play,
    /// A new game on the current text.
    NewGame,
    /// Put the cursor at a character of the text.
    Jump(usize),
    /// Put the value `literal` (RON text) where the value at `path` is written; a new step
    /// for undo unless it goes on the edit before (a slider being dragged).
    Set {
        path: Path,
        literal: String,
        new_step: bool,
    },
    Undo,
    Redo,
    /// Run futures of the text as it stands: a reference path, or no choices.
    Try(TrialKind),
    /// Apply the quick fix of a problem.
    Fix(usize),
    /// Take the file's text from disk, dropping the edits.
    ReloadFromDisk,
}

/// The workbench's state.
#[derive(Debug)]
pub struct Workbench {
    pub text: String,
    /// The scenario's file, if it has one.
    pub path: Option<PathBuf>,
    /// The path typed to save to, when there is no file yet.
    pub path_field: String,
    /// The text as last read from or written to its file.
    pub saved: String,
    /// The text last checked, and what the check found.
    checked: Option<u64>,
    pub problems: Vec<Diagnostic>,
    /// The scenario as the text last loaded.
    pub model: Option<Arc<Model>>,
    /// The map of the text as it is now (none when it does not scan), and the text's hash.
    tree: Option<(u64, Option<Node>)>,
    /// The hash of a text known to have the structure of `model`: the one that loaded, or
    /// one reached from it by the structured view's edits, which change values only.
    editable: Option<u64>,
    /// The text before the edits since the last undo step, for the editor's undo.
    undo_point: Option<String>,
    /// The value the last structured edit changed, to make a drag one undo step.
    last_set: Option<Path>,
    /// An undo (false) or redo (true) asked for, carried out by the editor.
    undo_request: Option<bool>,
    /// Futures or a balance check of the text.
    pub trial: Trial,
    /// What the side panel shows.
    pub side: Side,
    /// When the text was last seen to change, typed or otherwise (the check waits for a
    /// pause in the changes).
    edited_at: f64,
    /// Where to put the cursor on the next frame (a character index).
    jump: Option<usize>,
    /// The file changed on disk while the text had edits of its own.
    pub changed_on_disk: bool,
    /// The highlighted text, kept while the text and its problems stay the same.
    highlight: Option<(u64, Arc<LayoutJob>)>,
}

/// The side panel's two views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// What the scenario holds, to edit.
    Structure,
    /// Futures and the balance check.
    Try,
}

/// How long typing must pause before the text is checked again.
const CHECK_AFTER_SECONDS: f64 = 0.3;

fn hash_of(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Workbench {
    /// The workbench on `text`, the scenario of the file `path` (if it has one).
    pub fn new(text: String, path: Option<PathBuf>, file_name: &str) -> Self {
        let mut workbench = Self {
            saved: text.clone(),
            text,
            path_field: path
                .as_ref()
                .map_or_else(|| file_name.to_string(), |p| p.display().to_string()),
            path,
            checked: None,
            problems: Vec::new(),
            model: None,
            tree: None,
            editable: None,
            undo_point: None,
            last_set: None,
            undo_request: None,
            trial: if crate::platform::IN_BROWSER {
                Trial::sliced()
            } else {
                Trial::default()
            },
            side: Side::Structure,
            edited_at: f64::NEG_INFINITY,
            jump: None,
            changed_on_disk: false,
            highlight: None,
        };
        workbench.check();
        workbench
    }

    /// The name errors give the text by.
    pub fn name(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| self.path_field.clone(), |p| p.display().to_string())
    }

    /// Whether the text has edits not saved to its file.
    pub fn unsaved(&self) -> bool {
        self.text != self.saved
    }

    /// Checks the text now, as `sandtable check` does.
    pub fn check(&mut self) {
        let hash = hash_of(&self.text);
        if self.checked == Some(hash) {
            return;
        }
        self.checked = Some(hash);
        match scenario::load_str(&self.name(), &self.text) {
            Ok(model) => {
                self.problems.clear();
                self.model = Some(Arc::new(model));
                self.editable = Some(hash);
            }
            Err(e) => self.problems = e.diagnostics,
        }
    }

    /// Maps the text again if it changed since it was last mapped; whether it had.
    fn refresh_tree(&mut self) -> bool {
        let hash = hash_of(&self.text);
        let changed = self.tree.as_ref().is_none_or(|(h, _)| *h != hash);
        if changed {
            self.tree = Some((hash, Node::scan(&self.text)));
        }
        changed
    }

    /// The map of the text, when the structured view may edit it.
    pub fn editable_tree(&self) -> Option<&Node> {
        match &self.tree {
            Some((hash, Some(tree))) if self.editable == Some(*hash) => Some(tree),
            _ => None,
        }
    }

    /// The character index where the item `id` is written (`id: "..."`).
    pub fn place_of_id(&self, id: &str) -> Option<usize> {
        let quoted = format!("id: \"{id}\"");
        self.text.find(&quoted).map(|b| char_index(&self.text, b))
    }

    /// Writes `literal` where the value at `path` is, if the text may be edited there.
    fn set(&mut self, path: &Path, literal: &str, new_step: bool) {
        self.refresh_tree();
        let Some(range) = self.editable_tree().and_then(|t| t.find(path)) else {
            return;
        };
        if new_step || self.last_set.as_ref() != Some(path) {
            self.undo_point = Some(self.text.clone());
        }
        self.last_set = Some(path.clone());
        self.text.replace_range(range, literal);
        // Only a value changed: the text keeps the structure of the scenario that loaded.
        // (The next frame maps it again and checks it once the changes pause.)
        self.editable = Some(hash_of(&self.text));
    }

    /// Takes text read from disk: the editor shows it, as saved.
    pub fn take_from_disk(&mut self, text: String) {
        self.saved = text.clone();
        self.text = text;
        self.changed_on_disk = false;
        self.check();
    }

    /// The text was written to its file.
    pub fn saved_as(&mut self, path: PathBuf) {
        self.saved = self.text.clone();
        self.path_field = path.display().to_string();
        self.path = Some(path);
        self.changed_on_disk = false;
    }

    /// Carries out what only concerns the editor; the rest is the app's.
    pub fn apply(&mut self, action: &WorkbenchAction) {
        match action {
            WorkbenchAction::Jump(at) => self.jump = Some(*at),
            WorkbenchAction::Set {
                path,
                literal,
                new_step,
            } => self.set(path, literal, *new_step),
            WorkbenchAction::Undo => self.undo_request = Some(false),
            WorkbenchAction::Redo => self.undo_request = Some(true),
            WorkbenchAction::Try(kind) => {
                self.check();
                match &self.model {
                    Some(model) if self.problems.is_empty() => {
                        self.trial.ask(model.clone(), kind.clone())
                    }
                    _ => {}
                }
            }
            WorkbenchAction::Fix(i) => {
                if let Some((range, replacement)) =
                    self.problems.get(*i).and_then(|d| fix(d, &self.text))
                {
                    let start = self.text[..range.start].chars().count();
                    self.undo_point = Some(self.text.clone());
                    self.last_set = None;
                    self.text.replace_range(range, &replacement);
                    self.jump = Some(start + replacement.chars().count());
                    self.check();
                }
            }
            _ => {}
        }
    }
}

/// The fix a problem offers: a name it suggests instead of a misspelt one (the hint "did
/// you mean `france`?" for "unknown … `frnce`"), as the byte range to replace and the
/// replacement.
pub fn fix(diagnostic: &Diagnostic, text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let hint = diagnostic.hint.as_deref()?;
    let suggestion = between_backticks(hint.split("did you mean").nth(1)?)?;
    let wrong = between_backticks(&diagnostic.message)?;
    if wrong.is_empty() || wrong == suggestion {
        return None;
    }
    // The wrong name at or after the problem's place, on its line.
    let line_start = offset_of(text, diagnostic.line, 1)?;
    let from = offset_of(text, diagnostic.line, diagnostic.column).unwrap_or(line_start);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |n| line_start + n);
    let search = |start: usize| {
        text[start..line_end]
            .find(wrong)
            .map(|n| start + n..start + n + wrong.len())
    };
    let range = search(from).or_else(|| search(line_start))?;
    Some((range, suggestion.to_string()))
}

fn between_backticks(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let end = start + text[start..].find('`')?;
    Some(&text[start..end])
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let rest = &text[start..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// The character index of a byte offset.
fn char_index(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].chars().count()
}

/// Colours of the highlighting, for the theme.
struct Palette {
    text: Color32,
    comment: Color32,
    string: Color32,
    number: Color32,
    field: Color32,
    name: Color32,
    problem: Color32,
}

impl Palette {
    fn of(visuals: &egui::Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                text: visuals.text_color(),
                comment: Color32::from_rgb(140, 140, 140),
                string: Color32::from_rgb(152, 195, 121),
                number: Color32::from_rgb(229, 170, 100),
                field: Color32::from_rgb(120, 170, 235),
                name: Color32::from_rgb(200, 150, 230),
                problem: Color32::from_rgba_unmultiplied(200, 40, 40, 90),
            }
        } else {
            Self {
                text: visuals.text_color(),
                comment: Color32::from_rgb(110, 110, 110),
                string: Color32::from_rgb(30, 120, 30),
                number: Color32::from_rgb(170, 80, 0),
                field: Color32::from_rgb(20, 80, 170),
                name: Color32::from_rgb(130, 40, 150),
                problem: Color32::from_rgba_unmultiplied(230, 60, 60, 70),
            }
        }
    }
}

/// The text highlighted as RON (comments, strings, numbers, field and record names), with
/// the lines that have a problem marked.
fn highlighted(
    text: &str,
    problems: &[Diagnostic],
    palette: &Palette,
    font: egui::FontId,
) -> LayoutJob {
    let mut job = LayoutJob::default();
    let bad_lines: std::collections::BTreeSet<usize> =
        problems.iter().map(|d| d.line).filter(|&l| l > 0).collect();
    let mut line = 1;
    let push = |job: &mut LayoutJob, piece: &str, color: Color32, line: usize| {
        let mut format = TextFormat::simple(font.clone(), color);
        if bad_lines.contains(&line) {
            format.background = palette.problem;
        }
        job.append(piece, 0.0, format);
    };
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let (len, color) = if rest.starts_with("//") {
            (rest.find('\n').unwrap_or(rest.len()), palette.comment)
        } else if c == '"' {
            let mut end = 1;
            let mut escaped = false;
            for (j, ch) in rest.char_indices().skip(1) {
                end = j + ch.len_utf8();
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    break;
                }
            }
            (end, palette.string)
        } else if c.is_ascii_digit()
            || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            let end = rest[1..]
                .find(|d: char| !(d.is_ascii_alphanumeric() || d == '.' || d == '_'))
                .map_or(rest.len(), |n| n + 1);
            (end, palette.number)
        } else if c.is_alphabetic() || c == '_' {
            let end = rest
                .find(|d: char| !(d.is_alphanumeric() || d == '_'))
                .unwrap_or(rest.len());
            let after = rest[end..].trim_start_matches([' ', '\t']);
            let color = if after.starts_with(':') {
                palette.field
            } else if c.is_uppercase() {
                palette.name
            } else {
                palette.text
            };
            (end, color)
        } else {
            (c.len_utf8(), palette.text)
        };
        let piece = &text[i..i + len];
        // A string may span lines: split it so that each line gets its own marking.
        for (k, part) in piece.split_inclusive('\n').enumerate() {
            if k > 0 {
                line += 1;
            }
            push(&mut job, part, color, line);
        }
        if piece.ends_with('\n') {
            line += 1;
        }
        i += len;
    }
    job
}

/// The workbench's window.
pub fn workbench_ui(
    ctx: &egui::Context,
    workbench: &mut Workbench,
    in_browser: bool,
    actions: &mut Vec<Action>,
) {
    let act = |actions: &mut Vec<Action>, a| actions.push(Action::Workbench(a));
    let now = ctx.input(|i| i.time);
    if workbench.refresh_tree() {
        workbench.edited_at = now;
    }
    let repaint = ctx.clone();
    let wake: worker::Wake = Arc::new(move || repaint.request_repaint());
    if let Some(seconds) = workbench.trial.update(now, Some(&wake)) {
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(seconds.max(0.0)));
    }
    if workbench.checked != workbench.tree.as_ref().map(|(hash, _)| *hash) {
        if now - workbench.edited_at >= CHECK_AFTER_SECONDS {
            workbench.check();
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(CHECK_AFTER_SECONDS));
        }
    }
    let mut open = true;
    let title = format!(
        "Scenario workbench: {}{}",
        workbench
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(
                || workbench.path_field.clone(),
                |n| n.to_string_lossy().into_owned()
            ),
        if workbench.unsaved() { " (edited)" } else { "" }
    );
    // As large as a laptop's screen allows, and never larger than the screen (a projector
    // at 150 % leaves some 850 by 530 points).
    let screen = ctx.content_rect().size();
    let size = egui::vec2(
        1100.0_f32.min(screen.x - 24.0),
        680.0_f32.min(screen.y - 48.0),
    );
    egui::Window::new(title)
        .id(egui::Id::unique("workbench"))
        .open(&mut open)
        .default_size(size.max(egui::vec2(200.0, 200.0)))
        .max_size(screen)
        .constrain(true)
        .resizable(true)
        .show(ctx, |ui| {
            toolbar_ui(ui, workbench, in_browser, actions);
            if workbench.changed_on_disk {
                ui.horizontal(|ui| {
                    label(
                        ui,
                        RichText::new("The file changed on disk while you were editing it here.")
                            .color(ui.visuals().warn_fg_color),
                    );
                    if ui
                        .button("Take the version on disk (drops your edits)")
                        .clicked()
                    {
                        act(actions, WorkbenchAction::ReloadFromDisk);
                    }
                });
            }
            problems_ui(ui, workbench, actions);
            ui.separator();
            // The tables of a trial are wider than the structured view: each side keeps a
            // width of its own.
            let (side_id, side_width) = match workbench.side {
                Side::Structure => ("workbench_side", 340.0),
                Side::Try => ("workbench_side_try", 600.0),
            };
            egui::Panel::right(side_id)
                .resizable(true)
                .default_size(side_width)
                .show(ui, |ui| side_ui(ui, workbench, in_browser, actions));
            editor_ui(ui, workbench);
        });
    if !open {
        act(actions, WorkbenchAction::Close);
    }
}

fn toolbar_ui(
    ui: &mut egui::Ui,
    workbench: &mut Workbench,
    in_browser: bool,
    actions: &mut Vec<Action>,
) {
    let act = |actions: &mut Vec<Action>, a| actions.push(Action::Workbench(a));
    let loads = workbench.problems.is_empty();
    ui.horizontal_wrapped(|ui| {
        let save = if in_browser { "Download" } else { "Save" };
        if workbench.path.is_some() || in_browser {
            if ui
                .add_enabled(workbench.unsaved() || in_browser, egui::Button::new(save))
                .on_hover_text("Writes the text as it is, comments and layout kept (Ctrl+S in the editor)")
                .clicked()
            {
                act(actions, WorkbenchAction::Save);
            }
        } else {
            label(ui, "Save to");
            ui.add(
                egui::TextEdit::singleline(&mut workbench.path_field)
                    .desired_width(260.0)
                    .char_limit(1000),
            )
            .accessible_name("File to save the scenario to");
            if ui
                .add_enabled(!workbench.path_field.trim().is_empty(), egui::Button::new("Save"))
                .clicked()
            {
                act(
                    actions,
                    WorkbenchAction::SaveTo(PathBuf::from(workbench.path_field.trim())),
                );
            }
        }
        ui.separator();
        if ui
            .button("Undo")
            .on_hover_text("Takes back the last change to the text, typed or made in the view beside it (Ctrl+Z)")
            .clicked()
        {
            act(actions, WorkbenchAction::Undo);
        }
        if ui
            .button("Redo")
            .on_hover_text("Puts back what Undo took back (Ctrl+Shift+Z)")
            .clicked()
        {
            act(actions, WorkbenchAction::Redo);
        }
        ui.separator();
        if ui
            .add_enabled(loads, egui::Button::new("Play it"))
            .on_hover_text("This game goes on with the scenario as written here: every branch replays its decisions on it")
            .clicked()
        {
            act(actions, WorkbenchAction::Play);
        }
        if ui
            .add_enabled(loads, egui::Button::new("New game on it"))
            .clicked()
        {
            act(actions, WorkbenchAction::NewGame);
        }
        ui.separator();
        let status = if loads {
            RichText::new("No problems: the scenario loads.").color(ui.visuals().text_color())
        } else {
            let n = workbench.problems.len();
            RichText::new(format!(
                "{n} problem{} (marked in the text)",
                if n == 1 { "" } else { "s" }
            ))
            .color(ui.visuals().error_fg_color)
        };
        label(ui, status);
    });
}

fn problems_ui(ui: &mut egui::Ui, workbench: &Workbench, actions: &mut Vec<Action>) {
    if workbench.problems.is_empty() {
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("workbench_problems")
        .max_height(120.0)
        .show(ui, |ui| {
            for (i, d) in workbench.problems.iter().enumerate() {
                ui.horizontal_wrapped(|ui| {
                    let place = if d.line > 0 {
                        format!("{}:{}", d.line, d.column)
                    } else {
                        "the file".to_string()
                    };
                    let at = offset_of(&workbench.text, d.line, d.column)
                        .map(|b| char_index(&workbench.text, b));
                    if ui
                        .add_enabled(at.is_some(), egui::Button::new(place).small())
                        .on_hover_text("Go there")
                        .clicked()
                        && let Some(at) = at
                    {
                        actions.push(Action::Workbench(WorkbenchAction::Jump(at)));
                    }
                    let mut text = String::new();
                    if !d.field.is_empty() {
                        text.push_str(&format!("{}: ", d.field));
                    }
                    text.push_str(&d.message);
                    if let Some(hint) = &d.hint {
                        text.push_str(&format!(" ({hint})"));
                    }
                    label(ui, RichText::new(text).color(ui.visuals().error_fg_color));
                    if let Some((_, replacement)) = fix(d, &workbench.text)
                        && ui.button(format!("Use `{replacement}`")).clicked()
                    {
                        actions.push(Action::Workbench(WorkbenchAction::Fix(i)));
                    }
                });
            }
        });
}

fn side_ui(
    ui: &mut egui::Ui,
    workbench: &mut Workbench,
    in_browser: bool,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        ui.selectable_value(&mut workbench.side, Side::Structure, "What it holds");
        ui.selectable_value(&mut workbench.side, Side::Try, "Try it");
    });
    ui.separator();
    match workbench.side {
        Side::Structure => structure::structure_ui(ui, workbench, actions),
        Side::Try => {
            let loads = workbench.problems.is_empty() && workbench.model.is_some();
            let model = workbench.model.clone();
            trial::trial_ui(
                ui,
                &mut workbench.trial,
                model.as_deref(),
                loads,
                in_browser,
                actions,
            );
        }
    }
}

/// The id of the scenario text's editor (Ctrl+S there saves the scenario, not the session).
pub fn editor_id() -> egui::Id {
    egui::Id::unique("workbench_editor")
}

/// The editor's undo history takes the structured view's edits as steps of their own, and
/// carries out the toolbar's Undo and Redo.
fn undo_ui(ctx: &egui::Context, id: egui::Id, workbench: &mut Workbench) {
    let point = workbench.undo_point.take();
    let request = workbench.undo_request.take();
    if point.is_none() && request.is_none() {
        return;
    }
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    let cursor = state.cursor.char_range().unwrap_or_default();
    let mut undoer = state.undoer();
    if let Some(before) = point {
        undoer.add_undo(&(cursor, before));
    }
    type State = (egui::text::CCursorRange, String);
    let step = |undoer: &mut egui::util::undoer::Undoer<State>, state: &State| match request {
        Some(false) => undoer.undo(state).cloned(),
        Some(true) => undoer.redo(state).cloned(),
        None => None,
    };
    let current = (cursor, workbench.text.clone());
    let mut restored = step(&mut undoer, &current);
    // A step that only moves the cursor back (the text is the same) is not what the
    // author asked for: take the next one.
    if let Some(state) = restored.clone()
        && state.1 == workbench.text
    {
        restored = step(&mut undoer, &state).or(Some(state));
    }
    if let Some((range, text)) = restored {
        workbench.text = text;
        workbench.last_set = None;
        state.cursor.set_char_range(Some(range));
    }
    state.set_undoer(undoer);
    state.store(ctx, id);
}

fn editor_ui(ui: &mut egui::Ui, workbench: &mut Workbench) {
    let id = editor_id();
    // The editor's own undo keys go through the workbench's undo, which skips the steps
    // that change only where the cursor is.
    if ui.memory(|m| m.has_focus(id)) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        ui.input_mut(|i| {
            let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
            if i.consume_shortcut(&redo)
                || i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Y))
            {
                workbench.undo_request = Some(true);
            } else if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Z)) {
                workbench.undo_request = Some(false);
            }
        });
    }
    undo_ui(ui.ctx(), id, workbench);
    let palette = Palette::of(ui.visuals());
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let problems = workbench.problems.clone();
    let dark = ui.visuals().dark_mode;
    let cache = &mut workbench.highlight;
    let mut layouter = |ui: &egui::Ui, buffer: &dyn egui::TextBuffer, wrap_width: f32| {
        let text = buffer.as_str();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            text,
            dark,
            problems.iter().map(|d| d.line).collect::<Vec<_>>(),
        )
            .hash(&mut h);
        let key = h.finish();
        let job = match cache {
            Some((k, job)) if *k == key => job.clone(),
            _ => {
                let job = Arc::new(highlighted(text, &problems, &palette, font.clone()));
                *cache = Some((key, job.clone()));
                job
            }
        };
        let mut job = (*job).clone();
        job.wrap.max_width = wrap_width;
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let jump = workbench.jump.take();
    if let Some(at) = jump {
        let mut state = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
        let cursor = egui::text::CCursor::new(at);
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::one(cursor)));
        state.store(ui.ctx(), id);
        ui.ctx().memory_mut(|m| m.request_focus(id));
    }
    egui::ScrollArea::vertical()
        .id_salt("workbench_editor_scroll")
        .show(ui, |ui| {
            let output = egui::TextEdit::multiline(&mut workbench.text)
                .id(id)
                .code_editor()
                .desired_width(f32::INFINITY)
                .desired_rows(30)
                .lock_focus(true)
                .layouter(&mut layouter)
                .show(ui);
            let _ = output
                .response
                .response
                .clone()
                .accessible_name("Scenario text");
            if output.response.changed() {
                workbench.last_set = None;
            }
            // A jump shows its place, in the middle of the editor.
            if let Some(at) = jump {
                let rect = output.galley.pos_from_cursor(egui::text::CCursor::new(at));
                ui.scroll_to_rect(
                    rect.translate(output.galley_pos.to_vec2()),
                    Some(egui::Align::Center),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(line: usize, column: usize, message: &str, hint: &str) -> Diagnostic {
        Diagnostic {
            kind: crate::scenario::DiagnosticKind::UnknownName,
            line,
            column,
            span: None,
            field: String::new(),
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    #[test]
    fn a_misspelt_name_is_fixed_where_it_is_written() {
        let text = "a: 1,\nvalue: \"frnce.goodwill + frnce.x\",\n";
        let d = problem(2, 9, "unknown name `frnce`", "did you mean `france`?");
        let (range, with) = fix(&d, text).unwrap();
        assert_eq!(&text[range.clone()], "frnce");
        assert_eq!(range.start, text.find("frnce").unwrap());
        assert_eq!(with, "france");
        // No suggestion, no fix.
        let d = problem(2, 9, "unknown name `frnce`", "names are case-sensitive");
        assert_eq!(fix(&d, text), None);
    }

    #[test]
    fn places_are_lines_and_columns_in_characters() {
        let text = "é1\nab\ncd";
        assert_eq!(offset_of(text, 1, 2), Some(2));
        assert_eq!(offset_of(text, 3, 2), Some(text.len() - 1));
        assert_eq!(offset_of(text, 9, 1), None);
        assert_eq!(char_index(text, 3), 2);
    }

    #[test]
    fn the_text_is_checked_as_check_does_and_its_items_found() {
        let text = include_str!("../../../tests/data/tiny.ron");
        let mut w = Workbench::new(text.to_string(), None, "tiny.ron");
        assert!(w.problems.is_empty(), "{:?}", w.problems);
        let model = w.model.clone().expect("the text loads");
        let id = &model.scenario.choices[0].id;
        let at = w
            .place_of_id(id)
            .expect("the choice's id is found in the text");
        let written: String = text.chars().skip(at).take(id.len() + 6).collect();
        assert_eq!(written, format!("id: \"{id}\""));
        w.text = w.text.replacen("Scenario(", "Scenario(\n  nonsense: 1,", 1);
        w.check();
        assert!(!w.problems.is_empty());
        assert!(w.problems[0].line >= 1);
        assert!(w.unsaved());
        // The scenario that last loaded stays, to read, but not to edit.
        assert!(w.model.is_some());
        w.refresh_tree();
        assert!(w.editable_tree().is_none());
    }

    #[test]
    fn a_structured_edit_rewrites_one_value_and_keeps_the_rest() {
        let text = include_str!("../../../tests/data/tiny.ron");
        let mut w = Workbench::new(text.to_string(), None, "tiny.ron");
        w.refresh_tree();
        let salience = Path::root()
            .field("actors")
            .index(1)
            .field("stances")
            .key("spending")
            .field("salience");
        w.apply(&WorkbenchAction::Set {
            path: salience.clone(),
            literal: "0.35".into(),
            new_step: true,
        });
        assert_eq!(
            w.text,
            text.replacen(
                "(position: 0.0, salience: 1.0)",
                "(position: 0.0, salience: 0.35)",
                1
            )
        );
        assert_eq!(
            w.undo_point.as_deref(),
            Some(text),
            "the text before is an undo step"
        );
        // A drag goes on: still one step, from the text before the drag.
        w.undo_point = None;
        w.apply(&WorkbenchAction::Set {
            path: salience.clone(),
            literal: "0.4".into(),
            new_step: false,
        });
        assert!(w.text.contains("salience: 0.4)"));
        assert_eq!(w.undo_point, None);
        // Inside `Some(..)`, the value is rewritten and the `Some` kept.
        let max = Path::root().field("indicators").index(0).field("max");
        w.apply(&WorkbenchAction::Set {
            path: max,
            literal: "12.5".into(),
            new_step: true,
        });
        assert!(w.text.contains("max: Some(12.5)"), "{}", w.text);
        w.check();
        assert!(w.problems.is_empty(), "{:?}", w.problems);
        let model = w.model.clone().unwrap();
        assert_eq!(model.scenario.indicators[0].max, Some(12.5));
        assert_eq!(model.scenario.actors[1].stances["spending"].salience, 0.4);
        // A path the text does not have changes nothing.
        let before = w.text.clone();
        w.apply(&WorkbenchAction::Set {
            path: Path::root().field("choices").index(99).field("label"),
            literal: "\"x\"".into(),
            new_step: true,
        });
        assert_eq!(w.text, before);
    }

    #[test]
    fn highlighting_keeps_the_text_and_marks_problem_lines() {
        let text = "// a comment\nScenario(\n  id: \"x\", n: -1.5,\n)\n";
        let palette = Palette::of(&egui::Visuals::dark());
        let font = egui::FontId::monospace(12.0);
        let job = highlighted(text, &[problem(3, 3, "m", "h")], &palette, font);
        assert_eq!(job.text, text);
        let colour_of = |needle: &str| {
            let at = text.find(needle).unwrap();
            job.sections
                .iter()
                .find(|s| s.byte_range.contains(&egui::text::ByteIndex(at)))
                .unwrap()
                .format
                .clone()
        };
        assert_eq!(colour_of("a comment").color, palette.comment);
        assert_eq!(colour_of("\"x\"").color, palette.string);
        assert_eq!(colour_of("-1.5").color, palette.number);
        assert_eq!(colour_of("id:").color, palette.field);
        assert_eq!(colour_of("Scenario").color, palette.name);
        assert_eq!(colour_of("id:").background, palette.problem);
        assert_eq!(colour_of("Scenario").background, Color32::TRANSPARENT);
    }
}
