//! The desktop app driven headlessly with `egui_kittest`, for the tests of the GUI:
//! widgets are found by their accessible names (what a screen reader reads).

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use sandtable::scenario::Model;
use sandtable::session::Session;
use sandtable::ui::SandtableApp;

/// A new session of the embedded Mali scenario.
pub fn mali_session() -> Session {
    Session::new(super::mali())
}

/// The app on `session` in a 1280×800 window, at the briefing.
pub fn app(session: Session) -> Harness<'static, SandtableApp> {
    app_from(SandtableApp::new_for_test(session))
}

pub fn app_from(app: SandtableApp) -> Harness<'static, SandtableApp> {
    sized(app, 800.0)
}

/// The app in a window `height` high: text scrolled out of view is not in the
/// accessibility tree, so tests that read long panels use a tall window.
pub fn sized(app: SandtableApp, height: f32) -> Harness<'static, SandtableApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, height))
        .build_eframe(move |_cc| app);
    harness.run();
    harness
}

/// Clicks the widget named `label` and lets the app settle.
pub fn click(harness: &mut Harness<'_, SandtableApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

/// Whether some text on screen contains `text`.
pub fn shows(harness: &Harness<'_, SandtableApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

pub fn choice(model: &Model, id: &str) -> usize {
    model
        .choice_index(id)
        .unwrap_or_else(|| panic!("no choice `{id}`"))
}

pub fn label_of(session: &Session, id: &str) -> String {
    let m = session.model();
    m.scenario.choices[choice(m, id)].label.clone()
}

/// Begins and plays `weeks` weeks with no choices, by clicking Commit week.
pub fn play_empty_weeks(harness: &mut Harness<'_, SandtableApp>, weeks: usize) {
    for _ in 0..weeks {
        click(harness, "Commit week");
    }
}
