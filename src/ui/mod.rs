//! The desktop app (eframe/egui): it renders a [`crate::session::Session`] and sends it
//! commands. It holds no model logic.
//!
//! One file per panel, each a `something_ui(ui, ..)` function that reads the session and
//! queues [`Action`]s; [`SandtableApp`] applies the queue in one place after drawing. State
//! lives in three places: the session (the truth, saved in `*.session.ron`), the user's
//! preferences ([`app::Prefs`], saved with eframe's persistence: theme, recent files; the
//! window's size and place are remembered by eframe itself), and transient view state
//! (tab, selected charts, dialogs) with the caches derived from the session.

pub mod a11y;
pub mod actions;
pub mod actors;
pub mod app;
pub mod briefing;
pub mod charts;
pub mod choices;
pub mod classroom;
pub mod confirm;
pub mod debrief;
pub mod derived;
pub mod fan;
pub mod files;
pub mod help;
pub mod indicators;
pub mod layout;
pub mod lesson;
pub mod menu;
pub mod news;
pub mod notice;
pub mod presenter;
pub mod recover;
pub mod reports;
pub mod status;
pub mod student;
pub mod text;
pub mod timeline;
pub mod whatif;
pub mod why;
pub mod workbench;
pub mod worker;

use std::path::PathBuf;

#[cfg(not(target_arch = "wasm32"))]
use anyhow::anyhow;
#[cfg(not(target_arch = "wasm32"))]
use eframe::egui;

pub use actions::{Action, Screen, Tab};
pub use app::SandtableApp;

/// The application's id: it names the folder of saved preferences and the autosave.
pub const APP_ID: &str = "sandtable";

/// Opens the app's window on the embedded scenario, or on `file` (a scenario or a session).
/// Returns when the window is closed.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(file: Option<PathBuf>) -> anyhow::Result<()> {
    let viewport = egui::ViewportBuilder::default()
        .with_title("Sandtable")
        .with_app_id(APP_ID)
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([800.0, 560.0])
        .with_drag_and_drop(true);
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| Ok(Box::new(SandtableApp::new(cc, file)))),
    )
    .map_err(|e| {
        anyhow!(
            "cannot open the app's window: {e}\n\
             (it needs a graphical session: an X11 or Wayland display and OpenGL drivers, \
             e.g. the `libgl1-mesa-dri` package; the subcommands work without one, see --help)"
        )
    })
}

/// In a browser the page runs the app (`platform::start`), not the command line.
#[cfg(target_arch = "wasm32")]
pub fn run(_file: Option<PathBuf>) -> anyhow::Result<()> {
    anyhow::bail!("in a browser, the page runs the app")
}
